package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/cifbridge/cif-bridge/host/records"
	"github.com/cifbridge/cif-bridge/host/records/metadata"
	"github.com/cifbridge/cif-bridge/host/records/sample"
	"github.com/cifbridge/cif-bridge/host/records/sqlite"
	"github.com/cifbridge/cif-bridge/host/records/storetest"

	"github.com/cifbridge/cif-bridge/internal/bench"
	"github.com/cifbridge/cif-bridge/internal/hosttest"
	"github.com/cifbridge/cif-bridge/protocol"
)

// The benchmarks of the cif-host binary, each beside the bare echo host
// (internal/echohost) in the same run. docs/performance.md has the
// numbers; bench/run runs these with the rest.

// chromeArgv is the argv Chromium starts a host with.
const chromeArgv = "chrome-extension://aacpoilajhhjiddkhdigidknphfhbeif/"

// benchEnv points cif-host at dirs and, unless "", the XDG data folder
// data (the organisation), and logs at the level a user's host does.
func benchEnv(dirs hosttest.Dirs, data string) []string {
	env := []string{"XDG_CONFIG_HOME=" + dirs.Config, "XDG_STATE_HOME=" + dirs.State, "CIF_BRIDGE_LOG_LEVEL=info"}
	if data != "" {
		env = append(env, "XDG_DATA_HOME="+data)
	}
	return env
}

func rpc(id int, method string, params map[string]any) []byte {
	b, err := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": id, "method": method, "params": params})
	if err != nil {
		panic(err)
	}
	return b
}

var helloRequest = rpc(1, "hello", map[string]any{"protocolVersion": protocol.ProtocolVersion, "extensionVersion": "bench", "profileId": "bench"})

// readCall is the read-only call the benchmarks repeat, as a page sends it
// through the extension.
var readCall = rpc(7, "getFocusedSession", hosttest.As(provider, nil))

// hostBinary is the cif-host measured: this tree's, or the build named by
// $CIF_BENCH_HOST (an earlier version, to compare).
func hostBinary(b *testing.B) string {
	if path := os.Getenv("CIF_BENCH_HOST"); path != "" {
		return path
	}
	return hosttest.Binary(b)
}

// startHost runs cif-host as a browser does, with the organisation in the
// XDG data folder data ("" for none), and says hello.
func startHost(b *testing.B, dirs hosttest.Dirs, data string) *bench.Proc {
	p := bench.Start(b, hostBinary(b), benchEnv(dirs, data), chromeArgv)
	mustResult(b, p.Call(helloRequest))
	return p
}

// mustResult fails the benchmark unless a reply is a success.
func mustResult(b *testing.B, reply []byte) json.RawMessage {
	b.Helper()
	var m struct {
		Result json.RawMessage `json:"result"`
		Error  *struct {
			Message string `json:"message"`
		} `json:"error"`
	}
	if err := json.Unmarshal(reply, &m); err != nil || m.Error != nil {
		b.Fatalf("the host failed: %s", reply)
	}
	return m.Result
}

// BenchmarkPipes is cif-host over pipes answering getFocusedSession,
// against the bare framed echo: one call at a time (ping-pong), and a
// stream of calls sent without waiting (pipelined, as concurrent calls
// from pages arrive).
func BenchmarkPipes(b *testing.B) {
	echo := bench.Start(b, bench.EchoHost(b), nil, "raw")
	host := startHost(b, hosttest.NewDirs(b), "")
	b.Run("ping-pong", func(b *testing.B) {
		bench.Versus(b,
			func(n int) {
				for range n {
					echo.Call(readCall)
				}
			},
			func(n int) {
				for range n {
					host.Call(readCall)
				}
			})
	})
	b.Run("pipelined", func(b *testing.B) {
		bench.Versus(b, func(n int) { echo.Pipeline(readCall, n) }, func(n int) { host.Pipeline(readCall, n) })
	})
	// A write: createSession, then the agent's closeSession, each answered
	// once the state is saved, with the events each sends after its reply.
	create := rpc(11, "createSession", hosttest.As(provider, map[string]any{"input": map[string]any{"templateName": "msdyn_chat_session"}}))
	b.Run("write", func(b *testing.B) {
		bench.Versus(b,
			func(n int) {
				for range n {
					echo.Call(create)
					echo.Call(create)
				}
			},
			func(n int) {
				for range n {
					var id string
					if err := json.Unmarshal(mustResult(b, host.Call(create)), &id); err != nil {
						b.Fatal(err)
					}
					drainEvents(b, host)
					mustResult(b, host.Call(rpc(12, "workspace.closeSession", hosttest.View(map[string]any{"sessionId": id}))))
					drainEvents(b, host)
				}
			})
	})
}

