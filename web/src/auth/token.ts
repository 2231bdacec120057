/** The claims of an access token that the UI uses; the API checks the signature, not us. */
export interface Claims {
  sub: string;
  name: string;
  roles: string[];
  perms: string[];
  /** seconds since the epoch */
  exp: number;
  iat?: number;
  /** the station code when the session began with badge and PIN at a shared terminal */
  station?: string;
}

function base64UrlDecode(part: string): string {
  const b64 = part.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(part.length / 4) * 4, "=");
  const binary = atob(b64);
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

/** Reads the payload of a JWT; null when it is not one or lacks what the UI needs. */
export function decodeClaims(token: string): Claims | null {
  const parts = token.split(".");
  if (parts.length !== 3 || !parts[1]) return null;
  let payload: unknown;
  try {
    payload = JSON.parse(base64UrlDecode(parts[1]));
  } catch {
    return null;
  }
  if (typeof payload !== "object" || payload === null) return null;
  const p = payload as Record<string, unknown>;
  if (typeof p.sub !== "string" || typeof p.exp !== "number") return null;
  const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);
  return {
    sub: p.sub,
    name: typeof p.name === "string" && p.name ? p.name : p.sub,
    roles: strings(p.roles),
    perms: strings(p.perms),
    exp: p.exp,
    iat: typeof p.iat === "number" ? p.iat : undefined,
    ...(typeof p.station === "string" && p.station ? { station: p.station } : {}),
  };
}

/**
 * Milliseconds from receiving the access token until it should be refreshed: a minute before it
 * expires, or at 80 % of its lifetime when it is short, never less than one second. Measured from
 * the token's own lifetime (`exp - iat`, both the server's clock), so a terminal whose clock is
 * off does not refresh too late or in a loop; `nowMs` only serves tokens without `iat`.
 */
export function refreshDelayMs(claims: Pick<Claims, "exp" | "iat">, nowMs: number): number {
  const expMs = claims.exp * 1000;
  const lifetime = claims.iat ? expMs - claims.iat * 1000 : expMs - nowMs;
  const margin = Math.min(60_000, Math.max(0, lifetime) * 0.2);
  return Math.max(1000, lifetime - margin);
}
