// Authenticated encryption (AES-256-GCM, WebCrypto) of the few SSO values Railyard must keep: the
// client secret and bind password set in Settings, an OIDC refresh token, the sign-in round trip's
// state. The key is derived from the session key, which lives in the data dir and never in the
// database, so a copy of the database alone opens none of them.

const PURPOSE = new TextEncoder().encode("railyard sso seal v1");

async function sealKey(sessionKey: Uint8Array): Promise<CryptoKey> {
  const hmacKey = await crypto.subtle.importKey("raw", sessionKey as BufferSource, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const raw = await crypto.subtle.sign("HMAC", hmacKey, PURPOSE);
  return crypto.subtle.importKey("raw", raw, { name: "AES-GCM" }, false, ["encrypt", "decrypt"]);
}

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64url");

/** Seals `plaintext` for `context` (a label bound into the ciphertext: a value sealed for one use opens for no other). */
export async function seal(sessionKey: Uint8Array, context: string, plaintext: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const data = await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: new TextEncoder().encode(context) }, await sealKey(sessionKey), new TextEncoder().encode(plaintext));
  return `v1.${b64(iv)}.${b64(new Uint8Array(data))}`;
}

/** Opens a sealed value, or null when it was not sealed with this key for this context (or was altered). */
export async function unseal(sessionKey: Uint8Array, context: string, sealed: string): Promise<string | null> {
  const [version, iv, data] = sealed.split(".");
  if (version !== "v1" || !iv || !data) return null;
  try {
    const plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: Buffer.from(iv, "base64url"), additionalData: new TextEncoder().encode(context) },
      await sealKey(sessionKey),
      Buffer.from(data, "base64url"),
    );
    return new TextDecoder().decode(plain);
  } catch {
    return null;
  }
}
