package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cifbridge/cif-bridge/host/records"
	"github.com/cifbridge/cif-bridge/host/records/metadata"
	"github.com/cifbridge/cif-bridge/host/records/sample"
	"github.com/cifbridge/cif-bridge/host/records/sqlite"
	"github.com/cifbridge/cif-bridge/host/records/storetest"
	"github.com/cifbridge/cif-bridge/internal/bench"
	"github.com/cifbridge/cif-bridge/internal/echo"
	"github.com/cifbridge/cif-bridge/internal/hosttest"
)

// BenchmarkBrowser times CIF calls made in a page through the real
// extension, page → relay → background → native host → back, in each
// real browser, against two floors measured in the same run:
//
//   - the browser's floor: the benchmark's floor extension (bench/floor,
//     floor_test.go), loaded beside CIF Bridge, taking the same call from
//     the same page to the echo host under a host name of its own: what
//     any extension pays to reach a native host;
//   - the echo host: CIF Bridge's own extension reaching the bare echo
//     host (internal/echohost) registered under cif-host's name, which
//     the benchmark swaps with cif-host between host slots (rewriting the
//     host manifest and restarting the host from the options page).
//
// Each round gives each host a slot, in alternating order; in a slot,
// every measurement runs through CIF Bridge and through the floor
// extension back to back, in alternating order, so that each ratio is of
// two numbers taken a moment apart. The calls are timed inside the page.
// It reports medians over the rounds and, for each ratio, the median and
// the quartiles of the per-round ratios; docs/performance.md has the
// numbers.
//
// Run it alone, never beside another browser: go test ./e2e -run '^$' -bench Browser -benchtime 1x
// ($CIF_BENCH_ROUNDS sets the rounds, for a quick look; $CIF_BENCH_ONLY, a
// regular expression, picks measurements, beside the read-only call the
// others are compared with; $CIF_BENCH_RECORDS=no leaves out the screen pop
// over 100,000 contacts).
func BenchmarkBrowser(b *testing.B) {
	hosts := map[string]string{"echo": bench.EchoHost(b), "cif-host": hosttest.Binary(b)}
	if path := os.Getenv("CIF_BENCH_HOST"); path != "" {
		hosts["cif-host"] = path // an earlier build, to compare
	}
	rounds := benchRounds
	if n, err := strconv.Atoi(os.Getenv("CIF_BENCH_ROUNDS")); err == nil && n > 0 {
		rounds = n
	}
	var org string
	if os.Getenv("CIF_BENCH_RECORDS") != "no" {
		org = benchOrganisation(b)
	}
	for _, kind := range browsers {
		b.Run(kind.name, func(b *testing.B) { benchBrowser(b, kind, hosts, rounds, org) })
	}
}

const (
	// benchRounds is how many rounds each host serves every measurement in.
	benchRounds = 15
	// sequentialCalls are made one after the other per measurement;
	// warmUpCalls before them after each swap.
	sequentialCalls = 300
	warmUpCalls     = 200
	// concurrentCalls are made at once, concurrentBatches times per
	// measurement.
	concurrentCalls   = 100
	concurrentBatches = 5
	// A measurement creates writeBatches batches of writeBatch sessions
	// one after the other, each batch closed by the agent before the next.
	writeBatch   = 10
	writeBatches = 3
	// searchCalls screen pops are made one after the other.
	searchCalls = 100
	// An event fans out to fanOutPages pages of one provider, fanOutEvents
	// times one after the other.
	fanOutPages  = 20
	fanOutEvents = 30
)

// benchTemplates gives the write benchmark a session template without
// tabs: it times the call, not the browser opening tabs for each session.
const benchTemplates = `{"sessionTemplates":[{"uniqueName":"bench_session","name":"Benchmark session","type":"generic","title":"{customer}"}]}`

// measurement is one number a slot yields through each extension.
type measurement struct {
	name string // sub-benchmark name
	// cif runs it through CIF Bridge, floor through the floor extension;
	// each returns µs per call.
	cif, floor func(p *benchPage) float64
	// around, when set, runs before the pair and returns what runs after.
	around func(p *benchPage) func()
}

