// The booth console: Chinese by default, English on a switch; live state over a WebSocket
// (/api/live); every POST carries the session's CSRF token. Data is only ever put into the
// page as text (textContent), never as HTML.
"use strict";

const T = {
  zh: {
    title: "检查站控制台", offline: "未连接", online: "实时", logout: "退出登录", login: "登录", user: "用户名",
    password: "密码", lanes: "车道", alerts: "告警", sync: "数据同步", registry: "登记机关", version: "版本",
    backlog: "待上传通行记录", backlog_unit: " 条（某登记机关尚未确认）", backlog_none: "0 条（均已上传）",
    age: "数据时长", lag: "落后", link: "连接", uploaded: "已上传记录", unreachable: "无法连接", refused: "数据被拒收", offline_file: "离线文件", health: "设备状态", lane: "车道", controller: "控制器", thermal: "测温",
    plate_cam: "车牌识别", passages: "最近通行", search: "搜索：车道、结果、原因、车牌…", time: "时间", result: "结果",
    reasons: "原因", holder: "持证人", plate: "车牌", override: "人工处置", open_barrier: "开闸放行",
    keep_closed: "保持关闭", reason_required: "原因（必填）", confirm: "确认", cancel: "取消", ack: "确认告警",
    acked_by: "已确认：", temperature: "体温", latency: "扫码至开闸", last: "最近判定", none: "—", ok: "正常",
    fault: "故障", link_down: "断开", unknown: "未知", disk: "磁盘", used: "已用", free: "可用",
    override_sent: "已发送人工处置指令", reason_missing: "请填写原因", resync: "数据已重新同步",
    session_expired: "会话已过期，请重新登录", role_admin: "管理员", role_operator: "操作员", passed: "已通过",
    evidence: "现场图像", evidence_open: "查看现场图像", evidence_gone: "图像已不在（超出存储配额已清除）", close: "关闭",
    phase: { "idle": "空闲", "awaiting-inputs": "等待测温/车牌", "open": "已开闸", "passing": "通行中", "denied": "已拒绝",
             "manual": "人工处理", "faulted": "故障" },
    verdict: { OPEN: "放行", WAIT: "等待", MANUAL: "人工核验", DENY: "拒绝", "OVERRIDE-OPEN": "人工放行",
               "OVERRIDE-CLOSED": "人工保持关闭" },
  },
  en: {
    title: "Checkpoint console", offline: "offline", online: "live", logout: "Log out", login: "Log in", user: "User",
    password: "Password", lanes: "Lanes", alerts: "Alerts", sync: "Registry sync", registry: "Registry", version: "Version",
    backlog: "Outbox backlog", backlog_unit: " events (not yet acknowledged by some registry)", backlog_none: "0 events (all uploaded)",
    age: "Data age", lag: "Lag", link: "Link", uploaded: "Events uploaded", unreachable: "unreachable", refused: "data refused", offline_file: "offline file", health: "Devices", lane: "Lane", controller: "Controller", thermal: "Thermal",
    plate_cam: "Plate camera", passages: "Recent passages", search: "Search: lane, result, reason, plate…", time: "Time",
    result: "Result", reasons: "Reasons", holder: "Holder", plate: "Plate", override: "Manual override",
    open_barrier: "Open the barrier", keep_closed: "Keep closed", reason_required: "Reason (required)", confirm: "Confirm",
    cancel: "Cancel", ack: "Acknowledge", acked_by: "Acknowledged by ", temperature: "Temperature",
    latency: "Scan to barrier", last: "Last decision", none: "—", ok: "OK", fault: "fault", link_down: "down",
    unknown: "unknown", disk: "Disk", used: "used", free: "free", override_sent: "Override sent to the lane",
    reason_missing: "A reason is required", resync: "Resynchronised", session_expired: "Session expired: please log in again",
    role_admin: "admin", role_operator: "operator", passed: "passed",
    evidence: "Frame", evidence_open: "Show the camera frame", evidence_gone: "Frame no longer kept (disk budget)", close: "Close",
    phase: { "idle": "idle", "awaiting-inputs": "awaiting inputs", "open": "open", "passing": "passing", "denied": "denied",
             "manual": "manual", "faulted": "faulted" },
    verdict: { OPEN: "Open", WAIT: "Wait", MANUAL: "Manual check", DENY: "Denied", "OVERRIDE-OPEN": "Opened by hand",
               "OVERRIDE-CLOSED": "Kept closed by hand" },
  },
};

