package e2e

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestASessionTakesOnlyTabsItOpened: a session whose tab has the address of
// a tab the agent already has open gets a tab of its own; the agent's tab
// stays out of the session, and closing it closes nothing.
func TestASessionTakesOnlyTabsItOpened(t *testing.T) {
	for _, b := range browsers {
		t.Run(b.name, func(t *testing.T) {
			r, srv := startWithPages(t, b)
			d := r.driver(t)
			panel := &tab{t: t, d: d, id: b.extensionTab(t, r, "views/panel/panel.html")}
			url := srv.URL + "/blank.html?agent"
			agents, err := d.open(url)
			require.NoError(t, err)
			p := openProvider(t, r, srv.URL)
			var s string
			p.result(`Microsoft.CIFramework.createSession({templateName: "msdyn_website_session", templateParameters: {customer: "Own", url: `+js(url)+`}})`, &s)
			until(t, d, panel.id, tabsAtJS(url)+`.then((ts) => ts.length === 2 && ts.filter((t) => t.groupId !== -1).length === 1)`)

			require.NoError(t, d.close(agents))
			until(t, d, panel.id, tabsAtJS(url)+`.then((ts) => ts.length === 1)`)
			var all []string
			p.result(`Microsoft.CIFramework.getAllSessions()`, &all)
			assert.Equal(t, []string{s}, all, "closing the agent's tab closed no session")
		})
	}
}

// TestARestartTakesBackOnlyTheTabsASessionOpened: a provider's page opens
// tabs with the address of its session's tab, before and after the session
// opens its own; after the browser restarts and restores all three, the
// session takes back the tab the extension opened for it (the one in the
// same place among them), not a page's, and opens no fourth.
func TestARestartTakesBackOnlyTheTabsASessionOpened(t *testing.T) {
	for _, b := range browsers {
		t.Run(b.name, func(t *testing.T) {
			srv, _ := servePages(t)
			w := newWorld(t)
			panelPage := "views/panel/panel.html"
			first := start(t, w, restoring(t, b, w, b.launch(t, w, b.extensionURL(t, panelPage))))
			p := openProvider(t, first, srv.URL)
			url := srv.URL + "/blank.html?kept"
			p.eval(`(window.open(` + js(url) + `), true)`)
			panel := &tab{t: t, d: first.driver(t), id: b.extensionTab(t, first, panelPage)}
			until(t, panel.d, panel.id, tabsAtJS(url)+`.then((ts) => ts.length === 1)`)
			var hostTab string
			p.result(`Microsoft.CIFramework.createSession({templateName: "msdyn_website_session", templateParameters: {customer: "Kept", url: `+js(url)+`}})`, nil)
			p.result(`Microsoft.CIFramework.getFocusedTab()`, &hostTab)
			until(t, panel.d, panel.id, sessionTabAtJS(url, hostTab)+`.then(({at}) => at !== -1)`)
			p.eval(`(window.open(` + js(url) + `), true)`)
			until(t, panel.d, panel.id, tabsAtJS(url)+`.then((ts) => ts.length === 3)`)
			until(t, panel.d, panel.id, marksSavedJS(b, hostTab))
			var before struct{ At, Of int }
			require.NoError(t, json.Unmarshal(panel.eval(sessionTabAtJS(url, hostTab)), &before))
			quitSavingSession(t, b, first, url)

			second := start(t, w, restoring(t, b, w, b.launch(t, w, b.extensionURL(t, panelPage))))
			panel = &tab{t: t, d: second.driver(t), id: b.extensionTab(t, second, panelPage)}
			until(t, panel.d, panel.id, `document.getElementById("summary").textContent === "1 of 10 sessions"`)
			until(t, panel.d, panel.id, sessionTabAtJS(url, hostTab)+`.then(({at}) => at !== -1)`)
			var after struct{ At, Of int }
			require.NoError(t, json.Unmarshal(panel.eval(sessionTabAtJS(url, hostTab)), &after))
			assert.Equal(t, before, after, "the session has its own tab back, restored in its place, and no tab was opened again")
		})
	}
}

// tabsAtJS is an extension page's expression for the tabs showing url, in
// the browser's order, with their tab group (-1 for none).
func tabsAtJS(url string) string {
	return `chrome.tabs.query({}).then((ts) => ts.filter((t) => t.url === ` + js(url) + `).map((t) => ({id: t.id, groupId: t.groupId ?? -1})))`
}

// sessionTabAtJS is an extension page's expression for where the tab the
// tab sync shows hostTab in is among the tabs showing url: {at, of}, at -1
// while there is none.
func sessionTabAtJS(url, hostTab string) string {
	return `Promise.all([` + tabsAtJS(url) + `, chrome.storage.session.get("tabSync")]).then(([ts, {tabSync}]) =>
		({at: ts.findIndex((t) => t.id === tabSync?.tabs?.[` + js(hostTab) + `]), of: ts.length}))`
}