// benchMeasurements are the in-browser measurements; with records, the
// screen pop too.
func benchMeasurements(withRecords bool) []measurement {
	seq := func(name string, n int) func(p *benchPage) float64 {
		return func(p *benchPage) float64 { return p.run("sequential", name, n).US }
	}
	conc := func(name string) func(p *benchPage) float64 {
		return func(p *benchPage) float64 {
			var us float64
			for range concurrentBatches {
				us += p.run("concurrent", name, concurrentCalls).US
			}
			return us / concurrentBatches
		}
	}
	ms := []measurement{
		{name: "raiseEvent/sequential", cif: seq("raiseEvent", sequentialCalls), floor: seq("floor.background", sequentialCalls)},
		{name: "getFocusedSession/sequential", cif: seq("getFocusedSession", sequentialCalls), floor: seq("floor.getFocusedSession", sequentialCalls)},
		{name: "getFocusedSession/concurrent", cif: conc("getFocusedSession"), floor: conc("floor.getFocusedSession")},
		{name: "createSession/sequential", cif: func(p *benchPage) float64 {
			var us float64
			for range writeBatches {
				res := p.run("sequential", "createSession", writeBatch)
				p.closeSessions(res.Results)
				us += res.US
			}
			return us / writeBatches
		}, floor: seq("floor.createSession", writeBatch*writeBatches)},
		{name: "createSession/concurrent", cif: func(p *benchPage) float64 {
			res := p.run("concurrent", "createSession", concurrentCalls)
			p.closeSessions(res.Results)
			return res.US
		}, floor: func(p *benchPage) float64 { return p.run("concurrent", "floor.createSession", concurrentCalls).US }},
		{name: "fanOut/20pages", around: func(p *benchPage) func() {
			p.eval(p.page, fmt.Sprintf("bench.openPages(%d)", fanOutPages))
			return func() { p.eval(p.page, "bench.closePages()") }
		}, cif: func(p *benchPage) float64 { return p.fanOut("cif") }, floor: func(p *benchPage) float64 { return p.fanOut("floor") }},
	}
	if withRecords {
		ms = append(ms, measurement{name: "search/sequential", cif: seq("search", searchCalls), floor: seq("floor.search", searchCalls)})
	}
	return ms
}

// samples are the per-slot numbers of one measurement: through CIF Bridge
// with each host, and through the floor extension beside each.
type samples struct {
	cif, floor map[string][]float64 // by host
}

func benchBrowser(b *testing.B, kind browserKind, hosts map[string]string, rounds int, org string) {
	p, w := openBenchPage(b, kind, hosts, org)
	ms := benchMeasurements(org != "")
	if only := os.Getenv("CIF_BENCH_ONLY"); only != "" {
		keep := regexp.MustCompile(only)
		ms = slices.DeleteFunc(ms, func(m measurement) bool { return !keep.MatchString(m.name) && m.name != "getFocusedSession/sequential" })
	}
	got := map[string]*samples{}
	for _, m := range ms {
		got[m.name] = &samples{cif: map[string][]float64{}, floor: map[string][]float64{}}
	}
	for round := range rounds {
		order := []string{"echo", "cif-host"}
		if round%2 == 1 {
			slices.Reverse(order) // neither host always goes first
		}
		for slot, host := range order {
			p.use(kind, w, host, hosts[host])
			for i, m := range ms {
				var after func()
				if m.around != nil {
					after = m.around(p)
				}
				s := got[m.name]
				if (round+slot+i)%2 == 0 { // neither extension always goes first
					s.floor[host] = append(s.floor[host], m.floor(p))
					s.cif[host] = append(s.cif[host], m.cif(p))
				} else {
					s.cif[host] = append(s.cif[host], m.cif(p))
					s.floor[host] = append(s.floor[host], m.floor(p))
				}
				if after != nil {
					after()
				}
			}
		}
	}
	read := got["getFocusedSession/sequential"].cif["cif-host"]
	for _, m := range ms {
		b.Run(m.name, func(b *testing.B) {
			s := got[m.name]
			subject, echoed := s.cif["cif-host"], s.cif["echo"]
			b.ReportMetric(0, "ns/op")
			b.ReportMetric(median(subject), "µs/call")
			b.ReportMetric(median(echoed), "floor-µs/call")
			b.ReportMetric(median(s.floor["cif-host"]), "bare-µs/call")
			reportRatios(b, "x-floor", ratios(subject, echoed))
			reportRatios(b, "x-bare", ratios(subject, s.floor["cif-host"]))
			reportRatios(b, "echo-x-bare", ratios(echoed, s.floor["echo"]))
			switch m.name {
			case "search/sequential", "fanOut/20pages":
				// Their targets are against a read-only call through CIF Bridge.
				reportRatios(b, "x-read", ratios(subject, read))
			}
			b.Logf("rounds: cif-host %.0f (floor extension beside it %.0f); echo %.0f (floor extension beside it %.0f)",
				subject, s.floor["cif-host"], echoed, s.floor["echo"])
		})
	}
}

