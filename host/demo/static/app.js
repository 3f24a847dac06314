// The demo console: a channel provider's page written against
// Microsoft.CIFramework as any CIF integrator writes one. It uses only CIF
// 2.0's documented API (in Dynamics 365 the page would also load CIF's
// msdyn_ciLibrary.js; here the CIF Bridge extension provides the API).
import {
  BRIDGE_PROBLEMS, capacityText, describeError, errorText, formatCall, formatValue, parsePayload, sampleId, sampleName,
} from "./format.js";
import { knownNumber, screenPop, unknownNumber } from "./screenpop.js";

/** How long to wait for CIFInitDone before explaining that the extension is missing. */
const INIT_WAIT_MS = 2500;
/** The log keeps this many entries. */
const MAX_LOG_ENTRIES = 300;

/** @param {string} id */
const byId = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

const ui = {
  status: byId("status"),
  help: byId("help"),
  helpOrigin: byId("help-origin"),
  incoming: /** @type {HTMLFormElement} */ (byId("incoming")),
  customer: /** @type {HTMLInputElement} */ (byId("customer")),
  newName: byId("new-name"),
  caller: /** @type {HTMLInputElement} */ (byId("caller")),
  knownCaller: byId("known-caller"),
  unknownCaller: byId("unknown-caller"),
  channelButtons: /** @type {HTMLButtonElement[]} */ ([...document.querySelectorAll("button[data-channel]")]),
  capacity: byId("capacity"),
  sessions: byId("sessions"),
  noSessions: byId("no-sessions"),
  log: byId("log"),
  logReads: /** @type {HTMLInputElement} */ (byId("log-reads")),
  askFirst: /** @type {HTMLInputElement} */ (byId("ask-first")),
  asking: byId("asking"),
  waiting: byId("waiting"),
  presence: byId("presence"),
  setPresence: /** @type {HTMLSelectElement} */ (byId("set-presence")),
  clickToAct: /** @type {HTMLInputElement} */ (byId("click-to-act")),
  clearLog: byId("clear-log"),
  sessionItem: /** @type {HTMLTemplateElement} */ (byId("session-item")),
};

/**
 * The channels, each with the out-of-box session template it opens and
 * the notification template that asks the agent first (none for a
 * website visit, which needs no answer).
 * @typedef {{template: string, notification?: string, extra: (customer: string) => Record<string, string>}} Channel
 * @type {Record<string, Channel>}
 */
const CHANNELS = {
  chat: { template: "msdyn_chat_session", notification: "msdyn_chat_incoming_unauthenticated", extra: () => ({}) },
  // A call's customer is the caller's number, until the screen pop finds who it is.
  call: { template: "msdyn_voicecall_session", notification: "msdyn_voicecall_incoming_unauthenticated", extra: (number) => ({ phoneNumber: number }) },
  sms: { template: "msdyn_sms_session", notification: "msdyn_sms_incoming_unauthenticated", extra: () => ({ phoneNumber: samplePhone() }) },
  // The website session's anchor tab (msdyn_website_tab) opens templateParameters.url.
  web: { template: "msdyn_website_session", extra: (customer) => ({ url: profileUrl(customer, "web"), title: profileTitle(customer) }) },
};

function samplePhone() {
  return `+1 555 01${String(Math.floor(Math.random() * 100)).padStart(2, "0")}`;
}

/**
 * The demo's own customer page, which website tabs open.
 * @param {string} customer
 * @param {string} channel
 */
function profileUrl(customer, channel) {
  const url = new URL("customer.html", location.href);
  url.searchParams.set("name", customer);
  url.searchParams.set("channel", channel);
  return url.href;
}

/** @param {string} customer */
const profileTitle = (customer) => `${customer} — profile`;

/** @returns {typeof Microsoft.CIFramework} */
const cif = () => window.Microsoft.CIFramework;

// --- status and log ------------------------------------------------------

