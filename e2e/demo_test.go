package e2e

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cifbridge/cif-bridge/internal/hosttest"
)

// serveDemo runs `cif-host demo --port 0` and returns the address it
// prints.
func serveDemo(t *testing.T) string {
	t.Helper()
	cmd := exec.Command(hosttest.Binary(t), "demo", "--port", "0")
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if m := regexp.MustCompile(`open (http://127\.0\.0\.1:\d+/)`).FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
	}()
	select {
	case url := <-found:
		return url
	case <-time.After(20 * time.Second):
		t.Fatal("cif-host demo printed no address within 20 s")
		return ""
	}
}

// TestTheDemoConsole works the demo provider page as a newcomer would: an
// incoming chat asks the agent, who accepts in the panel, which opens a
// session; the agent closes it, and the page's log shows the events it
// received.
func TestTheDemoConsole(t *testing.T) {
	url := serveDemo(t)
	for _, b := range browsers {
		t.Run(b.name, func(t *testing.T) {
			w := newWorld(t)
			r := start(t, w, b.launch(t, w, b.extensionURL(t, "views/panel/panel.html")))
			d := r.driver(t)
			panel := &tab{t: t, d: d, id: b.extensionTab(t, r, "views/panel/panel.html")}
			id, err := d.open(url)
			require.NoError(t, err)
			demo := &tab{t: t, d: d, id: id}
			until(t, d, demo.id, `document.getElementById("status").dataset.state === "ready"`)

			demo.eval(`(document.getElementById("customer").value = "Ann Contoso", document.getElementById("incoming-chat").click())`)
			until(t, d, demo.id, `document.querySelectorAll("#waiting > li").length === 1`)
			until(t, d, panel.id, `document.querySelector("#incoming .title")?.textContent === "Incoming chat request"`)
			assert.JSONEq(t, `"Ann Contoso"`, string(panel.eval(`document.querySelector("#incoming dd").textContent`)))
			panel.eval(`document.querySelector("#incoming [data-action=accept]").click()`)
			until(t, d, demo.id, `document.querySelectorAll("#sessions > li[data-session]").length === 1`)
			assert.JSONEq(t, `0`, string(demo.eval(`document.querySelectorAll("#waiting > li").length`)))
			var session string
			require.NoError(t, jsonUnmarshal(demo.eval(`document.querySelector("#sessions > li[data-session]").dataset.session`), &session))
			assert.Regexp(t, sessionID, session)
			until(t, d, demo.id, `[...document.querySelectorAll('#log > li[data-kind="event"][data-name="onSessionSwitched"]')].length === 1`)

			until(t, d, panel.id, `document.querySelector('[data-session="`+session+`"] .title')?.textContent === "Ann Contoso"`)
			panel.eval(`document.querySelector('[data-session="` + session + `"] [data-action="workspace.closeSession"]').click()`)
			until(t, d, demo.id, `document.querySelector('#log > li[data-kind="event"][data-name="onSessionClosed"]') !== null`)
			until(t, d, demo.id, `document.querySelectorAll("#sessions > li[data-session]").length === 0`)
		})
	}
}

// TestTheDemoConsolesScreenPop: with the sample organisation, which
// settings.json's records.sample loads on first use, an incoming call to
// the demo console from a contact's number opens that contact in the
// call's session; from an unknown number, a new contact's form.
func TestTheDemoConsolesScreenPop(t *testing.T) {
	url := serveDemo(t)
	for _, b := range browsers {
		t.Run(b.name, func(t *testing.T) {
			w := newWorld(t)
			require.NoError(t, os.WriteFile(filepath.Join(w.config, "cif-bridge", "settings.json"), []byte(`{"records": {"sample": true}}`), 0o600))
			r := start(t, w, b.launch(t, w, b.extensionURL(t, "views/panel/panel.html")))
			d := r.driver(t)
			id, err := d.open(url)
			require.NoError(t, err)
			demo := &tab{t: t, d: d, id: id}
			until(t, d, demo.id, `document.getElementById("status").dataset.state === "ready" && document.getElementById("caller").value.startsWith("+1 (")`)
			demo.eval(`(document.getElementById("ask-first").checked = false, true)`) // straight to the screen pop: TestTheDemoConsole asks the agent

			focusedPage := func(view string) *tab {
				var tabID string
				require.NoError(t, jsonUnmarshal(demo.eval(`Microsoft.CIFramework.getFocusedTab()`), &tabID))
				return recordPage(t, d, b.extensionURL(t, "views/tab/tab.html?tab="+tabID), view)
			}
			// The console offered one of the organisation's numbers; this one is Umar Novak's alone in the sample.
			demo.eval(`(document.getElementById("caller").value = "+1 (206) 555-0168", document.getElementById("incoming-call").click())`)
			until(t, d, demo.id, `document.querySelector("#sessions > li[data-session] .title")?.textContent === "Call from Umar Novak"`)
			contact := focusedPage("record")
			assert.Equal(t, `"Umar Novak"`, string(contact.eval(`document.getElementById("record-title").textContent`)))
			demo.eval(`(document.getElementById("unknown-caller").click(), document.getElementById("incoming-call").click())`)
			until(t, d, demo.id, `document.querySelector('#log > li[data-name="openForm"][data-kind="ok"]') !== null`)
			focusedPage("form")
		})
	}
}
