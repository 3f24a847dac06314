package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// writeSettings writes the world's settings.json, which cif-host reads
// when the browser starts it.
func writeSettings(t testing.TB, w *world, settings map[string]any) {
	t.Helper()
	b, err := json.Marshal(settings)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(w.config, "cif-bridge", "settings.json"), b, 0o600))
}

// provider is one of settings.json's channel providers.
func provider(name, label, landingURL string, order int, customParams string) map[string]any {
	return map[string]any{"name": name, "label": label, "landingUrl": landingURL, "order": order, "customParams": customParams}
}

// The organisation and agent getEnvironment reports in these tests.
var testIdentity = map[string]any{
	"organizationUrl": "https://contoso.crm4.dynamics.com",
	"organization":    map[string]any{"id": "ba7fd0b1-3511-ee11-a66b-000d3a48f47a", "uniqueName": "unqcontoso", "appId": "802b8bcd-710d-ee11-8f6d-002248803266", "version": "9.2.23055.00200"},
	"user":            map[string]any{"id": "a8177e6e-4d0d-ee11-8f6d-002248803266", "name": "Ann Agent", "lcid": 1031},
}

// framedProvider waits for a provider's page in the panel's frame and
// until it is subscribed to the CIF events.
func framedProvider(t *testing.T, r *running, url string) *tab {
	t.Helper()
	d := r.driver(t)
	p := &tab{t: t, d: d, id: findTab(t, d, url)}
	until(t, d, p.id, `window.ready !== undefined`)
	p.eval(`window.ready`)
	return p
}

