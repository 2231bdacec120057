import { describe, expect, it } from "vitest";
import { Gs1Error, formatGs1, gs1Date, parseGs1, validCheckDigit } from "./gs1";

const GTIN = "04012345000092";
const GS = "\u001d";

describe("parseGs1", () => {
  it("reads the parentheses form", () => {
    const d = parseGs1(`(01)${GTIN}(17)270630(10)CAP-2612-07(30)250`);
    expect(d).toEqual({
      elements: [
        { ai: "01", value: GTIN },
        { ai: "17", value: "270630" },
        { ai: "10", value: "CAP-2612-07" },
        { ai: "30", value: "250" },
      ],
      gtin: GTIN,
      expiry: "2027-06-30",
      lot: "CAP-2612-07",
      count: 250,
    });
  });

  it("reads raw GS1-128 with its symbology identifier and GS after variable fields", () => {
    const d = parseGs1(`]C101${GTIN}17270630` + `10CAP-2612-07${GS}30250`);
    expect(d?.gtin).toBe(GTIN);
    expect(d?.lot).toBe("CAP-2612-07");
    expect(d?.count).toBe(250);
    expect(d?.expiry).toBe("2027-06-30");
  });

  it("reads a GS1 DataMatrix with a leading FNC1 and a serial", () => {
    const d = parseGs1(`]d2${GS}01${GTIN}21SN-0042${GS}240PUMP-1`);
    expect(d?.serial).toBe("SN-0042");
    expect(d?.elements.map((e) => e.ai)).toEqual(["01", "21", "240"]);
  });

  it("reads a raw string that starts with a valid GTIN, and a <GS> typed as text", () => {
    expect(parseGs1(`01${GTIN}10L1<GS>30012`)).toMatchObject({ lot: "L1", count: 12 });
  });

  it("leaves plain codes alone", () => {
    expect(parseGs1("R-001")).toBeNull();
    expect(parseGs1("KIT-100-261201-0001")).toBeNull();
    expect(parseGs1("0112345")).toBeNull();
  });

  it("refuses a broken GS1 string with a reason", () => {
    expect(() => parseGs1("(01)04012345000093(10)L1")).toThrow(/check digit/);
    expect(() => parseGs1("(01)0401234500009(10)L1")).toThrow(/14 characters/);
    expect(() => parseGs1("(17)271350")).toThrow(Gs1Error);
    expect(() => parseGs1("(99)X")).toThrow(/Unknown application identifier/);
    expect(() => parseGs1(`]C1` + `10${"X".repeat(21)}`)).toThrow(/at most 20/);
    expect(() => parseGs1("(30)12a")).toThrow(/digits only/);
  });

  it("formats back to parentheses", () => {
    const d = parseGs1(`]C101${GTIN}10L1${GS}21S9`);
    expect(d && formatGs1(d)).toBe(`(01)${GTIN}(10)L1(21)S9`);
  });
});

describe("dates and check digits", () => {
  it("takes DD 00 as the month's last day", () => {
    expect(gs1Date("280200")).toBe("2028-02-29");
    expect(gs1Date("270100")).toBe("2027-01-31");
    expect(() => gs1Date("270230")).toThrow(Gs1Error);
  });

  it("checks GTIN check digits", () => {
    expect(validCheckDigit(GTIN)).toBe(true);
    expect(validCheckDigit("04012345000093")).toBe(false);
    expect(validCheckDigit("00012345600012")).toBe(true);
  });
});
