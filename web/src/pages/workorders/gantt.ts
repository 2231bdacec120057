/** Laying out the finite-capacity schedule as a Gantt: rows per work center or per machine. */
import type { Schedule } from "../../api/workOrders";

export interface Bar {
  order: string;
  key: string;
  name: string;
  product: string;
  start: number; // ms since the epoch
  end: number;
  late: boolean;
  status: string;
  equipment: string | null;
  lane: number; // bars that overlap in one row go into separate lanes
}

export interface Row {
  id: string;
  label: string;
  workCenter: string;
  available: boolean;
  state: string | null;
  windows: [number, number][];
  bars: Bar[];
  lanes: number;
}

export type Mode = "work_center" | "machine";

/** Greedy lanes: each bar takes the first lane that is free when it starts. */
export function assignLanes(bars: Omit<Bar, "lane">[]): { bars: Bar[]; lanes: number } {
  const sorted = [...bars].sort((a, b) => a.start - b.start || a.end - b.end || a.order.localeCompare(b.order));
  const laneEnds: number[] = [];
  const out: Bar[] = [];
  for (const b of sorted) {
    let lane = laneEnds.findIndex((end) => end <= b.start);
    if (lane === -1) {
      lane = laneEnds.length;
      laneEnds.push(b.end);
    } else {
      laneEnds[lane] = b.end;
    }
    out.push({ ...b, lane });
  }
  return { bars: out, lanes: Math.max(1, laneEnds.length) };
}

function mergeWindows(windows: [number, number][]): [number, number][] {
  const sorted = [...windows].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const w of sorted) {
    const last = out.at(-1);
    if (last && w[0] <= last[1]) last[1] = Math.max(last[1], w[1]);
    else out.push([w[0], w[1]]);
  }
  return out;
}

/** The Gantt's rows: one per unit of the last computation (machine mode) or per work center. */
export function ganttRows(schedule: Schedule, mode: Mode): Row[] {
  const ops = schedule.orders.flatMap((o) =>
    o.operations
      .filter((op) => op.planned_start && op.planned_end)
      .map((op) => ({
        order: o.work_order,
        key: op.key,
        name: op.name,
        product: o.product,
        start: Date.parse(op.planned_start as string),
        end: Date.parse(op.planned_end as string),
        late: o.late,
        status: op.status,
        equipment: op.equipment ?? null,
        workCenter: op.work_center,
      })),
  );
  const win = (ws: { start: string; end: string }[]): [number, number][] =>
    ws.map((w) => [Date.parse(w.start), Date.parse(w.end)]);
  const rows: Row[] = [];
  if (mode === "machine") {
    for (const u of schedule.units) {
      const mine = ops.filter((op) =>
        u.equipment ? op.equipment === u.equipment : op.workCenter === u.work_center && !op.equipment,
      );
      const { bars, lanes } = assignLanes(mine);
      rows.push({
        id: u.equipment ?? u.work_center,
        label: u.equipment ?? `${u.work_center} (no machine known)`,
        workCenter: u.work_center,
        available: u.available,
        state: u.state,
        windows: win(u.windows),
        bars,
        lanes,
      });
    }
    return rows;
  }
  const centers = [...new Set([...schedule.units.map((u) => u.work_center), ...ops.map((o) => o.workCenter)])].sort();
  for (const wc of centers) {
    const units = schedule.units.filter((u) => u.work_center === wc);
    const { bars, lanes } = assignLanes(ops.filter((op) => op.workCenter === wc));
    rows.push({
      id: wc,
      label: `${wc} (${units.filter((u) => u.available).length}/${units.length || 1} available)`,
      workCenter: wc,
      available: units.length === 0 || units.some((u) => u.available),
      state: null,
      windows: mergeWindows(units.flatMap((u) => win(u.windows))),
      bars,
      lanes,
    });
  }
  return rows;
}

/** Position of `t` in [from, to] as a share of the width, clamped to 0..1. */
export function xOf(t: number, from: number, to: number): number {
  if (to <= from) return 0;
  return Math.min(1, Math.max(0, (t - from) / (to - from)));
}

/** Midnight (UTC) ticks from `from` to `to`, for the time axis. */
export function dayTicks(from: number, to: number): number[] {
  const d = new Date(from);
  d.setUTCHours(0, 0, 0, 0);
  if (d.getTime() < from) d.setUTCDate(d.getUTCDate() + 1);
  const out: number[] = [];
  while (d.getTime() <= to && out.length < 400) {
    out.push(d.getTime());
    d.setUTCDate(d.getUTCDate() + 1);
  }
  return out;
}
