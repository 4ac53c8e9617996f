// The registry panel watched while lanesim's registries act (browser_test.mjs): what the page
// showed, sampled every 100 ms, kept as each value's changes in order. Zhejiang's version must
// rise (a pass issued, then revoked there) and the outbox backlog must rise while Shanghai's
// registry is down and fall back to 0 once it has taken the events it missed.
import assert from "node:assert/strict";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/// Starts sampling `page`; stop() ends it and returns {versions: {registry: [v, ...]}, backlog: [n, ...]}.
/// stop() first keeps sampling, up to 10 s, until the backlog has fallen back to 0 after a rise:
/// lanesim is done when Shanghai holds the events, the page hears of the acknowledgement with
/// the next update (every second).
export function watchRegistries(page) {
  const seen = { versions: {}, backlog: [] };
  const push = (list, v) => { if (list[list.length - 1] !== v) list.push(v); };
  let running = true;
  const loop = (async () => {
    while (running) {
      const s = await page.evaluate(() => ({
        rows: [...document.querySelectorAll("#registries tbody tr")].map((r) => [r.children[0].textContent, r.children[1].textContent]),
        backlog: document.getElementById("outbox-backlog").dataset.backlog,
      })).catch(() => null);  // a navigation in between: sample again
      if (s) {
        for (const [name, version] of s.rows) push((seen.versions[name] ??= []), Number(version));
        if (s.backlog !== undefined && s.backlog !== "") push(seen.backlog, Number(s.backlog));
      }
      await sleep(100);
    }
  })();
  const drained = () => { const high = seen.backlog.findIndex((n) => n > 0); return high >= 0 && seen.backlog.indexOf(0, high) > high; };
  return {
    async stop() {
      for (let i = 0; i < 100 && !drained(); i++) await sleep(100);
      running = false;
      await loop;
      return seen;
    },
  };
}

/// What lanesim's registry round must have shown on the page.
export function assertRegistriesLive(seen) {
  const summary = JSON.stringify(seen);
  assert.deepEqual(Object.keys(seen.versions).sort(), ["shanghai", "zhejiang"], "both registries listed: " + summary);
  const zj = seen.versions.zhejiang;
  assert.ok(zj.length >= 2 && zj[zj.length - 1] > zj[0], "Zhejiang's version rose on the page: " + summary);
  const high = seen.backlog.findIndex((n) => n > 0);
  assert.ok(high >= 0, "the outbox backlog rose while Shanghai was down: " + summary);
  assert.ok(seen.backlog.indexOf(0, high) > high, "the outbox backlog fell back to 0 once Shanghai was back (within 10 s of lanesim's end): " + summary);
}
