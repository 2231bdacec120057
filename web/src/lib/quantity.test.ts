import { describe, expect, it } from "vitest";
import { formatQuantity } from "./format";
import { parseQuantity, separators, validateYield } from "./forms";

const en = { locale: "en-GB" };
const de = { locale: "de-DE" };

describe("quantities typed at a station, by the browser's locale", () => {
  it("knows each locale's signs", () => {
    expect(separators("en-GB")).toEqual({ decimal: ".", group: "," });
    expect(separators("de-DE")).toEqual({ decimal: ",", group: "." });
  });

  it("reads the locale's decimal sign, and the other one when nothing else is possible", () => {
    expect(parseQuantity("1.5", en).value).toBe("1.5");
    expect(parseQuantity("1,5", de).value).toBe("1.5");
    expect(parseQuantity("1,5", en).value).toBe("1.5"); // a keypad with a comma only
    expect(parseQuantity("1.25", de).value).toBe("1.25");
    expect(parseQuantity(" 12 ", en).value).toBe("12");
    expect(parseQuantity("007.500", en).value).toBe("7.5");
  });

  it("refuses a lone thousands separator as ambiguous, in every locale", () => {
    const e = parseQuantity("1,500", en);
    expect(e.value).toBeNull();
    expect(e.error).toMatch(/ambiguous: type 1500 .* or 1.5/);
    expect(parseQuantity("1.500", de).error).toMatch(/ambiguous: type 1500 .* or 1,5/);
    expect(parseQuantity("1,500", { ...en, decimals: 0 }).error).toMatch(/ambiguous/);
  });

  it("takes thousands separators where they group correctly", () => {
    expect(parseQuantity("1,500,000", en).value).toBe("1500000");
    expect(parseQuantity("1,500.25", en).value).toBe("1500.25");
    expect(parseQuantity("1.500,25", de).value).toBe("1500.25");
    expect(parseQuantity("1 500", en).value).toBe("1500");
    expect(parseQuantity("1\u202f500,5", { locale: "fr-FR" }).value).toBe("1500.5");
    expect(parseQuantity("1,50,0", en).error).toMatch(/not a number/);
    expect(parseQuantity("1.500,25", en).error).toMatch(/doesn't read as a number here/);
    expect(parseQuantity("1,5,0", de).error).toMatch(/not a number/);
  });

  it("refuses fractions of a unit counted whole, and more decimals than the unit takes", () => {
    expect(parseQuantity("2", { ...en, decimals: 0, uom: "pcs" }).value).toBe("2");
    expect(parseQuantity("2.0", { ...en, decimals: 0, uom: "pcs" }).value).toBe("2");
    expect(parseQuantity("1.5", { ...en, decimals: 0, uom: "pcs" }).error).toBe("1.5 pcs: pcs is counted in whole units.");
    expect(parseQuantity("1,5", { ...de, decimals: 0, uom: "pcs" }).error).toBe("1,5 pcs: pcs is counted in whole units.");
    expect(parseQuantity("0.125", { ...en, decimals: 2, uom: "pack100" }).error).toMatch(/at most 2 decimals/);
  });

  it("refuses what is not a quantity", () => {
    expect(parseQuantity("", en).error).toBe("Enter a quantity.");
    expect(parseQuantity("-1", en).error).toMatch(/0 or more/);
    expect(parseQuantity("1e3", en).error).toMatch(/not a number/);
    expect(parseQuantity("abc", en).error).toMatch(/not a number/);
  });

  it("checks a yield report against the order's unit", () => {
    const pcs = { ...en, decimals: 0, uom: "pcs" };
    expect(validateYield("9", [{ quantity: "1", reason: "Flash" }], pcs)).toBeNull();
    expect(validateYield("1.5", [], pcs)).toMatch(/^Good: 1.5 pcs: pcs is counted in whole units/);
    expect(validateYield("1", [{ quantity: "0.5", reason: "Flash" }], pcs)).toMatch(/^Scrap line 1: 0.5 pcs/);
    expect(validateYield("1,500", [], pcs)).toMatch(/ambiguous/);
  });
});

describe("quantities shown with the unit's decimals", () => {
  it("drops the API's trailing zeros and rounds to the unit", () => {
    expect(formatQuantity("325.000000", "kg", "en-GB")).toBe("325 kg");
    expect(formatQuantity("325.000000", "kg", "en-GB", 6)).toBe("325 kg");
    expect(formatQuantity("12.3456789", "kg", "en-GB", 3)).toBe("12.346 kg");
    expect(formatQuantity("9.995", "kg", "de-DE", 2)).toBe("10 kg");
    expect(formatQuantity("1499.6", "pcs", "en-GB", 0)).toBe("1,500 pcs");
    expect(formatQuantity("1500.25", "kg", "de-DE", 6)).toBe("1.500,25 kg");
    expect(formatQuantity("-0.0001", "kg", "en-GB", 2)).toBe("0 kg");
  });
});

describe("quantities put into an input", () => {
  it("use the locale's decimal sign and no grouping", async () => {
    const { formatForInput } = await import("./format");
    expect(formatForInput("1500.5", 6, "de-DE")).toBe("1500,5");
    expect(formatForInput("1500.5", 6, "en-GB")).toBe("1500.5");
    expect(formatForInput("64.5000", 0, "en-GB")).toBe("65");
    expect(formatForInput("abc", 0, "en-GB")).toBe("abc");
  });
});
