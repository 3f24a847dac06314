package main

import (
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cifbridge/cif-bridge/internal/hosttest"
	"github.com/cifbridge/cif-bridge/protocol"
	"github.com/cifbridge/cif-bridge/protocol/errcode"
)

// TestEveryAcknowledgedChangeSurvivesSIGKILL kills the host at random
// moments while calls are in flight, restarts it, and checks that the state
// loads and holds every change whose reply came back: exactly the changes
// up to the last acknowledged one, plus possibly some of those still in
// flight, in order, and nothing else.
//
// The calls go in pipelined batches, so the host's group commit saves
// several at once. A model of the session manager predicts each call's
// outcome and the state after it. Set CIF_CRASH_SEED to replay a run's
// choice of calls (the kill moments are timing, and differ).
func TestEveryAcknowledgedChangeSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("kills and restarts the host a hundred times")
	}
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("CIF_CRASH_SEED"); s != "" {
		var err error
		seed, err = strconv.ParseUint(s, 10, 64)
		require.NoError(t, err, "CIF_CRASH_SEED must be a number")
	}
	t.Logf("seed %d (replay the calls with CIF_CRASH_SEED=%d)", seed, seed)
	rng := rand.New(rand.NewPCG(seed, 0))

	// A bound on lives, not on time: a busy machine makes each life slower,
	// not fewer changes per life.
	const wantChanges, maxLives = 300, 600
	dirs := hosttest.NewDirs(t)
	state := &model{focused: -1}
	changes, kills := 0, 0
	for changes < wantChanges {
		require.Less(t, kills, maxLives, "only %d of %d changes acknowledged in %d lives", changes, wantChanges, kills)
		r := &round{t: t, rng: rng, p: hosttest.Start(t, dirs)}
		acked, final := r.run(state)
		changes += acked
		kills++
		state = final
	}
	t.Logf("%d acknowledged changes across %d kills", changes, kills)

	// A clean run afterwards clears what the kills left half-written.
	p := hosttest.Start(t, dirs)
	p.Hello("profile-1")
	p.CloseStdin()
	require.Equal(t, 0, p.Wait(exitBound))
	leftovers, err := filepath.Glob(filepath.Join(dirs.State, "cif-bridge", "profiles", ".*tmp*"))
	require.NoError(t, err)
	assert.Empty(t, leftovers, "temporary files of interrupted saves must not pile up")
}

// round is one life of the host: hello, batches of calls, SIGKILL at a
// random moment, then a restart that checks what survived.
type round struct {
	t   *testing.T
	rng *rand.Rand
	p   *hosttest.Proc
}

// run plays batches against the model until the kill, and returns how many
// changes were acknowledged and the model the restarted host agrees with.
func (r *round) run(start *model) (int, *model) {
	t := r.t
	// Most rounds kill while calls are in flight, some while the host
	// starts and loads its state.
	delay := time.Duration(r.rng.IntN(20_000)) * time.Microsecond
	killed := make(chan struct{})
	kill := func() {
		go func() {
			defer close(killed)
			time.Sleep(delay) // fault injection at a random moment, not synchronisation
			_ = r.p.Cmd.Process.Kill()
		}()
	}
	early := r.rng.IntN(10) == 0
	if early {
		kill()
	}

	acked, current := 0, start
	history := []*model{start} // the states the host may be found in
	if _, err := r.p.TrySend("hello", map[string]any{"protocolVersion": protocol.ProtocolVersion, "extensionVersion": "test", "profileId": "profile-1"}); err == nil {
		if m, err := r.p.TryRead(10 * time.Second); err == nil {
			require.Nil(t, m.Error, "hello")
			if !early {
				kill()
				early = true
			}
			for {
				batch, states := r.batch(current)
				n, ok := r.play(batch, states)
				acked += countChanges(batch[:n])
				if n > 0 {
					current = states[n-1]
				}
				if !ok {
					history = append([]*model{current}, states[n:]...)
					break
				}
			}
		}
	}
	if !early { // hello failed: the host died on its own, which the status shows
		delay = 0
		kill()
	}
	<-killed
	r.p.Wait(10 * time.Second)
	status := r.p.Cmd.ProcessState.Sys().(syscall.WaitStatus)
	require.True(t, status.Signaled() && status.Signal() == syscall.SIGKILL,
		"the host must die by the kill, not on its own (%v); stderr:\n%s", r.p.Cmd.ProcessState, r.p.Stderr())

	return acked, r.restart(history)
}

