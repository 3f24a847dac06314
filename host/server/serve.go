// Package server is the connection loop of cif-host, as jsonrpc2 splits
// it from dispatch: it reads JSON-RPC requests in native-messaging frames,
// passes each to a Handler in order, and writes every reply and the events
// it caused through one writer, each only once the Handler says what it
// reports is safely stored. It knows nothing of CIF's methods.
package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cifbridge/cif-bridge/protocol"
	"github.com/cifbridge/cif-bridge/protocol/errcode"
)

// Handler answers the requests of one connection. Handle is called for
// one request at a time, in the order they arrived.
type Handler interface {
	// Handle answers one request.
	Handle(req *protocol.Request) Reply
	// Close is called once, when the connection ends: it saves what
	// remains and releases what the handler holds.
	Close()
	// Logger is what the loop logs the connection's events with on the
	// goroutine that calls Handle (hello may tell it the profile); the
	// writer goroutine logs with Serve's logger.
	Logger() *slog.Logger
}

// Reply is what one request sends back: its result or error, then the
// events it caused.
type Reply struct {
	Result any
	Err    error
	Events []protocol.Notification
	// Stored, when set, holds the reply back until what it reports is
	// stored. Replies never overtake each other.
	Stored Barrier
}

// Barrier tells when a reply may go out.
type Barrier interface {
	// Done reports, without waiting, whether the reply may go out now.
	Done() bool
	// Wait returns once the reply may go out. An error replaces the
	// reply and drops its events: the change it reported did not happen.
	Wait() error
}

// out is a reply ready to write: its frames, and what they wait for; or
// an event that no request caused (event), whose one frame is no reply.
type out struct {
	id     json.RawMessage
	frames [][]byte
	stored Barrier
	event  bool
}

// Notifier sends the browser events that no request caused, such as a
// record another agent changed.
type Notifier interface {
	// Notify queues an event for the browser without waiting: it goes
	// out after the replies already waiting to be written. It fails with
	// ErrClosed once the connection has ended, and with ErrBackedUp
	// (the event is dropped) while the browser is too far behind in
	// reading (events fill half the writer's queue).
	Notify(n protocol.Notification) error
}

// Attacher is a Handler that sends events of its own: Serve gives it the
// connection's Notifier before it handles the first request.
type Attacher interface {
	Attach(Notifier)
}

// Notify's failures.
var (
	ErrClosed   = errors.New("the browser connection has ended")
	ErrBackedUp = errors.New("the browser is not reading its events; this one is dropped")
)

// conn is one browser connection. One goroutine reads and handles the
// requests in order and sends each reply itself when it has nothing to
// wait for, which is what a read-only call needs: the call then costs no
// hand-over between goroutines. A reply that must wait for a save goes to
// the writer goroutine, and so do the replies behind it, to keep the order.
type conn struct {
	h        Handler
	log      *slog.Logger
	stopping <-chan struct{} // closed once the server is stopping
	stop     context.CancelFunc

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
	// blocked counts the replies waiting for room in the writer's queue.
	blocked int
	broken  bool // the browser stopped reading: nothing more is written
	// closed is set when Serve is ending: Notify queues nothing more. It
	// is not under outMu, which a write to a browser that stopped reading
	// holds for good.
	closed atomic.Bool
	outbox chan out
	finish chan struct{} // closed when the writer has nothing more to wait for
}

// flushWait bounds how long a stopping server waits for the writer to send
// the replies still queued. A browser that hangs without closing the pipe
// would otherwise hold the host forever; the state is saved either way.
const flushWait = 250 * time.Millisecond

// Serve answers requests from in on out with h until in ends (the browser
// closed the pipe), out breaks, or ctx is cancelled. It returns nil for
// each of those clean endings and an error only when the stream itself
// was unusable. It closes h before it returns.
func Serve(ctx context.Context, in io.Reader, w io.Writer, h Handler, log *slog.Logger) error {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	c := &conn{h: h, log: log, stopping: ctx.Done(), stop: stop,
		fw: protocol.NewWriter(w), outbox: make(chan out, 256), finish: make(chan struct{})}

	if a, ok := h.(Attacher); ok {
		a.Attach(c)
	}
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
		c.h.Logger().Info("stopping", "reason", context.Cause(ctx))
		c.turn.Unlock()
	}
	c.closed.Store(true)
	close(c.finish)
	select {
	case <-written:
	case <-time.After(flushWait):
		c.log.Warn("the browser is not reading; stopping without sending the last replies", "waited", flushWait)
	}
	h.Close()
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
		var o *out
		switch tooLarge, ok := errors.AsType[*protocol.FrameTooLargeError](err); {
		case err == nil:
			o = c.handle(body)
		case ok:
			c.h.Logger().Warn("skipped an oversized request", "bytes", tooLarge.Size, "limit", tooLarge.Limit)
			o = &out{frames: [][]byte{protocol.EncodeError(nil, &errcode.Error{Code: errcode.MessageTooLarge, Message: tooLarge.Error()})}}
		default:
			c.turn.Unlock()
			return c.endOfInput(err)
		}
		c.turn.Unlock()
		// Outside the turn: sending may block on a browser that stopped
		// reading, and Serve must still be able to stop.
		more := r.Buffered()
		if o != nil {
			c.send(*o, more)
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
		c.h.Logger().Info("browser closed the connection")
		return nil
	case errors.Is(err, protocol.ErrDesync):
		c.h.Logger().Error("input is not native messaging; closing", "error", err)
		return fmt.Errorf("read request: %w", err)
	default:
		c.h.Logger().Error("input ended inside a frame; closing", "error", err)
		return fmt.Errorf("read request: %w", err)
	}
}

