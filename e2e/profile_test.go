package e2e

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cifbridge/cif-bridge/internal/bench"
	"github.com/cifbridge/cif-bridge/internal/hosttest"
)

// BenchmarkBrowserProfile shows where a call's time goes in Chromium: it
// records the V8 CPU profiles of the benchmark page and of both
// extensions' service workers while the page makes sequential calls
// through CIF Bridge (to cif-host) and then through the floor extension,
// then createSession calls and, unless $CIF_BENCH_RECORDS is "no", screen
// pops over the benchmark organisation, and logs each profile's time by
// script and its busiest functions.
// $CIF_BENCH_PROFILE names a folder for the .cpuprofile files (DevTools'
// Performance panel opens them).
//
//	go test ./e2e -run '^$' -bench BrowserProfile -benchtime 1x -v
func BenchmarkBrowserProfile(b *testing.B) {
	hosts := map[string]string{"echo": bench.EchoHost(b), "cif-host": hosttest.Binary(b)}
	var org string
	if os.Getenv("CIF_BENCH_RECORDS") != "no" {
		org = benchOrganisation(b)
	}
	p, w := openBenchPage(b, chromium, hosts, org)
	p.use(chromium, w, "cif-host", hosts["cif-host"])
	c, ok := p.d.(*cdp)
	require.True(b, ok, "Chromium is driven over the DevTools protocol")
	workers := serviceWorkers(b, c)
	out := os.Getenv("CIF_BENCH_PROFILE")
	runs := []struct{ name, call, method, worker string }{
		{"cif", "getFocusedSession", "sequential", "CIF Bridge"},
		{"floor", "floor.getFocusedSession", "sequential", "floor"},
		{"cif-create", "createSession", "sequential", "CIF Bridge"},
	}
	if org != "" {
		runs = append(runs, struct{ name, call, method, worker string }{"cif-search", "search", "sequential", "CIF Bridge"})
	}
	for _, run := range runs {
		sessions := map[string]string{"page": c.sessions[p.page], run.worker: workers[run.worker]}
		for _, s := range sessions {
			cdpCall(b, c, s, "Profiler.enable", nil)
			cdpCall(b, c, s, "Profiler.setSamplingInterval", map[string]any{"interval": 50})
			cdpCall(b, c, s, "Profiler.start", nil)
		}
		n := 500
		if run.name == "cif-create" {
			n = 50
		}
		res := p.run(run.method, run.call, n)
		if run.name == "cif-create" {
			p.closeSessions(res.Results)
		}
		b.Logf("%s: %.0f µs a call", run.name, res.US)
		for where, s := range sessions {
			raw := cdpCall(b, c, s, "Profiler.stop", nil)
			var stopped struct{ Profile json.RawMessage }
			require.NoError(b, json.Unmarshal(raw, &stopped))
			b.Logf("%s, %s:\n%s", run.name, where, summarise(b, stopped.Profile, n))
			if out != "" {
				name := filepath.Join(out, fmt.Sprintf("%s-%s.cpuprofile", run.name, strings.ReplaceAll(where, " ", "")))
				require.NoError(b, os.WriteFile(name, stopped.Profile, 0o600))
			}
		}
	}
	b.ReportMetric(0, "ns/op")
}

// serviceWorkers attaches to both extensions' service workers, by name.
func serviceWorkers(b *testing.B, c *cdp) map[string]string {
	raw, err := c.call(map[string]any{"method": "Target.getTargets", "params": map[string]any{}})
	require.NoError(b, err)
	var targets struct {
		TargetInfos []struct{ TargetID, Type, URL string }
	}
	require.NoError(b, json.Unmarshal(raw, &targets))
	out := map[string]string{}
	for _, t := range targets.TargetInfos {
		if t.Type != "service_worker" {
			continue
		}
		name := "CIF Bridge"
		if strings.HasSuffix(t.URL, "/background.js") {
			name = "floor"
		}
		_, err := c.attach(t.TargetID)
		require.NoError(b, err)
		out[name] = c.sessions[t.TargetID]
	}
	require.Len(b, out, 2, "both extensions' service workers: %v", targets.TargetInfos)
	return out
}

func cdpCall(b *testing.B, c *cdp, session, method string, params map[string]any) json.RawMessage {
	b.Helper()
	if params == nil {
		params = map[string]any{}
	}
	raw, err := c.call(map[string]any{"method": method, "sessionId": session, "params": params})
	require.NoError(b, err, method)
	return raw
}

// summarise gives a CPU profile's sampled time per call by script, and
// its ten functions with the most self time.
func summarise(b *testing.B, raw json.RawMessage, calls int) string {
	var p struct {
		Nodes []struct {
			ID        int
			CallFrame struct{ FunctionName, URL string }
		}
		Samples    []int
		TimeDeltas []int64
	}
	require.NoError(b, json.Unmarshal(raw, &p))
	frame := map[int]string{}
	script := map[int]string{}
	for _, n := range p.Nodes {
		u := n.CallFrame.URL
		if i := strings.LastIndex(u, "/"); i >= 0 {
			u = u[i+1:]
		}
		script[n.ID] = cmp.Or(u, n.CallFrame.FunctionName)
		frame[n.ID] = cmp.Or(n.CallFrame.FunctionName, "(anonymous)") + " " + u
	}
	byScript, byFrame := map[string]int64{}, map[string]int64{}
	for i, id := range p.Samples {
		if i+1 < len(p.TimeDeltas) {
			d := p.TimeDeltas[i+1] // the time until the next sample is this one's
			byScript[script[id]] += d
			byFrame[frame[id]] += d
		}
	}
	var sb strings.Builder
	top := func(m map[string]int64, n int) {
		keys := slices.SortedFunc(maps.Keys(m), func(a, b string) int { return cmp.Compare(m[b], m[a]) })
		for _, k := range keys[:min(n, len(keys))] {
			fmt.Fprintf(&sb, "    %7.1f µs/call  %s\n", float64(m[k])/float64(calls), k)
		}
	}
	sb.WriteString("  by script:\n")
	top(byScript, 8)
	sb.WriteString("  by function (self):\n")
	top(byFrame, 12)
	return sb.String()
}
