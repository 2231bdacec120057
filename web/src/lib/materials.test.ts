import { describe, expect, it } from "vitest";
import { materialsToConsume, needed } from "./materials";

describe("materials still to consume", () => {
  it("multiplies exactly and rounds up to the unit", () => {
    expect(needed("0.35", "300", 6)).toBe("105");
    expect(needed("0.1", "25", 0)).toBe("3"); // 2.5 cartons: three are needed
    expect(needed("0.0071", "3", 3)).toBe("0.022");
  });

  it("takes off what the operation consumed, never below zero", () => {
    const op = {
      key: "10",
      quantity: "300",
      materials: [
        { item: "PP-RESIN", quantity: "0.35", uom: "kg" },
        { item: "HINGE", quantity: "2", uom: "pcs" },
      ],
    };
    const used = [
      { item: "PP-RESIN", operation: "10", quantity: "40.5" },
      { item: "PP-RESIN", operation: "20", quantity: "99" },
      { item: "HINGE", operation: "10", quantity: "700" },
    ];
    const rows = materialsToConsume(op, used, [
      { code: "kg", decimals: 6 },
      { code: "pcs", decimals: 0 },
    ]);
    expect(rows.map((r) => [r.item, r.perPiece, r.required, r.consumed, r.remaining, r.decimals])).toEqual([
      ["PP-RESIN", "0.35", "105", "40.5", "64.5", 6],
      ["HINGE", "2", "600", "700", "0", 0],
    ]);
  });
});
