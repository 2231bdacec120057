/** Formatting for the floor: exact quantities, local times, and "how long in this state". */

const LOCALE = typeof navigator !== "undefined" ? navigator.language : "en-GB";

/**
 * A decimal quantity as the API sends it (a string, exact): grouped thousands, trailing zeros
 * dropped, never rounded through a float.
 */
export function formatQuantity(quantity: string, uom?: string | null, locale = LOCALE): string {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(quantity.trim());
  if (!m) return uom ? `${quantity} ${uom}` : quantity;
  const [, sign, whole = "0", frac = ""] = m;
  const parts = new Intl.NumberFormat(locale).formatToParts(1234.5);
  const group = parts.find((p) => p.type === "group")?.value ?? ",";
  const decimal = parts.find((p) => p.type === "decimal")?.value ?? ".";
  const grouped = whole.replace(/^0+(?=\d)/, "").replace(/\B(?=(\d{3})+(?!\d))/g, group);
  const trimmed = frac.replace(/0+$/, "");
  const text = `${sign}${grouped}${trimmed ? decimal + trimmed : ""}`;
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
