package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cifbridge/cif-bridge/host/store"
)

// TestTheHostKilledMidCall kills cif-host while a call waits for it: the
// call rejects with a clear message, and the next call starts a new host.
func TestTheHostKilledMidCall(t *testing.T) {
	for _, b := range browsers {
		t.Run(b.name, func(t *testing.T) {
			r, srv := startWithPages(t, b)
			p := openProvider(t, r, srv.URL)
			var first string
			p.result(`Microsoft.CIFramework.createSession({templateName: "msdyn_chat_session"})`, &first)

			// Hold the profile's lock, so that the next host waits in hello:
			// a call is then truly in flight when the host dies.
			locks, err := filepath.Glob(filepath.Join(r.w.state, "cif-bridge", "profiles", "*.json.lock"))
			require.NoError(t, err)
			require.Len(t, locks, 1)
			profile := strings.TrimSuffix(filepath.Base(locks[0]), ".json.lock")
			f, err := store.Open(filepath.Dir(locks[0]), profile)
			require.NoError(t, err)
			kill(t, waitHosts(t, r, "the first host", func(p []int) bool { return len(p) == 1 }))
			// The tab sync may still be at work on the session's tab, and the
			// agent's tab events it reports start a new host at once: kill
			// each such host until the profile is the test's.
			for deadline := time.Now().Add(20 * time.Second); ; {
				kill(t, waitHosts(t, r, "the hosts to die", func(p []int) bool { return len(p) <= 1 }))
				waitHosts(t, r, "the hosts to die", func(p []int) bool { return len(p) == 0 })
				if err := f.Lock(0); err == nil {
					break
				} else if time.Now().After(deadline) {
					require.NoError(t, err, "the profile stayed busy for 20 s")
				}
			}

			p.eval(`(window.pending = settle(Microsoft.CIFramework.getAllSessions()), true)`)
			kill(t, waitHosts(t, r, "a second host", func(p []int) bool { return len(p) == 1 }))
			var pending settled
			require.NoError(t, jsonUnmarshal(p.eval(`window.pending`), &pending))
			require.False(t, pending.OK, "the call cannot succeed without a host")
			assert.Equal(t, 1008, pending.Error.ErrorCode)
			assert.Equal(t, "getAllSessions", pending.Error.MsdynName)
			if b.name == "chromium" {
				assert.Equal(t, "cif-host is not reachable: Native host has exited.; cif-host stopped; the next call restarts it. If this repeats, read the host log (`cif-host doctor` prints where)", pending.Error.Message)
			} else { // Firefox gives no reason for a host that exits
				assert.Equal(t, "cif-host is not reachable (the browser gave no reason); the next call reconnects; if this repeats, run `cif-host doctor` and read the host log", pending.Error.Message)
			}

			require.NoError(t, f.Close())
			var all []string
			p.result(`Microsoft.CIFramework.getAllSessions()`, &all)
			assert.Equal(t, []string{first}, all, "the next call starts a new host, which has the session")
		})
	}
}

// TestNoOrphanedHosts restarts cif-host a hundred times from the options
// page, each time followed by a page's call that starts a new one: every
// old host exits, and one host is left.
func TestNoOrphanedHosts(t *testing.T) {
	const cycles = 100
	for _, b := range browsers {
		t.Run(b.name, func(t *testing.T) {
			r, srv := startWithPages(t, b)
			p := openProvider(t, r, srv.URL)
			options := &tab{t: t, d: r.driver(t), id: b.extensionTab(t, r, "views/options/options.html")}
			var first []string
			p.result(`Microsoft.CIFramework.getAllSessions()`, &first)
			for i := 0; i < cycles; i++ {
				options.eval(`chrome.runtime.sendMessage({kind: "call", method: "cifbridge.restartHost", params: {}})`)
				p.result(`Microsoft.CIFramework.canCreateSession()`, nil)
			}
			pids := waitHosts(t, r, "the old hosts to exit", func(p []int) bool { return len(p) == 1 })
			assert.Len(t, pids, 1)
			log, err := os.ReadFile(filepath.Join(r.w.state, "cif-bridge", "cif-host.log"))
			require.NoError(t, err)
			starts := strings.Count(string(log), "msg=started")
			assert.Equal(t, cycles+1, starts, "each cycle started a new host")
		})
	}
}
