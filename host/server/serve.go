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
	"sync"
	"time"

	"github.com/cifbridge/cif-bridge/host/config"
	"github.com/cifbridge/cif-bridge/host/templates"
	"github.com/cifbridge/cif-bridge/protocol"
	"github.com/cifbridge/cif-bridge/protocol/errcode"
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
	Refusal *errcode.Error
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

// conn is one browser connection. One goroutine reads and handles the
// requests in order and sends each reply itself when it has nothing to
// wait for, which is what a read-only call needs: the call then costs no
// hand-over between goroutines. A reply that must wait for a save goes to
// the writer goroutine, and so do the replies behind it, to keep the order.
type conn struct {
	cfg Config
	log *slog.Logger // the serving goroutine's; hello adds the profile to it
	// wlog is the writer's logger: log changes on the serving goroutine.
	wlog     *slog.Logger
	stopping <-chan struct{} // closed once the server is stopping
	stop     context.CancelFunc
	ws       *workspace // nil until hello
	events   [][]byte   // events emitted by the request being handled

	// turn is held while a request is handled, so that Serve stops
	// between requests; stopped tells the serving goroutine to handle no
	// more.
	turn    sync.Mutex
	stopped bool

	// outMu guards the frame writer, and the replies handed to the
	// writer goroutine (queued) that later replies must not overtake.
	outMu  sync.Mutex
	fw     *protocol.Writer
	queued int
	broken bool // the browser stopped reading: nothing more is written
	outbox chan reply
	finish chan struct{} // closed when the writer has nothing more to wait for
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
	c := &conn{cfg: cfg, log: cfg.Logger, wlog: cfg.Logger, stopping: ctx.Done(), stop: stop,
		fw: protocol.NewWriter(out), outbox: make(chan reply, 256), finish: make(chan struct{})}

	written := make(chan struct{})
	go func() { defer close(written); c.write() }()
	served := make(chan error, 1)
	go func() { served <- c.serve(protocol.NewReader(in, protocol.DefaultMaxIncoming)) }()

	var err error
	select {
	case err = <-served:
	case <-ctx.Done():
		// The serving goroutine may be blocked reading, or writing to a
		// browser that stopped reading: stop it between requests and
		// leave it there.
		c.turn.Lock()
		c.stopped = true
		c.turn.Unlock()
		c.log.Info("stopping", "reason", context.Cause(ctx))
	}
	close(c.finish)
	select {
	case <-written:
	case <-time.After(flushWait):
		c.log.Warn("the browser is not reading; stopping without sending the last replies", "waited", flushWait)
	}
	c.ws.close(c.log)
	return err
}

