package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cifbridge/cif-bridge/internal/bench"
	"github.com/cifbridge/cif-bridge/internal/echo"
	"github.com/cifbridge/cif-bridge/internal/hosttest"
)

// BenchmarkBrowser times CIF calls made in a page through the real
// extension, page → relay → background → native host → back, in each
// real browser. The floor is the same path to the bare echo host
// (internal/echohost), registered under cif-host's own name in the same
// browser profile: the benchmark swaps the two between rounds (rewriting
// the host manifest and restarting the host from the extension's options
// page), so both run in one browser, warmed up alike. The calls are timed
// inside the page. It reports the medians of the rounds, and the median of
// each round's ratio; docs/performance.md has the numbers.
//
// Run it alone, never beside another browser: go test ./e2e -run '^$' -bench Browser -benchtime 1x
func BenchmarkBrowser(b *testing.B) {
	hosts := map[string]string{"echo": bench.EchoHost(b), "cif-host": hosttest.Binary(b)}
	if path := os.Getenv("CIF_BENCH_HOST"); path != "" {
		hosts["cif-host"] = path // an earlier build, to compare
	}
	for _, kind := range browsers {
		b.Run(kind.name, func(b *testing.B) { benchBrowser(b, kind, hosts) })
	}
}

const (
	// benchRounds is how many times each host serves every measurement.
	benchRounds = 7
	// sequentialCalls are made one after the other per round; warmUpCalls
	// before them after each swap.
	sequentialCalls = 1000
	warmUpCalls     = 200
	// concurrentCalls are made at once, concurrentBatches times per round.
	concurrentCalls   = 100
	concurrentBatches = 10
	// A round creates writeBatches batches of writeBatch sessions one
	// after the other, each batch closed by the agent before the next: a
	// workspace holds at most ten by default.
	writeBatch   = 10
	writeBatches = 5
)

// benchTemplates gives the write benchmark a session template without
// tabs: it times the call, not the browser opening tabs for each session.
const benchTemplates = `{"sessionTemplates":[{"uniqueName":"bench_session","name":"Benchmark session","type":"generic","title":"{customer}"}]}`

// measurement is one number a round yields for one host.
type measurement struct {
	name string // sub-benchmark name
	run  func(p *benchPage) float64
}

func benchBrowser(b *testing.B, kind browserKind, hosts map[string]string) {
	w := newWorld(b)
	require.NoError(b, os.WriteFile(filepath.Join(w.config, "cif-bridge", "templates.json"), []byte(benchTemplates), 0o600))
	// Room for a hundred concurrent createSession calls.
	require.NoError(b, os.WriteFile(filepath.Join(w.config, "cif-bridge", "settings.json"), []byte(`{"maxSessions":100}`), 0o600))
	srv, _ := servePages(b)
	l := kind.launch(b, w, kind.extensionURL(b, "views/options/options.html"))
	l.cmd.Env = append(l.cmd.Env, "CIF_BRIDGE_LOG_LEVEL=info") // as a user's host logs
	r := start(b, w, l)
	d := r.driver(b)
	p := &benchPage{b: b, d: d, agent: kind.extensionTab(b, r, "views/options/options.html")}
	var err error
	p.page, err = d.open(srv.URL + "/bench.html")
	require.NoError(b, err)
	until(b, d, p.page, `window.ready !== undefined`)
	p.eval(p.page, `window.ready`)

	measurements := []measurement{
		{"raiseEvent/sequential", func(p *benchPage) float64 {
			return p.run("sequential", "raiseEvent", sequentialCalls).US
		}},
		{"getFocusedSession/sequential", func(p *benchPage) float64 {
			return p.run("sequential", "getFocusedSession", sequentialCalls).US
		}},
		{"getFocusedSession/concurrent", func(p *benchPage) float64 {
			var us float64
			for range concurrentBatches {
				us += p.run("concurrent", "getFocusedSession", concurrentCalls).US
			}
			return us / concurrentBatches
		}},
		{"createSession/sequential", func(p *benchPage) float64 {
			var us float64
			for range writeBatches {
				res := p.run("sequential", "createSession", writeBatch)
				p.closeSessions(res.Results)
				us += res.US
			}
			return us / writeBatches
		}},
		{"createSession/concurrent", func(p *benchPage) float64 {
			res := p.run("concurrent", "createSession", concurrentCalls)
			p.closeSessions(res.Results)
			return res.US
		}},
	}
	got := map[string]map[string][]float64{"echo": {}, "cif-host": {}}
	for round := range benchRounds {
		order := []string{"echo", "cif-host"}
		if round%2 == 1 {
			slices.Reverse(order) // neither host always goes first
		}
		for _, host := range order {
			p.use(kind, w, host, hosts[host])
			for _, m := range measurements {
				got[host][m.name] = append(got[host][m.name], m.run(p))
			}
		}
	}
	for _, m := range measurements {
		b.Run(m.name, func(b *testing.B) {
			subject, floor := got["cif-host"][m.name], got["echo"][m.name]
			ratios := make([]float64, len(subject))
			for i := range subject {
				ratios[i] = subject[i] / floor[i] // hosts measured in the same round, close in time
			}
			b.ReportMetric(0, "ns/op")
			b.ReportMetric(median(subject), "µs/call")
			b.ReportMetric(median(floor), "floor-µs/call")
			b.ReportMetric(median(ratios), "x-floor")
			b.Logf("rounds: cif-host %.0f, echo %.0f", subject, floor)
		})
	}
}

