import { DEFAULT_ALLOWED_ORIGINS } from "./origins.js";

/** The storage key of the user's allowlist. */
export const ALLOWED_KEY = "allowedOrigins";

/**
 * The user's allowlist, or the default one while the user has not chosen.
 * @param {{get: (key: string) => Promise<Record<string, any>>}} storage
 * @returns {Promise<readonly string[]>}
 */
export async function loadAllowedOrigins(storage) {
  const stored = (await storage.get(ALLOWED_KEY))[ALLOWED_KEY];
  return Array.isArray(stored) && stored.every((e) => typeof e === "string") ? stored : DEFAULT_ALLOWED_ORIGINS;
}

/**
 * Saves the user's allowlist.
 * @param {{set: (items: object) => Promise<void>}} storage
 * @param {readonly string[]} entries
 */
export function saveAllowedOrigins(storage, entries) {
  return storage.set({ [ALLOWED_KEY]: [...entries] });
}
