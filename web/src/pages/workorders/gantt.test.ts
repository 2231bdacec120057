import { describe, expect, it } from "vitest";
import type { Schedule } from "../../api/workOrders";
import { assignLanes, dayTicks, ganttRows, xOf } from "./gantt";

const T = (h: number, m = 0) => `2030-01-07T${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}:00Z`;

const schedule: Schedule = {
  stale: false,
  recomputations: 1,
  units: [
    { work_center: "WC-MOULD", equipment: "IMM-1", available: true, state: "running", windows: [{ start: T(6), end: T(14) }] },
    { work_center: "WC-MOULD", equipment: "IMM-2", available: false, state: "maintenance", windows: [] },
    { work_center: "WC-ASSY", equipment: null, available: true, state: null, windows: [{ start: T(6), end: T(14) }] },
  ],
  orders: [
    {
      work_order: "WO-1",
      product: "KIT",
      status: "released",
      priority: 1,
      due: T(12),
      late: true,
      planned_start: T(6),
      planned_end: T(8),
      operations: [
        { key: "10", name: "Mould", work_center: "WC-MOULD", equipment: "IMM-1", minutes: "60", status: "pending", planned_start: T(6), planned_end: T(7) },
        { key: "20", name: "Assemble", work_center: "WC-ASSY", equipment: null, minutes: "60", status: "pending", planned_start: T(7), planned_end: T(8) },
        { key: "30", name: "Pack", work_center: "WC-ASSY", equipment: null, minutes: "9", status: "pending", planned_start: null, planned_end: null },
      ],
    },
  ],
};

describe("the schedule's Gantt", () => {
  it("puts each operation on the machine it is planned on; a machine in maintenance gets none", () => {
    const rows = ganttRows(schedule, "machine");
    expect(rows.map((r) => [r.id, r.available, r.bars.map((b) => b.key)])).toEqual([
      ["IMM-1", true, ["10"]],
      ["IMM-2", false, []],
      ["WC-ASSY", true, ["20"]],
    ]);
    expect(rows[0]?.bars[0]?.late).toBe(true);
  });

  it("groups by work center with its available machines and shaded windows", () => {
    const rows = ganttRows(schedule, "work_center");
    expect(rows.map((r) => r.label)).toEqual(["WC-ASSY (1/1 available)", "WC-MOULD (1/2 available)"]);
    expect(rows[1]?.windows).toEqual([[Date.parse(T(6)), Date.parse(T(14))]]);
  });

  it("stacks overlapping bars in lanes: two parallel machines, two lanes", () => {
    const bar = (order: string, s: string, e: string) => ({
      order, key: "10", name: "", product: "", start: Date.parse(s), end: Date.parse(e), late: false, status: "pending", equipment: null,
    });
    const { bars, lanes } = assignLanes([bar("A", T(6), T(7)), bar("B", T(6), T(7)), bar("C", T(7), T(8))]);
    expect(lanes).toBe(2);
    expect(bars.map((b) => [b.order, b.lane])).toEqual([["A", 0], ["B", 1], ["C", 0]]);
  });

  it("scales time and ticks days", () => {
    const from = Date.parse(T(6));
    const to = Date.parse("2030-01-09T06:00:00Z");
    expect(xOf(from, from, to)).toBe(0);
    expect(xOf(to + 1, from, to)).toBe(1);
    expect(dayTicks(from, to).map((t) => new Date(t).toISOString())).toEqual([
      "2030-01-08T00:00:00.000Z",
      "2030-01-09T00:00:00.000Z",
    ]);
  });
});
