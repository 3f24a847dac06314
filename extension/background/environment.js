/**
 * getEnvironment, as a page method of the background's: cif-host computes
 * what it knows (the organisation and user from settings.json, the page of
 * the caller's focused tab) and the background adds what only the
 * extension knows, the calling provider's own configuration: its custom
 * parameters. The page gets CIF's JSON string.
 * @param {object} opts
 * @param {(provider: string, method: string, args: object) => Promise<any>} opts.call calls cif-host for a provider
 * @param {(origin: string, url: string | undefined) => Promise<{customParams: string} | undefined>} opts.providerOf the configured provider of a page
 * @returns {import("./bridge.js").PageHandler}
 */
export function getEnvironment({ call, providerOf }) {
  return async (origin, params, sender) => {
    const environment = await call(origin, "getEnvironment", params);
    const provider = await providerOf(origin, sender.url);
    // Dynamics gives null for a provider without custom parameters.
    return JSON.stringify({ ...environment, customParams: provider?.customParams || null });
  };
}