/**
 * @param {"waiting" | "connecting" | "ready" | "problem" | "no-extension"} state
 * @param {string} text
 */
function setStatus(state, text) {
  ui.status.dataset.state = state;
  ui.status.textContent = text;
}

/**
 * Adds a log entry, newest first.
 * @param {"event" | "ok" | "error" | "info"} kind
 * @param {string} name the method or event
 * @param {string} text
 * @param {number} [code] a failed call's errorCode
 */
function log(kind, name, text, code) {
  const li = document.createElement("li");
  li.dataset.kind = kind;
  li.dataset.name = name;
  if (code !== undefined) li.dataset.errorCode = String(code);
  const now = new Date();
  const time = document.createElement("time");
  time.dateTime = now.toISOString();
  time.textContent = now.toLocaleTimeString();
  const label = document.createElement("strong");
  label.textContent = kind === "event" ? `${name} event` : name;
  const body = document.createElement("code");
  body.textContent = text;
  li.append(time, " ", label, body);
  ui.log.prepend(li);
  while (ui.log.children.length > MAX_LOG_ENTRIES) ui.log.lastElementChild?.remove();
}

/**
 * Calls a Microsoft.CIFramework method and logs the call with its result
 * or error. Reads (refreshing the list) are logged only when asked for,
 * or when they fail.
 * @param {string} method
 * @param {unknown[]} args
 * @param {{read?: boolean}} [opts]
 * @returns {Promise<{ok: true, value: any} | {ok: false, error: unknown}>}
 */
async function call(method, args, { read = false } = {}) {
  try {
    const value = await cif()[method](...args);
    if (!read || ui.logReads.checked) log("ok", method, `${formatCall(method, args)} → ${formatValue(value)}`);
    return { ok: true, value };
  } catch (error) {
    const { code } = describeError(error);
    log("error", method, `${formatCall(method, args)} ✗ ${errorText(error)}`, code);
    if (code !== undefined && BRIDGE_PROBLEMS.has(code)) setStatus("problem", `CIF Bridge cannot serve this page: ${errorText(error)}`);
    return { ok: false, error };
  }
}

// --- sessions --------------------------------------------------------------

/**
 * What the page keeps about each of its sessions: its list item and what
 * it told the workspace (the API has no way to read attention back).
 * @typedef {{li: HTMLLIElement, customer: string, channel: string, activity: number, kpiBreach: boolean}} Entry
 */

/** @type {Map<string, Entry>} */
const sessions = new Map();
let itemCount = 0;

/**
 * A getSession result's field: CIF's code returns a Map, its docs an
 * object; CIF Bridge's Map carries both.
 * @param {unknown} info
 * @param {string} key
 */
const field = (info, key) => (info instanceof Map ? info.get(key) : /** @type {any} */ (info)?.[key]);

/**
 * @param {string} id
 * @param {unknown} info
 * @returns {Entry}
 */
function addSession(id, info) {
  const li = /** @type {HTMLLIElement} */ (/** @type {Element} */ (ui.sessionItem.content.firstElementChild).cloneNode(true));
  li.dataset.session = id;
  /** @type {HTMLElement} */ (li.querySelector(".session-id")).textContent = id;
  const titleId = `session-title-${++itemCount}`;
  /** @type {HTMLElement} */ (li.querySelector(".title")).id = titleId;
  // Every session has the same buttons; say which session each acts on.
  for (const control of li.querySelectorAll("button, input")) control.setAttribute("aria-describedby", titleId);
  const context = parsePayload(field(info, "context")) ?? {};
  const customer = String(field(info, "customerName") ?? context.customer ?? "");
  /** @type {HTMLInputElement} */ (li.querySelector(".title-input")).value = customer;
  const entry = { li, customer, channel: String(context.channel ?? ""), activity: 0, kpiBreach: false };
  sessions.set(id, entry);
  return entry;
}

/**
 * @param {Entry} entry
 * @param {unknown} info
 */