const state = {
  lang: localStorage.getItem("gw-lang") === "en" ? "en" : "zh",
  csrf: null, user: null, role: null, ws: null, retry: null,
  lanes: [], alerts: [], passages: [], registries: [], outboxBacklog: null, health: null, reasonTexts: {}, checkpoint: "",
  overrideLane: null,
};

const $ = (id) => document.getElementById(id);
const t = (key) => T[state.lang][key] ?? key;
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v; else if (k.startsWith("data-")) e.setAttribute(k, v); else e[k] = v;
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c ?? "")));
  return e;
}
const pick = (o) => (o ? (state.lang === "en" ? o.en : o.zh) : "");
const clock = (iso) => (iso ? iso.slice(11, 19) : "");
function ago(seconds) {
  if (seconds < 120) return seconds + " s";
  if (seconds < 7200) return Math.round(seconds / 60) + " min";
  return (seconds / 3600).toFixed(1) + " h";
}
function reasonText(code) { return pick(state.reasonTexts[code]) || code; }

async function api(method, path, body) {
  const headers = {};
  if (method === "POST") { headers["Content-Type"] = "application/json"; headers["X-CSRF-Token"] = state.csrf || ""; }
  const res = await fetch(path, { method, headers, body: body ? JSON.stringify(body) : undefined, credentials: "same-origin" });
  let data = null;
  try { data = await res.json(); } catch (e) { data = null; }
  if (res.status === 401 && path !== "/api/login") { showLogin(t("session_expired")); }
  return { ok: res.ok, status: res.status, data };
}

function applyLanguage() {
  document.documentElement.lang = state.lang === "en" ? "en" : "zh-CN";
  document.title = t("title");
  for (const e of document.querySelectorAll("[data-i18n]")) e.textContent = t(e.dataset.i18n);
  for (const e of document.querySelectorAll("[data-i18n-placeholder]")) e.placeholder = t(e.dataset.i18nPlaceholder);
  $("lang-toggle").textContent = state.lang === "en" ? "中文" : "English";
  $("live").textContent = state.ws && state.ws.readyState === 1 ? t("online") : t("offline");
  renderWho();
  renderAll();
}

function renderWho() {
  $("who").textContent = state.user ? state.user + " (" + t("role_" + state.role) + ")" : "";
  $("checkpoint").textContent = state.checkpoint;
}

function renderLanes() {
  const box = $("lanes");
  box.replaceChildren();
  for (const l of state.lanes) {
    const last = l.last;
    const fault = !l.link_up || l.thermal_fault || l.plate_reader_fault;
    const tile = el("div", { class: "tile" + (last ? " v-" + last.verdict : "") + (fault ? " fault" : ""), "data-lane": l.id });
    tile.append(el("h3", {}, l.id, el("span", { class: "phase", "data-phase": l.phase }, T[state.lang].phase[l.phase] || l.phase)));
    const dl = el("dl");
    const add = (k, v, cls) => { dl.append(el("dt", {}, t(k)), el("dd", cls ? { class: cls } : {}, v)); };
    add("last", last ? (T[state.lang].verdict[last.verdict] || last.verdict) + " · " + clock(last.at) : t("none"), "verdict");
    add("reasons", last ? last.reasons.map(reasonText).join("；") : t("none"), "reasons");
    add("temperature", l.temperature != null ? l.temperature.toFixed(1) + " °C" : t("none"));
    add("plate", l.plate || t("none"));
    add("latency", last && last.latency_ms != null ? last.latency_ms.toFixed(1) + " ms" : t("none"));
    add("controller", l.link_up ? t("ok") : t("link_down"), l.link_up ? "good" : "bad");
    tile.append(dl);
    const b = el("button", { type: "button", class: "override" }, t("override"));
    b.addEventListener("click", () => openOverride(l.id));
    tile.append(b);
    box.append(tile);
  }
}