// marksSavedJS is an extension page's expression that is true once the tab
// sync has saved what knows hostTab's tab after a restart (tabmarks.js):
// the tab's value in Firefox, its place among its look-alikes in Chromium.
func marksSavedJS(b browserKind, hostTab string) string {
	h := js(hostTab)
	if b.name == "firefox" {
		return `chrome.storage.session.get("tabSync").then(({tabSync}) => browser.sessions.getTabValue(tabSync.tabs[` + h + `], "cifBridgeHostTab")).then((v) => v === ` + h + `)`
	}
	return `Promise.all([chrome.tabs.query({}), chrome.storage.local.get("cifBridgeHostTab"), chrome.storage.session.get("tabSync")]).then(([ts, local, {tabSync}]) => {
		const tab = ts.find((t) => t.id === tabSync?.tabs?.[` + h + `]);
		const saved = local.cifBridgeHostTab?.[` + h + `];
		return Boolean(tab && saved) && saved.nth === ts.filter((t) => t.url === tab.url && t.groupId === tab.groupId).indexOf(tab);
	})`
}

// restoring makes a browser launch restore the tabs of its last run, as an
// agent's browser set to continue where it left off does.
func restoring(t *testing.T, b browserKind, w *world, l launched) launched {
	t.Helper()
	if b.name == "chromium" {
		last := len(l.cmd.Args) - 1 // the start page stays last
		l.cmd.Args = append(l.cmd.Args[:last:last], "--restore-last-session", l.cmd.Args[last])
		return l
	}
	// Firefox reads prefs.js before user.js, which each launch rewrites.
	prefs := filepath.Join(w.dir, "firefox-profile", "prefs.js")
	if _, err := os.Stat(prefs); errors.Is(err, os.ErrNotExist) {
		require.NoError(t, os.MkdirAll(filepath.Dir(prefs), 0o700))
		require.NoError(t, os.WriteFile(prefs, []byte(`user_pref("browser.startup.page", 3);`+"\n"+`user_pref("browser.sessionstore.interval", 500);`+"\n"), 0o600))
	}
	return l
}

// quitSavingSession ends the browser so that its next start restores the
// tabs, among them three showing url. Chromium saves its session when asked
// to close; Firefox, which a signal ends without saving, restores what its
// crash-recovery file holds, so the test waits until that file holds the
// three tabs and the tab value.
func quitSavingSession(t *testing.T, b browserKind, r *running, url string) {
	t.Helper()
	if b.name == "chromium" {
		if _, err := r.driver(t).(*cdp).call(map[string]any{"method": "Browser.close"}); err != nil {
			t.Logf("Browser.close: %v (the browser may exit before it answers)", err)
		}
		select {
		case <-r.done:
		case <-time.After(30 * time.Second):
			t.Fatalf("chromium did not exit within 30 s of Browser.close\n%s", r.w.browserLog())
		}
		return
	}
	recovery := filepath.Join(r.w.dir, "firefox-profile", "sessionstore-backups", "recovery.jsonlz4")
	deadline := time.Now().Add(30 * time.Second)
	for {
		state, err := readMozLz4(recovery)
		if err == nil && strings.Count(state, `"url":`+js(url)) >= 3 && strings.Contains(state, "cifBridgeHostTab") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("firefox's recovery file never held both tabs (last error: %v)", err)
		}
		time.Sleep(100 * time.Millisecond) // polling a file the browser rewrites on its own schedule
	}
	r.stop(t)
}

// readMozLz4 reads a Firefox mozLz4 file: a magic, the content's length,
// and one LZ4 block.
func readMozLz4(path string) (string, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	magic := []byte("mozLz40\x00")
	if len(raw) < len(magic)+4 || !bytes.Equal(raw[:len(magic)], magic) {
		return "", errors.New("not a mozLz4 file")
	}
	size := int(binary.LittleEndian.Uint32(raw[len(magic):]))
	return lz4Block(raw[len(magic)+4:], size)
}

// lz4Block decodes one LZ4 block (the format's sequences of literals and
// back-references), refusing anything malformed.
func lz4Block(src []byte, size int) (string, error) {
	bad := errors.New("malformed LZ4 block")
	dst := make([]byte, 0, size)
	// extend adds a length's extra bytes when its 4 bits say 15: each adds
	// itself, and one of 255 means another follows.
	extend := func(n, i int) (int, int, bool) {
		for n >= 15 {
			if i >= len(src) {
				return 0, i, false
			}
			b := int(src[i])
			i++
			n += b
			if b != 255 {
				break
			}
		}
		return n, i, true
	}
	for i := 0; i < len(src); {
		token := src[i]
		lit, next, ok := extend(int(token>>4), i+1)
		if !ok || next+lit > len(src) {
			return "", bad
		}
		dst = append(dst, src[next:next+lit]...)
		i = next + lit
		if i == len(src) {
			break // the last sequence has literals only
		}
		if i+2 > len(src) {
			return "", bad
		}
		offset := int(src[i]) | int(src[i+1])<<8
		match, next, ok := extend(int(token&15), i+2)
		if !ok || offset == 0 || offset > len(dst) {
			return "", bad
		}
		i = next
		for from, k := len(dst)-offset, 0; k < match+4; k++ {
			dst = append(dst, dst[from+k])
		}
	}
	if len(dst) != size {
		return "", bad
	}
	return string(dst), nil
}
