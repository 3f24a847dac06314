// The benchmark page: it times calls inside the page, where a provider's
// code makes them, so that no driver round trip is counted. Each call has
// two forms: through CIF Bridge (Microsoft.CIFramework) and through the
// benchmark's floor extension (window.cifFloor, bench/floor), the least an
// extension does to reach a native host.
"use strict";

(() => {
  if (window.cifApi !== "ready") return; // see apicheck.js
  const cif = Microsoft.CIFramework;
  const floor = window.cifFloor;
  /** The screen pop's queries (setQueries), taken in turn. */
  let queries = ["$search=0"];
  const createInput = (i) => ({ templateName: "bench_session", templateParameters: { customer: `Customer ${i}` } });
  const searchArgs = (i) => ["contact", `?$select=fullname,telephone1&$search=${queries[i % queries.length]}`, true];
  /** The calls measured, by name; i numbers the call within its run. */
  const calls = {
    getFocusedSession: () => cif.getFocusedSession(),
    // Answered by the extension's background itself: the path without the native host.
    raiseEvent: () => cif.raiseEvent("bench.nobody", {}),
    createSession: (i) => cif.createSession(createInput(i)),
    search: (i) => cif.searchAndOpenRecords(...searchArgs(i)),
    "floor.getFocusedSession": () => floor.call("getFocusedSession", {}),
    "floor.background": () => floor.background(),
    "floor.createSession": (i) => floor.call("createSession", { input: createInput(i) }),
    "floor.search": (i) => {
      const [entityName, query, searchOnly] = searchArgs(i);
      return floor.call("searchAndOpenRecords", { entityName, query, searchOnly });
    },
  };

  /** The fan-out's pages (frames of this page's origin) and what reached them. */
  const fan = { frames: [], expect: null };

  /**
   * An event reached one of the fan-out's pages: called by that page
   * (fanout.html), on this page's clock.
   * @param {string} kind "cif" or "floor"
   * @param {number} seq
   */
  function arrived(kind, seq) {
    const now = performance.now();
    const e = fan.expect;
    if (!e || e.kind !== kind || e.seq !== seq) return;
    e.last = now;
    if (++e.count === fan.frames.length) e.done();
  }

  /**
   * Raises one event and waits until every fan-out page has it.
   * @returns {Promise<number>} ms from the call to the last page's arrival
   */
  async function raiseOnce(kind, seq) {
    const all = new Promise((resolve) => {
      fan.expect = { kind, seq, count: 0, last: 0, done: resolve };
    });
    const start = performance.now();
    if (kind === "cif") await cif.raiseEvent("bench.fanout", { seq });
    else await floor.raise("bench.fanout", { seq });
    await all;
    return fan.expect.last - start;
  }

  let nextSeq = 1;
  window.ready = new Promise((resolve) => window.addEventListener("CIFInitDone", () => resolve(true), { once: true }));
  window.bench = {
    arrived,
    /** @param {string[]} list the screen pop's $search terms */
    setQueries(list) {
      queries = list;
      return true;
    },
    /** Makes n calls one after the other: µs per call, and what each resolved with. */
    async sequential(name, n) {
      const results = [];
      const start = performance.now();
      for (let i = 0; i < n; i++) results.push(await calls[name](i));
      return { us: ((performance.now() - start) * 1000) / n, results };
    },
    /** Makes n calls at once and waits for all: µs per call, and what each resolved with. */
    async concurrent(name, n) {
      const start = performance.now();
      const results = await Promise.all(Array.from({ length: n }, (_, i) => calls[name](i)));
      return { us: ((performance.now() - start) * 1000) / n, results };
    },
    /**
     * Opens n pages of this origin (frames of this page) that listen for
     * the fan-out's event through both extensions, and waits until an
     * event reaches each of them.
     */
    async openPages(n) {
      this.closePages();
      const loaded = Array.from({ length: n }, () => new Promise((resolve) => {
        const frame = document.createElement("iframe");
        frame.src = "fanout.html";
        frame.addEventListener("load", () => resolve(frame.contentWindow.listening), { once: true });
        fan.frames.push(frame);
        document.body.append(frame);
      }));
      await Promise.all(loaded);
      // The background takes each page's event port asynchronously.
      for (const kind of ["cif", "floor"]) {
        for (let tries = 0; ; tries++) {
          const reached = await Promise.race([raiseOnce(kind, nextSeq++).then(() => true), new Promise((r) => setTimeout(() => r(false), 200))]);
          if (reached) break;
          if (tries === 50) throw new Error(`the ${kind} event did not reach all ${n} pages in 10 s`);
        }
      }
      return true;
    },
    closePages() {
      fan.frames.forEach((frame) => frame.remove());
      fan.frames = [];
      fan.expect = null;
      return true;
    },
    /** Raises n events one after the other: µs from each raise to its last page. */
    async fanout(kind, n) {
      let ms = 0;
      for (let i = 0; i < n; i++) ms += await raiseOnce(kind, nextSeq++);
      return { us: (ms * 1000) / n, results: [] };
    },
  };
})();