function renderAlerts() {
  const ul = $("alerts");
  ul.replaceChildren();
  let open = 0;
  for (const a of state.alerts) {
    if (!a.acked) open++;
    const li = el("li", { class: a.acked ? "acked" : "", "data-alert": a.id, "data-code": a.code },
      el("span", {}, clock(a.at) + " " + (a.lane || "—") + " ", el("span", { class: "code" }, a.code), " " + pick(a)));
    if (a.evidence) li.append(evidenceThumb(a.evidence));
    if (a.acked) li.append(el("span", {}, t("acked_by") + a.acked_by));
    else {
      const b = el("button", { type: "button", class: "ack" }, t("ack"));
      b.addEventListener("click", async () => { b.disabled = true; await api("POST", "/api/alerts/" + a.id + "/ack", {}); });
      li.append(b);
    }
    ul.append(li);
  }
  $("alert-count").textContent = open ? String(open) : "";
}

// Reachable and accepted: ok. Reachable but its data refused (a rollback, a frozen head, a bad
// signature): the staff must see why, on a tablet too, so the problem is written out.
function syncCell(r) {
  const fine = r.reachable && !r.last_problem;
  return el("td", { class: fine ? "good" : "bad" }, fine ? t("ok") : r.reachable ? t("refused") : t("unreachable"),
            r.last_problem ? el("div", { class: "problem" }, r.last_problem) : "");
}

// The passage events some registry has not acknowledged: they wait in the outbox while a
// registry is down and drain when it is back, so the booth sees the backlog rise and fall.
function renderBacklog() {
  const e = $("outbox-backlog");
  const n = state.outboxBacklog;
  e.dataset.backlog = n == null ? "" : String(n);
  e.className = n ? "bad" : n === 0 ? "good" : "";
  e.textContent = n == null ? t("none") : n === 0 ? t("backlog_none") : n + t("backlog_unit");
}

function renderSync() {
  renderBacklog();
  const tb = $("registries").tBodies[0];
  tb.replaceChildren();
  for (const r of state.registries)
    tb.append(el("tr", {}, el("td", {}, r.name), el("td", {}, r.version), el("td", {}, ago(r.age_s)),
                 el("td", {}, r.lag == null ? t("unknown") : r.lag),
                 r.reachable == null ? el("td", {}, t("offline_file")) : syncCell(r),
                 el("td", {}, r.events_acknowledged == null ? "—" : r.events_acknowledged)));
  const hb = $("health").tBodies[0];
  hb.replaceChildren();
  const h = state.health;
  if (!h) return;
  const cell = (ok) => el("td", { class: ok ? "good" : "bad" }, ok ? t("ok") : t("fault"));
  for (const d of h.devices) hb.append(el("tr", {}, el("td", {}, d.lane), cell(d.controller_link), cell(d.thermal_ok), cell(d.plate_reader_ok)));
  $("disk").textContent = h.disk ? t("disk") + " " + h.disk.path + ": " + h.disk.used_percent.toFixed(0) + "% " + t("used") + ", " +
    (h.disk.available_bytes / 1e9).toFixed(1) + " GB " + t("free") : "";
}

function renderPassages() {
  const tb = $("passages").tBodies[0];
  tb.replaceChildren();
  for (const p of state.passages) {
    const who = p.operator ? p.operator + ": " + p.zh : p.holder;
    tb.append(el("tr", { "data-verdict": p.verdict },
      el("td", {}, clock(p.at)), el("td", {}, p.lane),
      el("td", {}, (T[state.lang].verdict[p.verdict] || p.verdict) + (p.passed ? " ✓" : "")),
      el("td", {}, p.reasons.map(reasonText).join("；")), el("td", {}, who || t("none")), el("td", {}, p.plate || t("none")),
      el("td", {}, ...(p.evidence || p.plate_evidence
        ? [p.evidence, p.plate_evidence].filter(Boolean).map(evidenceThumb) : [t("none")]))));
  }
}

