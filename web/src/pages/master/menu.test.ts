import { describe, expect, it } from "vitest";
import { menuSections, visibleMenu } from "../../nav/menu";

// the perms claims of the default roles (src/mes/services/auth/models/permissions.py)
const READ_ALL = ["auth:signature:read", "resource:read", "workorder:read", "material:read", "quality:read", "traceability:read", "reporting:read"];
const PLANNER = [...READ_ALL, "workorder:write", "workorder:routing:write", "workorder:release", "material:master:write"];
const QUALITY = [...READ_ALL, "quality:plan:write", "material:lot:hold"];

function masterData(perms: string[]): string[] {
  return visibleMenu(perms)
    .filter((m) => m.group === "Master data")
    .map((m) => m.path);
}

describe("the Master data group", () => {
  it("is shown to who maintains master data, entry by entry", () => {
    expect(masterData(PLANNER)).toEqual(["/master/items", "/master/locations", "/master/products"]);
    expect(masterData(QUALITY)).toEqual(["/master/defect-codes"]);
    expect(masterData(READ_ALL)).toEqual([]);
  });

  it("keeps a group's entries together, after the entries of no group", () => {
    const items = [
      { path: "/a", label: "A", description: "", needs: [] },
      { path: "/m1", label: "M1", description: "", needs: [], group: "Master data" },
      { path: "/b", label: "B", description: "", needs: [] },
      { path: "/m2", label: "M2", description: "", needs: [], group: "Master data" },
    ];
    expect(menuSections(items).map(([g, entries]) => [g, entries.map((e) => e.label)])).toEqual([
      [undefined, ["A", "B"]],
      ["Master data", ["M1", "M2"]],
    ]);
  });
});
