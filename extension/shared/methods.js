/**
 * The methods the background answers itself, without cif-host, for the
 * extension's views.
 */
export const BackgroundMethod = Object.freeze({
  Status: "cifbridge.status",
  RestartHost: "cifbridge.restartHost",
  /** Every channel provider, the administrator's and the agent's, enabled or not, in order. */
  Providers: "cifbridge.providers",
});
