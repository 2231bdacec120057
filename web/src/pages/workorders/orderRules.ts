/** Which supervisor actions an operation offers (they mirror the API's rules; the API decides). */
import type { Operation, WorkOrder } from "../../api/workOrders";
import type { FloorKind } from "./dialogs";

const CHANGEABLE = new Set(["released", "in_progress", "on_hold"]);

export function floorActions(order: WorkOrder, op: Operation): FloorKind[] {
  if (!CHANGEABLE.has(order.status)) return [];
  const out: FloorKind[] = [];
  if (op.status === "pending") out.push("skip", "split");
  if (["in_progress", "paused", "completed"].includes(op.status) && order.operations.some((o) => o.position < op.position && o.status === "completed"))
    out.push("rework");
  if (!["skipped", "split"].includes(op.status)) out.push("insert");
  return out;
}

/** The operation whose completion completes the order: in progress, every other one done. */
export function isLastOpen(order: WorkOrder, op: Operation): boolean {
  if (order.status !== "in_progress" || op.status !== "in_progress") return false;
  return order.operations.every((o) => o.key === op.key || ["completed", "skipped", "split"].includes(o.status));
}

/** Labour per operator on an operation: minutes of their closed clocks (rounded to 0.1), and
 * whether a clock still runs. */
export function labourByOperator(op: Operation): { operator: string; minutes: string; open: boolean }[] {
  const by = new Map<string, { minutes: number; open: boolean }>();
  for (const l of op.labour) {
    const entry = by.get(l.operator) ?? { minutes: 0, open: false };
    if (l.minutes) entry.minutes += Number(l.minutes);
    if (!l.clock_out) entry.open = true;
    by.set(l.operator, entry);
  }
  return [...by].map(([operator, e]) => ({ operator, minutes: e.minutes.toFixed(1), open: e.open }));
}