// BenchmarkColdStart is the time from starting cif-host, as a browser
// does, to its hello reply, against starting the echo host and getting
// its hello reply. The profile's state exists from the first start on, as
// it does for a user, and so does an organisation of
// storetest.BenchContacts contacts.
func BenchmarkColdStart(b *testing.B) {
	echo, cif, dirs, data := bench.EchoHost(b), hostBinary(b), hosttest.NewDirs(b), benchData(b)
	coldStart := func(path string, env []string) {
		p := bench.Start(b, path, env, chromeArgv)
		mustResult(b, p.Call(helloRequest))
		b.StopTimer()
		p.Stop()
		b.StartTimer()
	}
	bench.Versus(b,
		func(n int) {
			for range n {
				coldStart(echo, nil)
			}
		},
		func(n int) {
			for range n {
				coldStart(cif, benchEnv(dirs, data))
			}
		})
}

// BenchmarkPeakMemory is cif-host's peak resident memory (VmHWM) after
// hello, 10 sessions and 100k calls, against the echo host's after the
// same calls; with the organisation, after 1000 screen pops and a few
// relevance searches over storetest.BenchContacts contacts as well. Each
// run is one such life, however large b.N; ns/op is not reported.
func BenchmarkPeakMemory(b *testing.B) {
	const calls = 100_000
	echoPath := bench.EchoHost(b)
	echoPeak := func() int64 {
		echo := bench.Start(b, echoPath, nil, chromeArgv)
		defer echo.Stop()
		echo.Call(helloRequest)
		echo.Pipeline(readCall, calls)
		return peak(b, echo)
	}
	report := func(b *testing.B, hostPeak, echoPeak int64) {
		b.ReportMetric(0, "ns/op")
		b.ReportMetric(float64(hostPeak)/(1<<20), "MB")
		b.ReportMetric(float64(echoPeak)/(1<<20), "floor-MB")
		b.ReportMetric(float64(hostPeak)/float64(echoPeak), "x-floor")
	}
	b.Run("sessions", func(b *testing.B) {
		floor := echoPeak()
		host := startHost(b, hosttest.NewDirs(b), "")
		defer host.Stop()
		readMixed(b, host, calls)
		report(b, peak(b, host), floor)
	})
	b.Run("organisation", func(b *testing.B) {
		data := benchData(b)
		if data == "" {
			b.Skip("CIF_BENCH_RECORDS=no: no organisation")
		}
		floor := echoPeak()
		host := startHost(b, hosttest.NewDirs(b), data)
		defer host.Stop()
		readMixed(b, host, calls)
		for i, pop := range screenPops(1000) {
			if i%100 == 0 {
				mustResult(b, host.Call(rpc(14, "searchAndOpenRecords", hosttest.As(provider, map[string]any{"entityName": "contact", "query": "$select=fullname&$search=ann lee&$top=10", "searchOnly": true}))))
			}
			mustResult(b, host.Call(pop))
		}
		report(b, peak(b, host), floor)
	})
}

// readMixed makes 10 sessions, then n read calls of every kind a page
// makes across them, pipelined 1000 at a time.
func readMixed(b *testing.B, host *bench.Proc, n int) {
	var sessions []string
	for i := range 10 {
		var id string
		raw := mustResult(b, host.Call(rpc(100+i, "createSession", hosttest.As(provider, map[string]any{"input": map[string]any{"templateName": "msdyn_chat_session", "templateParameters": map[string]any{"customer": fmt.Sprint("Customer ", i)}}}))))
		if err := json.Unmarshal(raw, &id); err != nil {
			b.Fatal(err)
		}
		sessions = append(sessions, id)
		drainEvents(b, host)
	}
	mixed := [][]byte{
		readCall,
		rpc(8, "getAllSessions", hosttest.As(provider, nil)),
		rpc(9, "getFocusedTab", hosttest.As(provider, nil)),
	}
	for _, id := range sessions {
		mixed = append(mixed, rpc(10, "getSession", hosttest.As(provider, map[string]any{"sessionId": id})))
	}
	for done := 0; done < n; {
		for _, call := range mixed {
			host.Pipeline(call, 1000)
			done += 1000
		}
	}
}