// play sends a batch without waiting, then reads the replies in order. It
// returns how many were received, and false once the host is gone.
func (r *round) play(batch []call, states []*model) (int, bool) {
	t := r.t
	var ids []int
	for _, c := range batch {
		id, err := r.p.TrySend(c.method, c.params)
		if err != nil {
			break // the replies to what was sent may still be readable
		}
		ids = append(ids, id)
	}
	for i := 0; i < len(ids); {
		m, err := r.p.TryRead(10 * time.Second)
		if err != nil {
			return i, false
		}
		if len(m.ID) == 0 {
			continue // an event
		}
		c := batch[i]
		require.JSONEq(t, strconv.Itoa(ids[i]), string(m.ID), "replies come in order")
		i++
		if c.fails != 0 {
			require.NotNil(t, m.Error, "%s should fail with %v", c, c.fails)
			require.Equal(t, c.fails, m.Error.Code, "%s: %s", c, m.Error.Message)
			continue
		}
		require.Nil(t, m.Error, "%s failed", c)
		if c.op == opCreate {
			var id string
			require.NoError(t, json.Unmarshal(m.Result, &id))
			for _, s := range states[i-1:] { // the id, in every state from this call on
				if j := s.index(c.mark); j >= 0 {
					s.sessions[j].id = id
				}
			}
		}
	}
	return len(ids), len(ids) == len(batch)
}

// restart starts the host again and checks that its state is one of
// history (the last acknowledged state, or that plus some of the calls in
// flight at the kill), returning it with every session's id known.
func (r *round) restart(history []*model) *model {
	t := r.t
	p := hosttest.Start(t, r.p.Dirs)
	p.Hello("profile-1") // the state loads
	p.CloseStdin()
	require.Equal(t, 0, p.Wait(exitBound))
	require.NotContains(t, p.Stderr(), "state file unreadable")
	state, _ := p.Dirs.LoadState(t, "profile-1")

	got := &model{focused: -1, serial: history[len(history)-1].serial}
	for _, s := range state.Sessions {
		var ctx struct{ Mark int }
		require.NoError(t, json.Unmarshal(s.Context, &ctx), "session %s has no mark", s.ID)
		got.sessions = append(got.sessions, mSession{mark: ctx.Mark, id: s.ID, title: s.Title, params: s.Params, tabs: len(s.Tabs)})
		if s.ID == state.Focused {
			got.focused = ctx.Mark
		}
	}

	for _, want := range history {
		if want.String() == got.String() {
			return got
		}
	}
	var b strings.Builder
	for i, h := range history {
		fmt.Fprintf(&b, "  %d: %s\n", i, h)
	}
	t.Fatalf("after the kill the state is\n  %s\nwhich is none of the last acknowledged state (0) and the states after the calls in flight:\n%s", got, b.String())
	return nil
}

// The calls a round makes. Each changes the state when it succeeds.
type op int

const (
	opCreate op = iota
	opClose
	opUpdate
	opTitle
	opTab
	opSwitch
)

type call struct {
	op     op
	mark   int // the session it concerns (the new one, for opCreate)
	method string
	params map[string]any
	fails  errcode.Code // the error it must end with; 0 for success
}

func (c call) String() string { return fmt.Sprintf("%s(session %d)", c.method, c.mark) }

func countChanges(calls []call) int {
	n := 0
	for _, c := range calls {
		if c.fails == 0 {
			n++
		}
	}
	return n
}

// batch makes 1 to 6 calls from the model, and the model after each.
func (r *round) batch(m *model) ([]call, []*model) {
	var calls []call
	var states []*model
	for range 1 + r.rng.IntN(6) {
		c, next := r.next(m)
		calls, states = append(calls, c), append(states, next)
		m = next
	}
	return calls, states
}

