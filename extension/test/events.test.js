import assert from "node:assert/strict";
import { test } from "node:test";
import { until } from "./fakes.js";
import { pageWorld } from "./world.js";

/** A page world closed when the test ends, with a log of what its handlers heard. */
async function world(t) {
  const w = pageWorld();
  t.after(w.close);
  w.run("globalThis.heard = []");
  const heard = () => JSON.parse(JSON.stringify(w.run("heard")));
  return { w, heard };
}

test("a system event reaches its handlers whatever the letter case they were added under, each once", async (t) => {
  const { w, heard } = await world(t);
  const same = w.run("(payload) => heard.push(['same', payload])");
  await w.cif.addHandler("onPageNavigate", same);
  await w.cif.addHandler("onpagenavigate", same);
  await w.cif.addHandler("ONPAGENAVIGATE", w.run("(payload) => heard.push(['other', payload])"));
  await w.cif.addHandler("onsessionclosed", w.run("(payload) => heard.push(['closed', payload])"));
  await w.cif.raiseEvent("flush", {});
  w.bridge.sendToProvider("http://127.0.0.1:8080", "onpagenavigate", '{"value":"https://kb.example/"}');
  w.bridge.deliver("onSessionClosed", { provider: "http://127.0.0.1:8080", data: { sessionId: "s1" } });
  await until(() => heard().length === 3);
  assert.deepEqual(heard(), [
    ["same", '{"value":"https://kb.example/"}'],
    ["other", '{"value":"https://kb.example/"}'],
    ["closed", '{"sessionId":"s1"}'],
  ], "real code adds onPageNavigate and onpagenavigate with one handler: it runs once");
});

test("a custom event's name matches exactly", async (t) => {
  const { w, heard } = await world(t);
  await w.cif.addHandler("contoso.Ping", w.run("() => heard.push('exact')"));
  await w.cif.addHandler("contoso.ping", w.run("() => heard.push('other case')"));
  await w.cif.raiseEvent("contoso.Ping", {});
  await until(() => heard().length === 1);
  await w.cif.raiseEvent("flush", {});
  assert.deepEqual(heard(), ["exact"]);
});