function showSession(entry, info) {
  const { li } = entry;
  const focused = field(info, "focused") === true;
  const tabs = field(info, "tabs");
  const text = (/** @type {string} */ sel, /** @type {string} */ value) => {
    /** @type {HTMLElement} */ (li.querySelector(sel)).textContent = value;
  };
  text(".title", String(field(info, "title") || "(no title)"));
  text(".template", String(field(info, "templateName") ?? ""));
  text(".tabs", Array.isArray(tabs) ? `${tabs.length} open` : "");
  text(".context", formatValue(field(info, "context")));
  li.dataset.focused = String(focused);
  li.classList.toggle("focused", focused);
  /** @type {HTMLElement} */ (li.querySelector(".focused-badge")).hidden = !focused;
  /** @type {HTMLElement} */ (li.querySelector(".tab-hint")).hidden = focused;
  /** @type {HTMLButtonElement} */ (li.querySelector('[data-action="open-tab"]')).disabled = !focused;
  const kpi = /** @type {HTMLElement} */ (li.querySelector('[data-action="kpi-breach"]'));
  kpi.setAttribute("aria-pressed", String(entry.kpiBreach));
}

/**
 * Shows the sessions in the workspace's order, oldest first, changing
 * only what changed so that keyboard focus stays where it is.
 * @param {string[]} ids
 * @param {Array<{ok: boolean, value?: unknown}>} infos
 */
function showSessions(ids, infos) {
  const shown = new Set();
  ids.forEach((id, i) => {
    const got = infos[i];
    if (!got.ok) return;
    shown.add(id);
    showSession(sessions.get(id) ?? addSession(id, got.value), got.value);
  });
  for (const [id, entry] of sessions) {
    if (!shown.has(id)) {
      entry.li.remove();
      sessions.delete(id);
    }
  }
  /** @type {Element | null} */
  let before = ui.sessions.firstElementChild;
  for (const id of ids) {
    const entry = sessions.get(id);
    if (!entry) continue;
    if (entry.li !== before) ui.sessions.insertBefore(entry.li, before);
    before = entry.li.nextElementSibling;
  }
  ui.noSessions.hidden = sessions.size > 0;
}

/** Reads the provider's sessions and the workspace's room, and shows them. */
async function refreshOnce() {
  const all = await call("getAllSessions", [], { read: true });
  if (!all.ok) return;
  if (ui.status.dataset.state !== "ready") setStatus("ready", `Connected: CIF Bridge answers for this provider, ${location.origin}`);
  const ids = Array.isArray(all.value) ? all.value.map(String) : [];
  const infos = await Promise.all(ids.map((id) => call("getSession", [id], { read: true })));
  showSessions(ids, infos);
  const can = await call("canCreateSession", [], { read: true });
  ui.capacity.dataset.open = String(sessions.size);
  ui.capacity.dataset.canCreate = can.ok ? String(can.value) : "";
  ui.capacity.textContent = capacityText(sessions.size, can.ok ? can.value === true : undefined);
}

/** @type {Promise<void> | null} */
let refreshing = null;
let refreshAgain = false;

/**
 * Refreshes the list. Calls made while a refresh runs fold into one more
 * refresh after it, so a burst of events costs two reads, not one each.
 * @returns {Promise<void>}
 */
