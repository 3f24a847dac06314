// Microsoft.CIFramework for the page. This content script runs in the
// page's own world at document_start, before the page's scripts, so pages
// written for Channel Integration Framework 2.0 find the API where they
// expect it. It only marshals calls to the relay (content/relay.js): no
// secrets and no policy live here, since the page can read all of it. It is
// a classic script (content scripts cannot be modules): content/page-contract.js,
// loaded just before it, hands it the shared names and codes.
(() => {
  "use strict";

  const { Wire, ErrorCode, PageEvent } = globalThis.cifBridgeContract;
  delete globalThis.cifBridgeContract;

  /** How long a call waits for the relay to say it listens before the extension counts as absent. */
  const ACK_TIMEOUT_MS = 3000;
  /** CIF's own call timeout. */
  const CALL_TIMEOUT_MS = 10000;

  if (window.Microsoft?.CIFramework?.cifBridge) return; // injected twice

  // The page's scripts run after this one and may replace these globals;
  // keep the originals.
  const post = window.postMessage.bind(window);
  const Channel = MessageChannel;
  const now = performance.now.bind(performance);
  const origin = location.origin;
  /**
   * A sandboxed frame's document has an opaque origin (window.origin is
   * "null", while location.origin is still its address's), which no
   * provider can be: its calls fail at once. The relay could not hear it
   * anyway: a message to the address's origin does not reach a document
   * whose origin is opaque.
   */
  const sandboxed = window.origin === "null";

  /**
   * A CIF error as pages read it: error.message works as in every CIF
   * sample, msdyn_name is the API's name, errorCode is stable.
   * @typedef {{message: string, msdyn_name: string, errorCode: number}} CifError
   */

  /**
   * @param {string} api
   * @param {number} code
   * @param {string} message
   * @returns {CifError}
   */
  function cifError(api, code, message) {
    return { message, msdyn_name: api, errorCode: code };
  }

  // --- the relay handshake -------------------------------------------------

  let relayReady = false;
  /** @type {Array<() => void>} */
  let waitingForRelay = [];

  window.addEventListener("message", (event) => {
    const data = event.data;
    if (event.source !== window || data === null || typeof data !== "object") return;
    if (data.ns !== Wire.NS || data.v !== Wire.VERSION || data.kind !== "ready" || relayReady) return;
    relayReady = true;
    const waiting = waitingForRelay;
    waitingForRelay = [];
    waiting.forEach((run) => run());
  });
  if (!sandboxed) post({ ns: Wire.NS, v: Wire.VERSION, kind: "ping" }, origin);

  /** @param {() => void} run */
  function whenRelayReady(run) {
    if (relayReady) run();
    else waitingForRelay.push(run);
  }

  // --- calls -----------------------------------------------------------------
  // The calls travel on one private MessageChannel: this script keeps one
  // end and hands the other to the relay once it listens ("connect"), so
  // the replies reach this script only. A call is tagged with an id and
  // answered by id.

  const { port1: calls, port2: relayEnd } = new Channel();

  /**
   * A call waiting for its reply, the time by which it must have it, and
   * the error it fails with then.
   * @typedef {{method: string, resolve: (value: unknown) => void, reject: (err: CifError) => void, deadline: number, expired?: () => CifError}} Waiting
   */

  /** @type {Map<number, Waiting>} */
  const waiting = new Map();
  let nextCall = 1;

  calls.onmessage = (event) => {
    const data = event.data;
    const call = waiting.get(data?.id);
    if (data?.kind !== "reply" || !call) return;
    settle(data.id);
    if (data.ok) call.resolve(data.result);
    else call.reject(cifError(call.method, data.error?.code ?? ErrorCode.ExtensionUnavailable, data.error?.message ?? "no reason given"));
  };
  whenRelayReady(() => post({ ns: Wire.NS, v: Wire.VERSION, kind: "connect" }, origin, [relayEnd]));

  /** @param {number} id a waiting call's, which waits no more */
  function settle(id) {
    waiting.delete(id);
  }

  // The calls' time limits share one timer, armed for the earliest
  // deadline, as the background's do (shared/deadlines.js, which a
  // content script cannot import): a timer set and cleared for every call
  // cost more than the rest of this script's part of it.
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  let armedFor = Infinity;

  /**
   * Fails a waiting call with err after ms (none when ms is Infinity).
   * @param {number} id
   * @param {number} ms
   * @param {() => CifError} err
   */
  function limit(id, ms, err) {
    const call = waiting.get(id);
    if (!call) return;
    call.deadline = now() + ms;
    call.expired = err;
    arm(call.deadline);
  }

  /** @param {number} at when the timer must fire, unless armed sooner */
  function arm(at) {
    if (at >= armedFor) return;
    clearTimeout(timer);
    armedFor = at;
    timer = setTimeout(expire, Math.max(0, at - now()));
  }

  /** Fails the calls whose time is up, and arms the timer for the next. */
  function expire() {
    armedFor = Infinity;
    const time = now();
    let next = Infinity;
    for (const [id, call] of waiting) {
      if (call.deadline > time) {
        next = Math.min(next, call.deadline);
        continue;
      }
      settle(id);
      call.reject(/** @type {() => CifError} */ (call.expired)());
    }
    if (next !== Infinity) arm(next);
  }

  /**
   * Sends one call to the relay. A call that waits for the agent
   * (notifyEvent) has no time limit, as in CIF; a call made before the
   * relay said it listens fails as the extension being absent if it never
   * does.
   * @param {string} method
   * @param {object} params
   * @param {{wait?: boolean}} [opts] wait: no time limit on the reply
   * @returns {Promise<unknown>}
   */
  function send(method, params, { wait = false } = {}) {
    if (sandboxed) {
      return Promise.reject(cifError(method, ErrorCode.OriginNotAllowed,
        `${method}: this frame is sandboxed (its origin is opaque), and a sandboxed frame cannot call CIF; add allow-same-origin to the iframe's sandbox attribute, or call Microsoft.CIFramework from the top-level page`));
    }
    return new Promise((resolve, reject) => {
      const id = nextCall++;
      waiting.set(id, { method, resolve, reject, deadline: Infinity });
      if (!relayReady) {
        limit(id, ACK_TIMEOUT_MS, () => cifError(method, ErrorCode.ExtensionUnavailable,
          "the CIF Bridge extension did not answer; check that it is installed and enabled for this site, then reload the page"));
      }
      whenRelayReady(() => {
        if (!waiting.has(id)) return;
        limit(id, wait ? Infinity : CALL_TIMEOUT_MS, () => cifError(method, ErrorCode.Timeout,
          "Timeout occurred as no response was received from listener window; the host may be stuck, see its log"));
        try {
          calls.postMessage({ kind: "call", id, method, params });
        } catch (err) {
          settle(id);
          reject(cifError(method, ErrorCode.InvalidParams,
            `${method}: the parameters cannot be sent (${err instanceof Error ? err.message : err}); pass plain objects, strings, numbers and booleans`));
        }
      });
    });
  }

  /**
   * Drops undefined parameters, so that what reaches the host is what the
   * caller passed.
   * @param {Record<string, unknown>} params
   * @returns {Record<string, unknown>}
   */
  function defined(params) {
    return Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined));
  }

  /**
   * @param {string} method
   * @param {Record<string, unknown>} params
   * @param {{wait?: boolean}} [opts]
   */
  const call = (method, params, opts) => send(method, defined(params), opts);

  /**
   * For methods CIF documents as resolving with nothing.
   * @param {string} method
   * @param {Record<string, unknown>} params
   */
  const callVoid = (method, params) => call(method, params).then(() => undefined);

  /**
   * A Map of an object's entries that also carries them as properties:
   * getSession resolves with one, as CIF's code does (Microsoft's samples
   * read result.get("context")) while its docs read result.context. Other
   * values pass through.
   * @param {unknown} value
   * @returns {unknown}
   */
  function propertyMap(value) {
    if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
    const map = new Map(Object.entries(value));
    for (const [key, entry] of map) {
      if (!(key in map)) Object.defineProperty(map, key, { value: entry, enumerable: true });
    }
    return map;
  }

  // --- events ----------------------------------------------------------------

  /** @type {Map<string, Set<Function>>} */
  const handlers = new Map();
  /** @type {Map<string, Function>} showGlobalNotification's action.eventHandler, by notification id */
  const actionHandlers = new Map();
  /** @type {MessagePort | null} the relay's channel for events, opened with the first handler */
  let eventPort = null;

  /** Opens the event channel once: the relay then passes this page's events on it. */
  function subscribe() {
    if (eventPort) return;
    const { port1, port2 } = new Channel();
    eventPort = port1;
    port1.onmessage = (event) => {
      const data = event.data;
      if (data?.kind === "event" && typeof data.name === "string") deliver(data.name, data.payload);
    };
    whenRelayReady(() => calls.postMessage({ kind: "subscribe" }, [port2]));
  }

  /** CIF's system events, by their names in lower case. */
  const systemEvents = new Set(Object.values(PageEvent).map((n) => n.toLowerCase()));

  /**
   * The handlers of one event. A system event's handlers are those added
   * under its name in any letter case (real code adds onPageNavigate and
   * onpagenavigate alike), each once; a custom event's, those added under
   * exactly its name.
   * @param {string} name
   * @returns {Function[]}
   */
  function handlersOf(name) {
    const lower = name.toLowerCase();
    if (!systemEvents.has(lower)) return [...(handlers.get(name) ?? [])];
    const all = new Set();
    for (const [added, set] of handlers) if (added.toLowerCase() === lower) set.forEach((h) => all.add(h));
    return [...all];
  }

  /**
   * Runs the handlers of one event. System events carry CIF's JSON string;
   * custom events (raiseEvent) carry the raiser's parameters as a Map that
   * also has them as properties. A failing handler does not stop the others.
   * @param {string} name
   * @param {unknown} payload
   */
  function deliver(name, payload) {
    if (name === PageEvent.GlobalNotificationActionClick) runActionHandler(payload);
    for (const handler of handlersOf(name)) {
      try {
        const arg = typeof payload === "string" ? payload : propertyMap(payload);
        Promise.resolve(handler(arg)).catch((err) => console.error(`CIF Bridge: a ${name} handler failed`, err));
      } catch (err) {
        console.error(`CIF Bridge: a ${name} handler failed`, err);
      }
    }
  }

  /**
   * Runs the eventHandler a message bar's action was shown with.
   * @param {unknown} payload CIF's JSON string, {notificationId}
   */
  function runActionHandler(payload) {
    let id;
    try {
      id = JSON.parse(String(payload)).notificationId;
    } catch {
      return;
    }
    const handler = actionHandlers.get(id);
    if (!handler) return;
    try {
      Promise.resolve(handler(payload)).catch((err) => console.error("CIF Bridge: a message bar's eventHandler failed", err));
    } catch (err) {
      console.error("CIF Bridge: a message bar's eventHandler failed", err);
    }
  }

  /**
   * showGlobalNotification: a function cannot travel, so action.eventHandler
   * goes as true and stays here, run when the agent clicks the action.
   * @param {any} options
   * @param {string} [correlationId]
   */
  function showGlobalNotification(options, correlationId) {
    if (options === null || options === undefined) {
      return Promise.reject(cifError("showGlobalNotification", ErrorCode.InvalidParams, "The notificationOptions parameter is null. Provide a value to the parameter: pass {type: 2, level: 4, message: \"…\"}"));
    }
    const handler = options?.action?.eventHandler;
    if (typeof handler !== "function") return call("showGlobalNotification", { notificationOptions: options, correlationId });
    subscribe();
    const sent = { ...options, action: { ...options.action, eventHandler: true } };
    return call("showGlobalNotification", { notificationOptions: sent, correlationId }).then((id) => {
      actionHandlers.set(String(id), handler);
      return id;
    });
  }

  /**
   * @param {string} api
   * @param {unknown} eventName
   * @param {unknown} handler
   * @returns {CifError | null}
   */
  function handlerArgsError(api, eventName, handler) {
    if (typeof eventName !== "string" || eventName === "") {
      return cifError(api, ErrorCode.InvalidParams, "The parameter EventName is blank. Provide a value to the parameter: an event name such as onSessionSwitched");
    }
    if (typeof handler !== "function") {
      return cifError(api, ErrorCode.InvalidParams, "Passing data parameters to addHandler is mandatory: pass the handler function as the second argument");
    }
    return null;
  }

  // --- click-to-act raised by the page -------------------------------------------
  // Dynamics' own controls start click-to-act with a CIClickToAct event on
  // the top window; here it reaches this page's own provider, never another.

  /** The members of a CIClickToAct event's detail that CIF passes on. */
  const CLICK_TO_ACT_KEYS = ["value", "name", "format", "entityLogicalName", "entityId", "recordTitle"];

  /** @param {Event} event */
  function onClickToAct(event) {
    const detail = /** @type {CustomEvent} */ (event).detail;
    if (detail === null || typeof detail !== "object") return;
    const picked = Object.fromEntries(CLICK_TO_ACT_KEYS.filter((k) => detail[k] !== undefined).map((k) => [k, detail[k]]));
    send("cifbridge.raiseClickToAct", { detail: picked }).catch((err) => console.warn("CIF Bridge: a CIClickToAct event was not passed on:", err.message));
  }
  if (!sandboxed && window === window.top) window.addEventListener("CIClickToAct", onClickToAct);

  // --- the API -----------------------------------------------------------------

  /**
   * Rejects a method that needs Dynamics 365's own services.
   * @param {string} name
   * @param {string} why what the method needs and what to do instead
   * @returns {() => Promise<never>}
   */
  const unsupported = (name, why) => () => Promise.reject(cifError(name, ErrorCode.NotSupported, `${why}; see "Not supported" in CIF Bridge's docs/api.md`));

  const CIFramework = {
    /** Marks the API as CIF Bridge's, for pages that want to know. */
    cifBridge: true,

    // Sessions.
    /** @param {string} [correlationId] */
    canCreateSession: (correlationId) => call("canCreateSession", { correlationId }),
    /** @param {object} input @param {string} [correlationId] @param {string} [providerSessionId] */
    createSession: (input, correlationId, providerSessionId) => call("createSession", { input, correlationId, providerSessionId }),
    /** @param {string} sessionId @param {string} [correlationId] */
    getSession: (sessionId, correlationId) => call("getSession", { sessionId, correlationId }).then(propertyMap),
    /** @param {string} [correlationId] */
    getFocusedSession: (correlationId) => call("getFocusedSession", { correlationId }),
    /** @param {string} [correlationId] */
    getAllSessions: (correlationId) => call("getAllSessions", { correlationId }),
    /** @param {object} input @param {string} [correlationId] */
    setSessionTitle: (input, correlationId) => call("setSessionTitle", { input, correlationId }),
    /**
     * The documented form is (sessionId, correlationId); CIF's own code also
     * takes (sessionId, messagesCount, correlationId).
     * @param {string} sessionId @param {number | string} [countOrCorrelationId] @param {string} [correlationId]
     */
    requestFocusSession: (sessionId, countOrCorrelationId, correlationId) => callVoid("requestFocusSession", typeof countOrCorrelationId === "number"
      ? { sessionId, messagesCount: countOrCorrelationId, correlationId }
      : { sessionId, correlationId: countOrCorrelationId }),
    /**
     * CIF's order is (sessionId, count, shouldReset, correlationId); older
     * code passes (sessionId, count, correlationId).
     * @param {string} sessionId @param {number} count @param {boolean | string} [shouldResetOrCorrelationId] @param {string} [correlationId]
     */
    notifyNewActivity: (sessionId, count, shouldResetOrCorrelationId, correlationId) => callVoid("notifyNewActivity", typeof shouldResetOrCorrelationId === "string"
      ? { sessionId, count, correlationId: shouldResetOrCorrelationId }
      : { sessionId, count, shouldReset: shouldResetOrCorrelationId, correlationId }),
    /**
     * Raises the session's KPI breach with true (or nothing), clears it
     * with false: Dynamics passes the flag on as "breached", whatever its name.
     * @param {string} sessionId @param {boolean} [shouldReset] @param {unknown} [details] @param {string} [correlationId]
     */
    notifyKpiBreach: (sessionId, shouldReset, details, correlationId) => callVoid("notifyKpiBreach", { sessionId, shouldReset, details, correlationId }),
    /** @param {object | string[]} input @param {string} [sessionId] @param {boolean} [isDelete] @param {string} [correlationId] */
    updateContext: (input, sessionId, isDelete, correlationId) => call("updateContext", { input, sessionId, isDelete, correlationId }),

    // Tabs of the focused session.
    /** @param {object} input @param {string} [correlationId] */
    createTab: (input, correlationId) => call("createTab", { input, correlationId }),
    /** @param {string} [templateName] @param {string[]} [tags] @param {string} [correlationId] */
    getTabs: (templateName, tags, correlationId) => call("getTabs", { templateName, tags, correlationId }),
    /** @param {string} [correlationId] */
    getFocusedTab: (correlationId) => call("getFocusedTab", { correlationId }),
    /** @param {string} tabId @param {string} [correlationId] */
    focusTab: (tabId, correlationId) => callVoid("focusTab", { tabId, correlationId }),
    /** @param {string} tabId @param {string} [correlationId] */
    refreshTab: (tabId, correlationId) => call("refreshTab", { tabId, correlationId }),
    /** @param {string} tabId @param {object} input @param {string} [correlationId] */
    setTabTitle: (tabId, input, correlationId) => call("setTabTitle", { tabId, input, correlationId }),
    /** @param {string} tabId @param {string} [correlationId] */
    closeTab: (tabId, correlationId) => call("closeTab", { tabId, correlationId }),

    // Events.
    /** @param {string} eventName @param {Function} handler @param {string} [correlationId] */
    addHandler: (eventName, handler, correlationId) => {
      const err = handlerArgsError("addHandler", eventName, handler);
      if (err) return Promise.reject(err);
      if (!handlers.has(eventName)) handlers.set(eventName, new Set());
      handlers.get(eventName)?.add(handler);
      subscribe();
      return Promise.resolve(undefined);
    },
    /** @param {string} eventName @param {Function} handler @param {string} [correlationId] */
    removeHandler: (eventName, handler, correlationId) => {
      const err = handlerArgsError("removeHandler", eventName, handler);
      if (err) return Promise.reject(err);
      handlers.get(eventName)?.delete(handler);
      return Promise.resolve(undefined);
    },
    /**
     * Runs the handlers of eventName in every page of this provider,
     * this one included.
     * @param {string} eventName @param {unknown} [eventInputParameters] @param {string} [correlationId]
     */
    raiseEvent: (eventName, eventInputParameters, correlationId) => {
      if (typeof eventName !== "string" || eventName === "") {
        return Promise.reject(cifError("raiseEvent", ErrorCode.InvalidParams, "The parameter EventName is blank. Provide a value to the parameter: the name your handlers were added for"));
      }
      return call("raiseEvent", { eventName, eventInputParameters, correlationId });
    },

    // The communication panel: the extension's panel, which hosts the
    // configured channel providers' pages.
    /** @param {number} value @param {string} [correlationId] */
    setMode: (value, correlationId) => call("setMode", { value, correlationId }),
    /** @param {string} [correlationId] */
    getMode: (correlationId) => call("getMode", { correlationId }),
    /** @param {number} value @param {string} [correlationId] */
    setWidth: (value, correlationId) => call("setWidth", { value, correlationId }),
    /** @param {string} [correlationId] */
    getWidth: (correlationId) => call("getWidth", { correlationId }),

    // Click-to-act, kept for this provider per browser profile.
    /** @param {boolean} value @param {string} [correlationId] */
    setClickToAct: (value, correlationId) => callVoid("setClickToAct", { value: value ?? null, correlationId }),
    /** @param {string} [correlationId] */
    getClickToAct: (correlationId) => call("getClickToAct", { correlationId }),

    // Notifications for the agent.
    /**
     * Resolves when the agent answers, the notification's time runs out
     * or it is cancelled: no call timeout, as in CIF.
     * @param {object} input @param {string} [correlationId] @param {string} [cancellationToken]
     */
    notifyEvent: (input, correlationId, cancellationToken) => call("notifyEvent", { input, correlationId, cancellationToken }, { wait: true }),
    /** @param {string} cancellationToken @param {string} [correlationId] */
    cancelEvent: (cancellationToken, correlationId) => call("cancelEvent", { cancellationToken, correlationId }),

    // The agent's presence.
    /** @param {string} presenceText @param {string} [correlationId] */
    setPresence: (presenceText, correlationId) => call("setPresence", { presenceText, correlationId }),
    /** @param {string} [correlationId] */
    getPresence: (correlationId) => call("getPresence", { correlationId }),
    /** @param {string} presenceInfo a JSON string @param {string} [correlationId] */
    setAgentPresence: (presenceInfo, correlationId) => call("setAgentPresence", { presenceInfo, correlationId }),
    /** @param {string} presenceList a JSON string @param {string} [correlationId] */
    initializeAgentPresenceList: (presenceList, correlationId) => call("initializeAgentPresenceList", { presenceList, correlationId }),

    // Message bars and the progress indicator, shown in the panel.
    /** @param {object} notificationOptions @param {string} [correlationId] */
    showGlobalNotification,
    /** @param {string} notificationId @param {string} [correlationId] */
    clearGlobalNotification: (notificationId, correlationId) => {
      if (notificationId === null || notificationId === undefined) {
        return Promise.reject(cifError("clearGlobalNotification", ErrorCode.InvalidParams, "The notificationId parameter is null. Provide a value to the parameter: pass the id showGlobalNotification resolved with"));
      }
      return callVoid("clearGlobalNotification", { notificationId, correlationId }).then(() => {
        actionHandlers.delete(notificationId);
      });
    },
    /** @param {string} [correlationId] */
    showTimeoutGlobalNotification: (correlationId) => call("showTimeoutGlobalNotification", { correlationId }),
    /** @param {string} [message] @param {string} [correlationId] */
    showProgressIndicator: (message, correlationId) => callVoid("showProgressIndicator", { message, correlationId }),
    /** @param {string} [correlationId] */
    closeProgressIndicator: (correlationId) => callVoid("closeProgressIndicator", { correlationId }),

    // The organisation, the user, the provider's configuration and the agent's page.
    /** @param {string} [correlationId] */
    getEnvironment: (correlationId) => call("getEnvironment", { correlationId }),
    /** @param {string} [correlationId] */
    isConsoleApp: (correlationId) => Promise.resolve(true),
    /** CIF Bridge turns on none of Dynamics' features. @param {string} featureName @param {string} [correlationId] */
    isFeatureEnabled: (featureName, correlationId) => Promise.resolve(false),
    /** @param {string} featureNameSpace @param {string} featureUniqueName @param {string} [correlationId] */
    getFcsValue: (featureNameSpace, featureUniqueName, correlationId) => Promise.resolve(false),

    // The organisation's records, in CIF's argument order; each resolves
    // with CIF's JSON string.
    /** @param {string} entityName @param {string | object} data @param {string} [correlationId] */
    createRecord: (entityName, data, correlationId) => call("createRecord", { entityName, data, correlationId }),
    /** @param {string} entityName @param {string} id @param {string} [options] @param {string} [correlationId] */
    retrieveRecord: (entityName, id, options, correlationId) => call("retrieveRecord", { entityName, id, query: options, correlationId }),
    /** @param {string} entityName @param {string} id @param {string | object} data @param {string} [correlationId] */
    updateRecord: (entityName, id, data, correlationId) => call("updateRecord", { entityName, id, data, correlationId }),
    /** @param {string} entityName @param {string} id @param {string} [correlationId] */
    deleteRecord: (entityName, id, correlationId) => call("deleteRecord", { entityName, id, correlationId }),
    /**
     * @param {string} entityName @param {string} queryParameters @param {boolean} searchOnly
     * @param {string} [correlationId] @param {number} [searchType]
     */
    searchAndOpenRecords: (entityName, queryParameters, searchOnly, correlationId, searchType) =>
      call("searchAndOpenRecords", { entityName, query: queryParameters, searchOnly, correlationId, searchType }),
    /** @param {string} entityName @param {string[]} [attributes] @param {string} [correlationId] */
    getEntityMetadata: (entityName, attributes, correlationId) => call("getEntityMetadata", { entityName, attributes, correlationId }),
    /** @param {string | object} entityFormOptions @param {string | object} [formParameters] @param {string} [correlationId] */
    openForm: (entityFormOptions, formParameters, correlationId) => call("openForm", { entityFormOptions, formParameters, correlationId }),
    /** @param {string} entityName @param {string} searchString @param {string} [correlationId] @param {number} [searchType] */
    renderSearchPage: (entityName, searchString, correlationId, searchType) => callVoid("renderSearchPage", { entityName, searchString, correlationId, searchType }),
    /** @param {boolean} [save] @param {string} [correlationId] */
    refreshForm: (save, correlationId) => call("refreshForm", { save, correlationId }),

    // Dynamics 365's own services: not here.
    insertNotes: unsupported("insertNotes", "insertNotes opens Dynamics' notes panel on a conversation, which CIF Bridge does not have; write the note with createRecord(\"annotation\", …)"),
    closeNotes: unsupported("closeNotes", "closeNotes closes Dynamics' notes panel, which CIF Bridge does not have"),
    openKBSearchControl: unsupported("openKBSearchControl", "openKBSearchControl needs Dynamics' knowledge base search control, which CIF Bridge does not have; open a search tab with createTab({templateName: \"msdyn_knowledge_search_tab\"}) instead"),
    logAnalyticsEvent: unsupported("logAnalyticsEvent", "logAnalyticsEvent sends to Omnichannel's analytics, which CIF Bridge does not have; send the event to your own telemetry"),
    initLogAnalytics: unsupported("initLogAnalytics", "initLogAnalytics starts Omnichannel's analytics, which CIF Bridge does not have; send events to your own telemetry"),
    updateConversation: unsupported("updateConversation", "updateConversation changes an Omnichannel conversation (msdyn_ocliveworkitem), which CIF Bridge does not have; keep the conversation's data in the session's context (updateContext)"),
    createTabInHomeSession: unsupported("createTabInHomeSession", "createTabInHomeSession opens a tab in the home session, which has no tabs in CIF Bridge; create a session (createSession) and open the tab there"),
    openDialog: unsupported("openDialog", "openDialog opens one of Dynamics' dialogs, which CIF Bridge does not have; show the dialog in your own page"),
    openMDDDialog: unsupported("openMDDDialog", "openMDDDialog opens one of Dynamics' model-driven dialogs, which CIF Bridge does not have; show the dialog in your own page"),
    executeFetchQuery: unsupported("executeFetchQuery", "executeFetchQuery calls Dynamics' Web API directly, which CIF Bridge does not have; read records with retrieveRecord or searchAndOpenRecords (searchOnly true)"),
    executeAction: unsupported("executeAction", "executeAction runs a Dataverse action, which CIF Bridge does not have"),
  };

  Object.freeze(CIFramework);
  installGlobal(CIFramework);
  let initPending = false;
  announceReady();
  answerLibrary();

  /**
   * Puts the API at window.Microsoft.CIFramework where no page script can
   * replace it. window.Microsoft stays open for other Microsoft libraries:
   * assigning it merges the assigned object's other members in.
   * @param {object} api
   */
  function installGlobal(api) {
    const ms = /** @type {Record<string, unknown>} */ (window.Microsoft ?? {});
    Object.defineProperty(ms, "CIFramework", { value: api, enumerable: true, writable: false, configurable: false });
    Object.defineProperty(window, "Microsoft", {
      enumerable: true,
      configurable: false,
      get: () => ms,
      set: (value) => {
        if (value === ms || value === null || typeof value !== "object") return;
        for (const [key, member] of Object.entries(value)) {
          if (key !== "CIFramework") ms[key] = member;
        }
      },
    });
  }

  /**
   * Dynamics' library script. Code written for Dynamics loads
   * …/webresources/Widget/msdyn_ciLibrary.js (from the organisation's
   * address, in any letter case) and starts on that script's load event,
   * adding its CIFInitDone listener only then. Outside Dynamics the request
   * fails: the failure becomes the load event Dynamics' script would have
   * had (the page's error handlers do not run), and CIFInitDone fires after
   * the load, whichever way the script ended. A library the document's
   * own markup loads shares the first CIFInitDone.
   */
  function answerLibrary() {
    const Script = HTMLScriptElement;
    const LIBRARY = /\/webresources\/widget\/msdyn_cilibrary\.js(?:[?#]|$)/i;
    /** @param {EventTarget | null} target */
    const isLibrary = (target) => target instanceof Script && LIBRARY.test(target.src);
    // Script elements' load and error events reach the document, not the window.
    document.addEventListener("error", (event) => {
      if (!isLibrary(event.target)) return;
      event.stopImmediatePropagation();
      event.target?.dispatchEvent(new Event("load"));
    }, true);
    document.addEventListener("load", (event) => {
      if (isLibrary(event.target)) announceReady();
    }, true);
  }

  /**
   * Fires CIF's CIFInitDone once the document's own scripts have run (and,
   * after the document, on a task of its own: after the load event of the
   * script that asked) and the relay answers (in a sandboxed frame, where
   * calls fail at once, without it). Asked again while one is on its way,
   * it fires once.
   */
  function announceReady() {
    if (initPending) return;
    initPending = true;
    const dispatch = () => {
      initPending = false;
      window.dispatchEvent(new CustomEvent("CIFInitDone", { detail: [origin] }));
    };
    const fire = () => (sandboxed ? dispatch() : whenRelayReady(dispatch));
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fire, { once: true });
    else setTimeout(fire, 0);
  }
})();