// TestChannelProvidersInThePanel: the administrator's channel providers'
// pages load in the panel, each a full CIF client calling as its own
// origin; one creates a session, whose tab opens beside the panel, and
// reads getEnvironment on a record tab; the agent switches providers, and
// only the shown one changes the panel's mode; the panel's width reaches
// the providers; and a hostile page that frames a provider gets nothing.
//
// The panel page is driven in a tab, framed as it is in the side panel and
// the sidebar: a headless browser opens those only for a user's gesture
// (TestTheRealSidePanel opens them). In a tab, the browser names the
// frame's tab, which shows the panel; in the side panel and the sidebar it
// names no tab, and the panel's registration vouches for the frame.
func TestChannelProvidersInThePanel(t *testing.T) {
	for _, b := range browsers {
		t.Run(b.name, func(t *testing.T) {
			srv, _ := servePages(t)
			other := otherOrigin(srv.URL)
			softURL, chatURL := srv.URL+"/provider.html", other+"/provider.html"
			w := newWorld(t)
			settings := map[string]any{"channelProviders": []any{
				provider("chat", "Chat", chatURL, 1, ""),
				provider("softphone", "Softphone", softURL, 0, `{"queue":"support"}`),
			}}
			for k, v := range testIdentity {
				settings[k] = v
			}
			writeSettings(t, w, settings)
			r := start(t, w, b.launch(t, w, b.extensionURL(t, "views/panel/panel.html"), b.extensionURL(t, "views/options/options.html")))
			d := r.driver(t)
			panel := &tab{t: t, d: d, id: b.extensionTab(t, r, "views/panel/panel.html")}
			require.NoError(t, d.resize(panel.id, 420, 800))
			until(t, d, panel.id, `document.querySelectorAll("#frames iframe").length === 2`)
			assert.JSONEq(t, `["Softphone","Chat"]`, string(panel.eval(`[...document.querySelectorAll("#switcher [role=tab]")].map((t) => t.textContent)`)), "in the providers' order")
			assert.JSONEq(t, `"managed:softphone"`, string(panel.eval(`document.querySelector("#frames iframe.shown").dataset.provider`)))

			soft := framedProvider(t, r, softURL)
			chat := framedProvider(t, r, chatURL)

			// A session from the panel's provider: its tab opens beside the panel.
			site := srv.URL + "/blank.html?from=panel"
			var session string
			soft.result(`Microsoft.CIFramework.createSession({templateName: "msdyn_website_session", templateParameters: {customer: "Contoso", url: `+js(site)+`}})`, &session)
			findTab(t, d, site)
			assert.Equal(t, []event{{Name: "onSessionSwitched", Payload: map[string]any{"sessionId": session, "focused": true}}}, soft.waitEvents(1), "the framed provider hears its own events")
			until(t, d, panel.id, `document.getElementById("summary").textContent === "1 of 10 sessions"`)
			var all []string
			chat.result(`Microsoft.CIFramework.getAllSessions()`, &all)
			assert.Empty(t, all, "the other provider sees none of it: each frame is the provider of its own origin")

			// getEnvironment of a record tab.
			soft.result(`Microsoft.CIFramework.createTab({templateName: "msdyn_entityrecord_tab", templateParameters: {entityName: "contact", entityId: "674F8695-1416-EE11-8F6D-000D3A4808BC"}, isFocused: true})`, nil)
			var raw string
			soft.result(`Microsoft.CIFramework.getEnvironment()`, &raw)
			var env map[string]any
			require.NoError(t, json.Unmarshal([]byte(raw), &env))
			assert.Equal(t, map[string]any{
				"appUrl": "https://contoso.crm4.dynamics.com/main.aspx?appid=802b8bcd-710d-ee11-8f6d-002248803266", "appid": "802b8bcd-710d-ee11-8f6d-002248803266",
				"cifVersion": env["cifVersion"], "clientUrl": "https://contoso.crm4.dynamics.com", "crmVersion": "9.2.23055.00200",
				"customParams": `{"queue":"support"}`, "etn": "contact", "id": "674f8695-1416-ee11-8f6d-000d3a4808bc", "isDirty": false,
				"orgId": "ba7fd0b1-3511-ee11-a66b-000d3a48f47a", "orgLcid": 1033.0, "orgUniqueName": "unqcontoso", "pagetype": "entityrecord",
				"userId": "{A8177E6E-4D0D-EE11-8F6D-002248803266}", "userLcid": 1031.0, "username": "Ann Agent",
			}, env)
			assert.NotEmpty(t, env["cifVersion"])
			chat.result(`Microsoft.CIFramework.getEnvironment()`, &raw)
			require.NoError(t, json.Unmarshal([]byte(raw), &env))
			assert.Equal(t, "", env["pagetype"], "another provider learns nothing of the agent's page")
			assert.Nil(t, env["customParams"])

			// The mode and the width.
			var mode float64
			soft.result(`Microsoft.CIFramework.getMode()`, &mode)
			assert.Equal(t, 1.0, mode, "the panel is open and shows its providers")
			until(t, d, soft.id, `settle(Microsoft.CIFramework.getWidth()).then((s) => s.value > 300)`)
			var before, after float64
			soft.result(`Microsoft.CIFramework.getWidth()`, &before)
			require.NoError(t, d.activate(panel.id)) // a tab in the background is not laid out
			require.NoError(t, d.resize(panel.id, int(before)+80, 800))
			until(t, d, soft.id, `window.panelEvents.some((e) => e.name === "onsizechanged" && e.payload.value > `+js(before)+`)`)
			soft.result(`Microsoft.CIFramework.getWidth()`, &after)
			assert.InDelta(t, before+80, after, 20, "the agent widened the panel by 80 pixels")

			// The agent switches to the chat provider: it alone changes the panel now.
			panel.eval(`document.querySelector('#switcher [data-provider="managed:chat"]').click()`)
			assert.JSONEq(t, `"managed:chat"`, string(panel.eval(`document.querySelector("#frames iframe.shown").dataset.provider`)))
			refused := soft.failure(`Microsoft.CIFramework.setMode(0)`)
			assert.Equal(t, cifError{Message: "This operation can be performed from the active provider: the panel shows Chat, and setMode works only for the provider it shows; the agent switches providers in the panel", MsdynName: "setMode", ErrorCode: 1006}, refused)
			chat.result(`Microsoft.CIFramework.setMode(0)`, &mode)
			assert.Equal(t, 0.0, mode)
			until(t, d, soft.id, `window.panelEvents.some((e) => e.name === "onmodechanged" && e.payload.value === 0)`)
			until(t, d, panel.id, `document.body.dataset.mode === "0"`)
			soft.result(`Microsoft.CIFramework.getAllSessions()`, &all)
			assert.Equal(t, []string{session}, all, "the hidden provider's page stays loaded and connected")
			panel.eval(`document.getElementById("restore").click()`)
			until(t, d, chat.id, `window.panelEvents.some((e) => e.name === "onmodechanged" && e.payload.value === 1)`)

			// The agent adds a provider of their own in the options: the panel hosts it too.
			options := &tab{t: t, d: d, id: b.extensionTab(t, r, "views/options/options.html")}
			until(t, d, options.id, `document.getElementById("providers")?.dataset.count === "2"`)
			mine := srv.URL + "/blank.html?mine"
			options.eval(`(() => {
				const form = document.getElementById("provider-form");
				form.elements.label.value = "Mine";
				form.elements.landingUrl.value = ` + js(mine) + `;
				form.elements.order.value = "5";
				form.querySelector("button[type=submit]").click();
			})()`)
			until(t, d, options.id, `document.getElementById("provider-status").textContent === "Added Mine. Its page opens in the panel."`)
			until(t, d, panel.id, `document.querySelectorAll("#frames iframe").length === 3`)
			assert.JSONEq(t, `["Softphone","Chat","Mine"]`, string(panel.eval(`[...document.querySelectorAll("#switcher [role=tab]")].map((t) => t.textContent)`)))
			findTab(t, d, mine)

			// A hostile page framing the softphone in a tab of its own gets nothing.
			hostile, err := d.open(other + "/frames.html?other=" + srv.URL)
			require.NoError(t, err)
			until(t, d, hostile, `"cross" in window.frameResults`)
			var results map[string]settled
			require.NoError(t, json.Unmarshal((&tab{t: t, d: d, id: hostile}).eval(`window.frameResults`), &results))
			assert.Equal(t, &cifError{
				Message:   "the frame " + srv.URL + " is not of the same origin as its top-level page; CIF Bridge serves top-level pages and their same-origin frames only, and the channel providers its own panel hosts",
				MsdynName: "getAllSessions", ErrorCode: 1011,
			}, results["cross"].Error)
		})
	}
}