// handle answers one request; it returns nil when there is nothing to
// send back.
func (c *conn) handle(body []byte) *out {
	req, id, perr := protocol.DecodeRequest(body)
	if perr != nil {
		c.h.Logger().Warn("bad request", "code", perr.Code, "error", perr.Message)
		return &out{id: id, frames: [][]byte{protocol.EncodeError(id, perr)}}
	}
	if req.IsNotification() {
		c.h.Logger().Warn("ignored a request without id; every call needs an id to be answered", "method", req.Method)
		return nil
	}
	r := c.h.Handle(req)
	frames := [][]byte{c.response(id, req.Method, r.Result, r.Err)}
	for _, n := range r.Events {
		frame, err := protocol.EncodeNotification(n.Method, n.Params)
		if err != nil {
			c.h.Logger().Error("cannot encode event", "event", n.Method, "error", err)
			continue
		}
		frames = append(frames, frame)
	}
	return &out{id: id, frames: frames, stored: r.Stored}
}

// response encodes a request's result, or its error.
func (c *conn) response(id json.RawMessage, method string, result any, err error) []byte {
	if err == nil {
		frame, encErr := protocol.EncodeResult(id, result)
		if encErr == nil {
			return frame
		}
		err = encErr
	}
	e := errcode.As(err)
	c.h.Logger().Info("call failed", "method", method, "code", e.Code, "error", e.Message)
	return protocol.EncodeError(id, e)
}

// send passes a reply on. With nothing to wait for (no earlier reply
// waits, the state it reports is stored) it goes out at once, sent with
// the next ones when more requests are already in (more); else the
// writer goroutine sends it once it may.
func (c *conn) send(o out, more bool) {
	c.outMu.Lock()
	if c.queued == 0 && (o.stored == nil || o.stored.Done()) {
		err := c.queue(o)
		if err == nil && !more {
			err = c.fw.Flush()
		}
		c.outMu.Unlock()
		c.broke(err)
		return
	}
	c.queued++
	// Into the writer's queue under outMu, so that an event Notify queues
	// from now on goes out after this reply.
	select {
	case c.outbox <- o:
		c.outMu.Unlock()
		return
	default:
	}
	// A full queue: the browser is slow to read. Wait for room without
	// outMu, which the writer needs; until then Notify drops its events
	// rather than overtake this reply. Once the server is stopping, give
	// up on the browser: it stopped reading.
	c.blocked++
	c.outMu.Unlock()
	select {
	case c.outbox <- o:
	case <-c.stopping:
	}
	c.outMu.Lock()
	c.blocked--
	c.outMu.Unlock()
}

// Notify implements Notifier. The event goes to the writer goroutine, so
// that the caller never waits for the browser to read, and replies the
// serving goroutine sends after it follow it.
func (c *conn) Notify(n protocol.Notification) error {
	frame, err := protocol.EncodeNotification(n.Method, n.Params)
	if err != nil {
		return fmt.Errorf("encoding the event %s: %w", n.Method, err)
	}
	if c.closed.Load() {
		return ErrClosed
	}
	c.outMu.Lock()
	defer c.outMu.Unlock()
	if c.closed.Load() || c.broken {
		return ErrClosed
	}
	// Events take at most half the queue, so that replies always find
	// room behind them, and none overtakes a reply waiting for room.
	if len(c.outbox) >= cap(c.outbox)/2 || c.blocked > 0 {
		return ErrBackedUp
	}
	c.outbox <- out{frames: [][]byte{frame}, event: true}
	c.queued++
	return nil
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

// write sends the replies that wait, each once it may: the saves of a
// burst of changes are shared.
func (c *conn) write() {
	for {
		select {
		case o := <-c.outbox:
			c.writeReply(o)
		case <-c.finish:
			for {
				select {
				case o := <-c.outbox:
					c.writeReply(o)
				default:
					return
				}
			}
		}
	}
}

func (c *conn) writeReply(o out) {
	if o.stored != nil {
		if err := o.stored.Wait(); err != nil {
			e := errcode.As(err)
			c.log.Error("a change was not stored; its reply says so", "code", e.Code, "error", e.Message)
			o.frames = [][]byte{protocol.EncodeError(o.id, e)}
		}
	}
	c.outMu.Lock()
	c.queued--
	err := c.queue(o)
	if err == nil && len(c.outbox) == 0 {
		err = c.fw.Flush()
	}
	c.outMu.Unlock()
	c.broke(err)
}

// queue adds a reply's frames to the writer; outMu must be held. Nothing
// is written once the browser stopped reading.
func (c *conn) queue(o out) error {
	if c.broken {
		return nil
	}
	for i, f := range o.frames {
		if err := c.writeFrame(o.id, f, i == 0 && !o.event); err != nil {
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
	c.log.Info("browser stopped reading; closing", "error", err)
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
		c.log.Warn("reply too large for the browser", "bytes", tooLarge.Size)
		e := &errcode.Error{Code: errcode.MessageTooLarge, Message: tooLarge.Error()}
		err := fw.Queue(protocol.EncodeError(id, e))
		if _, ok := errors.AsType[*protocol.FrameTooLargeError](err); ok {
			// The id alone nearly fills a frame (no extension makes such
			// ids): answer as JSON-RPC does when the id cannot be read.
			return fw.Queue(protocol.EncodeError(nil, e))
		}
		return err
	default:
		c.log.Warn("event too large for the browser; dropped", "bytes", tooLarge.Size)
		return nil
	}
}
