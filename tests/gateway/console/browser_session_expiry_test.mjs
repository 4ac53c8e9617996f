// An idle session expires, seen in /usr/bin/chromium: with [console] session-idle = 1m (the
// least the configuration allows) the browser logs in and then only watches while lanesim
// drives passes through (a live stream is not activity). A little over a minute later the
// server has ended the session: it says so on the WebSocket and closes it, the page is back
// at the login screen, and the API refuses the session's cookie and CSRF token with 401.
// Usage: node browser_session_expiry_test.mjs URL SHOTS PROFILE START_FILE LANESIM_LOG
import { chromium } from "playwright-core";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";

const [url, shots, profile, startFile] = process.argv.slice(2);
const kIdle = 60_000;  // session-idle = 1m; the server looks at live sessions every 5 s
const context = await chromium.launchPersistentContext(profile, {
  executablePath: "/usr/bin/chromium",
  headless: true,
  ignoreHTTPSErrors: true,
  viewport: { width: 1280, height: 1000 },
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"],
});
const page = context.pages()[0] ?? (await context.newPage());
let n = 0;
const shot = async (name) => page.screenshot({ path: `${shots}/${String(++n).padStart(2, "0")}-${name}.png`, fullPage: true });
const step = (s) => console.log(`step: ${s} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const t0 = Date.now();
const errors = [];
page.on("pageerror", (e) => errors.push(String(e)));
// Same as browser_test.mjs: the CSP forbids page.waitForFunction's eval, so poll.
async function waitUntil(fn, arg, timeout = 15000) {
  const end = Date.now() + timeout;
  for (;;) {
    if (await page.evaluate(fn, arg)) return;
    if (Date.now() > end) throw new Error("timed out waiting for " + fn.toString().slice(0, 160));
    await sleep(100);
  }
}
// The live stream, as the browser sees it.
const live = { frames: [], closed: null, sockets: 0 };
page.on("websocket", (ws) => {
  if (!ws.url().endsWith("/api/live")) return;
  live.sockets++;
  ws.on("framereceived", (f) => live.frames.push(String(f.payload)));
  ws.on("close", () => { live.closed = Date.now(); });
});

try {
  step("log in");
  await page.goto(url);
  await page.waitForSelector("#login:not([hidden])");
  await page.fill("#login-user", "admin1");
  await page.fill("#login-password", "admin password 2020");
  const [loginRes] = await Promise.all([page.waitForResponse((r) => r.url().endsWith("/api/login")), page.click("#login-submit")]);
  const loggedInAt = Date.now();  // the session's idle clock starts at the login
  const session = await loginRes.json();
  assert.equal(loginRes.status(), 200);
  assert.equal(session.idle_s, 60);
  const cookie = (await context.cookies()).find((c) => c.httpOnly && c.secure);
  assert.ok(cookie, "an HttpOnly Secure session cookie");
  await page.waitForSelector("#app:not([hidden])");
  await page.waitForSelector("#live.on", { timeout: 10000 });
  await shot("logged-in");

  step("only watch: lanesim drives passes through, the tiles change");
  writeFileSync(startFile, "");
  await waitUntil(() => document.querySelector(".tile[data-lane='walk-1'] .verdict").textContent.startsWith("放行 · "), null, 20000);
  await shot("watching");

  step("still logged in well inside the idle minute (checked without a request)");
  await sleep(Math.max(0, loggedInAt + kIdle - 12_000 - Date.now()));
  assert.equal(await page.isVisible("#app"), true);
  assert.equal(live.closed, null, "the live stream is still open");
  const framesWhileWatching = live.frames.length;
  assert.ok(framesWhileWatching > 3, `the live stream carried updates (${framesWhileWatching} frames)`);
  await shot("still-logged-in");

  step("after the idle timeout the server ends the session and the page asks to log in again");
  await waitUntil(() => !document.getElementById("login").hidden, null, 30_000);
  const endedAfter = Date.now() - loggedInAt;
  console.log(`session ended ${(endedAfter / 1000).toFixed(1)} s after the login`);
  assert.ok(endedAfter >= kIdle, `not before the idle timeout (${endedAfter} ms)`);
  assert.match(await page.textContent("#login-msg"), /会话已过期，请重新登录/);
  assert.equal(await page.isHidden("#app"), true);
  assert.equal(await page.textContent("#live"), "未连接");
  assert.ok(live.frames.some((f) => JSON.parse(f).type === "session-ended"), "the server said session-ended");
  for (let i = 0; i < 50 && live.closed === null; i++) await sleep(100);
  assert.ok(live.closed !== null, "the live WebSocket is closed");
  assert.equal(live.sockets, 1, "the page did not reconnect");
  await shot("session-expired");

  step("the expired session's cookie and CSRF token are refused with 401");
  assert.ok((await context.cookies()).some((c) => c.name === cookie.name && c.value === cookie.value),
            "the browser still sends the old cookie: the refusal is the server's");
  const refused = await page.evaluate(async (csrf) => {
    const get = await fetch("/api/lanes");
    const post = await fetch("/api/lanes/car-1/override", { method: "POST", headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
                                                             body: JSON.stringify({ open: true, reason: "过期会话" }) });
    const s = await fetch("/api/session");
    return [get.status, (await get.json()).error, post.status, (await post.json()).error, s.status];
  }, session.csrf);
  assert.deepEqual(refused, [401, "SESSION", 401, "SESSION", 401]);

  step("a reload still lands on the login screen; logging in again works");
  await page.reload();
  await page.waitForSelector("#login:not([hidden])");
  await page.fill("#login-user", "admin1");
  await page.fill("#login-password", "admin password 2020");
  await page.click("#login-submit");
  await page.waitForSelector("#app:not([hidden])");
  await page.waitForSelector("#live.on", { timeout: 10000 });
  await shot("logged-in-again");

  assert.deepEqual(errors, [], "no script errors in the page");
  console.log("session expiry test: all steps passed");
} catch (e) {
  await shot("failure").catch(() => {});
  console.error(e);
  process.exitCode = 1;
} finally {
  await context.close();
}
