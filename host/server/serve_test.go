package server_test

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cifbridge/cif-bridge/host/server"
	"github.com/cifbridge/cif-bridge/internal/hosttest"
	"github.com/cifbridge/cif-bridge/protocol"
	"github.com/cifbridge/cif-bridge/protocol/errcode"
)

// fake answers by method name, so that each test drives the loop through
// exactly the case it checks.
type fake struct {
	gate     *gate
	closed   chan struct{}
	attached chan server.Notifier
}

// Attach implements server.Attacher.
func (f *fake) Attach(n server.Notifier) { f.attached <- n }

func (f *fake) Handle(req *protocol.Request) server.Reply {
	event := protocol.Notification{JSONRPC: protocol.Version, Method: "evt", Params: req.Method}
	switch req.Method {
	case "echo":
		return server.Reply{Result: req.Method, Events: []protocol.Notification{event}}
	case "huge":
		return server.Reply{Result: strings.Repeat("x", protocol.MaxOutgoing)}
	case "hugeEvent":
		return server.Reply{Result: "small", Events: []protocol.Notification{{JSONRPC: protocol.Version, Method: "big", Params: strings.Repeat("x", protocol.MaxOutgoing)}}}
	case "held":
		return server.Reply{Result: "held", Events: []protocol.Notification{event}, Stored: f.gate}
	case "unsaved":
		return server.Reply{Result: "unsaved", Events: []protocol.Notification{event}, Stored: failed{}}
	}
	return server.Reply{Err: errcode.Errorf(errcode.MethodNotFound, "no %s", req.Method)}
}

func (f *fake) Close() { close(f.closed) }

func (f *fake) Logger() *slog.Logger { return slog.New(slog.DiscardHandler) }

// gate holds replies back until the test opens it.
type gate struct {
	once sync.Once
	open chan struct{}
	// asked is told when the server first asks whether the change is
	// stored: the held reply is then being queued.
	asked chan struct{}
}

func (g *gate) Done() bool {
	select {
	case g.asked <- struct{}{}:
	default:
	}
	select {
	case <-g.open:
		return true
	default:
		return false
	}
}

func (g *gate) Wait() error { <-g.open; return nil }

func (g *gate) release() { g.once.Do(func() { close(g.open) }) }

// failed is a barrier whose store failed.
type failed struct{}

func (failed) Done() bool  { return false }
func (failed) Wait() error { return errcode.Errorf(errcode.StateUnavailable, "disk full") }

func start(t *testing.T) (*hosttest.Conn, *fake) {
	f := &fake{gate: &gate{open: make(chan struct{}), asked: make(chan struct{}, 1)}, closed: make(chan struct{}), attached: make(chan server.Notifier, 1)}
	t.Cleanup(f.gate.release)
	c := hosttest.Serve(t, func(ctx context.Context, in io.Reader, out io.Writer) error {
		return server.Serve(ctx, in, out, f, nil)
	})
	return c, f
}

func TestRepliesComeInOrderEachBeforeItsEvents(t *testing.T) {
	c, f := start(t)
	held := c.Send("held", nil)
	after := c.Send("echo", nil)
	f.gate.release()
	m := c.Response(held)
	assert.JSONEq(t, `"held"`, string(m.Result))
	assert.JSONEq(t, `"echo"`, string(c.Response(after).Result), "a reply that waits for nothing still waits for the ones before it")
	require.Len(t, c.Events, 1)
	assert.JSONEq(t, `"held"`, string(c.Events[0].Params))
	c.Stop()
	<-f.closed
}

func TestAReplyWhoseChangeWasNotStoredBecomesTheErrorAndLosesItsEvents(t *testing.T) {
	c, _ := start(t)
	m := c.Call("unsaved", nil)
	require.NotNil(t, m.Error)
	assert.Equal(t, errcode.StateUnavailable, m.Error.Code)
	assert.Equal(t, "disk full", m.Error.Message)
	assert.JSONEq(t, `"echo"`, string(c.Call("echo", nil).Result))
	assert.Empty(t, c.Events, "the failed reply's event is gone")
	assert.JSONEq(t, `"echo"`, string(c.Read().Params), "echo's event follows its reply")
}

func TestARequestWithoutAnIDGetsNoReply(t *testing.T) {
	c, _ := start(t)
	c.SendRaw([]byte(`{"jsonrpc":"2.0","method":"echo"}`))
	assert.JSONEq(t, `"echo"`, string(c.Call("echo", nil).Result))
}