// BenchmarkScreenPop is cif-host over pipes answering a screen pop
// (searchAndOpenRecords by the caller's number, searchOnly) over an
// organisation of storetest.BenchContacts contacts, one call at a time,
// against the bare framed echo answering the same frames. share-ns/op is
// the host's share of a call: its time less the echo's.
func BenchmarkScreenPop(b *testing.B) {
	data := benchData(b)
	if data == "" {
		b.Skip("CIF_BENCH_RECORDS=no: no organisation")
	}
	echo := bench.Start(b, bench.EchoHost(b), nil, "raw")
	host := startHost(b, hosttest.NewDirs(b), data)
	pops := screenPops(100)
	for _, pop := range pops { // opens the organisation; each finds its one contact
		var found string
		if err := json.Unmarshal(mustResult(b, host.Call(pop)), &found); err != nil || strings.Count(found, `"@odata.etag"`) > 1 || !strings.Contains(found, "fullname") {
			b.Fatalf("a screen pop should find one contact, found %s (%v)", found, err)
		}
	}
	t := bench.Versus(b,
		func(n int) {
			for i := range n {
				echo.Call(pops[i%len(pops)])
			}
		},
		func(n int) {
			for i := range n {
				host.Call(pops[i%len(pops)])
			}
		})
	b.ReportMetric(float64(t.Subject-t.Floor), "share-ns/op")
}

// screenPops are n searchAndOpenRecords calls, as a softphone makes them
// with its caller's number, spread over the benchmark organisation.
func screenPops(n int) [][]byte {
	pops := make([][]byte, n)
	for i := range pops {
		digits := records.PhoneDigits(sample.ContactPhone(i * (storetest.BenchContacts / n)))
		pops[i] = rpc(13, "searchAndOpenRecords", hosttest.As(provider, map[string]any{"entityName": "contact", "query": "?$select=fullname,telephone1&$search=" + digits, "searchOnly": true}))
	}
	return pops
}

// organisation is the benchmarks' organisation of
// storetest.BenchContacts contacts: an XDG data folder holding
// cif-bridge/organization.db, made once per test process (bench/run
// repeats a benchmark in one process) and removed by TestMain.
var organisation struct {
	once sync.Once
	dir  string
	err  error
}

// benchData is the XDG data folder of the benchmark organisation, or ""
// with $CIF_BENCH_RECORDS=no (bench/run's BENCH_RECORDS=no).
func benchData(b *testing.B) string {
	if os.Getenv("CIF_BENCH_RECORDS") == "no" {
		return ""
	}
	return benchOrganisation(b)
}

// benchOrganisation returns the XDG data folder of the benchmark
// organisation, making it on first use.
func benchOrganisation(b *testing.B) string {
	b.Helper()
	organisation.once.Do(func() {
		dir, err := os.MkdirTemp("", "cif-bench-org-")
		if err != nil {
			organisation.err = err
			return
		}
		organisation.dir = dir
		s, err := sqlite.OpenNow(context.Background(), sqlite.Options{Path: filepath.Join(dir, "cif-bridge", "organization.db"), Catalog: metadata.BuiltinCatalog()})
		if err != nil {
			organisation.err = err
			return
		}
		organisation.err = errors.Join(storetest.Populate(context.Background(), s), s.Close())
	})
	if organisation.err != nil {
		b.Fatalf("make the benchmark organisation: %v", organisation.err)
	}
	return organisation.dir
}

// drainEvents reads the notifications a change sends after its reply:
// onSessionSwitched and workspaceChanged. The workspaceChanged one comes
// last.
func drainEvents(b *testing.B, p *bench.Proc) {
	b.Helper()
	for {
		var m struct{ Method string }
		if err := json.Unmarshal(p.Read(), &m); err != nil {
			b.Fatal(err)
		}
		if m.Method == "cifbridge.workspaceChanged" {
			return
		}
	}
}

func peak(b *testing.B, p *bench.Proc) int64 {
	b.Helper()
	n, err := bench.PeakRSS(p.Pid())
	if err != nil {
		b.Fatal(err)
	}
	return n
}
