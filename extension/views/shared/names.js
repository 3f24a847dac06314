// The accessible names of the views' buttons: each says what it acts on
// (which session, tab, notification, message, site or provider), since a
// screen reader's list of buttons shows them without the row around
// them. Each starts with the button's visible text, so that speech
// control finds it by what it shows.

/** @param {string} session */
export const switchSessionName = (session) => `Switch to session ${session}`;

/** @param {string} session */
export const closeSessionName = (session) => `Close session ${session}`;

/**
 * @param {string} tab its title
 * @param {string} session its session's title
 * @param {boolean} anchor whether it is the session's anchor tab
 */
export const focusTabName = (tab, session, anchor) => `${tab}${anchor ? ", anchor tab" : ""}: show this tab of session ${session}`;

/**
 * @param {string} button the button's text ("Accept", "Reject" or the template's)
 * @param {string} title the notification's title
 * @param {string} provider who raised it
 */
export const answerName = (button, title, provider) => `${button}: ${title}, from ${provider}`;

/**
 * @param {string} message the bar's message
 * @param {string} source its provider
 */
export const closeBarName = (message, source) => `Close the message from ${source}: ${message}`;

/**
 * @param {string} label the action's label
 * @param {string} message the bar's message
 */
export const barActionName = (label, message) => `${label}: ${message}`;

/** @param {string} site an allowlist entry */
export const removeSiteName = (site) => `Remove site ${site}`;

/**
 * @param {string} verb the button's text ("Edit", "Remove", "Turn off"…)
 * @param {string} provider its label
 */
export const providerActionName = (verb, provider) => `${verb} provider ${provider}`;