function refresh() {
  if (refreshing) {
    refreshAgain = true;
    return refreshing;
  }
  refreshing = (async () => {
    do {
      refreshAgain = false;
      await refreshOnce();
    } while (refreshAgain);
  })().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

// --- events ------------------------------------------------------------------

/**
 * What the console does with each system event's payload, besides
 * logging it.
 * @type {Record<string, (payload: Record<string, any> | null) => void>}
 */
const REACTIONS = {
  onSessionSwitched: (payload) => {
    // Focusing a session clears its new-activity count in the workspace.
    const entry = sessions.get(String(payload?.sessionId));
    if (entry && payload?.focused === true) entry.activity = 0;
    refresh();
  },
  onSessionClosed: () => refresh(),
  onPresenceChange: (payload) => showPresence(String(payload?.presenceInfo?.presenceText ?? "")),
  onclicktoact: (payload) => dial(payload),
  onpagenavigate: () => {},
};

/**
 * A handler for a system event. CIF passes its payload as a JSON string.
 * @param {string} name
 */
function systemEventHandler(name) {
  // Named after the event, so the log shows addHandler("…", onSessionSwitched).
  const handlers = {
    /** @param {unknown} data */
    [name](data) {
      log("event", name, typeof data === "string" ? data : formatValue(data));
      REACTIONS[name]?.(parsePayload(data));
    },
  };
  return handlers[name];
}

// --- the agent's side: notifications, presence, click-to-act -----------------

/** @param {string} text */
function showPresence(text) {
  ui.presence.textContent = text || "unknown";
  if ([...ui.setPresence.options].some((o) => o.value === text)) ui.setPresence.value = text;
}

/**
 * The agent clicked a phone number with click-to-act on: the softphone
 * dials it, in a call session.
 * @param {Record<string, any> | null} payload onclicktoact's {value, name, format, …, recordTitle}
 */
async function dial(payload) {
  const number = String(payload?.value ?? "").trim();
  if (number === "" || payload?.format === "Email") return;
  await openAndPop("call", CHANNELS.call, number, CHANNELS.call.extra(number));
  await refresh();
}

/**
 * Asks the agent with a notification, and opens the session only when the
 * agent accepts. The page keeps the token, so it can withdraw the
 * notification while it waits.
 * @param {string} channel
 * @param {Channel} spec
 * @param {string} customer
 * @param {Record<string, string>} extra
 */
async function askAgent(channel, spec, customer, extra) {
  const token = sampleId("conv");
  const item = document.createElement("li");
  item.dataset.token = token;
  const label = document.createElement("span");
  label.textContent = `${channel} from ${customer}`;
  const withdraw = Object.assign(document.createElement("button"), { type: "button", textContent: "Withdraw" });
  withdraw.dataset.action = "withdraw";
  withdraw.addEventListener("click", () => call("cancelEvent", [token]));
  item.append(label, withdraw);
  ui.waiting.append(item);
  ui.asking.hidden = false;
  const asked = await call("notifyEvent", [{
    templateName: spec.notification,
    templateParameters: { customerName: customer, ...extra },
    cancellationToken: token,
  }]);
  item.remove();
  ui.asking.hidden = ui.waiting.children.length === 0;
  if (!asked.ok) return undefined;
  const answer = parsePayload(asked.value);
  log("info", "notifyEvent", `the agent's answer: ${answer?.actionName}/${answer?.responseReason}${answer?.actionName === "Accept" ? " — opening the session" : ""}`);
  return answer?.actionName === "Accept" ? openAndPop(channel, spec, customer, extra) : undefined;
}

/**
 * Opens the session; for a call, the screen pop then finds who calls.
 * @param {string} channel
 * @param {Channel} spec
 * @param {string} customer for a call, the caller's number
 * @param {Record<string, string>} extra
 * @returns {Promise<string | undefined>} the new session's id
 */
async function openAndPop(channel, spec, customer, extra) {
  const id = await openSession(channel, spec, customer, extra);
  if (id !== undefined && channel === "call") await popCaller(id, customer);
  return id;
}

// --- the agent's actions ---------------------------------------------------

let creating = false;

/**
 * An incoming conversation: ask whether there is room, then open a
 * session from the channel's template.
 * @param {string} channel
 */
async function incoming(channel) {
  const field = channel === "call" ? ui.caller : ui.customer;
  const customer = field.value.trim();
  const spec = CHANNELS[channel];
  if (!spec || creating) return;
  if (customer === "") {
    field.focus();
    return;
  }
  const extra = spec.extra(customer);
  if (channel !== "call") ui.customer.value = sampleName(customer);
  if (ui.askFirst.checked && spec.notification) {
    // The agent may take a while: other conversations can arrive meanwhile.
    const id = await askAgent(channel, spec, customer, extra);
    await refresh();
    if (id !== undefined) sessions.get(id)?.li.scrollIntoView({ block: "nearest" });
    return;
  }
  creating = true;
  let id;
  try {
    id = await openAndPop(channel, spec, customer, extra);
  } finally {
    creating = false;
  }
  await refresh();
  if (id !== undefined) sessions.get(id)?.li.scrollIntoView({ block: "nearest" });
}

/**
 * @param {string} channel
 * @param {Channel} spec
 * @param {string} customer
 * @param {Record<string, string>} extra the channel's own parameters
 * @returns {Promise<string | undefined>} the new session's id
 */
async function openSession(channel, spec, customer, extra) {
  const can = await call("canCreateSession", []);
  if (!can.ok) return undefined;
  if (can.value !== true) {
    log("info", "canCreateSession", "resolved false: the workspace has its maximum of sessions. Close one in the side panel, then try again.");
    return undefined;
  }
  const phone = extra.phoneNumber ? { phoneNumber: extra.phoneNumber } : {};
  const created = await call("createSession", [{
    templateName: spec.template,
    templateParameters: { customer, conversationId: sampleId("conv"), customerRecordId: sampleId("contact"), ...extra },
    context: { channel, customer, queue: "Tier 1 support", receivedAt: new Date().toISOString(), ...phone },
    customerName: customer,
  }]);
  if (!created.ok) return undefined;
  return String(created.value);
}

/**
 * The screen pop of a call's session: the caller's contact opens in it
 * (and titles it), or a new contact's form does.
 * @param {string} id the session
 * @param {string} number the caller's number
 */
async function popCaller(id, number) {
  const name = await screenPop(call, number);
  if (name) await call("setSessionTitle", [{ sessionId: id, customer: name }]);
}

/** Fills in a number the organisation knows, or says how to give it contacts. */
async function pickKnownCaller() {
  const number = await knownNumber(call);
  if (number) {
    ui.caller.value = number;
    return;
  }
  ui.caller.value = unknownNumber();
  log("info", "screen pop", "the organisation has no contact with a phone number, so every call is unknown. For sample contacts, add \"records\": {\"sample\": true} to cif-bridge's settings.json and restart cif-host (see CIF Bridge's docs/records.md).");
}

/**
 * Runs one of a session's buttons.
 * @param {string} action
 * @param {string} id
 * @param {Entry} entry
 */
async function sessionAction(action, id, entry) {
  switch (action) {
    case "open-tab":
      await call("createTab", [{
        templateName: "msdyn_website_tab",
        templateParameters: { url: profileUrl(entry.customer, entry.channel), title: profileTitle(entry.customer) },
        isFocused: true,
      }]);
      break;
    case "request-focus":
      await call("requestFocusSession", [id]);
      break;
    case "new-activity":
      // The count is the session's unseen activity, so it grows with each message.
      if ((await call("notifyNewActivity", [id, entry.activity + 1])).ok) entry.activity += 1;
      break;
    case "kpi-breach": {
      // CIF's flag is named shouldReset, but true raises the breach and false clears it.
      const breach = !entry.kpiBreach;
      const details = breach ? { kpi: "First response time", target: "60 s", actual: "95 s" } : undefined;
      if ((await call("notifyKpiBreach", [id, breach, details])).ok) entry.kpiBreach = breach;
      break;
    }
    default:
      return;
  }
  await refresh();
}

/**
 * Sets a session's title from its template's title ("Call from {customer}")
 * with a new customer value.
 * @param {string} id
 * @param {string} customer
 */
async function setTitle(id, customer) {
  await call("setSessionTitle", [{ sessionId: id, customer }]);
  await refresh();
}

// --- wiring --------------------------------------------------------------------

ui.customer.value = sampleName();
ui.newName.addEventListener("click", () => {
  ui.customer.value = sampleName(ui.customer.value);
});
ui.knownCaller.addEventListener("click", pickKnownCaller);
ui.unknownCaller.addEventListener("click", () => {
  ui.caller.value = unknownNumber();
});

ui.incoming.addEventListener("submit", (event) => {
  event.preventDefault();
  // Enter in the name field submits with the first button: a chat.
  const submitter = /** @type {HTMLElement | null} */ (event.submitter);
  incoming(submitter?.dataset.channel ?? "chat");
});

ui.sessions.addEventListener("click", (event) => {
  const button = /** @type {HTMLElement} */ (event.target).closest("button[data-action]");
  const li = button?.closest("li[data-session]");
  const id = /** @type {HTMLElement | null | undefined} */ (li)?.dataset.session;
  const entry = id === undefined ? undefined : sessions.get(id);
  if (!button || button.getAttribute("type") === "submit" || id === undefined || !entry) return;
  sessionAction(/** @type {string} */ (/** @type {HTMLElement} */ (button).dataset.action), id, entry);
});

ui.sessions.addEventListener("submit", (event) => {
  event.preventDefault();
  const form = /** @type {HTMLFormElement} */ (event.target);
  const id = /** @type {HTMLElement | null} */ (form.closest("li[data-session]"))?.dataset.session;
  const value = /** @type {HTMLInputElement} */ (form.querySelector(".title-input")).value.trim();
  if (id !== undefined && value !== "") setTitle(id, value);
});

ui.clearLog.addEventListener("click", () => ui.log.replaceChildren());

ui.setPresence.addEventListener("change", async () => {
  const set = await call("setPresence", [ui.setPresence.value]);
  if (set.ok && set.value === false) log("info", "setPresence", `resolved false: "${ui.setPresence.value}" is not a presence of the agent's list`);
});

ui.clickToAct.addEventListener("change", () => call("setClickToAct", [ui.clickToAct.checked]));

// --- start -----------------------------------------------------------------------

let started = false;

/**
 * Starts once Microsoft.CIFramework is ready: handlers first, so that no
 * event is missed, then the list.
 * @param {Event} [event]
 */
async function start(event) {
  if (started) return;
  started = true;
  clearTimeout(missingTimer);
  ui.help.hidden = true;
  const detail = /** @type {CustomEvent | undefined} */ (event)?.detail;
  log("info", "CIFInitDone", event ? `Microsoft.CIFramework is ready (detail ${formatValue(detail)})` : "did not arrive in time; trying Microsoft.CIFramework anyway");
  setStatus("connecting", "Microsoft.CIFramework is here; asking cif-host…");
  for (const name of Object.keys(REACTIONS)) await call("addHandler", [name, systemEventHandler(name)]);
  for (const button of ui.channelButtons) button.disabled = false;
  await refresh();
  await pickKnownCaller();
  const presence = await call("getPresence", [], { read: true });
  if (presence.ok) showPresence(String(presence.value));
  const clickToAct = await call("getClickToAct", [], { read: true });
  if (clickToAct.ok) ui.clickToAct.checked = clickToAct.value === true;
}

/** Says what to do when the API never appears, rather than failing silently. */
function explainMissing() {
  if (started) return;
  if (window.Microsoft?.CIFramework) {
    start();
    return;
  }
  const local = location.protocol === "http:" && (location.hostname === "127.0.0.1" || location.hostname === "localhost");
  if (!local) {
    ui.helpOrigin.hidden = false;
    ui.helpOrigin.textContent = `This page is at ${location.origin}: open the address that cif-host demo printed instead, or add this origin in the extension's options.`;
  }
  ui.help.hidden = false;
  setStatus("no-extension", "Microsoft.CIFramework is missing: the CIF Bridge extension is not loaded. See below.");
}

const missingTimer = setTimeout(explainMissing, INIT_WAIT_MS);
window.addEventListener("CIFInitDone", start, { once: true });
