package e2e

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// driver runs script in a browser's tabs, for what no web page can do in a
// test: work the extension's own pages (its panel, its options) as the
// agent would. Chromium is driven over the DevTools protocol on a pipe,
// Firefox over WebDriver BiDi.
type driver interface {
	// open opens url in a new tab and returns the tab's handle.
	open(url string) (string, error)
	// find returns the handle of an open tab, or of a frame in a tab,
	// showing url.
	find(url string) (string, error)
	// resize gives a tab's page a viewport of this size, as the agent
	// resizing the window (or the panel) would.
	resize(tab string, width, height int) error
	// activate brings a tab to the front, as the agent clicking it would.
	activate(tab string) error
	// close closes a tab, as the agent would.
	close(tab string) error
	// eval runs expr in the tab, as if the user had just clicked, awaits
	// it and returns its value as JSON.
	eval(tab, expr string) (json.RawMessage, error)
	// click presses and releases the left mouse button at a point of the
	// tab's viewport: a click the page sees as the user's (isTrusted).
	click(tab string, x, y float64) error
}

// rpc is a request/response client over some transport: the DevTools pipe
// and BiDi share it.
type rpc struct {
	mu      sync.Mutex
	nextID  int
	pending map[int]chan rpcReply
	send    func([]byte) error
	closed  chan struct{}
}

type rpcReply struct {
	raw json.RawMessage
	err error
}

func newRPC(send func([]byte) error) *rpc {
	return &rpc{pending: map[int]chan rpcReply{}, send: send, closed: make(chan struct{})}
}

// call sends a command and waits, with a bound, for its reply.
func (c *rpc) call(msg map[string]any) (json.RawMessage, error) {
	c.mu.Lock()
	c.nextID++
	id := c.nextID
	ch := make(chan rpcReply, 1)
	c.pending[id] = ch
	c.mu.Unlock()
	msg["id"] = id
	body, err := json.Marshal(msg)
	if err != nil {
		return nil, err
	}
	if err := c.send(body); err != nil {
		return nil, err
	}
	select {
	case r := <-ch:
		return r.raw, r.err
	case <-c.closed:
		return nil, fmt.Errorf("the browser closed the automation channel during %v", msg["method"])
	case <-time.After(30 * time.Second):
		return nil, fmt.Errorf("no reply to %v within 30 s", msg["method"])
	}
}

// dispatch hands one incoming message to its caller; events are ignored.
func (c *rpc) dispatch(body []byte, decode func([]byte) (int, json.RawMessage, error)) {
	id, raw, err := decode(body)
	if id == 0 {
		return
	}
	c.mu.Lock()
	ch := c.pending[id]
	delete(c.pending, id)
	c.mu.Unlock()
	if ch != nil {
		ch <- rpcReply{raw, err}
	}
}

// wrapEval turns an expression into one that yields its awaited value as a
// JSON string, so both protocols return plain text.
func wrapEval(expr string) string {
	return "(async () => JSON.stringify(await (" + expr + ")))()"
}

// --- Chromium: the DevTools protocol on --remote-debugging-pipe ---------------

// cdpPipes are the two pipes Chromium reads (fd 3) and writes (fd 4).
type cdpPipes struct {
	toBrowser, fromBrowser *os.File // our ends
	theirs                 []*os.File
}

func newCDPPipes(t testing.TB) *cdpPipes {
	inR, inW, err := os.Pipe()
	require.NoError(t, err)
	outR, outW, err := os.Pipe()
	require.NoError(t, err)
	return &cdpPipes{toBrowser: inW, fromBrowser: outR, theirs: []*os.File{inR, outW}}
}

type cdp struct {
	*rpc
	mu       sync.Mutex
	sessions map[string]string // tab (target id) -> session id
}