// openBenchPage starts a browser with CIF Bridge and the floor extension,
// and opens the benchmark page; with org, the organisation's database
// file, the world has that organisation.
func openBenchPage(b *testing.B, kind browserKind, hosts map[string]string, org string) (*benchPage, *world) {
	w := newWorld(b)
	w.addons = append(w.addons, floorAddon(b))
	registerFloor(b, kind, w, hosts["echo"])
	require.NoError(b, os.WriteFile(filepath.Join(w.config, "cif-bridge", "templates.json"), []byte(benchTemplates), 0o600))
	// Room for a hundred concurrent createSession calls.
	require.NoError(b, os.WriteFile(filepath.Join(w.config, "cif-bridge", "settings.json"), []byte(`{"maxSessions":100}`), 0o600))
	if org != "" {
		copyFile(b, org, filepath.Join(w.data, "cif-bridge", "organization.db"))
	}
	srv, _ := servePages(b)
	l := kind.launch(b, w, kind.extensionURL(b, "views/options/options.html"))
	l.cmd.Env = append(l.cmd.Env, "CIF_BRIDGE_LOG_LEVEL=info") // as a user's host logs
	r := start(b, w, l)
	d := r.driver(b)
	p := &benchPage{b: b, d: d, agent: kind.extensionTab(b, r, "views/options/options.html"), records: org != ""}
	var err error
	p.page, err = d.open(srv.URL + "/bench.html")
	require.NoError(b, err)
	until(b, d, p.page, `window.ready !== undefined && window.cifFloor !== undefined`)
	p.eval(p.page, `window.ready`)
	p.eval(p.page, fmt.Sprintf("bench.setQueries(%s)", js(screenPopQueries())))
	return p, w
}

// ratios divides each round's number by the same round's other.
func ratios(subject, base []float64) []float64 {
	out := make([]float64, min(len(subject), len(base)))
	for i := range out {
		out[i] = subject[i] / base[i]
	}
	return out
}

// reportRatios reports the median of per-round ratios as unit, and their
// quartiles as unit-q1 and unit-q3.
func reportRatios(b *testing.B, unit string, rs []float64) {
	b.ReportMetric(median(rs), unit)
	b.ReportMetric(quantile(rs, 0.25), unit+"-q1")
	b.ReportMetric(quantile(rs, 0.75), unit+"-q3")
}

// benchPage drives the benchmark page and, as the agent, the extension's
// options page.
type benchPage struct {
	b           *testing.B
	d           driver
	page, agent string
	records     bool // the organisation is there: warm the screen pop up too
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

// fanOut raises events through one extension ("cif" or "floor") to the
// open pages and returns the µs from a raise to its last page.
func (p *benchPage) fanOut(kind string) float64 {
	p.b.Helper()
	var t timed
	require.NoError(p.b, json.Unmarshal(p.eval(p.page, fmt.Sprintf("bench.fanout(%q, %d)", kind, fanOutEvents)), &t))
	return t.US
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
// starts it, warms both paths up, and checks which host answered.
func (p *benchPage) use(kind browserKind, w *world, host, binary string) {
	p.b.Helper()
	kind.register(p.b, w, binary)
	p.agentCall("cifbridge.restartHost", map[string]any{})
	p.run("sequential", "getFocusedSession", warmUpCalls)
	p.run("sequential", "floor.getFocusedSession", warmUpCalls)
	if p.records {
		p.run("sequential", "search", 20) // opens the organisation
	}
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

// benchOrganisation builds, once per benchmark, an organisation of
// storetest.BenchContacts contacts, which each browser's world copies.
func benchOrganisation(b *testing.B) string {
	b.Helper()
	path := filepath.Join(b.TempDir(), "organization.db")
	s, err := sqlite.OpenNow(b.Context(), sqlite.Options{Path: path, Catalog: metadata.BuiltinCatalog()})
	require.NoError(b, err)
	require.NoError(b, storetest.Populate(b.Context(), s))
	require.NoError(b, s.Close())
	return path
}

// screenPopQueries are the screen pop's $search terms: callers' numbers
// spread over the organisation, in digits, as a softphone has them.
func screenPopQueries() []string {
	qs := make([]string, 100)
	for i := range qs {
		qs[i] = records.PhoneDigits(sample.ContactPhone(i * (storetest.BenchContacts / len(qs))))
	}
	return qs
}

func copyFile(b *testing.B, from, to string) {
	b.Helper()
	data, err := os.ReadFile(from)
	require.NoError(b, err)
	require.NoError(b, os.MkdirAll(filepath.Dir(to), 0o700))
	require.NoError(b, os.WriteFile(to, data, 0o600))
}

func median(xs []float64) float64 { return quantile(xs, 0.5) }

// quantile is the q-quantile of xs, interpolated between the two nearest
// values; 0 for none.
func quantile(xs []float64, q float64) float64 {
	s := slices.Sorted(slices.Values(xs))
	if len(s) == 0 {
		return 0
	}
	pos := q * float64(len(s)-1)
	lo := int(pos)
	if lo+1 >= len(s) {
		return s[lo]
	}
	return s[lo] + (pos-float64(lo))*(s[lo+1]-s[lo])
}
