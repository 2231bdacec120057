import { describe, expect, it } from "vitest";
import { validateBom, validateItem, validateRouting, defectCode, decimal } from "./validation";

const line = { component: "PP-RESIN", quantity: "0.35", uom: "kg", scrapFactor: "0.02", alternateGroup: "", priority: "1" };
const op = { seq: "10", name: "Mould", workCenter: "L1-MOULD", setup: "45", run: "0.8", skills: [], materials: [], outputItem: "" };

describe("master-data forms check what the API checks", () => {
  it("an item needs a valid code, a name, a unit and a shelf life in days when given", () => {
    expect(validateItem({ code: "LID-S", name: "Lid", kind: "finished", uom: "pcs", tracking: "lot", shelfLife: "" })).toEqual({});
    const bad = validateItem({ code: "lid s!", name: " ", kind: "", uom: "", tracking: "lot", shelfLife: "0" });
    expect(Object.keys(bad).sort()).toEqual(["code", "kind", "name", "shelfLife", "uom"]);
  });

  it("a BOM's lines need positive quantities and a scrap factor below 10; valid to after valid from", () => {
    expect(validateBom({ version: "A", baseQuantity: "1", validFrom: "2026-01-01", validTo: "", lines: [line] })).toEqual({});
    const bad = validateBom({
      version: "A",
      baseQuantity: "0",
      validFrom: "2026-01-01",
      validTo: "2025-12-31",
      lines: [{ ...line, quantity: "-1", scrapFactor: "10", priority: "100" }],
    });
    expect(Object.keys(bad).sort()).toEqual(["baseQuantity", "lines.0.priority", "lines.0.quantity", "lines.0.scrapFactor", "validTo"]);
    expect(validateBom({ version: "A", baseQuantity: "1", validFrom: "2026-01-01", validTo: "", lines: [] }).lines).toBeTruthy();
  });

  it("a routing's operation numbers go up and a material is consumed at one operation", () => {
    expect(validateRouting("1", [op, { ...op, seq: "20", materials: ["HINGE"] }])).toEqual({});
    const bad = validateRouting("1 b", [
      { ...op, materials: ["HINGE"] },
      { ...op, seq: "10", workCenter: "", setup: "-1", materials: ["HINGE"], skills: [{ code: "bad skill", level: "1" }] },
    ]);
    expect(Object.keys(bad).sort()).toEqual([
      "ops.1.materials",
      "ops.1.seq",
      "ops.1.setup",
      "ops.1.skills.0",
      "ops.1.workCenter",
      "version",
    ]);
  });

  it("defect codes are capitals; decimals have at most 6 places", () => {
    expect(defectCode("SHORT-SHOT")).toBeUndefined();
    expect(defectCode("short")).toBeTruthy();
    expect(decimal("1.1234567", "Q")).toBeTruthy();
    expect(decimal("1,5", "Q", { min: 0, strict: true })).toBeUndefined();
  });
});