func newCDP(p *cdpPipes) *cdp {
	for _, f := range p.theirs {
		f.Close() // the browser holds its copies
	}
	c := &cdp{sessions: map[string]string{}}
	c.rpc = newRPC(func(b []byte) error {
		_, err := p.toBrowser.Write(append(b, 0))
		return err
	})
	go func() {
		defer close(c.closed)
		r := bufio.NewReader(p.fromBrowser)
		for {
			msg, err := r.ReadBytes(0)
			if err != nil {
				return
			}
			c.dispatch(msg[:len(msg)-1], decodeCDP)
		}
	}()
	return c
}

func decodeCDP(body []byte) (int, json.RawMessage, error) {
	var m struct {
		ID     int             `json:"id"`
		Result json.RawMessage `json:"result"`
		Error  *struct {
			Message string `json:"message"`
		} `json:"error"`
	}
	if json.Unmarshal(body, &m) != nil {
		return 0, nil, nil
	}
	if m.Error != nil {
		return m.ID, nil, fmt.Errorf("devtools: %s", m.Error.Message)
	}
	return m.ID, m.Result, nil
}

func (c *cdp) open(url string) (string, error) {
	raw, err := c.call(map[string]any{"method": "Target.createTarget", "params": map[string]any{"url": url}})
	if err != nil {
		return "", err
	}
	var target struct{ TargetID string }
	if err := json.Unmarshal(raw, &target); err != nil {
		return "", err
	}
	return c.attach(target.TargetID)
}

func (c *cdp) find(url string) (string, error) {
	raw, err := c.call(map[string]any{"method": "Target.getTargets", "params": map[string]any{}})
	if err != nil {
		return "", err
	}
	var targets struct {
		TargetInfos []struct{ TargetID, Type, URL string }
	}
	if err := json.Unmarshal(raw, &targets); err != nil {
		return "", err
	}
	for _, ti := range targets.TargetInfos {
		// A frame of another site than its page's is a target of its own.
		if (ti.Type == "page" || ti.Type == "iframe") && ti.URL == url {
			return c.attach(ti.TargetID)
		}
	}
	return "", fmt.Errorf("no tab shows %s", url)
}

func (c *cdp) resize(tab string, width, height int) error {
	c.mu.Lock()
	session := c.sessions[tab]
	c.mu.Unlock()
	_, err := c.call(map[string]any{"method": "Emulation.setDeviceMetricsOverride", "sessionId": session, "params": map[string]any{
		"width": width, "height": height, "deviceScaleFactor": 1, "mobile": false,
	}})
	return err
}

func (c *cdp) activate(tab string) error {
	_, err := c.call(map[string]any{"method": "Target.activateTarget", "params": map[string]any{"targetId": tab}})
	return err
}

func (c *cdp) close(tab string) error {
	_, err := c.call(map[string]any{"method": "Target.closeTarget", "params": map[string]any{"targetId": tab}})
	return err
}

// screenshot renders a tab at the given size as PNG.
func (c *cdp) screenshot(tab string, width, height int) ([]byte, error) {
	c.mu.Lock()
	session := c.sessions[tab]
	c.mu.Unlock()
	if _, err := c.call(map[string]any{"method": "Emulation.setDeviceMetricsOverride", "sessionId": session, "params": map[string]any{
		"width": width, "height": height, "deviceScaleFactor": 2, "mobile": false,
	}}); err != nil {
		return nil, err
	}
	raw, err := c.call(map[string]any{"method": "Page.captureScreenshot", "sessionId": session, "params": map[string]any{"format": "png"}})
	if err != nil {
		return nil, err
	}
	var shot struct{ Data []byte }
	return shot.Data, json.Unmarshal(raw, &shot)
}

func (c *cdp) click(tab string, x, y float64) error {
	c.mu.Lock()
	session := c.sessions[tab]
	c.mu.Unlock()
	for _, kind := range []string{"mouseMoved", "mousePressed", "mouseReleased"} {
		if _, err := c.call(map[string]any{"method": "Input.dispatchMouseEvent", "sessionId": session, "params": map[string]any{
			"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1,
		}}); err != nil {
			return err
		}
	}
	return nil
}

