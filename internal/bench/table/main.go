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
	{"Pipes/ping-pong", row{what: "cif-host over pipes, getFocusedSession, one at a time"}},
	{"Pipes/pipelined", row{what: "cif-host over pipes, getFocusedSession, pipelined", target: func(m metrics) (string, bool) {
		return "≤ 1.25× (throughput ≥ 0.8×)", 1/m["x-floor"] >= 0.8
	}}},
	{"Pipes/write", row{what: "cif-host over pipes, createSession + closeSession (saved)"}},
	{"ColdStart", row{what: "cold start to the hello reply", target: func(m metrics) (string, bool) {
		return "< 10 ms", m["ns/op"] < 10e6
	}}},
	{"PeakMemory", row{what: "peak memory (VmHWM), 10 sessions + 100k calls", target: func(m metrics) (string, bool) {
		return "< 15 MB", m["MB"] < 15
	}}},
}

// browserRows are the in-browser measurements, for each browser.
var browserRows = []struct {
	name string
	row
}{
	{"raiseEvent/sequential", row{what: "raiseEvent (background only, no host), sequential"}},
	{"getFocusedSession/sequential", row{what: "getFocusedSession, sequential", target: func(m metrics) (string, bool) {
		return "≤ 1.15×", m["x-floor"] <= 1.15
	}}},
	{"getFocusedSession/concurrent", row{what: "getFocusedSession, 100 concurrent"}},
	{"createSession/sequential", row{what: "createSession (saved), sequential"}},
	{"createSession/concurrent", row{what: "createSession (saved), 100 concurrent"}},
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
	for _, browser := range []string{"chromium", "firefox"} {
		for _, r := range browserRows {
			if m, ok := results["Browser/"+browser+"/"+r.name]; ok {
				line(browser+": "+r.what, r.row, m)
			}
		}
	}
	if err := tw.Flush(); err != nil {
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
