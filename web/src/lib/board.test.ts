import { describe, expect, it } from "vitest";
import type { BoardEntry } from "../api/resource";
import { boardReducer, EMPTY_BOARD, machines } from "./board";
import {
  progressPct,
  canCancelOrder,
  canCloseOrder,
  canHoldOrder,
  canRelease,
  canResumeOrder,
  equipmentStateColor,
} from "./orders";

const entry = (code: string, level = "equipment", state: BoardEntry["state"] = "idle"): BoardEntry => ({
  equipment_code: code,
  name: code,
  level,
  path: `ACME/P1/WC/${code}`,
  state,
  since: "2026-01-01T06:00:00Z",
  available: true,
});

describe("boardReducer", () => {
  const board = boardReducer(EMPTY_BOARD, {
    type: "snapshot",
    under: "WC",
    items: [entry("WC", "work_center", null), entry("IMM-2"), entry("IMM-1")],
  });

  it("takes the snapshot and shows the machines in plant order", () => {
    expect(board.loaded).toBe(true);
    expect(machines(board).map((m) => m.equipment_code)).toEqual(["IMM-1", "IMM-2"]);
  });

  it("moves one machine to its new state and resets its clock", () => {
    const next = boardReducer(board, {
      type: "state",
      change: { equipment_code: "IMM-1", path: "x", state: "down", started_at: "2026-01-01T07:00:00Z", available: false },
    });
    const imm1 = next.entries.find((e) => e.equipment_code === "IMM-1");
    expect(imm1).toMatchObject({ state: "down", since: "2026-01-01T07:00:00Z", available: false });
    expect(next.entries.find((e) => e.equipment_code === "IMM-2")).toBe(board.entries[1]);
  });

  it("ignores a late report of a closed interval and machines not on this board", () => {
    const late = boardReducer(board, {
      type: "state",
      change: {
        equipment_code: "IMM-1",
        path: "x",
        state: "down",
        started_at: "2026-01-01T05:00:00Z",
        ended_at: "2026-01-01T05:10:00Z",
        available: false,
      },
    });
    expect(late).toBe(board);
    const other = boardReducer(board, {
      type: "state",
      change: { equipment_code: "ELSEWHERE", path: "y", state: "down", started_at: "2026-01-01T07:00:00Z", available: false },
    });
    expect(other).toBe(board);
  });

  it("shows the children when a node has no equipment-level entries", () => {
    const b = boardReducer(EMPTY_BOARD, {
      type: "snapshot",
      under: "AREA",
      items: [entry("AREA", "area", null), entry("WC-1", "work_center")],
    });
    expect(machines(b).map((m) => m.equipment_code)).toEqual(["WC-1"]);
  });
});

describe("work order rules", () => {
  it("offers release for planned, hold for released or running, resume for held", () => {
    expect(canRelease("planned")).toBe(true);
    expect(canRelease("released")).toBe(false);
    expect(canHoldOrder("in_progress")).toBe(true);
    expect(canHoldOrder("completed")).toBe(false);
    expect(canResumeOrder("on_hold")).toBe(true);
  });

  it("offers close for completed orders only, and cancel only for work that has not started", () => {
    const statuses = ["planned", "released", "in_progress", "on_hold", "completed", "closed", "cancelled"];
    expect(statuses.filter(canCloseOrder)).toEqual(["completed"]);
    expect(statuses.filter(canCancelOrder)).toEqual(["planned", "released"]);
  });

  it("computes progress from good units, capped at 100 %", () => {
    expect(progressPct("9", "10")).toBe(90);
    expect(progressPct("12", "10")).toBe(100);
    expect(progressPct("0", "0")).toBe(0);
  });

  it("colours a machine with no state yet in light grey", () => {
    expect(equipmentStateColor(null)).toBe("gray.5");
    expect(equipmentStateColor("down")).toBe("red.9");
  });
});
