package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"

	"github.com/cifbridge/cif-bridge/host/session"
	"github.com/cifbridge/cif-bridge/host/store"
	"github.com/cifbridge/cif-bridge/host/templates"
	"github.com/cifbridge/cif-bridge/protocol"
	"github.com/cifbridge/cif-bridge/protocol/errcode"
)

// workspace is one browser profile's sessions, opened by hello.
type workspace struct {
	profile   string
	file      *store.File
	manager   *session.Manager
	persister *session.Persister
}

// helloParams is what the extension says first.
type helloParams struct {
	ProtocolVersion  int    `json:"protocolVersion"`
	ExtensionVersion string `json:"extensionVersion"`
	ProfileID        string `json:"profileId"`
}

// HelloResult tells the extension who answers and what it may ask.
type HelloResult struct {
	HostVersion     string              `json:"hostVersion"`
	ProtocolVersion int                 `json:"protocolVersion"`
	Capabilities    []string            `json:"capabilities"`
	Limits          Limits              `json:"limits"`
	ProfileID       string              `json:"profileId"`
	StateFile       string              `json:"stateFile"`
	LogFile         string              `json:"logFile"`
	Problems        []templates.Problem `json:"problems"`
}

// Limits are the numbers a caller must stay within.
type Limits struct {
	MaxSessions      int `json:"maxSessions"`
	MaxRequestBytes  int `json:"maxRequestBytes"`
	MaxResponseBytes int `json:"maxResponseBytes"`
}

func (c *conn) hello(raw json.RawMessage) (any, error) {
	p, err := decode[helloParams]("hello", raw)
	if err != nil {
		return nil, err
	}
	if p.ProtocolVersion != protocol.ProtocolVersion {
		return nil, errcode.Errorf(errcode.ProtocolMismatch,
			"the extension (version %q) speaks protocol %d and cif-host %s speaks protocol %d; install matching versions of both (run ./install.sh from the same checkout as the extension)",
			p.ExtensionVersion, p.ProtocolVersion, c.cfg.HostVersion, protocol.ProtocolVersion)
	}
	if !store.ValidProfile(p.ProfileID) {
		return nil, errcode.Errorf(errcode.InvalidParams, "hello: profileId %q must be 1 to 64 letters, digits, '-' or '_' (the extension makes a random one)", p.ProfileID)
	}
	if c.ws == nil {
		ws, err := c.open(p.ProfileID)
		if err != nil {
			return nil, err
		}
		c.ws = ws
		c.log = c.log.With("profile", p.ProfileID)
		view, _ := ws.manager.View()
		c.log.Info("hello", "extensionVersion", p.ExtensionVersion, "sessions", len(view.Sessions))
	} else if c.ws.profile != p.ProfileID {
		return nil, errcode.Errorf(errcode.InvalidRequest, "hello: this connection already serves profile %s; open a new connection for another profile", c.ws.profile)
	}
	return HelloResult{
		HostVersion:     c.cfg.HostVersion,
		ProtocolVersion: protocol.ProtocolVersion,
		Capabilities:    slices.Sorted(methodNames()),
		Limits: Limits{
			MaxSessions:      c.ws.manager.MaxSessions(),
			MaxRequestBytes:  protocol.DefaultMaxIncoming,
			MaxResponseBytes: protocol.MaxOutgoing,
		},
		ProfileID: p.ProfileID,
		StateFile: c.ws.file.Path(),
		LogFile:   c.cfg.Dirs.LogFile(),
		Problems:  append([]templates.Problem{}, c.cfg.Problems...),
	}, nil
}

// open locks and loads a profile's state. An unreadable state file is
// moved aside and logged, and the profile starts empty.
func (c *conn) open(profile string) (*workspace, error) {
	file, err := store.Open(c.cfg.Dirs.ProfilesDir(), profile)
	if err != nil {
		return nil, errcode.Errorf(errcode.StateUnavailable, "cannot open the state of profile %s: %v; check that %s is writable", profile, err, c.cfg.Dirs.State)
	}
	if err := file.Lock(c.cfg.LockWait); err != nil {
		if errors.Is(err, store.ErrBusy) {
			return nil, errcode.Errorf(errcode.ProfileBusy, "%v (state %s); close the other browser window using this profile, or wait for the old host to exit, then retry", err, file.Path())
		}
		return nil, errcode.Errorf(errcode.StateUnavailable, "cannot lock the state of profile %s: %v", profile, err)
	}
	state, version, err := c.load(file)
	if err != nil {
		file.Close()
		return nil, err
	}
	ws := &workspace{profile: profile, file: file}
	ws.manager = session.New(state, session.Options{
		Catalog:     c.cfg.Catalog,
		MaxSessions: c.cfg.Settings.MaxSessions,
		OrgURL:      c.cfg.Settings.OrganizationURL,
		Version:     version,
		Now:         c.cfg.Now,
		Emit:        c.emit,
	})
	ws.persister = session.NewPersister(ws.manager, file)
	return ws, nil
}

func (c *conn) load(file *store.File) (*session.State, uint64, error) {
	data, err := file.Load()
	if err != nil {
		return nil, 0, errcode.Errorf(errcode.StateUnavailable, "cannot read %s: %v; check its permissions", file.Path(), err)
	}
	state, version, err := session.Decode(data)
	if err == nil {
		return state, version, nil
	}
	aside, qerr := file.Quarantine(c.cfg.Now())
	if qerr != nil {
		return nil, 0, errcode.Errorf(errcode.StateUnavailable, "%s is unreadable (%v) and could not be moved aside (%v); move it away by hand", file.Path(), err, qerr)
	}
	c.log.Error("state file unreadable; moved it aside and started with no sessions", "error", err, "movedTo", aside)
	return &session.State{}, 0, nil
}

// emit queues a manager event as a notification after the current reply.
func (c *conn) emit(e session.Event) {
	frame, err := protocol.EncodeNotification(e.Name, map[string]any{"provider": e.Provider, "data": e.Data})
	if err != nil {
		c.log.Error("cannot encode event", "event", e.Name, "error", err)
		return
	}
	c.events = append(c.events, frame)
}

// close saves whatever is not yet saved and releases the profile.
func (ws *workspace) close(log *slog.Logger) {
	if ws == nil {
		return
	}
	if err := ws.persister.WaitDurable(ws.manager.Version()); err != nil {
		log.Error("final save failed; the last changes are lost", "error", err)
	}
	if err := ws.file.Close(); err != nil {
		log.Warn("releasing the profile lock", "error", fmt.Errorf("close %s: %w", ws.file.Path(), err))
	}
}