// attach opens a session on a target, through which eval runs.
func (c *cdp) attach(targetID string) (string, error) {
	raw, err := c.call(map[string]any{"method": "Target.attachToTarget", "params": map[string]any{"targetId": targetID, "flatten": true}})
	if err != nil {
		return "", err
	}
	var attached struct{ SessionID string }
	if err := json.Unmarshal(raw, &attached); err != nil {
		return "", err
	}
	c.mu.Lock()
	c.sessions[targetID] = attached.SessionID
	c.mu.Unlock()
	return targetID, nil
}

func (c *cdp) eval(tab, expr string) (json.RawMessage, error) {
	c.mu.Lock()
	session := c.sessions[tab]
	c.mu.Unlock()
	raw, err := c.call(map[string]any{"method": "Runtime.evaluate", "sessionId": session, "params": map[string]any{
		"expression": wrapEval(expr), "awaitPromise": true, "returnByValue": true, "userGesture": true,
	}})
	if err != nil {
		return nil, err
	}
	var res struct {
		Result struct {
			Value json.RawMessage `json:"value"`
		} `json:"result"`
		ExceptionDetails *struct {
			Text      string `json:"text"`
			Exception struct {
				Description string `json:"description"`
			} `json:"exception"`
		} `json:"exceptionDetails"`
	}
	if err := json.Unmarshal(raw, &res); err != nil {
		return nil, err
	}
	// An exception comes with a result of its own (the error object): look at it first.
	if e := res.ExceptionDetails; e != nil {
		return nil, fmt.Errorf("script failed: %s %s", e.Text, e.Exception.Description)
	}
	var value string
	if len(res.Result.Value) > 0 {
		if err := json.Unmarshal(res.Result.Value, &value); err != nil {
			return nil, fmt.Errorf("the script's value is not the JSON text wrapEval makes: %s", res.Result.Value)
		}
	}
	return json.RawMessage(value), nil
}

// --- Firefox: WebDriver BiDi ----------------------------------------------------

type bidi struct {
	*rpc
	ws *wsConn
}

func newBiDi(url string) (*bidi, error) {
	ws, err := dialWebSocket(url)
	if err != nil {
		return nil, err
	}
	b := &bidi{ws: ws}
	b.rpc = newRPC(ws.writeText)
	go func() {
		defer close(b.closed)
		for {
			msg, err := ws.readMessage()
			if err != nil {
				return
			}
			b.dispatch(msg, decodeBiDi)
		}
	}()
	if _, err := b.call(map[string]any{"method": "session.new", "params": map[string]any{"capabilities": map[string]any{}}}); err != nil {
		ws.close()
		return nil, err
	}
	return b, nil
}

func decodeBiDi(body []byte) (int, json.RawMessage, error) {
	var m struct {
		Type    string          `json:"type"`
		ID      int             `json:"id"`
		Result  json.RawMessage `json:"result"`
		Error   string          `json:"error"`
		Message string          `json:"message"`
	}
	if json.Unmarshal(body, &m) != nil || m.Type == "event" {
		return 0, nil, nil
	}
	if m.Type == "error" {
		return m.ID, nil, fmt.Errorf("bidi: %s: %s", m.Error, m.Message)
	}
	return m.ID, m.Result, nil
}

func (b *bidi) open(url string) (string, error) {
	raw, err := b.call(map[string]any{"method": "browsingContext.create", "params": map[string]any{"type": "tab"}})
	if err != nil {
		return "", err
	}
	var created struct{ Context string }
	if err := json.Unmarshal(raw, &created); err != nil {
		return "", err
	}
	_, err = b.call(map[string]any{"method": "browsingContext.navigate", "params": map[string]any{"context": created.Context, "url": url, "wait": "complete"}})
	return created.Context, err
}

func (b *bidi) find(url string) (string, error) {
	raw, err := b.call(map[string]any{"method": "browsingContext.getTree", "params": map[string]any{}})
	if err != nil {
		return "", err
	}
	var tree struct {
		Contexts []bidiContext
	}
	if err := json.Unmarshal(raw, &tree); err != nil {
		return "", err
	}
	if id := findContext(tree.Contexts, url); id != "" {
		return id, nil
	}
	return "", fmt.Errorf("no tab shows %s", url)
}

