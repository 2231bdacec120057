/** Validation of the UI's forms; the API validates again and its problem detail wins. */

import i18n from "../i18n";

export const CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$/;
export const REASON_MIN = 3;
export const REASON_MAX = 500;

export function validateReason(reason: string): string | null {
  const text = reason.trim();
  if (!text) return i18n.t("forms.reasonMissing");
  if (text.length < REASON_MIN) return i18n.t("forms.reasonShort", { n: REASON_MIN });
  if (text.length > REASON_MAX) return i18n.t("forms.reasonLong", { n: REASON_MAX });
  return null;
}

export function validateSignIn(values: { username: string; password: string }): {
  username: string | null;
  password: string | null;
} {
  return {
    username: values.username.trim() ? null : i18n.t("forms.username"),
    password: values.password ? null : i18n.t("forms.password"),
  };
}

// AIM symbology identifiers some scanners put before the data: ]C1 (GS1-128), ]d2 (GS1 DataMatrix),
// ]Q3 (QR), ]E0 (EAN) ...
const SYMBOLOGY_ID = /^\][A-Za-z][0-9A-Za-z]/;
const CONTROL = /[\u0000-\u001f\u007f]/g;

/** What a keyboard-wedge scanner (or a person) typed, as a code to look up: trimmed, no prefixes. */
export function normalizeScan(raw: string): string {
  return raw.replace(SYMBOLOGY_ID, "").replace(CONTROL, "").trim();
}

/** null when the code can be looked up, else why not. */
export function validateCode(code: string): string | null {
  if (!code) return i18n.t("forms.codeMissing");
  if (code.length > 64) return i18n.t("forms.codeLong");
  if (!CODE_PATTERN.test(code)) return i18n.t("forms.codeInvalid", { code });
  return null;
}

export interface ScrapLine {
  quantity: string;
  reason: string;
}

const LOCALE = typeof navigator !== "undefined" ? navigator.language : "en-GB";
const SPACES = /[\s\u00a0\u202f]/g;

/** The locale's decimal and grouping characters: "." and "," in en, "," and "." in de. */
export function separators(locale = LOCALE): { decimal: string; group: string } {
  const parts = new Intl.NumberFormat(locale).formatToParts(1234567.5);
  return {
    decimal: parts.find((p) => p.type === "decimal")?.value ?? ".",
    group: (parts.find((p) => p.type === "group")?.value ?? ",").replace(SPACES, " "),
  };
}

export type Parsed = { value: string; error: null } | { value: null; error: string };

const fail = (error: string): Parsed => ({ value: null, error });

/**
 * A quantity typed at a station, read by the browser's locale, as the API's exact decimal string.
 *
 * - The locale's decimal separator is a decimal point ("1,5" in de is 1.5).
 * - Thousands separators are accepted where they group correctly and nothing else is possible
 *   ("1,500,000", "1,500.5" in en; spaces anywhere they group by three).
 * - A single "," or "." followed by exactly three digits, with no other separator, is refused as
 *   ambiguous in every locale and for every unit ("1,500" in en: 1500, or 1.5 typed on a keypad
 *   that only has a comma?): the operator types "1500" or "1.5". Any other single "," or "."
 *   is a decimal point, as touch keypads offer either.
 * - More decimals than the unit takes are refused: `decimals` 0 is a unit counted whole (pcs).
 */