// Evidence frames (GET /api/evidence/ID): each fetched once and kept as a data: URL (the CSP
// allows 'self' and data: images, and the answer is no-store), so that re-rendering the lists
// does not fetch them again; the newest 100 are kept.
const evidenceUrls = new Map();
function evidenceUrl(id) {
  if (!evidenceUrls.has(id)) {
    // The lane names a frame before it is written (a few ms): one more try for a fresh 404.
    const get = () => fetch("/api/evidence/" + id, { credentials: "same-origin" });
    evidenceUrls.set(id, get().then((r) => r.status === 404 ? new Promise((ok) => setTimeout(() => ok(get()), 1000)) : r).then(async (r) => {
      if (!r.ok) { evidenceUrls.delete(id); return null; }
      const blob = await r.blob();
      return await new Promise((resolve) => { const f = new FileReader(); f.onload = () => resolve(f.result); f.readAsDataURL(blob); });
    }));
    if (evidenceUrls.size > 100) evidenceUrls.delete(evidenceUrls.keys().next().value);
  }
  return evidenceUrls.get(id);
}

function evidenceThumb(id) {
  const img = el("img", { class: "thumb", alt: t("evidence") });
  const b = el("button", { type: "button", class: "evidence", title: t("evidence_open"), "data-evidence": id }, img);
  evidenceUrl(id).then((url) => { if (url) img.src = url; else b.replaceWith(el("span", { class: "gone" }, t("evidence_gone"))); });
  b.addEventListener("click", () => openEvidence(id));
  return b;
}

async function openEvidence(id) {
  const url = await evidenceUrl(id);
  $("evidence-full").hidden = !url;
  if (url) $("evidence-full").src = url;
  $("evidence-msg").textContent = url ? "" : t("evidence_gone");
  $("evidence-id").textContent = "#" + id;
  $("evidence-dialog").showModal();
}

function renderAll() { renderLanes(); renderAlerts(); renderSync(); renderPassages(); }

let searchTimer = null;
async function refreshPassages() {
  const q = $("search").value.trim();
  const r = await api("GET", "/api/passages?limit=50&q=" + encodeURIComponent(q));
  if (r.ok) { state.passages = r.data.passages; renderPassages(); }
}

function onMessage(m) {
  if ("outbox_backlog" in m) state.outboxBacklog = m.outbox_backlog;  // snapshot and lanes, with the registries
  switch (m.type) {
    case "snapshot":
      state.lanes = m.lanes; state.alerts = m.alerts; state.registries = m.registries; state.health = m.health;
      state.reasonTexts = m.reason_texts; state.checkpoint = m.checkpoint;
      if ($("search").value.trim() === "") state.passages = m.passages; else refreshPassages();
      renderWho(); renderAll(); break;
    case "lanes":
      state.lanes = m.lanes; state.registries = m.registries; state.health = m.health; renderLanes(); renderSync(); break;
    case "decision": {
      const l = state.lanes.find((x) => x.id === m.decision.lane);
      if (l) { l.last = m.decision; renderLanes(); }
      if (m.decision.verdict !== "WAIT") { if ($("search").value.trim() === "") { state.passages.unshift(m.decision); state.passages.length = Math.min(state.passages.length, 50); renderPassages(); } else refreshPassages(); }
      break;
    }
    case "override":
      if ($("search").value.trim() === "") { state.passages.unshift(m.entry); renderPassages(); } else refreshPassages();
      break;
    case "passage": {
      const p = state.passages.find((x) => x.lane === m.lane && !x.passed && (x.verdict === "OPEN" || x.verdict === "OVERRIDE-OPEN"));
      if (p) { p.passed = true; renderPassages(); }
      break;
    }
    case "alert": state.alerts.unshift(m.alert); renderAlerts(); break;
    case "ack": {
      const i = state.alerts.findIndex((a) => a.id === m.alert.id);
      if (i >= 0) state.alerts[i] = m.alert; renderAlerts(); break;
    }
    case "resync": break;  // a snapshot follows
    case "session-ended": showLogin(t("session_expired")); break;
  }
}