func TestTooLargeRepliesAndEvents(t *testing.T) {
	c, _ := start(t)
	m := c.Call("huge", nil)
	require.NotNil(t, m.Error)
	assert.Equal(t, errcode.MessageTooLarge, m.Error.Code)
	assert.JSONEq(t, `"small"`, string(c.Call("hugeEvent", nil).Result))
	assert.Empty(t, c.Events, "an event too large for the browser is dropped")

	// The id nearly fills a frame, so even the MessageTooLarge error
	// cannot echo it and goes out with id null.
	c.SendRaw([]byte(`{"jsonrpc":"2.0","id":"` + strings.Repeat("i", protocol.DefaultMaxIncoming-60) + `","method":"huge"}`))
	assert.Equal(t, errcode.MessageTooLarge, c.ResponseTo("null").Error.Code)
	assert.JSONEq(t, `"echo"`, string(c.Call("echo", nil).Result))
}

func TestAnOversizedRequestIsSkippedAndTheStreamGoesOn(t *testing.T) {
	c, _ := start(t)
	body := strings.Repeat("x", protocol.DefaultMaxIncoming+1)
	c.SendBytes(append(binary.NativeEndian.AppendUint32(nil, uint32(len(body))), body...))
	m := c.ResponseTo("null")
	assert.Equal(t, errcode.MessageTooLarge, m.Error.Code)
	assert.JSONEq(t, `"echo"`, string(c.Call("echo", nil).Result))
}

func TestServeStopsWhenTheContextEnds(t *testing.T) {
	f := &fake{gate: &gate{open: make(chan struct{}), asked: make(chan struct{}, 1)}, closed: make(chan struct{}), attached: make(chan server.Notifier, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	inR, inW := io.Pipe()
	defer inW.Close()
	done := make(chan error, 1)
	go func() { done <- server.Serve(ctx, inR, io.Discard, f, nil) }()
	cancel()
	require.NoError(t, <-done)
	<-f.closed
	assert.False(t, errors.Is(context.Cause(ctx), context.DeadlineExceeded))
}

func changed(id string) protocol.Notification {
	return protocol.Notification{JSONRPC: protocol.Version, Method: "changed", Params: id}
}

func TestAnEventNoRequestCausedGoesOutByItself(t *testing.T) {
	c, f := start(t)
	n := <-f.attached
	// From another goroutine, with no request in flight: the browser
	// reads it without asking.
	done := make(chan error)
	go func() { done <- n.Notify(changed("a")) }()
	require.NoError(t, <-done)
	m := c.Read()
	assert.Equal(t, "changed", m.Method)
	assert.Nil(t, m.ID)
	assert.JSONEq(t, `"a"`, string(m.Params))
	assert.JSONEq(t, `"echo"`, string(c.Call("echo", nil).Result), "replies go on after it")
}

func TestAnEventWaitsBehindTheRepliesBeforeIt(t *testing.T) {
	c, f := start(t)
	n := <-f.attached
	held := c.Send("held", nil)
	select {
	case <-f.gate.asked:
	case <-time.After(10 * time.Second):
		t.Fatal("the held request was not handled within 10 s")
	}
	require.NoError(t, n.Notify(changed("b")))
	f.gate.release()
	m := c.Read()
	assert.JSONEq(t, fmt.Sprint(held), string(m.ID), "the held reply first")
	assert.Equal(t, "evt", c.Read().Method, "then its own event")
	m = c.Read()
	assert.Equal(t, "changed", m.Method, "then the event queued behind them")
	assert.JSONEq(t, `"b"`, string(m.Params))
}

func TestNotifyNeverWaitsForTheBrowser(t *testing.T) {
	c, f := start(t)
	n := <-f.attached
	held := c.Send("held", nil) // the writer waits on it: nothing is written
	select {
	case <-f.gate.asked:
	case <-time.After(10 * time.Second):
		t.Fatal("the held request was not handled within 10 s")
	}
	queued := 0
	var err error
	for ; queued < 1000; queued++ {
		if err = n.Notify(changed("c")); err != nil {
			break
		}
	}
	assert.ErrorIs(t, err, server.ErrBackedUp, "a backed-up queue drops the event rather than wait")
	assert.Less(t, queued, 256, "events leave room for replies")
	f.gate.release()
	// The held reply was queued before the events: it comes first, then
	// its own event, then the events in the order they were queued.
	assert.JSONEq(t, fmt.Sprint(held), string(c.Read().ID))
	assert.Equal(t, "evt", c.Read().Method)
	changes := 0
	for range queued {
		m := c.Read()
		assert.Equal(t, "changed", m.Method)
		changes++
	}
	assert.Equal(t, queued, changes)
	assert.JSONEq(t, `"echo"`, string(c.Call("echo", nil).Result), "the connection goes on")
	c.Stop()
	<-f.closed
	assert.ErrorIs(t, n.Notify(changed("d")), server.ErrClosed)
}
