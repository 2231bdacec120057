/** Work order and equipment rules the screens need (they mirror the services; the API decides). */

export function canRelease(status: string): boolean {
  return status === "planned";
}

export function canHoldOrder(status: string): boolean {
  return status === "released" || status === "in_progress";
}

export function canResumeOrder(status: string): boolean {
  return status === "on_hold";
}

/** A completed order is closed once its figures are confirmed (e.g. to the ERP). */
export function canCloseOrder(status: string): boolean {
  return status === "completed";
}

/** Only work that has not started is cancelled; started work is completed short instead. */
export function canCancelOrder(status: string): boolean {
  return status === "planned" || status === "released";
}

/** Good units as a share of the ordered quantity, 0..100 (exact enough for a progress bar). */
export function progressPct(good: string, quantity: string): number {
  const g = Number(good);
  const q = Number(quantity);
  if (!Number.isFinite(g) || !Number.isFinite(q) || q <= 0) return 0;
  return Math.max(0, Math.min(100, (g / q) * 100));
}

export const ORDER_STATUS_COLOR: Record<string, string> = {
  planned: "gray.7",
  released: "plant.8",
  in_progress: "green.9",
  on_hold: "red.9",
  completed: "teal.9",
  closed: "dark.6",
  cancelled: "dark.6",
};

export const OP_STATUS_COLOR: Record<string, string> = {
  pending: "gray.7",
  in_progress: "green.9",
  paused: "orange.9",
  completed: "teal.9",
  skipped: "dark.6",
  split: "dark.6",
};

/** Equipment state colours (ISA-95 / OMAC-like): readable from a metre, with white text. */
export const EQUIPMENT_STATE_COLOR: Record<string, string> = {
  running: "green.9",
  idle: "yellow.9",
  setup: "plant.8",
  planned_stop: "gray.7",
  down: "red.9",
  maintenance: "grape.9",
  offline: "dark.7",
};

export function equipmentStateColor(state: string | null | undefined): string {
  return state ? (EQUIPMENT_STATE_COLOR[state] ?? "gray.7") : "gray.5";
}