// serve reads and handles requests until the input ends or Serve stops
// it. An oversized frame is skipped and answered; the stream goes on.
func (c *conn) serve(r *protocol.Reader) error {
	for {
		body, err := r.Read()
		c.turn.Lock()
		if c.stopped {
			c.turn.Unlock()
			return nil
		}
		var out *reply
		switch tooLarge, ok := errors.AsType[*protocol.FrameTooLargeError](err); {
		case err == nil:
			out = c.handle(body)
		case ok:
			c.log.Warn("skipped an oversized request", "bytes", tooLarge.Size, "limit", tooLarge.Limit)
			out = &reply{id: json.RawMessage("null"), frames: [][]byte{protocol.EncodeError(nil, &errcode.Error{Code: errcode.MessageTooLarge, Message: tooLarge.Error()})}}
		default:
			c.turn.Unlock()
			return c.endOfInput(err)
		}
		c.turn.Unlock()
		// Outside the turn: sending may block on a browser that stopped
		// reading, and Serve must still be able to stop.
		more := r.Buffered()
		if out != nil {
			c.send(*out, more)
		}
		if !more {
			c.flush()
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

// handle answers one request; it returns nil when there is nothing to
// send back.
func (c *conn) handle(body []byte) *reply {
	req, id, perr := protocol.DecodeRequest(body)
	if perr != nil {
		c.log.Warn("bad request", "code", perr.Code, "error", perr.Message)
		return &reply{id: id, frames: [][]byte{protocol.EncodeError(id, perr)}}
	}
	if req.IsNotification() {
		c.log.Warn("ignored a request without id; every call needs an id to be answered", "method", req.Method)
		return nil
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
		perr := errcode.As(err)
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
	return &reply{id: id, frames: frames, need: after, mutated: after != before}
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

// send passes a reply on. With nothing to wait for (no earlier reply
// waits, the state it reports is saved) it goes out at once, sent with
// the next ones when more requests are already in (more); else the
// writer goroutine sends it once the state is durable.
func (c *conn) send(r reply, more bool) {
	c.outMu.Lock()
	if c.queued == 0 && (r.need == 0 || c.ws.persister.Saved(r.need)) {
		err := c.queue(r)
		if err == nil && !more {
			err = c.fw.Flush()
		}
		c.outMu.Unlock()
		c.broke(err)
		return
	}
	c.queued++
	c.outMu.Unlock()
	select {
	case c.outbox <- r:
		return
	default:
	}
	// A full queue: the browser is slow to read. Once the server is
	// stopping, give up on it, which means the browser stopped reading.
	select {
	case c.outbox <- r:
	case <-c.stopping:
	}
}

// flush sends what the serving goroutine queued, unless the writer
// goroutine has replies to send after it, which it then sends too.
func (c *conn) flush() {
	c.outMu.Lock()
	var err error
	if c.queued == 0 && !c.broken {
		err = c.fw.Flush()
	}
	c.outMu.Unlock()
	c.broke(err)
}

// write sends the replies that wait for a save, each once the state it
// reports is durable: the saves of a burst of changes are shared.
func (c *conn) write() {
	for {
		select {
		case r := <-c.outbox:
			c.writeReply(r)
		case <-c.finish:
			for {
				select {
				case r := <-c.outbox:
					c.writeReply(r)
				default:
					return
				}
			}
		}
	}
}

func (c *conn) writeReply(r reply) {
	if r.need > 0 {
		if err := c.ws.persister.WaitDurable(r.need); err != nil && r.mutated {
			c.wlog.Error("state not saved", "error", err)
			r.frames[0] = protocol.EncodeError(r.id, errcode.Errorf(errcode.StateUnavailable,
				"the change is in effect but could not be saved (%v), so it will be lost if the host restarts; check the disk space and permissions of %s", err, c.cfg.Dirs.State))
		}
	}
	c.outMu.Lock()
	c.queued--
	err := c.queue(r)
	if err == nil && len(c.outbox) == 0 {
		err = c.fw.Flush()
	}
	c.outMu.Unlock()
	c.broke(err)
}

// queue adds a reply's frames to the writer; outMu must be held. Nothing
// is written once the browser stopped reading.
func (c *conn) queue(r reply) error {
	if c.broken {
		return nil
	}
	for i, f := range r.frames {
		if err := c.writeFrame(r.id, f, i == 0); err != nil {
			c.broken = true
			return err
		}
	}
	return nil
}

// broke ends the connection after a write failed: the browser stopped
// reading.
func (c *conn) broke(err error) {
	if err == nil {
		return
	}
	c.outMu.Lock()
	c.broken = true
	c.outMu.Unlock()
	c.wlog.Info("browser stopped reading; closing", "error", err)
	c.stop()
}

// writeFrame queues one frame. A response too large for the browser
// becomes a typed error response instead, and an event too large is
// dropped, so the port stays usable; any other error means the pipe broke.
func (c *conn) writeFrame(id json.RawMessage, f []byte, isResponse bool) error {
	fw := c.fw
	err := fw.Queue(f)
	tooLarge, ok := errors.AsType[*protocol.FrameTooLargeError](err)
	switch {
	case !ok:
		return err
	case isResponse:
		c.wlog.Warn("reply too large for the browser", "bytes", tooLarge.Size)
		e := &errcode.Error{Code: errcode.MessageTooLarge, Message: tooLarge.Error()}
		err := fw.Queue(protocol.EncodeError(id, e))
		if _, ok := errors.AsType[*protocol.FrameTooLargeError](err); ok {
			// The id alone nearly fills a frame (no extension makes such
			// ids): answer as JSON-RPC does when the id cannot be read.
			return fw.Queue(protocol.EncodeError(nil, e))
		}
		return err
	default:
		c.wlog.Warn("event too large for the browser; dropped", "bytes", tooLarge.Size)
		return nil
	}
}