// bidiContext is a browsing context and the frames in it.
type bidiContext struct {
	Context, URL string
	Children     []bidiContext
}

// findContext searches the contexts and their frames for url.
func findContext(contexts []bidiContext, url string) string {
	for _, c := range contexts {
		if c.URL == url {
			return c.Context
		}
		if id := findContext(c.Children, url); id != "" {
			return id
		}
	}
	return ""
}

func (b *bidi) resize(tab string, width, height int) error {
	_, err := b.call(map[string]any{"method": "browsingContext.setViewport", "params": map[string]any{
		"context": tab, "viewport": map[string]any{"width": width, "height": height},
	}})
	return err
}

func (b *bidi) activate(tab string) error {
	_, err := b.call(map[string]any{"method": "browsingContext.activate", "params": map[string]any{"context": tab}})
	return err
}

func (b *bidi) close(tab string) error {
	_, err := b.call(map[string]any{"method": "browsingContext.close", "params": map[string]any{"context": tab}})
	return err
}

func (b *bidi) click(tab string, x, y float64) error {
	_, err := b.call(map[string]any{"method": "input.performActions", "params": map[string]any{
		"context": tab,
		"actions": []any{map[string]any{
			"type": "pointer", "id": "mouse", "parameters": map[string]any{"pointerType": "mouse"},
			"actions": []any{
				map[string]any{"type": "pointerMove", "x": int(x), "y": int(y), "origin": "viewport"},
				map[string]any{"type": "pointerDown", "button": 0},
				map[string]any{"type": "pointerUp", "button": 0},
			},
		}},
	}})
	return err
}

func (b *bidi) eval(tab, expr string) (json.RawMessage, error) {
	raw, err := b.call(map[string]any{"method": "script.evaluate", "params": map[string]any{
		"expression": wrapEval(expr), "target": map[string]any{"context": tab},
		"awaitPromise": true, "resultOwnership": "none", "userActivation": true,
	}})
	if err != nil {
		return nil, err
	}
	var res struct {
		Type   string `json:"type"`
		Result struct {
			Value string `json:"value"`
		} `json:"result"`
		ExceptionDetails struct {
			Text string `json:"text"`
		} `json:"exceptionDetails"`
	}
	if err := json.Unmarshal(raw, &res); err != nil {
		return nil, err
	}
	if res.Type != "success" {
		return nil, fmt.Errorf("script failed: %s", res.ExceptionDetails.Text)
	}
	return json.RawMessage(res.Result.Value), nil
}

// waitForLine waits, with a bound, for a line in a growing file and
// returns what matched.
func waitForLine(path string, match func(string) string, within time.Duration) (string, error) {
	deadline := time.Now().Add(within)
	for {
		f, err := os.Open(path)
		if err == nil {
			data, _ := io.ReadAll(f)
			f.Close()
			if m := match(string(data)); m != "" {
				return m, nil
			}
		}
		if time.Now().After(deadline) {
			return "", fmt.Errorf("%s: no such line within %v", path, within)
		}
		time.Sleep(20 * time.Millisecond) // polling a file another process writes
	}
}

// findTab waits, with a bound, for a tab showing url and returns it.
func findTab(t testing.TB, d driver, url string) string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		tab, err := d.find(url)
		if err == nil {
			return tab
		}
		if time.Now().After(deadline) {
			t.Fatalf("no tab showed %s within 20 s: %v", url, err)
		}
		time.Sleep(20 * time.Millisecond) // polling the browser's tabs, bounded above
	}
}

// until evaluates expr in a tab until it yields true, with a bound.
func until(t testing.TB, d driver, tab, expr string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		raw, err := d.eval(tab, expr)
		if err == nil && string(raw) == "true" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%q never became true (last: %s, %v)", expr, raw, err)
		}
		time.Sleep(20 * time.Millisecond) // polling a condition in the page, bounded above
	}
}
