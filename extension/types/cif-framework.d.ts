// Type declarations for pages that use Microsoft.CIFramework through CIF
// Bridge. They describe the runtime exactly (a test compares the two):
// every member here exists on the injected object and nothing else does.
// Use them with: /// <reference path="cif-framework.d.ts" />

declare namespace Microsoft.CIFramework {
  /** A rejected call's value: error.message reads as in CIF's samples. */
  interface CifError {
    message: string;
    /** The method that failed, as CIF names it. */
    msdyn_name: string;
    /** A stable code: see CIF Bridge's docs/protocol.md. */
    errorCode: number;
  }

  /** A template parameter: global at the top level, or an object of values for one application tab template. */
  type TemplateParameters = Record<string, string | number | boolean | object>;

  interface CreateSessionInput {
    /** A Generic session template's unique name, such as "msdyn_chat_session". */
    templateName?: string;
    /** Finds the template by tag instead of by name. */
    templateTag?: string;
    templateParameters?: TemplateParameters;
    /** Kept as given and returned by getSession and the session events. */
    context?: unknown;
    customerName?: string;
  }

  /** getSession's result: a Map, as CIF's code returns, also carrying its keys as properties. */
  type SessionInfo = Map<string, unknown> & {
    readonly sessionId: string;
    readonly focused: boolean;
    readonly isFocused: boolean;
    readonly context?: unknown;
    readonly conversationId?: string;
    readonly title: string;
    readonly templateName: string;
    readonly customerName?: string;
    readonly tabs: string[];
  };

  interface SetSessionTitleInput {
    sessionId: string;
    /** Values of the template title's slugs, such as customer: "Contoso" for "Chat with {customer}". */
    [slug: string]: unknown;
  }

  interface CreateTabInput {
    /** An application tab template's unique name. */
    templateName: string;
    templateParameters?: TemplateParameters;
    /** Focus the new tab; false when left out. */
    isFocused?: boolean;
  }

  interface NotifyEventInput {
    /** A notification template's unique name, such as "msdyn_chat_incoming_unauthenticated". */
    templateName: string;
    /** Values for the template's slugs, such as customerName: "Ann"; an object or a JSON string of one. */
    templateParameters?: Record<string, unknown> | string;
    /** Names the notification for cancelEvent; wins over notifyEvent's third argument. */
    cancellationToken?: string;
    /** CIF's other members are read and have no effect. */
    [member: string]: unknown;
  }

  /** The agent's presence, as CIF passes it (setAgentPresence takes it as a JSON string). */
  interface Presence {
    presenceId: string;
    presenceText: string;
    /** #rgb or #rrggbb */
    presenceColor: string;
    basePresenceStatus: "AVAILABLE" | "BUSY" | "BUSY_DO_NOT_DISTURB" | "AWAY" | "OFFLINE";
  }

  /**
   * What a system event's handler receives, parsed: each arrives as a JSON string.
   * A handler hears a system event whatever the letter case it was added under.
   */
  interface SystemEventData {
    onSessionSwitched: { sessionId: string; focused: boolean; context?: unknown };
    onSessionClosed: { sessionId: string; context?: unknown };
    onclicktoact: { value: string; name: string; format: string; entityLogicalName: string; entityId: string; recordTitle: string };
    onPresenceChange: { presenceInfo: Presence };
    onpagenavigate: { value: string };
    /** The panel's mode: 0 minimized, 1 docked, 2 hidden. */
    onmodechanged: { value: 0 | 1 | 2 };
    /** The width of the panel's provider area. */
    onsizechanged: { value: number };
    /** The agent clicked the action of a message bar this provider showed. */
    onGlobalNotificationActionClick: { notificationId: string };
  }

  /** Marks the API as CIF Bridge's. */
  const cifBridge: true;

  /** showGlobalNotification's options, Xrm.App.addGlobalNotification's. */
  interface NotificationOptions {
    /** 2, a message bar (the only kind; other values are taken as 2). */
    type?: number;
    /** 1 success, 2 error, 3 warning, 4 information (the default); "SUCCESS", "ERROR", "WARNING", "INFO" also work. */
    level?: 1 | 2 | 3 | 4 | "SUCCESS" | "ERROR" | "WARNING" | "INFO" | "INFORMATION";
    message: string;
    /** Lets the agent close the bar; false when left out. */
    showCloseButton?: boolean;
    /** A button: eventHandler runs, and the provider's pages hear onGlobalNotificationActionClick, when the agent clicks it. */
    action?: { actionLabel: string; eventHandler?: (data: string) => unknown };
    /** A button that opens actionLink in a new tab. */
    actionLabel?: string;
    actionLink?: string;
  }

