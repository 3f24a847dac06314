// Package server speaks the CIF Bridge protocol on a browser's native
// messaging pipes: it reads JSON-RPC requests in frames, answers the hello
// handshake, dispatches CIF methods to the profile's session manager, and
// writes every reply and event through one writer, each only once the
// state it reports is safely on disk.
package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/cifbridge/cif-bridge/host/config"
	"github.com/cifbridge/cif-bridge/host/templates"
	"github.com/cifbridge/cif-bridge/protocol"
)

// Config is what a server needs besides its pipes.
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
	Refusal *protocol.Error
}

// DefaultLockWait covers a browser's shutdown of the previous host:
// Chromium kills it after 2 s, Firefox after 3 s.
const DefaultLockWait = 4 * time.Second

// reply is what one request sends back: its response, then the events it
// caused, released once the state version it reports is durable.
type reply struct {
	id      json.RawMessage
	frames  [][]byte
	need    uint64 // state version to make durable first; 0 for none
	mutated bool   // the request itself changed the state
}

// conn is one browser connection.
type conn struct {
	cfg Config
	log *slog.Logger // the loop's; hello adds the profile to it
	// wlog is the writer's logger: log changes on the loop's goroutine.
	wlog     *slog.Logger
	outbox   chan reply
	stopping <-chan struct{} // closed once the server is stopping
	ws       *workspace      // nil until hello
	events   [][]byte        // events emitted by the request being handled
}

// flushWait bounds how long a stopping server waits for the writer to send
// the replies still queued. A browser that hangs without closing the pipe
// would otherwise hold the host forever; the state is saved either way.
const flushWait = 250 * time.Millisecond

