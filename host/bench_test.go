package main

import (
	"encoding/json"
	"fmt"
	"os"
	"testing"

	"github.com/cifbridge/cif-bridge/internal/bench"
	"github.com/cifbridge/cif-bridge/internal/hosttest"
)

// The benchmarks of the cif-host binary, each beside the bare echo host
// (internal/echohost) in the same run. docs/performance.md has the
// numbers; bench/run runs these with the rest.

// chromeArgv is the argv Chromium starts a host with.
const chromeArgv = "chrome-extension://aacpoilajhhjiddkhdigidknphfhbeif/"

// benchEnv points cif-host at dirs and logs at the level a user's host
// does.
func benchEnv(dirs hosttest.Dirs) []string {
	return []string{"XDG_CONFIG_HOME=" + dirs.Config, "XDG_STATE_HOME=" + dirs.State, "CIF_BRIDGE_LOG_LEVEL=info"}
}

func rpc(id int, method string, params map[string]any) []byte {
	b, err := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": id, "method": method, "params": params})
	if err != nil {
		panic(err)
	}
	return b
}

var helloRequest = rpc(1, "hello", map[string]any{"protocolVersion": 1, "extensionVersion": "bench", "profileId": "bench"})

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

// startHost runs cif-host as a browser does and says hello.
func startHost(b *testing.B, dirs hosttest.Dirs) *bench.Proc {
	p := bench.Start(b, hostBinary(b), benchEnv(dirs), chromeArgv)
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
	host := startHost(b, hosttest.NewDirs(b))
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
// it does for a user.
func BenchmarkColdStart(b *testing.B) {
	echo, cif, dirs := bench.EchoHost(b), hostBinary(b), hosttest.NewDirs(b)
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
				coldStart(cif, benchEnv(dirs))
			}
		})
}

// BenchmarkPeakMemory is cif-host's peak resident memory (VmHWM) after
// hello, 10 sessions and 100k calls, against the echo host's after the
// same calls. Each run is one such life, however large b.N; ns/op is not
// reported.
func BenchmarkPeakMemory(b *testing.B) {
	const calls = 100_000
	echoPath := bench.EchoHost(b)
	var hostPeak, echoPeak int64
	{
		echo := bench.Start(b, echoPath, nil, chromeArgv)
		echo.Call(helloRequest)
		echo.Pipeline(readCall, calls)
		echoPeak = peak(b, echo)
		echo.Stop()

		host := startHost(b, hosttest.NewDirs(b))
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
		// Reads of every kind a page makes, across the sessions.
		mixed := [][]byte{
			readCall,
			rpc(8, "getAllSessions", hosttest.As(provider, nil)),
			rpc(9, "getFocusedTab", hosttest.As(provider, nil)),
		}
		for _, id := range sessions {
			mixed = append(mixed, rpc(10, "getSession", hosttest.As(provider, map[string]any{"sessionId": id})))
		}
		for done := 0; done < calls; {
			for _, call := range mixed {
				host.Pipeline(call, 1000)
				done += 1000
			}
		}
		hostPeak = peak(b, host)
		host.Stop()
	}
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(float64(hostPeak)/(1<<20), "MB")
	b.ReportMetric(float64(echoPeak)/(1<<20), "floor-MB")
	b.ReportMetric(float64(hostPeak)/float64(echoPeak), "x-floor")
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