  /** getEnvironment's result, once parsed: every key Dynamics gives. */
  interface Environment {
    appUrl: string;
    appid: string;
    cifVersion: string;
    clientUrl: string;
    crmVersion: string;
    /** The provider's configured custom parameters, or null. */
    customParams: string | null;
    /** The entity of the agent's focused tab, when that tab is the caller's. */
    etn: string;
    /** The record's (or dashboard's) id, lower case without braces. */
    id: string;
    /** false on a record page, null elsewhere. */
    isDirty: boolean | null;
    orgId: string;
    orgLcid: number;
    orgUniqueName: string;
    /** "entityrecord", "entitylist", "dashboard", "search", …; "" when the agent is not on one of the caller's pages. */
    pagetype: string;
    /** The user's id in braces, upper case: "{A8177E6E-…}". */
    userId: string;
    userLcid: number;
    username: string;
  }

  // Sessions.
  function canCreateSession(correlationId?: string): Promise<boolean>;
  function createSession(input: CreateSessionInput, correlationId?: string, providerSessionId?: string): Promise<string>;
  function getSession(sessionId: string, correlationId?: string): Promise<SessionInfo>;
  function getFocusedSession(correlationId?: string): Promise<string | null>;
  function getAllSessions(correlationId?: string): Promise<string[]>;
  function setSessionTitle(input: SetSessionTitleInput, correlationId?: string): Promise<string>;
  function requestFocusSession(sessionId: string, correlationId?: string): Promise<void>;
  function requestFocusSession(sessionId: string, messagesCount: number, correlationId?: string): Promise<void>;
  function notifyNewActivity(sessionId: string, count: number, shouldReset?: boolean, correlationId?: string): Promise<void>;
  /** true (or left out) raises the KPI breach, false clears it: Dynamics passes the flag on as "breached". */
  function notifyKpiBreach(sessionId: string, shouldReset?: boolean, details?: unknown, correlationId?: string): Promise<void>;
  function updateContext(input: Record<string, unknown>, sessionId?: string, isDelete?: false, correlationId?: string): Promise<Record<string, unknown>>;
  function updateContext(input: string[], sessionId: string | undefined, isDelete: true, correlationId?: string): Promise<Record<string, unknown>>;

  // Tabs of the focused session.
  function createTab(input: CreateTabInput, correlationId?: string): Promise<string>;
  /** tag: one tag, as CIF takes it, or several. */
  function getTabs(templateName?: string | null, tag?: string | string[] | null, correlationId?: string): Promise<string[]>;
  function getFocusedTab(correlationId?: string): Promise<string | null>;
  function focusTab(tabId: string, correlationId?: string): Promise<void>;
  function refreshTab(tabId: string, correlationId?: string): Promise<true>;
  function setTabTitle(tabId: string, input: Record<string, unknown>, correlationId?: string): Promise<string>;
  function closeTab(tabId: string, correlationId?: string): Promise<true>;

  // Events. System events (SystemEventData's, in any letter case) pass CIF's JSON string;
  // raiseEvent's parameters arrive as a Map that also carries them as properties.
  function addHandler(eventName: string, handler: (data: any) => unknown, correlationId?: string): Promise<void>;
  function removeHandler(eventName: string, handler: (data: any) => unknown, correlationId?: string): Promise<void>;
  function raiseEvent(eventName: string, eventInputParameters?: unknown, correlationId?: string): Promise<boolean>;

  // The communication panel: 0 minimized, 1 docked, 2 hidden (also while no panel is open).
  function setMode(value: 0 | 1 | 2, correlationId?: string): Promise<0 | 1 | 2>;
  function getMode(correlationId?: string): Promise<0 | 1 | 2>;
  /** Resolves with value; the panel's width is the agent's to change. */
  function setWidth(value: number, correlationId?: string): Promise<number>;
  /** The width of the panel's provider area, as the panel last measured it. */
  function getWidth(correlationId?: string): Promise<number>;

  // Click-to-act, kept per provider and browser profile: onclicktoact reaches a provider that turned it on.
  function setClickToAct(value: boolean | null, correlationId?: string): Promise<void>;
  function getClickToAct(correlationId?: string): Promise<boolean>;

  // Notifications for the agent. notifyEvent has no call timeout: it resolves when the notification ends,
  // with a JSON string {"actionName": "Accept" | "Reject" | "Timeout" | "Cancel", "responseReason": …}.
  function notifyEvent(input: NotifyEventInput, correlationId?: string, cancellationToken?: string): Promise<string>;
  /** Resolves with the token. */
  function cancelEvent(cancellationToken: string, correlationId?: string): Promise<string>;

  // The agent's presence; every provider hears onPresenceChange.
  /** true when a presence of the list has exactly this text. */
  function setPresence(presenceText: string, correlationId?: string): Promise<boolean>;
  function getPresence(correlationId?: string): Promise<string>;
  /** presenceInfo: a JSON string of a Presence (or the object). */
  function setAgentPresence(presenceInfo: string | Presence, correlationId?: string): Promise<true>;
  /** presenceList: a JSON string of an array of Presences (or the array), at most 50. */
  function initializeAgentPresenceList(presenceList: string | Presence[], correlationId?: string): Promise<true>;

  // Message bars and the progress indicator, shown in the panel.
  /** Resolves with the notification's id. */
  function showGlobalNotification(notificationOptions: NotificationOptions, correlationId?: string): Promise<string>;
  function clearGlobalNotification(notificationId: string, correlationId?: string): Promise<void>;
  function showTimeoutGlobalNotification(correlationId?: string): Promise<string>;
  function showProgressIndicator(message?: string, correlationId?: string): Promise<void>;
  function closeProgressIndicator(correlationId?: string): Promise<void>;