// Serve answers requests from in on out until in ends (the browser closed
// the pipe), out breaks, or ctx is cancelled. It returns nil for each of
// those clean endings and an error only when the stream itself was
// unusable. Everything a reply reported is saved before Serve returns.
func Serve(ctx context.Context, in io.Reader, out io.Writer, cfg Config) error {
	if cfg.LockWait == 0 {
		cfg.LockWait = DefaultLockWait
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	c := &conn{cfg: cfg, log: cfg.Logger, wlog: cfg.Logger, outbox: make(chan reply, 256), stopping: ctx.Done()}

	written := make(chan struct{})
	go func() { defer close(written); c.write(out, stop) }()
	frames := make(chan []byte)
	readErr := make(chan error, 1)
	go read(protocol.NewReader(in, protocol.DefaultMaxIncoming), frames, readErr)

	err := c.loop(ctx, frames, readErr)
	close(c.outbox)
	select {
	case <-written:
	case <-time.After(flushWait):
		c.log.Warn("the browser is not reading; stopping without sending the last replies", "waited", flushWait)
	}
	c.ws.close(c.log)
	return err
}

// read feeds frames to the loop, and errors: an oversized frame (skipped,
// the stream still usable) or the end of the stream.
func read(r *protocol.Reader, frames chan<- []byte, errs chan<- error) {
	for {
		body, err := r.Read()
		if err == nil {
			frames <- body
			continue
		}
		errs <- err
		if _, ok := errors.AsType[*protocol.FrameTooLargeError](err); !ok {
			return
		}
	}
}

func (c *conn) loop(ctx context.Context, frames <-chan []byte, readErr <-chan error) error {
	for {
		select {
		case <-ctx.Done():
			c.log.Info("stopping", "reason", context.Cause(ctx))
			return nil
		case body := <-frames:
			c.handle(body)
		case err := <-readErr:
			if tooLarge, ok := errors.AsType[*protocol.FrameTooLargeError](err); ok {
				c.log.Warn("skipped an oversized request", "bytes", tooLarge.Size, "limit", tooLarge.Limit)
				c.send(reply{id: json.RawMessage("null"), frames: [][]byte{protocol.EncodeError(nil, &protocol.Error{Code: protocol.CodeMessageTooLarge, Message: tooLarge.Error()})}})
				continue
			}
			return c.endOfInput(err)
		}
	}
}

// endOfInput turns the reader's last error into Serve's result.
func (c *conn) endOfInput(err error) error {
	switch {
	case errors.Is(err, io.EOF):
		c.log.Info("browser closed the connection")
		return nil
	case errors.Is(err, protocol.ErrDesync):
		c.log.Error("input is not native messaging; closing", "error", err)
		return fmt.Errorf("read request: %w", err)
	default:
		c.log.Error("input ended inside a frame; closing", "error", err)
		return fmt.Errorf("read request: %w", err)
	}
}

// handle answers one request.
func (c *conn) handle(body []byte) {
	req, id, perr := protocol.DecodeRequest(body)
	if perr != nil {
		c.log.Warn("bad request", "code", perr.Code, "error", perr.Message)
		c.send(reply{id: id, frames: [][]byte{protocol.EncodeError(id, perr)}})
		return
	}
	if req.IsNotification() {
		c.log.Warn("ignored a request without id; every call needs an id to be answered", "method", req.Method)
		return
	}
	opened := c.ws != nil
	before := c.version()
	c.events = nil
	result, err := c.dispatch(req)
	var frame []byte
	if err == nil {
		frame, err = protocol.EncodeResult(id, result)
	}
	if err != nil {
		perr := protocol.AsError(err)
		c.log.Debug("call failed", "method", req.Method, "code", perr.Code, "error", perr.Message)
		frame = protocol.EncodeError(id, perr)
	}
	after := c.version()
	if !opened {
		before = after // hello restored a workspace; it changed nothing
	}
	frames := append([][]byte{frame}, c.events...)
	if after != before {
		if changed, err := protocol.EncodeNotification(NotifyChanged, map[string]uint64{"version": after}); err == nil {
			frames = append(frames, changed)
		}
	}
	c.send(reply{id: id, frames: frames, need: after, mutated: after != before})
}

// NotifyChanged tells the extension's own views that the workspace
// changed; it is never delivered to web pages.
const NotifyChanged = "cifbridge.workspaceChanged"

func (c *conn) version() uint64 {
	if c.ws == nil {
		return 0
	}
	return c.ws.manager.Version()
}

// send queues a reply for the writer. Once the server is stopping it gives
// up on a full queue, which means the browser stopped reading.
func (c *conn) send(r reply) {
	select {
	case c.outbox <- r:
		return
	default:
	}
	select {
	case c.outbox <- r:
	case <-c.stopping:
	}
}

// write owns the real stdout. It holds each reply until the state it
// reports is durable; a broken pipe stops the connection cleanly.
func (c *conn) write(out io.Writer, stop context.CancelFunc) {
	fw := protocol.NewWriter(out)
	broken := false
	for r := range c.outbox {
		if r.need > 0 {
			if err := c.ws.persister.WaitDurable(r.need); err != nil && r.mutated {
				c.wlog.Error("state not saved", "error", err)
				r.frames[0] = protocol.EncodeError(r.id, protocol.Errorf(protocol.CodeStateUnavailable,
					"the change is in effect but could not be saved (%v), so it will be lost if the host restarts; check the disk space and permissions of %s", err, c.cfg.Dirs.State))
			}
		}
		if broken {
			continue // keep draining so the loop never blocks
		}
		for i, f := range r.frames {
			if err := c.writeFrame(fw, r.id, f, i == 0); err != nil {
				c.wlog.Info("browser stopped reading; closing", "error", err)
				broken = true
				stop()
				break
			}
		}
	}
}

// writeFrame sends one frame. A response too large for the browser
// becomes a typed error response instead, and an event too large is
// dropped, so the port stays usable; any other error means the pipe broke.
func (c *conn) writeFrame(fw *protocol.Writer, id json.RawMessage, f []byte, isResponse bool) error {
	err := fw.Write(f)
	tooLarge, ok := errors.AsType[*protocol.FrameTooLargeError](err)
	switch {
	case !ok:
		return err
	case isResponse:
		c.wlog.Warn("reply too large for the browser", "bytes", tooLarge.Size)
		e := &protocol.Error{Code: protocol.CodeMessageTooLarge, Message: tooLarge.Error()}
		err := fw.Write(protocol.EncodeError(id, e))
		if _, ok := errors.AsType[*protocol.FrameTooLargeError](err); ok {
			// The id alone nearly fills a frame (no extension makes such
			// ids): answer as JSON-RPC does when the id cannot be read.
			return fw.Write(protocol.EncodeError(nil, e))
		}
		return err
	default:
		c.wlog.Warn("event too large for the browser; dropped", "bytes", tooLarge.Size)
		return nil
	}
}