export function parseQuantity(text: string, opts: { decimals?: number; uom?: string; locale?: string } = {}): Parsed {
  const decimals = opts.decimals ?? 6;
  const raw = text.trim();
  if (!raw) return fail(i18n.t("forms.quantityMissing"));
  if (raw.startsWith("-") || raw.startsWith("\u2212")) return fail(i18n.t("forms.quantityNegative"));
  const { decimal, group } = separators(opts.locale);
  let t = raw;
  if (SPACES.test(t)) {
    SPACES.lastIndex = 0;
    // blanks only ever group thousands: "1 500" or "1 500,5"
    const [whole, ...rest] = t.split(/[.,]/);
    if (rest.length > 1 || !/^\d{1,3}([\s\u00a0\u202f]\d{3})+$/.test(whole ?? "")) return fail(i18n.t("forms.notNumber", { raw }));
    t = t.replace(SPACES, "");
  }
  SPACES.lastIndex = 0;
  const marks = [...t].filter((c) => c === "," || c === ".");
  let canonical: string;
  if (marks.length === 0) {
    canonical = t;
  } else if (new Set(marks).size === 2) {
    // both: the locale says which is which, and the groups must be right
    const point = t.lastIndexOf(decimal);
    const whole = t.slice(0, point);
    const frac = t.slice(point + 1);
    const grouped = new RegExp(`^\\d{1,3}(\\${group}\\d{3})+$`);
    if (point < 0 || !grouped.test(whole) || !/^\d+$/.test(frac)) {
      return fail(i18n.t("forms.writeLike", { raw, example: (1500.5).toLocaleString(opts.locale ?? LOCALE) }));
    }
    canonical = `${whole.split(group).join("")}.${frac}`;
  } else if (marks.length > 1) {
    // one kind, several times: thousands groups only ("1,500,000"); never the decimal point
    const mark = marks[0] ?? ",";
    if (mark === decimal || !new RegExp(`^\\d{1,3}(\\${mark}\\d{3})+$`).test(t)) return fail(i18n.t("forms.notNumber", { raw }));
    canonical = t.split(mark).join("");
  } else {
    const mark = marks[0] ?? ".";
    const [whole = "", frac = ""] = t.split(mark);
    if (mark !== decimal && /^\d{1,3}$/.test(whole) && /^\d{3}$/.test(frac)) {
      return fail(
        i18n.t("forms.ambiguous", {
          raw,
          thousands: `${whole}${frac}`,
          whole,
          frac,
          decimal: `${whole}${decimal}${frac.replace(/0+$/, "") || "0"}`,
        }),
      );
    }
    canonical = `${whole}.${frac}`;
  }
  const m = /^(\d{1,12})(?:\.(\d{1,6}))?$/.exec(canonical);
  if (!m) return fail(i18n.t("forms.notNumber", { raw }));
  const whole = (m[1] ?? "0").replace(/^0+(?=\d)/, "");
  const frac = (m[2] ?? "").replace(/0+$/, "");
  if (frac.length > decimals) {
    const unit = opts.uom ? ` ${opts.uom}` : "";
    return fail(
      decimals === 0
        ? i18n.t("forms.wholeUnits", { value: `${whole}${decimal}${frac}${unit}`, uom: opts.uom ?? i18n.t("forms.thisUnit") })
        : i18n.t("forms.maxDecimals", { value: `${whole}${decimal}${frac}${unit}`, decimals }),
    );
  }
  return { value: frac ? `${whole}.${frac}` : whole, error: null };
}

/** A decimal typed on a touch keypad, by the locale: "1,5" is read as "1.5"; null when it is not a number. */
export function parseDecimal(text: string, opts: { decimals?: number; locale?: string } = {}): string | null {
  return parseQuantity(text, opts).value;
}

/** Good and scrap as reported at a station: null when it can be sent, else what to fix. */
export function validateYield(
  good: string,
  scrap: readonly ScrapLine[],
  opts: { decimals?: number; uom?: string; locale?: string } = {},
): string | null {
  const g = good.trim() === "" ? { value: "0", error: null } : parseQuantity(good, opts);
  if (g.error !== null) return i18n.t("forms.good", { error: g.error });
  for (const [i, line] of scrap.entries()) {
    const q = parseQuantity(line.quantity, opts);
    if (q.error !== null) return i18n.t("forms.scrapLine", { n: i + 1, error: q.error });
    if (Number(q.value) <= 0) return i18n.t("forms.scrapAboveZero", { n: i + 1 });
    if (!line.reason.trim()) return i18n.t("forms.scrapReason", { n: i + 1 });
    if (line.reason.trim().length > REASON_MAX) return i18n.t("forms.scrapReasonLong", { n: i + 1 });
  }
  if (Number(g.value) === 0 && scrap.length === 0) return i18n.t("forms.goodOrScrap");
  return null;
}
