// Command table turns the output of CIF Bridge's benchmarks (go test
// -bench, any -count) into the table bench/run prints: each measurement
// beside its floor from the same run, their ratio (cif-host's time over
// the floor's: below 1 is faster), and the target where the project has
// one. A measurement repeated by -count shows its median.
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
)

// row describes one benchmark in the table.
type row struct {
	what   string
	target func(m metrics) (string, bool) // nil: no target
}

// metrics are one benchmark's medians by unit.
type metrics map[string]float64

// rows are the benchmarks in the order the table shows them.
var rows = []struct {
	name string
	row
}{
	{"Frame/100B/alone", row{what: "frame write + read, 100 B (memory)"}},
	{"Frame/100B/burst", row{what: "frame write + read, 100 B, ten at a time"}},
	{"Frame/4096B/alone", row{what: "frame write + read, 4 KiB"}},
	{"Frame/4096B/burst", row{what: "frame write + read, 4 KiB, ten at a time"}},
	{"Dispatch/getFocusedSession/ping-pong", row{what: "server in-process, getFocusedSession, one at a time"}},
	{"Dispatch/getFocusedSession/pipelined", row{what: "server in-process, getFocusedSession, pipelined"}},
	{"Dispatch/getSession/ping-pong", row{what: "server in-process, getSession, one at a time"}},
	{"Dispatch/getSession/pipelined", row{what: "server in-process, getSession, pipelined"}},
	{"Dispatch/createSession+closeSession", row{what: "server in-process, createSession + closeSession (saved)"}},
	{"Pipes/ping-pong", row{what: "cif-host over pipes, getFocusedSession, one at a time"}},
	{"Pipes/pipelined", row{what: "cif-host over pipes, getFocusedSession, pipelined", target: func(m metrics) (string, bool) {
		return "≤ 1.25× (throughput ≥ 0.8×)", 1/m["x-floor"] >= 0.8
	}}},
	{"Pipes/write", row{what: "cif-host over pipes, createSession + closeSession (saved)"}},
	{"ScreenPop", row{what: "cif-host over pipes, screen pop over 100,000 contacts", target: func(m metrics) (string, bool) {
		return fmt.Sprintf("host share < 0.3 ms (%s)", show(m["share-ns/op"], "ns/op")), m["share-ns/op"] < 0.3e6
	}}},
	{"ColdStart", row{what: "cold start to the hello reply (100,000 contacts on disk)", target: func(m metrics) (string, bool) {
		return "< 10 ms", m["ns/op"] < 10e6
	}}},
	{"PeakMemory/sessions", row{what: "peak memory (VmHWM), 10 sessions + 100k calls", target: func(m metrics) (string, bool) {
		return "< 15 MB", m["MB"] < 15
	}}},
	{"PeakMemory/organisation", row{what: "peak memory, the same + 1000 screen pops over 100,000 contacts", target: func(m metrics) (string, bool) {
		return "< 40 MB", m["MB"] < 40
	}}},
}

// browserRows are the in-browser measurements, for each browser. Their
// targets are against the floor extension (x-bare) or, for the screen pop
// and the fan-out, a read-only call through CIF Bridge (x-read).
var browserRows = []struct {
	name string
	row
}{
	{"raiseEvent/sequential", row{what: "raiseEvent (background only, no host), sequential"}},
	{"getFocusedSession/sequential", row{what: "getFocusedSession, sequential", target: func(m metrics) (string, bool) {
		return "≤ 1.10× floor ext.", m["x-bare"] <= 1.10
	}}},
	{"getFocusedSession/concurrent", row{what: "getFocusedSession, 100 concurrent"}},
	{"createSession/sequential", row{what: "createSession (saved), sequential", target: func(m metrics) (string, bool) {
		return "≤ 1.5× floor ext.", m["x-bare"] <= 1.5
	}}},
	{"createSession/concurrent", row{what: "createSession (saved), 100 concurrent", target: func(m metrics) (string, bool) {
		return "≤ 1.3× floor ext.", m["x-bare"] <= 1.3
	}}},
	{"search/sequential", row{what: "screen pop, 100,000 contacts, sequential", target: func(m metrics) (string, bool) {
		return fmt.Sprintf("≤ 1.2× a read (%.2f×)", m["x-read"]), m["x-read"] <= 1.2
	}}},
	{"fanOut/20pages", row{what: "an event to 20 pages, to the last", target: func(m metrics) (string, bool) {
		return fmt.Sprintf("≤ 2× a read (%.2f×)", m["x-read"]), m["x-read"] <= 2
	}}},
}

// recordRows are the record benchmarks, run on each backend: the table
// shows SQLite beside PostgreSQL.
var recordRows = []struct{ name, what string }{
	{"SearchByPhone", "screen pop, $search by phone, 100,000 contacts"},
	{"FilterByPhone", "screen pop, $filter telephone1 eq, 100,000 contacts"},
	{"SearchByName", "relevance search, two words, 100,000 contacts"},
	{"Create", "createRecord, one host"},
	{"Create50Hosts", "createRecord, 50 hosts at once (wall time per create)"},
}

func main() {
	results, err := parse(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "table:", err)
		os.Exit(1)
	}
	if err := write(os.Stdout, results); err != nil {
		fmt.Fprintln(os.Stderr, "table:", err)
		os.Exit(1)
	}
}

var benchLine = regexp.MustCompile(`^Benchmark(\S+?)(?:-\d+)?\s+\d+\s+(.*)$`)