// benchPage drives the benchmark page and, as the agent, the extension's
// options page.
type benchPage struct {
	b           *testing.B
	d           driver
	page, agent string
}

func (p *benchPage) eval(tab, expr string) json.RawMessage {
	p.b.Helper()
	raw, err := p.d.eval(tab, expr)
	require.NoError(p.b, err, "evaluating %s", expr)
	return raw
}

// timed is what the page reports for a run of calls.
type timed struct {
	US      float64           `json:"us"`
	Results []json.RawMessage `json:"results"`
}

// run makes n calls of a method in the page, one after the other or all
// at once, and returns how long they took per call.
func (p *benchPage) run(how, method string, n int) timed {
	p.b.Helper()
	var t timed
	require.NoError(p.b, json.Unmarshal(p.eval(p.page, fmt.Sprintf("bench.%s(%q, %d)", how, method, n)), &t))
	return t
}

// agentCall calls the background as the extension's own pages do.
func (p *benchPage) agentCall(method string, params any) json.RawMessage {
	p.b.Helper()
	raw := p.eval(p.agent, fmt.Sprintf(`(async () => {
		const api = globalThis.browser ?? globalThis.chrome;
		const reply = await api.runtime.sendMessage({kind: "call", method: %q, params: %s});
		if (!reply?.ok) throw new Error(JSON.stringify(reply));
		return reply.result ?? null;
	})()`, method, js(params)))
	return raw
}

// closeSessions closes, as the agent, the sessions createSession made
// (the echo host makes none: its results are null).
func (p *benchPage) closeSessions(results []json.RawMessage) {
	p.b.Helper()
	var ids []string
	for _, r := range results {
		var id string
		if json.Unmarshal(r, &id) == nil && id != "" {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return
	}
	p.eval(p.agent, fmt.Sprintf(`(async (ids) => {
		const api = globalThis.browser ?? globalThis.chrome;
		const replies = await Promise.all(ids.map((sessionId) =>
			api.runtime.sendMessage({kind: "call", method: "workspace.closeSession", params: {sessionId}})));
		const failed = replies.find((reply) => !reply?.ok);
		if (failed) throw new Error(JSON.stringify(failed));
		return true;
	})(%s)`, js(ids)))
}

// use makes binary the host that answers: it registers it under cif-host's
// name, restarts the host from the agent's side so that the next call
// starts it, warms the path up, and checks which host answered.
func (p *benchPage) use(kind browserKind, w *world, host, binary string) {
	p.b.Helper()
	kind.register(p.b, w, binary)
	p.agentCall("cifbridge.restartHost", map[string]any{})
	p.run("sequential", "getFocusedSession", warmUpCalls)
	var status struct {
		Hello struct {
			HostVersion string `json:"hostVersion"`
		} `json:"hello"`
	}
	require.NoError(p.b, json.Unmarshal(p.agentCall("cifbridge.status", map[string]any{}), &status))
	if answered := status.Hello.HostVersion == echo.HostVersion; answered != (host == "echo") {
		p.b.Fatalf("%s should answer, but the host that said hello reports version %q: the browser did not start the host its manifest now names", host, status.Hello.HostVersion)
	}
}

func median(xs []float64) float64 {
	s := slices.Sorted(slices.Values(xs))
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
