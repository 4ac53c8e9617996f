// Drives /usr/bin/chromium (headless, fresh profile) through the console: wrong password,
// log in, watch a lane change that lanesim causes, acknowledge an alert, watch the registries'
// versions and the outbox backlog change as lanesim's registries act, override with a
// reason, switch to English, a POST without the CSRF token, an operator calling an admin
// action, a session that has ended. Every step leaves a screenshot.
// On the way: the camera frame a camera lane's decision was read from, beside it and full size.
// Usage: node browser_test.mjs URL SHOTS PROFILE START_FILE LANESIM_LOG
// lanesim (--start-when START_FILE --hold) runs its scenarios once this script has created
// START_FILE, and prints "holding" to LANESIM_LOG after the last one.
import { chromium } from "playwright-core";
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { assertRegistriesLive, watchRegistries } from "./browser_registry_watch.mjs";

const [url, shots, profile, startFile, lanesimLog] = process.argv.slice(2);
const context = await chromium.launchPersistentContext(profile, {
  executablePath: "/usr/bin/chromium",
  headless: true,
  ignoreHTTPSErrors: true,  // the console's self-signed certificate, generated at first start
  viewport: { width: 1280, height: 1000 },
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"],
});
const page = context.pages()[0] ?? (await context.newPage());
let n = 0;
const shot = async (name) => page.screenshot({ path: `${shots}/${String(++n).padStart(2, "0")}-${name}.png`, fullPage: true });
const step = (s) => console.log(`step: ${s}`);
const errors = [];
// page.waitForFunction evaluates strings inside the page, which the console's CSP forbids
// (script-src 'self', no 'unsafe-eval'): poll with page.evaluate (CDP, not subject to CSP).
async function waitUntil(fn, arg, timeout = 15000) {
  const end = Date.now() + timeout;
  for (;;) {
    if (await page.evaluate(fn, arg)) return;
    if (Date.now() > end) throw new Error("timed out waiting for " + fn.toString().slice(0, 160));
    await new Promise((r) => setTimeout(r, 100));
  }
}
page.on("pageerror", (e) => errors.push(String(e)));
async function waitForLanesim(pattern, timeout) {
  const end = Date.now() + timeout;
  while (!(existsSync(lanesimLog) && pattern.test(readFileSync(lanesimLog, "utf8")))) {
    if (Date.now() > end) throw new Error(`lanesim printed no ${pattern} within ${timeout} ms:\n` + readFileSync(lanesimLog, "utf8"));
    await new Promise((r) => setTimeout(r, 200));
  }
}

