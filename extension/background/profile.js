const KEY = "profileId";

/**
 * This browser profile's id: random, made once and kept in the extension's
 * storage. cif-host keeps one workspace per id.
 * @param {{get: (key: string) => Promise<Record<string, any>>, set: (items: object) => Promise<void>}} storage
 * @returns {Promise<string>}
 */
export async function profileId(storage) {
  const stored = (await storage.get(KEY))[KEY];
  if (typeof stored === "string" && /^[A-Za-z0-9_-]{1,64}$/.test(stored)) return stored;
  const id = crypto.randomUUID();
  await storage.set({ [KEY]: id });
  return id;
}