  /** A JSON string of an Environment: JSON.parse(await getEnvironment()).userId. */
  function getEnvironment(correlationId?: string): Promise<string>;
  function isConsoleApp(correlationId?: string): Promise<true>;
  /** CIF Bridge turns on none of Dynamics' features. */
  function isFeatureEnabled(featureName: string, correlationId?: string): Promise<false>;
  function getFcsValue(featureNameSpace: string, featureUniqueName: string, correlationId?: string): Promise<false>;

  /** Entity form options, as Xrm.Navigation.openForm takes them; CIF Bridge reads entityName and entityId. */
  interface EntityFormOptions {
    entityName: string;
    /** Leave it out for a new-record form. */
    entityId?: string;
    [option: string]: unknown;
  }

  // The organisation's records. Each resolves with CIF's JSON string; parse it with JSON.parse.
  // A site the user has not allowed to read or write records is refused with errorCode 1025 (RecordsNotAllowed).
  /** data: the attributes as a JSON string (or an object), lookups as "<nav>@odata.bind": "/<set>(<id>)". Resolves with '{"entityType","id"}'. */
  function createRecord(entityName: string, data: string | Record<string, unknown>, correlationId?: string): Promise<string>;
  /** options: OData query options ($select, $expand), with or without "?". Resolves with the record in the Web API's shape. */
  function retrieveRecord(entityName: string, id: string, options?: string, correlationId?: string): Promise<string>;
  /** Resolves with '{"entityType","id"}'. */
  function updateRecord(entityName: string, id: string, data: string | Record<string, unknown>, correlationId?: string): Promise<string>;
  /** Resolves with '{"entityType","id"}'. */
  function deleteRecord(entityName: string, id: string, correlationId?: string): Promise<string>;
  /**
   * queryParameters: OData query options ($select, $filter, $orderby, $top, $expand, $search; a phone number matches by its digits).
   * With searchOnly false, one match opens its record's page and any other number the search results.
   * Resolves with '{"0": record, "1": record, …}' ("{}" for none).
   */
  function searchAndOpenRecords(entityName: string, queryParameters: string, searchOnly: boolean, correlationId?: string, searchType?: 0 | 1): Promise<string>;
  /** Resolves with the entity's metadata, Attributes keyed by logical name (only those named, when given). */
  function getEntityMetadata(entityName: string, attributes?: string[], correlationId?: string): Promise<string>;
  /**
   * Opens a record's page, or with no entityId a new-record form filled from formParameters (attributes by logical name;
   * a lookup as its id with <name>name and <name>type). Each a JSON string or an object.
   * Resolves once the page is open with '{"savedEntityReference":[{entityType, id, name}]}' ([] for a new record).
   */
  function openForm(entityFormOptions: string | EntityFormOptions, formParameters?: string | Record<string, unknown>, correlationId?: string): Promise<string>;
  /** Reloads the record page in the focused tab of your focused session. Resolves with "null". */
  function refreshForm(save?: boolean, correlationId?: string): Promise<string>;
  /** Opens the search results for searchString in entityName. */
  function renderSearchPage(entityName: string, searchString: string, correlationId?: string, searchType?: 0 | 1): Promise<void>;

  // These reject with errorCode 1012 (NotSupported) and a message that says what to do instead.
  function insertNotes(entityName: string, entitySetName: string, entityId: string, annotationId?: string, correlationId?: string): Promise<never>;
  function closeNotes(correlationId?: string): Promise<never>;
  function openKBSearchControl(searchString: string, correlationId?: string): Promise<never>;
  function logAnalyticsEvent(data: unknown, eventName: string, correlationId?: string): Promise<never>;
  function initLogAnalytics(...args: unknown[]): Promise<never>;
  function updateConversation(conversationId: string, data: string, correlationId?: string): Promise<never>;
  function createTabInHomeSession(input: CreateTabInput, correlationId?: string): Promise<never>;
  function openDialog(dialogStrings: unknown, dialogOptions?: unknown, correlationId?: string): Promise<never>;
  function openMDDDialog(...args: unknown[]): Promise<never>;
  function executeFetchQuery(entitySetName: string, options: string, correlationId?: string): Promise<never>;
  function executeAction(request: { operationName: string; operationType: number; parameters: unknown[] }, correlationId?: string): Promise<never>;
}

interface WindowEventMap {
  /**
   * Fired once Microsoft.CIFramework is ready, and again after each later load of
   * msdyn_ciLibrary.js; detail lists the page's own origin.
   */
  CIFInitDone: CustomEvent<string[]>;
  /** Raised on the top window (as Dynamics' controls do): onclicktoact for this page's own provider, if it has click-to-act on. */
  CIClickToAct: CustomEvent<{ value: string; name?: string; format?: string; entityLogicalName?: string; entityId?: string; recordTitle?: string }>;
}
