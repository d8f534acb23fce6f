/**
 * Reads a JWT's `exp` without verifying it: the SDK only needs to know when to ask for a fresh token; the server
 * verifies. Uses `atob`, which browsers and Node both have, so no Buffer.
 */
export function stripTokenPrefix(token: string): string {
  return token.replace(/^(JWT|Bearer)\s+/i, '');
}

/** Seconds since the epoch at which the token expires, or null when it is not a JWT with a numeric `exp`. */
export function tokenExpiresAt(token: string): number | null {
  const payload = stripTokenPrefix(token).split('.')[1];
  if (!payload) return null;
  try {
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(payload.length / 4) * 4, '=');
    const claims: unknown = JSON.parse(decodeUtf8(atob(base64)));
    const exp = (claims as { exp?: unknown } | null)?.exp;
    return typeof exp === 'number' && Number.isFinite(exp) ? exp : null;
  } catch {
    return null;
  }
}

/** atob gives one character per byte; claims may hold UTF-8 names. */
function decodeUtf8(binary: string): string {
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}