function connect() {
  if (state.ws) state.ws.close();
  const ws = new WebSocket("wss://" + location.host + "/api/live");
  state.ws = ws;
  ws.onopen = () => { $("live").className = "live on"; $("live").textContent = t("online"); };
  ws.onmessage = (e) => { try { onMessage(JSON.parse(e.data)); } catch (err) { console.error(err); } };
  ws.onclose = () => {
    if (state.ws !== ws) return;
    $("live").className = "live off"; $("live").textContent = t("offline");
    state.ws = null;
    if (state.user) state.retry = setTimeout(async () => {
      const s = await api("GET", "/api/session");
      if (s.ok) connect();
    }, 2000);
  };
}

function showLogin(message) {
  state.user = null; state.csrf = null;
  // state.ws is cleared first, so the socket's onclose ignores it: mark the header here.
  if (state.ws) { const ws = state.ws; state.ws = null; ws.close(); }
  $("live").className = "live off"; $("live").textContent = t("offline");
  clearTimeout(state.retry);
  $("app").hidden = true; $("logout").hidden = true; $("login").hidden = false;
  $("login-msg").textContent = message || "";
  renderWho();
}

function showApp(session) {
  state.user = session.user; state.role = session.role; state.csrf = session.csrf;
  if (session.checkpoint) state.checkpoint = session.checkpoint;
  $("login").hidden = true; $("app").hidden = false; $("logout").hidden = false;
  renderWho();
  connect();
}

function openOverride(lane) {
  state.overrideLane = lane;
  $("override-lane").textContent = lane;
  $("override-reason").value = "";
  $("override-close").checked = true;
  $("override-msg").textContent = "";
  $("override-dialog").showModal();
}

async function submitOverride() {
  const reason = $("override-reason").value.trim();
  if (!reason) { $("override-msg").textContent = t("reason_missing"); return; }
  const open = $("override-open").checked;
  const r = await api("POST", "/api/lanes/" + encodeURIComponent(state.overrideLane) + "/override", { open, reason });
  if (r.ok) $("override-dialog").close();
  else $("override-msg").textContent = r.data ? pick(r.data) : String(r.status);
}

async function init() {
  $("lang-toggle").addEventListener("click", () => {
    state.lang = state.lang === "zh" ? "en" : "zh";
    localStorage.setItem("gw-lang", state.lang);
    applyLanguage();
  });
  $("login-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    $("login-submit").disabled = true;
    const r = await api("POST", "/api/login", { user: $("login-user").value, password: $("login-password").value });
    $("login-submit").disabled = false;
    $("login-password").value = "";
    if (r.ok) showApp(r.data); else $("login-msg").textContent = r.data ? pick(r.data) : String(r.status);
  });
  $("logout").addEventListener("click", async () => { await api("POST", "/api/logout", {}); showLogin(""); });
  $("override-submit").addEventListener("click", submitOverride);
  $("override-cancel").addEventListener("click", () => $("override-dialog").close());
  $("evidence-close").addEventListener("click", () => $("evidence-dialog").close());
  $("search").addEventListener("input", () => { clearTimeout(searchTimer); searchTimer = setTimeout(refreshPassages, 250); });
  applyLanguage();
  const s = await fetch("/api/session", { credentials: "same-origin" });
  if (s.ok) { showApp(await s.json()); return; }
  const st = await (await fetch("/api/status")).json();
  state.checkpoint = st.checkpoint;
  showLogin(st.admin_exists ? "" : (state.lang === "en" ? "No admin account yet: run gatewayd --add-user NAME --role admin on the gateway"
                                                           : "尚无管理员账户：请在网关上运行 gatewayd --add-user 用户名 --role admin"));
}

document.addEventListener("DOMContentLoaded", init);
