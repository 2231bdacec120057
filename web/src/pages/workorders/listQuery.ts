/** The order list's filters, kept in the URL so a list can be bookmarked, shared and reloaded. */
import type { OrderQuery, OrderSort, OrderStatus } from "../../api/workOrders";

export const PAGE_SIZE = 25;

export const STATUSES: readonly OrderStatus[] = [
  "planned",
  "released",
  "in_progress",
  "on_hold",
  "completed",
  "closed",
  "cancelled",
];

const SORTS = new Set([
  "number",
  "product",
  "due",
  "priority",
  "status",
  "quantity",
  "created_at",
  "planned_end",
  "erp_ref",
]);

/** The URL's search parameters -> the list's query (unknown values are dropped, never sent). */
export function queryFromParams(params: URLSearchParams): OrderQuery {
  const status = params
    .getAll("status")
    .filter((s): s is OrderStatus => (STATUSES as readonly string[]).includes(s));
  const sort = params.get("sort") ?? "";
  const page = Math.max(1, Number.parseInt(params.get("page") ?? "1", 10) || 1);
  const late = params.get("late");
  return {
    q: params.get("q")?.trim() || undefined,
    status: status.length ? status : undefined,
    due_from: dayStart(params.get("due_from")),
    due_to: dayAfter(params.get("due_to")),
    late: late === "true" ? true : undefined,
    sort: SORTS.has(sort.replace(/^-/, "")) ? (sort as OrderSort) : undefined,
    limit: PAGE_SIZE,
    offset: (page - 1) * PAGE_SIZE,
  };
}

/** "2026-12-01" -> the start of that day, UTC; anything else -> undefined. */
export function dayStart(day: string | null | undefined): string | undefined {
  return day && /^\d{4}-\d{2}-\d{2}$/.test(day) ? `${day}T00:00:00Z` : undefined;
}

/** "2026-12-01" -> the start of the next day, so that "due to" includes the whole day. */
export function dayAfter(day: string | null | undefined): string | undefined {
  const start = dayStart(day);
  if (!start) return undefined;
  const d = new Date(start);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().replace(".000Z", "Z");
}

/** Clicking a column: ascending first, then descending, then back to the default order. */
export function nextSort(current: string | null, column: string): string | null {
  if (current === column) return `-${column}`;
  if (current === `-${column}`) return null;
  return column;
}

/** A copy of `params` with `changes` applied (null/empty removes); any filter change goes to page 1. */
export function withParams(
  params: URLSearchParams,
  changes: Record<string, string | string[] | null>,
): URLSearchParams {
  const next = new URLSearchParams(params);
  for (const [key, value] of Object.entries(changes)) {
    next.delete(key);
    for (const v of Array.isArray(value) ? value : value ? [value] : []) next.append(key, v);
  }
  if (!("page" in changes)) next.delete("page");
  return next;
}