// next picks a call and applies it to a copy of m.
func (r *round) next(m *model) (call, *model) {
	m = m.clone()
	m.serial++
	n := m.serial
	known := []int{} // sessions whose id a reply told
	for _, s := range m.sessions {
		if s.id != "" {
			known = append(known, s.mark)
		}
	}
	choice := op(r.rng.IntN(6))
	if len(m.sessions) < 3 || len(known) == 0 {
		choice = opCreate
	}
	var mark int
	if len(known) > 0 {
		mark = known[r.rng.IntN(len(known))]
	}
	switch choice {
	case opCreate:
		c := call{op: opCreate, mark: n, method: "createSession", params: hosttest.As(provider, map[string]any{"input": map[string]any{
			"templateName": "msdyn_chat_session", "context": map[string]any{"mark": n},
			"templateParameters": map[string]any{"customer": fmt.Sprint("c", n)},
		}})}
		if len(m.sessions) >= 10 {
			c.fails = errcode.SessionLimit
			return c, m
		}
		m.sessions = append(m.sessions, mSession{mark: n, title: fmt.Sprint("c", n), params: map[string]any{"customer": fmt.Sprint("c", n)}, tabs: 2})
		m.focused = n
		return c, m
	case opClose:
		i := m.index(mark)
		c := call{op: opClose, mark: mark, method: "workspace.closeSession", params: hosttest.View(map[string]any{"sessionId": m.sessions[i].id})}
		m.sessions = slices.Delete(m.sessions, i, i+1)
		if m.focused == mark {
			m.focused = -1
			if k := len(m.sessions); k > 0 {
				m.focused = m.sessions[max(0, min(i-1, k-1))].mark
			}
		}
		return c, m
	case opUpdate:
		s := &m.sessions[m.index(mark)]
		s.params = maps.Clone(s.params)
		s.params[fmt.Sprint("k", n%3)] = float64(n)
		return call{op: opUpdate, mark: mark, method: "updateContext", params: hosttest.As(provider, map[string]any{"sessionId": s.id, "input": map[string]any{fmt.Sprint("k", n%3): n}})}, m
	case opTitle:
		s := &m.sessions[m.index(mark)]
		s.title = fmt.Sprint("t", n)
		return call{op: opTitle, mark: mark, method: "setSessionTitle", params: hosttest.As(provider, map[string]any{"input": map[string]any{"sessionId": s.id, "customer": s.title}})}, m
	case opTab:
		c := call{op: opTab, mark: m.focused, method: "createTab", params: hosttest.As(provider, map[string]any{"input": map[string]any{
			"templateName": "msdyn_knowledge_search_tab", "templateParameters": map[string]any{"searchText": fmt.Sprint("s", n)},
		}})}
		if m.focused < 0 {
			c.fails = errcode.NoFocusedSession
			return c, m
		}
		m.sessions[m.index(m.focused)].tabs++
		return c, m
	default:
		m.focused = mark
		return call{op: opSwitch, mark: mark, method: "workspace.switchSession", params: hosttest.View(map[string]any{"sessionId": m.sessions[m.index(mark)].id})}, m
	}
}

// model is what the test knows of the workspace: the sessions in order and
// the focused one, each told apart by the mark in its context.
type model struct {
	sessions []mSession
	focused  int // a mark, or -1 for the home session
	serial   int // the last mark or value handed out
}

type mSession struct {
	mark   int
	id     string // "" until a reply or a restart tells it
	title  string
	params map[string]any
	tabs   int
}

func (m *model) clone() *model {
	c := *m
	c.sessions = slices.Clone(m.sessions)
	return &c
}

func (m *model) index(mark int) int {
	return slices.IndexFunc(m.sessions, func(s mSession) bool { return s.mark == mark })
}

// String shows what is compared: everything but the ids.
func (m *model) String() string {
	var b strings.Builder
	for _, s := range m.sessions {
		params, _ := json.Marshal(s.params)
		fmt.Fprintf(&b, "[%d %q %s tabs=%d] ", s.mark, s.title, params, s.tabs)
	}
	fmt.Fprintf(&b, "focused=%d", m.focused)
	return b.String()
}
