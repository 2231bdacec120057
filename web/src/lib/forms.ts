/** Validation of the UI's forms; the API validates again and its problem detail wins. */

export const CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$/;
export const REASON_MIN = 3;
export const REASON_MAX = 500;

export function validateReason(reason: string): string | null {
  const text = reason.trim();
  if (!text) return "Give a reason: it goes into the audit trail.";
  if (text.length < REASON_MIN) return `A reason needs at least ${REASON_MIN} characters.`;
  if (text.length > REASON_MAX) return `A reason has at most ${REASON_MAX} characters.`;
  return null;
}

export function validateSignIn(values: { username: string; password: string }): {
  username: string | null;
  password: string | null;
} {
  return {
    username: values.username.trim() ? null : "Enter your user name.",
    password: values.password ? null : "Enter your password.",
  };
}

// AIM symbology identifiers some scanners put before the data: ]C1 (GS1-128), ]d2 (GS1 DataMatrix),
// ]Q3 (QR), ]E0 (EAN) ...
const SYMBOLOGY_ID = /^\][A-Za-z][0-9A-Za-z]/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/g;

/** What a keyboard-wedge scanner (or a person) typed, as a code to look up: trimmed, no prefixes. */
export function normalizeScan(raw: string): string {
  return raw.replace(SYMBOLOGY_ID, "").replace(CONTROL, "").trim();
}

/** null when the code can be looked up, else why not. */
export function validateCode(code: string): string | null {
  if (!code) return "Scan or type a code.";
  if (code.length > 64) return "A code has at most 64 characters.";
  if (!CODE_PATTERN.test(code)) return `"${code}" is not a valid code (letters, digits, . _ / - only).`;
  return null;
}

const DECIMAL = /^\d{1,12}(\.\d{1,6})?$/;

export interface ScrapLine {
  quantity: string;
  reason: string;
}

/** A decimal typed on a touch keypad: "1,5" is read as "1.5"; null when it is not a number. */
export function parseDecimal(text: string): string | null {
  const t = text.trim().replace(",", ".");
  return DECIMAL.test(t) ? t : null;
}

/** Good and scrap as reported at a station: null when it can be sent, else what to fix. */
export function validateYield(good: string, scrap: readonly ScrapLine[]): string | null {
  const g = good.trim() === "" ? "0" : parseDecimal(good);
  if (g === null) return "Good: enter a quantity, like 12 or 1.5.";
  for (const [i, line] of scrap.entries()) {
    const q = parseDecimal(line.quantity);
    if (q === null || Number(q) <= 0) return `Scrap line ${i + 1}: enter a quantity above 0.`;
    if (!line.reason.trim()) return `Scrap line ${i + 1}: choose or type a reason.`;
    if (line.reason.trim().length > REASON_MAX) return `Scrap line ${i + 1}: the reason is too long.`;
  }
  if (Number(g) === 0 && scrap.length === 0) return "Enter good parts, scrap, or both.";
  return null;
}
