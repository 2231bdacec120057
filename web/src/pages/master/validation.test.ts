import { afterEach, describe, expect, it } from "vitest";
import i18n from "../../i18n";
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

describe("the messages are in the UI's language", () => {
  afterEach(async () => {
    await i18n.changeLanguage("en");
  });

  it("says in English what is wrong, naming the field", () => {
    const bad = validateItem({ code: "lid s!", name: " ", kind: "", uom: "", tracking: "lot", shelfLife: "0" });
    expect(bad.name).toBe("Name: required.");
    expect(bad.kind).toBe("Kind: choose one.");
    expect(bad.shelfLife).toBe("Shelf life: between 1 and 36500.");
  });

  it("says it in German, with the German field names", async () => {
    await i18n.changeLanguage("de");
    const item = validateItem({ code: "lid s!", name: " ", kind: "", uom: "", tracking: "lot", shelfLife: "0" });
    expect(item.code).toBe("Code: nur Buchstaben, Ziffern und . _ / -, am Anfang ein Buchstabe oder eine Ziffer.");
    expect(item.name).toBe("Name: Pflichtangabe.");
    expect(item.kind).toBe("Art: bitte auswählen.");
    expect(item.uom).toBe("Einheit: Pflichtangabe.");
    expect(item.shelfLife).toBe("Haltbarkeit: zwischen 1 und 36500.");
    const bom = validateBom({
      version: "A",
      baseQuantity: "0",
      validFrom: "2026-01-01",
      validTo: "2025-12-31",
      lines: [{ ...line, scrapFactor: "10" }],
    });
    expect(bom.baseQuantity).toBe("Basismenge: muss größer als 0 sein.");
    expect(bom.validTo).toBe("Gültig bis: muss nach Gültig ab liegen.");
    expect(bom["lines.0.scrapFactor"]).toBe("Ausschussfaktor: muss kleiner als 10 sein.");
    const routing = validateRouting("", [
      { ...op, materials: ["HINGE"] },
      { ...op, seq: "10", workCenter: "", materials: ["HINGE"] },
    ]);
    expect(routing.version).toBe("Version: Pflichtangabe.");
    expect(routing["ops.1.seq"]).toBe("Arbeitsgangnummern steigen: 10, 20, 30 …");
    expect(routing["ops.1.workCenter"]).toBe("Arbeitsplatz: bitte auswählen.");
    expect(routing["ops.1.materials"]).toBe("HINGE wird in zwei Arbeitsgängen verbraucht; geben Sie es nur bei einem an.");
  });
});
