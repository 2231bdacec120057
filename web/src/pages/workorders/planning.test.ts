import { describe, expect, it } from "vitest";
import type { Operation, WorkOrder } from "../../api/workOrders";
import { MENU, visibleMenu } from "../../nav/menu";
import { floorActions, isLastOpen, labourByOperator } from "./orderRules";

const VIEWER = ["resource:read", "workorder:read", "material:read", "quality:read", "traceability:read", "reporting:read"];

describe("the Planning menu group", () => {
  it("offers work orders and the schedule to whoever may read work orders", () => {
    const planning = MENU.filter((m) => m.group === "Planning").map((m) => m.path);
    expect(planning).toEqual(["/workorders", "/schedule"]);
    expect(visibleMenu(VIEWER).map((m) => m.path)).toEqual(expect.arrayContaining(planning));
    expect(visibleMenu(["material:read"]).map((m) => m.path)).not.toContain("/workorders");
  });
});

const op = (key: string, position: number, status: Operation["status"]): Operation =>
  ({ key, position, status, name: key, work_center: "WC" }) as Operation;
const order = (status: WorkOrder["status"], ops: Operation[]): WorkOrder => ({ status, operations: ops }) as WorkOrder;

describe("what a supervisor may change on an operation", () => {
  it("skips and splits pending work, sends back what ran after a completed step, inserts after", () => {
    const o = order("in_progress", [op("10", 10, "completed"), op("20", 20, "in_progress"), op("30", 30, "pending")]);
    expect(floorActions(o, o.operations[0] as Operation)).toEqual(["insert"]);
    expect(floorActions(o, o.operations[1] as Operation)).toEqual(["rework", "insert"]);
    expect(floorActions(o, o.operations[2] as Operation)).toEqual(["skip", "split", "insert"]);
    expect(floorActions(order("completed", o.operations), o.operations[2] as Operation)).toEqual([]);
  });

  it("completes short only at the operation that completes the order", () => {
    const o = order("in_progress", [op("10", 10, "completed"), op("20", 20, "in_progress")]);
    expect(isLastOpen(o, o.operations[1] as Operation)).toBe(true);
    const early = order("in_progress", [op("10", 10, "in_progress"), op("20", 20, "pending")]);
    expect(isLastOpen(early, early.operations[0] as Operation)).toBe(false);
  });
});

describe("labour per operator", () => {
  it("adds each operator's clocks and says who is still clocked in", () => {
    const o = {
      labour: [
        { operator: "ana", clock_in: "t", clock_out: "t", minutes: "12.5" },
        { operator: "ben", clock_in: "t", clock_out: null, minutes: null },
        { operator: "ana", clock_in: "t", clock_out: "t", minutes: "3.04" },
      ],
    } as unknown as Operation;
    expect(labourByOperator(o)).toEqual([
      { operator: "ana", minutes: "15.5", open: false },
      { operator: "ben", minutes: "0.0", open: true },
    ]);
  });
});