try {
  step("the page opens in Chinese with the security headers");
  const res = await page.goto(url);
  const h = res.headers();
  assert.match(h["strict-transport-security"], /max-age=/);
  assert.match(h["content-security-policy"], /default-src 'self'/);
  assert.equal(h["x-frame-options"], "DENY");
  assert.equal(h["x-content-type-options"], "nosniff");
  await page.waitForSelector("#login:not([hidden])");
  assert.equal(await page.title(), "检查站控制台");

  step("a wrong password is refused");
  await page.fill("#login-user", "admin1");
  await page.fill("#login-password", "wrong password");
  await page.click("#login-submit");
  await waitUntil(() => document.getElementById("login-msg").textContent.includes("用户名或密码错误"));
  assert.equal(await page.isHidden("#app"), true);
  await shot("wrong-password");

  step("log in");
  await page.fill("#login-user", "admin1");
  await page.fill("#login-password", "admin password 2020");
  await page.click("#login-submit");
  await page.waitForSelector("#app:not([hidden])");
  await page.waitForSelector("#live.on", { timeout: 10000 });
  await page.waitForSelector(".tile[data-lane='walk-1']");
  await shot("logged-in");

  step("watch a lane change as lanesim drives a pass through");
  // lanesim holds its scenarios until now: no lane has decided anything yet.
  await waitForLanesim(/^waiting for /m, 10000);
  assert.equal(await page.$$eval("#passages tbody tr", (rows) => rows.length), 0);
  assert.equal(await page.textContent(".tile[data-lane='walk-1'] .verdict"), "—");
  const registries = watchRegistries(page);  // through the round: lanesim's registries act after its lanes
  writeFileSync(startFile, "");
  // Its first scenario: a commuter on foot shows a valid pass at walk-1 and is let through.
  await waitUntil(() => {
    const tile = document.querySelector(".tile[data-lane='walk-1']");
    const row = document.querySelector("#passages tbody tr[data-verdict='OPEN']");
    return tile.classList.contains("v-OPEN") && tile.querySelector(".verdict").textContent.startsWith("放行 · ") &&
           row && row.children[1].textContent === "walk-1";
  }, null, 20000);
  await shot("lane-changed");

  step("the camera frame walk-1's decision was read from is shown beside it and opens full size");
  // walk-1 reads passes from a simulated camera: its decision names the frame (evidence).
  await waitUntil(() => {
    const row = [...document.querySelectorAll("#passages tbody tr[data-verdict='OPEN']")].find((r) => r.children[1].textContent === "walk-1");
    const img = row && row.querySelector("button.evidence img.thumb");
    return img && img.complete && img.naturalWidth > 0;
  }, null, 20000);
  const frameId = await page.$$eval("#passages tbody tr[data-verdict='OPEN']", (rows) =>
    rows.find((r) => r.children[1].textContent === "walk-1").querySelector("button.evidence").dataset.evidence);
  assert.match(frameId, /^[1-9][0-9]*$/);
  // Served as a private JPEG to this session only.
  const served = await page.evaluate(async (id) => {
    const r = await fetch("/api/evidence/" + id, { credentials: "same-origin" });
    const b = new Uint8Array(await r.arrayBuffer());
    return { status: r.status, type: r.headers.get("content-type"), cache: r.headers.get("cache-control"), soi: b[0] === 0xff && b[1] === 0xd8 };
  }, frameId);
  assert.deepEqual(served, { status: 200, type: "image/jpeg", cache: "private, no-store", soi: true });
  await page.click(`#passages button.evidence[data-evidence='${frameId}']`);
  await waitUntil(() => {
    const full = document.getElementById("evidence-full");
    return document.getElementById("evidence-dialog").open && full.complete && full.naturalWidth >= 320;
  });
  assert.equal(await page.textContent("#evidence-dialog h2"), "现场图像 #" + frameId);
  await shot("evidence-frame");
  await page.click("#evidence-close");

  step("acknowledge an alert");
  const alert = await page.waitForSelector("#alerts li:not(.acked) button.ack", { timeout: 90000 });
  const id = await alert.evaluate((b) => b.closest("li").dataset.alert);
  await alert.click();
  await page.waitForSelector(`#alerts li.acked[data-alert='${id}']`, { timeout: 10000 });
  assert.match(await page.textContent(`#alerts li[data-alert='${id}']`), /admin1/);
  await shot("alert-acknowledged");

  step("lanesim finishes its round (an override must not meet one of its scenarios)");
  await waitForLanesim(/^holding: /m, 120000);

  step("the registry panel showed Zhejiang's version rise and the outbox backlog rise and drain, live");
  // lanesim holds only once Shanghai has every event it missed: the page's next update shows 0.
  await waitUntil(() => document.getElementById("outbox-backlog").dataset.backlog === "0", null, 5000);
  assertRegistriesLive(await registries.stop());
  assert.match(await page.textContent("#outbox"), /^待上传通行记录: 0 条/);
  await shot("registries-live");

  step("an override needs a reason, then opens the lane and is recorded with the operator's name");
  await page.click(".tile[data-lane='car-1'] button.override");
  await page.check("#override-open");
  await page.click("#override-submit");
  await waitUntil(() => document.getElementById("override-msg").textContent.includes("请填写原因"));
  const noReason = await page.evaluate(async () => {
    const csrf = (await (await fetch("/api/session")).json()).csrf;
    const r = await fetch("/api/lanes/car-1/override", { method: "POST", headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf }, body: JSON.stringify({ open: true, reason: "" }) });
    return [r.status, (await r.json()).error];
  });
  assert.deepEqual(noReason, [400, "REASON_REQUIRED"]);
  await page.fill("#override-reason", "救护车优先通行");
  await shot("override-dialog");
  await page.click("#override-submit");
  await page.waitForSelector("#override-dialog", { state: "hidden" });
  await page.waitForSelector("#passages tr[data-verdict='OVERRIDE-OPEN']", { timeout: 10000 });
  assert.match(await page.textContent("#passages tr[data-verdict='OVERRIDE-OPEN']"), /admin1: 救护车优先通行/);
  await shot("override-recorded");

  step("switch to English");
  await page.click("#lang-toggle");
  assert.equal(await page.title(), "Checkpoint console");
  assert.equal(await page.textContent("#lang-toggle"), "中文");
  assert.equal(await page.textContent("h2 [data-i18n='alerts']"), "Alerts");
  assert.match(await page.textContent("#outbox"), /^Outbox backlog: 0 events/);
  await waitUntil(() => [...document.querySelectorAll(".tile .phase")].every((p) => /^[a-z ]+$/.test(p.textContent)));
  await shot("english");

  step("a POST without the CSRF token is refused");
  const noCsrf = await page.evaluate(async (alertId) => {
    const r = await fetch(`/api/alerts/${alertId}/ack`, { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" });
    return [r.status, (await r.json()).error];
  }, id);
  assert.deepEqual(noCsrf, [403, "CSRF"]);

  step("an operator calling an admin action is refused");
  await page.click("#logout");
  await page.waitForSelector("#login:not([hidden])");
  await page.fill("#login-user", "op1");
  await page.fill("#login-password", "operator password 2020");
  await page.click("#login-submit");
  await page.waitForSelector("#app:not([hidden])");
  const adminAction = await page.evaluate(async () => {
    const csrf = (await (await fetch("/api/session")).json()).csrf;
    const r = await fetch("/api/users", { method: "POST", headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf }, body: JSON.stringify({ name: "mallory", role: "admin", password: "a long password 1" }) });
    return [r.status, (await r.json()).error];
  });
  assert.deepEqual(adminAction, [403, "FORBIDDEN"]);
  await shot("operator-view");

  step("a session that has ended is refused and the page asks to log in again");
  await context.clearCookies();
  await page.click("#alerts li button.ack, .tile button.override").catch(() => {});
  const ended = await page.evaluate(async () => (await fetch("/api/lanes")).status);
  assert.equal(ended, 401);
  await page.keyboard.press("Escape");
  await page.reload();
  await page.waitForSelector("#login:not([hidden])");
  await shot("session-ended");

  assert.deepEqual(errors, [], "no script errors in the page");
  console.log("browser test: all steps passed");
} catch (e) {
  await shot("failure").catch(() => {});
  console.error(e);
  process.exitCode = 1;
} finally {
  await context.close();
}
