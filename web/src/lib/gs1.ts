/**
 * GS1 element strings as a scanner sends them, parsed into application identifiers (AIs).
 *
 * Three forms are understood: the human-readable one with parentheses ("(01)04012345000092(10)L1"),
 * the raw one with an AIM symbology identifier (]C1 GS1-128, ]d2 GS1 DataMatrix, ]Q3 GS1 QR) and
 * FNC1 sent as GS (0x1D) between variable-length fields, and a raw string without identifier when it
 * starts with (01) and a valid GTIN. A plain code (a lot number on an old label) is not GS1: null.
 */

import i18n from "../i18n";

export interface Gs1Element {
  ai: string;
  value: string;
}

export interface Gs1Data {
  elements: Gs1Element[];
  gtin?: string; // (01)
  lot?: string; // (10) batch or lot
  expiry?: string; // (17) as an ISO date
  serial?: string; // (21)
  count?: number; // (30) variable count of items
}

export class Gs1Error extends Error {}

// [fixed length, or null when variable] and the most a variable one holds
const AIS: Record<string, { fixed?: number; max?: number; numeric?: boolean; date?: boolean }> = {
  "00": { fixed: 18, numeric: true },
  "01": { fixed: 14, numeric: true },
  "02": { fixed: 14, numeric: true },
  "10": { max: 20 },
  "11": { fixed: 6, date: true },
  "13": { fixed: 6, date: true },
  "15": { fixed: 6, date: true },
  "17": { fixed: 6, date: true },
  "21": { max: 20 },
  "30": { max: 8, numeric: true },
  "37": { max: 8, numeric: true },
  "240": { max: 30 },
  "241": { max: 30 },
  "400": { max: 30 },
};
const GS = "\u001d";
const IDENTIFIER = /^\](C1|d2|Q3|e0)/;

/** The check digit of a GTIN (or SSCC) is right: weights 3,1,3,... from the right of the others. */
export function validCheckDigit(digits: string): boolean {
  if (!/^\d+$/.test(digits) || digits.length < 2) return false;
  const body = digits.slice(0, -1);
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    sum += Number(body[body.length - 1 - i]) * (i % 2 === 0 ? 3 : 1);
  }
  return (10 - (sum % 10)) % 10 === Number(digits[digits.length - 1]);
}

/** YYMMDD as an ISO date; DD 00 is the month's last day; years are 2000-2099. */
export function gs1Date(yymmdd: string): string {
  if (!/^\d{6}$/.test(yymmdd)) throw new Gs1Error(i18n.t("lot.gs1.notDate", { value: yymmdd }));
  const year = 2000 + Number(yymmdd.slice(0, 2));
  const month = Number(yymmdd.slice(2, 4));
  let day = Number(yymmdd.slice(4, 6));
  if (month < 1 || month > 12) throw new Gs1Error(i18n.t("lot.gs1.noMonth", { value: yymmdd, month }));
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day === 0) day = last;
  if (day > last) throw new Gs1Error(i18n.t("lot.gs1.noDay", { value: yymmdd, day }));
  return `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

function aiAt(text: string, at: number): string {
  for (const length of [2, 3, 4]) {
    const ai = text.slice(at, at + length);
    if (AIS[ai]) return ai;
  }
  throw new Gs1Error(i18n.t("lot.gs1.unknownAt", { text: text.slice(at, at + 4) }));
}

function spec(ai: string) {
  const found = AIS[ai];
  if (!found) throw new Gs1Error(i18n.t("lot.gs1.unknown", { ai }));
  return found;
}

function check(ai: string, value: string): void {
  const s = spec(ai);
  if (!value) throw new Gs1Error(i18n.t("lot.gs1.noValue", { ai }));
  if (s.fixed !== undefined && value.length !== s.fixed)
    throw new Gs1Error(i18n.t("lot.gs1.fixed", { ai, fixed: s.fixed, length: value.length }));
  if (s.max !== undefined && value.length > s.max) throw new Gs1Error(i18n.t("lot.gs1.max", { ai, max: s.max }));
  if (s.numeric && !/^\d+$/.test(value)) throw new Gs1Error(i18n.t("lot.gs1.digits", { ai }));
  if (s.date) gs1Date(value);
  if ((ai === "01" || ai === "02" || ai === "00") && !validCheckDigit(value))
    throw new Gs1Error(i18n.t("lot.gs1.checkDigit", { ai, value }));
}

function parenthesised(text: string): Gs1Element[] {
  const out: Gs1Element[] = [];
  const re = /\((\d{2,4})\)([^(]*)/y;
  let at = 0;
  while (at < text.length) {
    re.lastIndex = at;
    const m = re.exec(text);
    if (!m) throw new Gs1Error(i18n.t("lot.gs1.unreadable", { text: text.slice(at) }));
    const ai = m[1] ?? "";
    spec(ai);
    out.push({ ai, value: (m[2] ?? "").replaceAll(GS, "") });
    at = re.lastIndex;
  }
  return out;
}

function raw(text: string): Gs1Element[] {
  const out: Gs1Element[] = [];
  let at = 0;
  while (at < text.length) {
    if (text[at] === GS) {
      at += 1;
      continue;
    }
    const ai = aiAt(text, at);
    const fixed = spec(ai).fixed;
    const start = at + ai.length;
    let end: number;
    if (fixed !== undefined) end = start + fixed;
    else {
      const gs = text.indexOf(GS, start);
      end = gs === -1 ? text.length : gs;
    }
    out.push({ ai, value: text.slice(start, end) });
    at = end;
  }
  return out;
}

/** The scan as GS1 data, null when it is not a GS1 element string; Gs1Error when it is one but broken. */
export function parseGs1(scan: string): Gs1Data | null {
  let text = scan.replace(/<GS>/gi, GS).replace(/[\r\n]+$/, "").trim();
  const identified = IDENTIFIER.test(text);
  if (identified) text = text.replace(IDENTIFIER, "");
  if (text.startsWith(GS)) text = text.slice(1); // a leading FNC1 some scanners pass on
  let elements: Gs1Element[];
  if (text.startsWith("(")) elements = parenthesised(text);
  else if (identified || text.includes(GS)) elements = raw(text);
  else if (/^01\d{14}/.test(text) && validCheckDigit(text.slice(2, 16))) elements = raw(text);
  else return null;
  if (elements.length === 0) throw new Gs1Error(i18n.t("lot.gs1.empty"));
  const data: Gs1Data = { elements };
  for (const { ai, value } of elements) {
    check(ai, value);
    if (ai === "01") data.gtin = value;
    else if (ai === "10") data.lot = value;
    else if (ai === "17") data.expiry = gs1Date(value);
    else if (ai === "21") data.serial = value;
    else if (ai === "30") data.count = Number(value);
  }
  return data;
}

/** The human-readable form: (01)04012345000092(10)L1 */
export function formatGs1(data: Gs1Data): string {
  return data.elements.map((e) => `(${e.ai})${e.value}`).join("");
}
