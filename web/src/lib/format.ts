/** Formatting for the floor: exact quantities, local times, and "how long in this state". */

const LOCALE = typeof navigator !== "undefined" ? navigator.language : "en-GB";

/** "2.4999" to 2 places: "2.50"; "9.995" to 2: "10.00" (half up, on the digits, never a float). */
export function roundDecimal(whole: string, frac: string, places: number): [string, string] {
  if (frac.length <= places) return [whole, frac];
  const up = Number(frac[places]) >= 5;
  let digits = (whole + frac.slice(0, places)).split("").map(Number);
  if (up) {
    let i = digits.length - 1;
    while (i >= 0) {
      const d = (digits[i] ?? 0) + 1;
      if (d < 10) {
        digits[i] = d;
        break;
      }
      digits[i] = 0;
      i -= 1;
    }
    if (i < 0) digits = [1, ...digits];
  }
  const text = digits.join("");
  const cut = text.length - places;
  return [text.slice(0, cut) || "0", text.slice(cut)];
}

/**
 * A decimal quantity as the API sends it (a string, exact): grouped thousands, trailing zeros
 * dropped, never rounded through a float. With `decimals` (the unit's, 0 for pcs) it is shown
 * with at most that many: "325.000000" kg is "325 kg", "12.3456789" with 3 is "12.346".
 */
export function formatQuantity(quantity: string, uom?: string | null, locale = LOCALE, decimals?: number | null): string {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(quantity.trim());
  if (!m) return uom ? `${quantity} ${uom}` : quantity;
  const [, sign, rawWhole = "0", rawFrac = ""] = m;
  const [whole, frac] = decimals == null ? [rawWhole, rawFrac] : roundDecimal(rawWhole, rawFrac, decimals);
  const parts = new Intl.NumberFormat(locale).formatToParts(1234.5);
  const group = parts.find((p) => p.type === "group")?.value ?? ",";
  const decimal = parts.find((p) => p.type === "decimal")?.value ?? ".";
  const grouped = whole.replace(/^0+(?=\d)/, "").replace(/\B(?=(\d{3})+(?!\d))/g, group);
  const trimmed = frac.replace(/0+$/, "");
  const negative = sign && (grouped !== "0" || trimmed) ? sign : "";
  const text = `${negative}${grouped}${trimmed ? decimal + trimmed : ""}`;
  return uom ? `${text} ${uom}` : text;
}

/** A timestamp in the user's locale, to the minute (seconds when asked). */
export function formatDateTime(iso: string | null | undefined, opts: { seconds?: boolean; locale?: string } = {}): string {
  if (!iso) return "—";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(opts.locale ?? LOCALE, {
    year: "numeric",
    month: "short",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: opts.seconds ? "2-digit" : undefined,
  }).format(d);
}

/** A date without time ("2026-03-01" -> "01 Mar 2026"). */
export function formatDate(isoDate: string | null | undefined, locale = LOCALE): string {
  if (!isoDate) return "—";
  const d = new Date(`${isoDate.slice(0, 10)}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return isoDate;
  return new Intl.DateTimeFormat(locale, { year: "numeric", month: "short", day: "2-digit", timeZone: "UTC" }).format(d);
}

/** Elapsed time for a board: "42 s", "7 min", "1 h 05 min", "2 d 3 h". Negative counts as 0. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 24) return `${h} h ${String(min % 60).padStart(2, "0")} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

/** "on_hold" -> "On hold" */
export function humanize(code: string): string {
  const text = code.replace(/[_-]+/g, " ").trim();
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export type LotStatus = "available" | "quarantine" | "on_hold" | "consumed" | "expired" | "scrapped";

/** Colours picked for contrast on white with white text (WCAG AA at the badge's size). */
export const LOT_STATUS_COLOR: Record<LotStatus, string> = {
  available: "green.9",
  quarantine: "orange.9",
  on_hold: "red.9",
  consumed: "gray.7",
  expired: "red.9",
  scrapped: "dark.6",
};

export function lotStatusColor(status: string): string {
  return LOT_STATUS_COLOR[status as LotStatus] ?? "gray.7";
}

/** A ledger entry's change: "+1,250.5 kg", "−12 kg", or "—" when only the place changed. */
export function formatDelta(delta: string, uom?: string | null, locale = LOCALE): string {
  const text = delta.trim();
  if (/^-?0*(\.0*)?$/.test(text)) return "—";
  const negative = text.startsWith("-");
  const magnitude = formatQuantity(negative ? text.slice(1) : text, uom, locale);
  return `${negative ? "\u2212" : "+"}${magnitude}`;
}

/** A quantity to put in an input: the locale's decimal sign, no grouping, the unit's decimals ("64,5" in de). */
export function formatForInput(quantity: string, decimals = 6, locale = LOCALE): string {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(quantity.trim());
  if (!m) return quantity;
  const [whole, frac] = roundDecimal(m[1] ?? "0", m[2] ?? "", decimals);
  const decimal = new Intl.NumberFormat(locale).formatToParts(1.5).find((p) => p.type === "decimal")?.value ?? ".";
  const trimmed = frac.replace(/0+$/, "");
  return `${whole.replace(/^0+(?=\d)/, "")}${trimmed ? decimal + trimmed : ""}`;
}
