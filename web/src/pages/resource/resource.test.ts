import { describe, expect, it } from "vitest";
import type { Equipment } from "../../api/resource";
import { MENU, menuSections, visibleMenu } from "../../nav/menu";
import { pageOf, sortRows } from "../admin/listing";
import { mondayOf, weekBlocks } from "./CalendarsPage";
import { siteOf } from "./DowntimePage";
import { buildTree } from "./EquipmentPage";
import { dueness } from "./MaintenancePage";
import { expiry } from "./PeoplePage";

const eq = (code: string, level: Equipment["level"], parent: string | null): Equipment => ({
  code,
  name: code,
  level,
  parent_code: parent,
  path: code,
  created_at: "2026-01-01T00:00:00Z",
  created_by: "t",
});
const PLANT = [
  eq("IMM-12", "equipment", "L1"),
  eq("ACME", "enterprise", null),
  eq("LYON", "site", "ACME"),
  eq("LINE-1", "area", "LYON"),
  eq("L1", "work_center", "LINE-1"),
  eq("IMM-11", "equipment", "L1"),
];

describe("resource screens", () => {
  it("builds the hierarchy and finds a machine's site", () => {
    const [root] = buildTree(PLANT);
    expect(root?.item.code).toBe("ACME");
    const wc = root?.children[0]?.children[0]?.children[0];
    expect(wc?.children.map((n) => n.item.code)).toEqual(["IMM-11", "IMM-12"]);
    expect(siteOf("IMM-12", PLANT)).toBe("LYON");
    expect(siteOf("ACME", PLANT)).toBeNull();
  });

  it("marks maintenance overdue, due within a day, never when completed", () => {
    const now = Date.parse("2026-06-10T12:00:00Z");
    expect(dueness({ status: "open", due_at: "2026-06-10T11:00:00Z" }, now)).toBe("overdue");
    expect(dueness({ status: "assigned", due_at: "2026-06-11T06:00:00Z" }, now)).toBe("due");
    expect(dueness({ status: "open", due_at: "2026-06-20T06:00:00Z" }, now)).toBeNull();
    expect(dueness({ status: "completed", due_at: "2026-06-01T06:00:00Z" }, now)).toBeNull();
  });

  it("highlights a certification expired or expiring within 30 days", () => {
    const today = new Date("2026-06-10T08:00:00Z");
    expect(expiry({ expires_on: "2026-06-09" }, today)).toBe("expired");
    expect(expiry({ expires_on: "2026-06-10" }, today)).toBe("soon");
    expect(expiry({ expires_on: "2026-07-09" }, today)).toBe("soon");
    expect(expiry({ expires_on: "2026-08-01" }, today)).toBeNull();
    expect(expiry({ expires_on: null }, today)).toBeNull();
  });

  it("cuts a night shift at midnight into the week's days", () => {
    const monday = new Date(2026, 5, 8); // Monday 8 June 2026, local
    expect(mondayOf(new Date(2026, 5, 11, 15))).toBe("2026-06-08");
    expect(mondayOf(monday)).toBe("2026-06-08");
    const start = new Date(2026, 5, 8, 22).toISOString();
    const end = new Date(2026, 5, 9, 6).toISOString();
    expect(weekBlocks([{ start, end }], monday)).toEqual([
      { day: 0, fromH: 22, toH: 24 },
      { day: 1, fromH: 0, toH: 6 },
    ]);
  });

  it("sorts with nulls last and pages a whole list", () => {
    const rows = [{ a: "b" }, { a: null }, { a: "a10" }, { a: "a9" }];
    expect(sortRows(rows, "a", "asc").map((r) => r.a)).toEqual(["a9", "a10", "b", null]);
    expect(sortRows(rows, "a", "desc").map((r) => r.a)).toEqual(["b", "a10", "a9", null]);
    expect(pageOf([1, 2, 3, 4, 5], 2, 2)).toEqual([3, 4]);
  });

  it("groups the menu: Resources and Administration sections after the top entries", () => {
    const admin = visibleMenu(["resource:read", "auth:user:read", "auth:apikey:manage", "auth:audit:read", "auth:signature:read", "material:read"]);
    const sections = menuSections(admin).map(([g, items]) => [g, items.map((i) => i.label)]);
    expect(sections[0]?.[0]).toBeUndefined();
    expect(sections.find(([g]) => g === "Resources")?.[1]).toEqual([
      "Equipment",
      "Shift calendars",
      "People and skills",
      "Maintenance",
      "Downtime",
    ]);
    expect(sections.find(([g]) => g === "Administration")?.[1]).toEqual([
      "Users",
      "Roles",
      "API keys",
      "Audit trail",
      "E-signatures",
    ]);
    expect(visibleMenu(["resource:read"]).map((m) => m.path)).not.toContain("/admin/users");
    expect(MENU.find((m) => m.path === "/admin/api-keys")?.needs).toEqual(["auth:apikey:manage"]);
  });
});