// parse reads benchmark lines and returns each benchmark's medians.
func parse(r io.Reader) (map[string]metrics, error) {
	all := map[string]map[string][]float64{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		m := benchLine.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		fields := strings.Fields(m[2])
		if all[m[1]] == nil {
			all[m[1]] = map[string][]float64{}
		}
		for i := 0; i+1 < len(fields); i += 2 {
			v, err := strconv.ParseFloat(fields[i], 64)
			if err != nil {
				return nil, fmt.Errorf("%s: %q is not a number", m[1], fields[i])
			}
			all[m[1]][fields[i+1]] = append(all[m[1]][fields[i+1]], v)
		}
	}
	out := map[string]metrics{}
	for name, units := range all {
		out[name] = metrics{}
		for unit, vs := range units {
			out[name][unit] = median(vs)
		}
	}
	return out, sc.Err()
}

func median(vs []float64) float64 {
	s := slices.Sorted(slices.Values(vs))
	if n := len(s); n%2 == 0 {
		return (s[n/2-1] + s[n/2]) / 2
	}
	return s[len(s)/2]
}

func write(w io.Writer, results map[string]metrics) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "measurement\tcif-host\tfloor\tratio\ttarget\t")
	line := func(what string, r row, m metrics) {
		unit, subject := mainMetric(m)
		target := ""
		if r.target != nil {
			t, ok := r.target(m)
			target = t + map[bool]string{true: "  met", false: "  MISSED"}[ok]
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%.2f×\t%s\t\n", what, show(subject, unit), show(m["floor-"+unit], unit), m["x-floor"], target)
	}
	for _, r := range rows {
		if m, ok := results[r.name]; ok {
			line(r.what, r.row, m)
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if err := writeBrowsers(w, results); err != nil {
		return err
	}
	return writeRecords(w, results)
}

// writeRecords shows the record benchmarks, SQLite beside PostgreSQL.
func writeRecords(w io.Writer, results map[string]metrics) error {
	ran := false
	for _, r := range recordRows {
		_, sq := results["Records/SQLite/"+r.name]
		_, pg := results["Records/PostgreSQL/"+r.name]
		ran = ran || sq || pg
	}
	if !ran {
		return nil
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "records\tSQLite\tPostgreSQL\tratio\t")
	cell := func(m metrics, ok bool) string {
		switch {
		case !ok:
			return "not run"
		case m["creates/s"] > 0:
			return fmt.Sprintf("%s (%.0f/s)", show(m["ns/op"], "ns/op"), m["creates/s"])
		}
		return show(m["ns/op"], "ns/op")
	}
	for _, r := range recordRows {
		sq, sok := results["Records/SQLite/"+r.name]
		pg, pok := results["Records/PostgreSQL/"+r.name]
		ratio := ""
		if sok && pok && sq["ns/op"] > 0 {
			ratio = fmt.Sprintf("%.2f×", pg["ns/op"]/sq["ns/op"])
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t\n", r.what, cell(sq, sok), cell(pg, pok), ratio)
	}
	fmt.Fprintln(tw, "ratio: PostgreSQL's time over SQLite's; below 1 is faster")
	return tw.Flush()
}

// mainMetric is what a benchmark measures: µs per call in a browser, MB
// of memory, else time per operation.
// writeBrowsers shows the in-browser measurements: cif-host through CIF
// Bridge beside the floor extension and beside CIF Bridge with the echo
// host, each ratio the median of the per-round ratios with their
// quartiles.
func writeBrowsers(w io.Writer, results map[string]metrics) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	header := false
	for _, browser := range []string{"chromium", "firefox"} {
		for _, r := range browserRows {
			m, ok := results["Browser/"+browser+"/"+r.name]
			if !ok {
				continue
			}
			if !header {
				fmt.Fprintln(w)
				fmt.Fprintln(tw, "in the browser\tcif-host\tfloor ext.\t× floor ext. [IQR]\techo host\t× echo [IQR]\tCIF+echo × floor ext.\ttarget\t")
				header = true
			}
			target := ""
			if r.target != nil {
				t, met := r.target(m)
				target = t + map[bool]string{true: "  met", false: "  MISSED"}[met]
			}
			fmt.Fprintf(tw, "%s: %s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", browser, r.what,
				show(m["µs/call"], "µs/call"), show(m["bare-µs/call"], "µs/call"), spread(m, "x-bare"),
				show(m["floor-µs/call"], "µs/call"), spread(m, "x-floor"), spread(m, "echo-x-bare"), target)
		}
	}
	if !header {
		return nil
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, "floor ext.: the benchmark's minimal extension (bench/floor) to the echo host, in the same browser;")
	fmt.Fprintln(w, "echo host: CIF Bridge's own extension to the echo host. Each ratio is the median of the per-round")
	fmt.Fprintln(w, "ratios, [the quartiles]; below 1 is faster.")
	return nil
}

// spread shows a ratio's median and quartiles.
func spread(m metrics, unit string) string {
	if _, ok := m[unit]; !ok {
		return ""
	}
	return fmt.Sprintf("%.2f× [%.2f–%.2f]", m[unit], m[unit+"-q1"], m[unit+"-q3"])
}

func mainMetric(m metrics) (string, float64) {
	for _, unit := range []string{"µs/call", "MB"} {
		if v, ok := m[unit]; ok {
			return unit, v
		}
	}
	return "ns/op", m["ns/op"]
}

func show(v float64, unit string) string {
	switch {
	case unit == "MB":
		return fmt.Sprintf("%.1f MB", v)
	case unit == "µs/call":
		v *= 1e3
	}
	switch {
	case v >= 1e6:
		return fmt.Sprintf("%.2f ms", v/1e6)
	case v >= 1e3:
		return fmt.Sprintf("%.1f µs", v/1e3)
	}
	return fmt.Sprintf("%.0f ns", v)
}