// TestTheRealSidePanel opens the panel where the agent has it, Chromium's
// side panel and Firefox's sidebar, with the gesture each asks for, and a
// provider's page there opens a session by itself (the driver cannot reach
// into Firefox's sidebar): the browsers name no tab for such a frame, and
// the panel's own registration admits it.
func TestTheRealSidePanel(t *testing.T) {
	for _, b := range browsers {
		t.Run(b.name, func(t *testing.T) {
			srv, _ := servePages(t)
			site := srv.URL + "/blank.html?from=side-panel"
			w := newWorld(t)
			writeSettings(t, w, map[string]any{"channelProviders": []any{provider("softphone", "Softphone", srv.URL+"/provider.html?open="+site, 0, "")}})
			r := start(t, w, b.launch(t, w, b.extensionURL(t, "views/options/options.html")))
			d := r.driver(t)
			options := &tab{t: t, d: d, id: b.extensionTab(t, r, "views/options/options.html")}
			until(t, d, options.id, `document.getElementById("providers").dataset.count === "1"`)
			if b.name == "chromium" {
				options.eval(`chrome.windows.getCurrent().then((w) => chrome.sidePanel.open({windowId: w.id}))`)
			} else {
				options.eval(`(() => {
					const open = document.createElement("button");
					open.style = "position: fixed; inset: 0 auto auto 0; width: 200px; height: 100px; z-index: 9";
					open.addEventListener("click", () => browser.sidebarAction.open());
					document.body.append(open);
				})()`)
				require.NoError(t, d.click(options.id, 50, 50)) // real input: Firefox opens the sidebar only for it
			}
			findTab(t, d, site)
		})
	}
}

// TestCodeThatStartsOnMsdynCiLibraryStarts loads a page that starts as real
// integrations do, on the load event of Dynamics' library script, loaded
// from the organisation's address (…/WebResources/Widget/msdyn_ciLibrary.js),
// which does not answer here; it listens for CIFInitDone only from then on,
// and loads the library a second time by script, from its own site under
// another path in another letter case (a 404).
func TestCodeThatStartsOnMsdynCiLibraryStarts(t *testing.T) {
	for _, b := range browsers {
		t.Run(b.name, func(t *testing.T) {
			res := runPage(t, b, newWorld(t), "cilibrary.html")
			var ok bool
			res.step(t, "canCreateSession").value(t, &ok)
			assert.True(t, ok)
			var mode float64
			res.step(t, "getMode").value(t, &mode)
			assert.Equal(t, 2.0, mode, "no panel is open")
			var order []string
			res.step(t, "order").value(t, &order)
			assert.Equal(t, []string{"load", "CIFInitDone", "start", "second load", "CIFInitDone", "second start"}, order,
				"the library loads, then CIFInitDone fires, once for the document's own copy and once more after the second")
		})
	}
}
