package api_test

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/cifbridge/cif-bridge/host/api"
	"github.com/cifbridge/cif-bridge/host/config"
	"github.com/cifbridge/cif-bridge/host/server"
	"github.com/cifbridge/cif-bridge/host/templates"
	"github.com/cifbridge/cif-bridge/internal/bench"
	"github.com/cifbridge/cif-bridge/internal/echo"
	"github.com/cifbridge/cif-bridge/internal/hosttest"
	"github.com/cifbridge/cif-bridge/protocol"
)

// pipes returns a connection to a host served by serve on a pair of OS
// pipes, as a browser's are; closing the connection's side ends the host.
func pipes(b *testing.B, serve func(in io.Reader, out io.Writer)) *bench.Conn {
	inR, inW, err := os.Pipe()
	if err != nil {
		b.Fatal(err)
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		b.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		serve(inR, outW)
		outW.Close()
	}()
	b.Cleanup(func() {
		inW.Close()
		<-done
		inR.Close()
		outR.Close()
	})
	return bench.NewConn(b, inW, outR)
}

func benchRequest(b *testing.B, id int, method string, params map[string]any) []byte {
	body, err := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": id, "method": method, "params": params})
	if err != nil {
		b.Fatal(err)
	}
	return body
}

// BenchmarkDispatch is the server answering small calls in-process over
// OS pipes, against the bare framed echo on the same kind of pipes: the
// host's own cost without process start-up or a second process's
// scheduling. -cpuprofile shows where it goes.
func BenchmarkDispatch(b *testing.B) {
	root := b.TempDir()
	cfg := api.Config{
		HostVersion: "bench",
		Dirs:        config.Dirs{Config: filepath.Join(root, "config"), State: filepath.Join(root, "state")},
		Catalog:     templates.Defaults(),
	}
	host := pipes(b, func(in io.Reader, out io.Writer) { _ = server.Serve(context.Background(), in, out, api.New(cfg), nil) })
	floor := pipes(b, func(in io.Reader, out io.Writer) { _ = echo.Serve(in, out, true) })
	host.Call(benchRequest(b, 1, "hello", map[string]any{"protocolVersion": protocol.ProtocolVersion, "extensionVersion": "bench", "profileId": "bench"}))

	const provider = "http://127.0.0.1:8080"
	created := host.Call(benchRequest(b, 2, "createSession", hosttest.As(provider, map[string]any{"input": map[string]any{"templateName": "msdyn_chat_session", "templateParameters": map[string]any{"customer": "Contoso"}}})))
	var reply struct{ Result string }
	if err := json.Unmarshal(created, &reply); err != nil || reply.Result == "" {
		b.Fatalf("createSession failed: %s", created)
	}
	drain := func() { // the events a change sends after its reply
		for {
			var m struct{ Method string }
			if json.Unmarshal(host.Read(), &m); m.Method == api.WorkspaceChanged {
				return
			}
		}
	}
	drain()

	for _, call := range []struct {
		name string
		body []byte
	}{
		{"getFocusedSession", benchRequest(b, 3, "getFocusedSession", hosttest.As(provider, nil))},
		{"getSession", benchRequest(b, 4, "getSession", hosttest.As(provider, map[string]any{"sessionId": reply.Result, "correlationId": "c-1"}))},
	} {
		b.Run(call.name+"/ping-pong", func(b *testing.B) {
			bench.Versus(b,
				func(n int) {
					for range n {
						floor.Call(call.body)
					}
				},
				func(n int) {
					for range n {
						host.Call(call.body)
					}
				})
		})
		b.Run(call.name+"/pipelined", func(b *testing.B) {
			bench.Versus(b, func(n int) { floor.Pipeline(call.body, n) }, func(n int) { host.Pipeline(call.body, n) })
		})
	}
	// A write: createSession, then the agent's closeSession, each answered
	// once saved, with the events each sends; the floor echoes two frames.
	create := benchRequest(b, 5, "createSession", hosttest.As(provider, map[string]any{"input": map[string]any{"templateName": "msdyn_chat_session", "templateParameters": map[string]any{"customer": "Contoso"}}}))
	b.Run("createSession+closeSession", func(b *testing.B) {
		bench.Versus(b,
			func(n int) {
				for range n {
					floor.Call(create)
					floor.Call(create)
				}
			},
			func(n int) {
				for range n {
					var r struct{ Result string }
					if err := json.Unmarshal(host.Call(create), &r); err != nil || r.Result == "" {
						b.Fatal("createSession failed")
					}
					drain()
					host.Call(benchRequest(b, 6, "workspace.closeSession", hosttest.View(map[string]any{"sessionId": r.Result})))
					drain()
				}
			})
	})
}
