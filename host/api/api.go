// Package api is CIF Bridge's protocol on top of JSON-RPC: the table of
// methods (each named once, with who may call it), the strict decoding of
// their parameters, hello, and the browser profile whose session manager
// answers them. It implements server.Handler for one connection.
package api

import (
	"log/slog"
	"slices"
	"time"

	"github.com/cifbridge/cif-bridge/host/config"
	"github.com/cifbridge/cif-bridge/host/records"
	"github.com/cifbridge/cif-bridge/host/server"
	"github.com/cifbridge/cif-bridge/host/session"
	"github.com/cifbridge/cif-bridge/host/templates"
	"github.com/cifbridge/cif-bridge/protocol"
	"github.com/cifbridge/cif-bridge/protocol/errcode"
)

// Config is what a connection needs.
type Config struct {
	HostVersion string
	Dirs        config.Dirs
	Catalog     *templates.Catalog
	// Problems are the faults found in the templates and settings files;
	// hello reports them so the extension can show them.
	Problems []templates.Problem
	Settings config.Settings
	Logger   *slog.Logger
	// LockWait bounds the wait for another host serving the same profile
	// to exit; DefaultLockWait when 0.
	LockWait time.Duration
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// Refusal, when set, answers every request: the caller is not an
	// extension this host admits.
	Refusal *errcode.Error
	// Records is the organisation, shared by every connection of the
	// process; opened on its first use.
	Records records.Store
}

// DefaultLockWait covers a browser's shutdown of the previous host:
// Chromium kills it after 2 s, Firefox after 3 s.
const DefaultLockWait = 4 * time.Second

// WorkspaceChanged tells the extension's own views that the workspace
// changed; it is never delivered to web pages.
const WorkspaceChanged = "cifbridge.workspaceChanged"

// Events are the notifications cif-host sends, by name.
func Events() []string {
	return []string{session.EventSessionClosed, session.EventSessionSwitched, WorkspaceChanged, OpenPage, RecordChanged}
}

// Conn answers one browser connection.
type Conn struct {
	cfg     Config
	log     *slog.Logger
	profile *profile // nil until hello
	events  []protocol.Notification

	// notifier sends the events no request caused (RecordChanged); set
	// by Attach before the first request, nil when Serve gives none.
	notifier server.Notifier
	// unwatch stops RecordChanged, which hello starts.
	unwatch func()
}

var _ server.Attacher = (*Conn)(nil)

// Attach implements server.Attacher.
func (c *Conn) Attach(n server.Notifier) { c.notifier = n }

// New returns the handler of one connection.
func New(cfg Config) *Conn {
	if cfg.LockWait == 0 {
		cfg.LockWait = DefaultLockWait
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Conn{cfg: cfg, log: cfg.Logger}
}

// Handle answers one request, with the events it caused and, after a
// change, WorkspaceChanged.
func (c *Conn) Handle(req *protocol.Request) server.Reply {
	if c.cfg.Refusal != nil {
		return server.Reply{Err: c.cfg.Refusal}
	}
	if req.Method == "hello" {
		result, err := c.hello(req.Params)
		return server.Reply{Result: result, Err: err}
	}
	if c.profile == nil {
		return server.Reply{Err: errcode.Errorf(errcode.HandshakeRequired, "%s called before hello; the extension must send hello first on every connection", errcode.Clip(req.Method))}
	}
	before := c.profile.manager.Version()
	c.events = c.events[:0]
	result, err := c.dispatch(req.Method, req.Params)
	after := c.profile.manager.Version()
	events := slices.Clone(c.events)
	if after != before {
		events = append(events, protocol.Notification{JSONRPC: protocol.Version, Method: WorkspaceChanged, Params: c.workspaceChange(before, after)})
	}
	return server.Reply{Result: result, Err: err, Events: events, Stored: c.profile.stored(after, after != before)}
}

// WorkspaceChange is WorkspaceChanged's params: the version after a
// call's change and, when the call made one change small enough to send,
// that change, which the extension applies to the workspace it has at the
// version before in place of reading the workspace again.
type WorkspaceChange struct {
	Version uint64         `json:"version"`
	Change  *session.Delta `json:"change,omitempty"`
}

func (c *Conn) workspaceChange(before, after uint64) WorkspaceChange {
	w := WorkspaceChange{Version: after}
	if after == before+1 {
		if d, ok := c.profile.manager.DeltaAt(after); ok {
			w.Change = &d
		}
	}
	return w
}

// Close saves whatever is not yet saved and releases the profile.
func (c *Conn) Close() {
	if c.unwatch != nil {
		c.unwatch()
	}
	c.profile.close(c.log)
}

// Logger is the connection's logger, which names the profile after hello.
func (c *Conn) Logger() *slog.Logger { return c.log }

// dispatch finds the method, checks who may call it and runs it.
func (c *Conn) dispatch(name string, params []byte) (any, error) {
	m, ok := methodByName[name]
	if !ok {
		return nil, errcode.Errorf(errcode.MethodNotFound, "cif-host has no method %q; hello's capabilities list the methods it has", errcode.Clip(name))
	}
	env, err := readEnvelope(name, params)
	if err != nil {
		return nil, err
	}
	if err := m.caller.admits(name, env.Provider); err != nil {
		return nil, err
	}
	return m.run(call{method: name, provider: env.Provider, args: env.Args, sessions: c.profile.manager, catalog: c.cfg.Catalog, records: c.cfg.Records,
		settings: c.cfg.Settings, hostVersion: c.cfg.HostVersion,
		notify: func(n protocol.Notification) { c.events = append(c.events, n) }})
}

// emit queues a manager event as a notification after the current reply.
func (c *Conn) emit(e session.Event) {
	c.events = append(c.events, protocol.Notification{JSONRPC: protocol.Version, Method: e.Name, Params: map[string]any{"provider": e.Provider, "data": e.Data}})
}
