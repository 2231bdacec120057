import { describe, expect, it } from "vitest";
import { MENU as SCREENS, menuItemFor, visibleMenu, type MenuItem } from "./menu";
import { hasAll } from "../auth/permissions";

const MENU: MenuItem[] = [
  { path: "/station", label: "Operator station", description: "", needs: ["workorder:read", "workorder:execute"] },
  { path: "/board", label: "Supervisor board", description: "", needs: ["resource:read"] },
  { path: "/material/lots", label: "Material lots", description: "", needs: ["material:read"] },
];

// the perms claims of the default roles (src/mes/services/auth/catalog.py)
const VIEWER = ["resource:read", "workorder:read", "material:read", "quality:read", "traceability:read", "reporting:read"];
const OPERATOR = ["resource:read", "workorder:read", "material:read", "quality:read", "workorder:execute", "material:lot:consume"];

describe("menu by permissions", () => {
  it("shows an entry only when every permission it needs is in the token", () => {
    expect(visibleMenu(VIEWER, MENU).map((m) => m.label)).toEqual(["Supervisor board", "Material lots"]);
    expect(visibleMenu(OPERATOR, MENU).map((m) => m.label)).toEqual([
      "Operator station",
      "Supervisor board",
      "Material lots",
    ]);
    expect(visibleMenu(["workorder:execute"], MENU)).toEqual([]);
    expect(visibleMenu([], MENU)).toEqual([]);
  });

  it("does not treat a permission as a prefix of another", () => {
    expect(hasAll(["material:read:extra"], ["material:read"])).toBe(false);
    expect(hasAll(["material"], ["material:read"])).toBe(false);
  });

  it("finds the entry a deep link belongs to", () => {
    expect(menuItemFor("/material/lots/LOT-1", MENU)?.label).toBe("Material lots");
    expect(menuItemFor("/material/lotsX", MENU)).toBeUndefined();
    expect(menuItemFor("/", MENU)).toBeUndefined();
  });

  it("offers the station terminals' administration only to who may manage stations", () => {
    expect(visibleMenu(OPERATOR).map((m) => m.path)).not.toContain("/admin/stations");
    expect(visibleMenu([...VIEWER, "auth:station:manage"]).map((m) => m.path)).toContain("/admin/stations");
    expect(SCREENS.find((m) => m.path === "/admin/stations")?.needs).toEqual(["auth:station:manage"]);
  });
});
