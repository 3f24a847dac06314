// The globals the extension's scripts share, for `tsc --checkJs` (see
// jsconfig.json); not shipped. The WebExtension API is left untyped: the
// extension uses the part Firefox's `browser` and Chromium's `chrome`
// share, and no one typing describes both.

/** Firefox's WebExtension API (promises). */
declare var browser: any;
/** Chromium's WebExtension API (promises in Manifest V3). */
declare var chrome: any;

/**
 * The contract content/page-contract.js and content/relay-contract.js leave
 * for the content script loaded after them, which takes it and deletes it.
 */
declare var cifBridgeContract: any;
/** Set by content/links.js on its first run, so a second does nothing. */
declare var cifBridgeLinks: boolean | undefined;
