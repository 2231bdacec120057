import { describe, expect, it } from "vitest";
import { normalizeScan, parseDecimal, validateCode, validateReason, validateSignIn, validateYield } from "./forms";
import { canHold, canRelease } from "./lots";

describe("scan input", () => {
  it("strips the scanner's symbology prefix, control characters and blanks", () => {
    expect(normalizeScan("]C1LOT-2026-0042")).toBe("LOT-2026-0042");
    expect(normalizeScan("  LOT-7\r\n")).toBe("LOT-7");
    expect(normalizeScan("LOT\u001d42")).toBe("LOT42");
    expect(normalizeScan("]Q3LOT/A.1")).toBe("LOT/A.1");
  });

  it("accepts the services' code pattern and explains anything else", () => {
    expect(validateCode("LOT-2026-0042")).toBeNull();
    expect(validateCode("A.b_c/d-1")).toBeNull();
    expect(validateCode("")).toBe("Scan or type a code.");
    expect(validateCode("-LOT")).toMatch(/not a valid code/);
    expect(validateCode("bad code!")).toMatch(/not a valid code/);
    expect(validateCode("X".repeat(65))).toMatch(/at most 64/);
  });
});

describe("reason", () => {
  it("is required, at least 3 and at most 500 characters once trimmed", () => {
    expect(validateReason("   ")).toMatch(/Give a reason/);
    expect(validateReason(" ok ")).toMatch(/at least 3/);
    expect(validateReason("Foreign particles")).toBeNull();
    expect(validateReason("x".repeat(501))).toMatch(/at most 500/);
  });
});

describe("sign-in form", () => {
  it("names each missing field", () => {
    expect(validateSignIn({ username: " ", password: "" })).toEqual({
      username: "Enter your user name.",
      password: "Enter your password.",
    });
    expect(validateSignIn({ username: "jdoe", password: "x" })).toEqual({ username: null, password: null });
  });
});

describe("lot actions", () => {
  it("follow the material service's transitions", () => {
    expect(canHold("available")).toBe(true);
    expect(canHold("quarantine")).toBe(true);
    expect(canHold("on_hold")).toBe(false);
    expect(canHold("consumed")).toBe(false);
    expect(canRelease("on_hold")).toBe(true);
    expect(canRelease("quarantine")).toBe(true);
    expect(canRelease("available")).toBe(false);
  });
});

describe("yield form", () => {
  it("reads decimals typed with a comma or a point", () => {
    expect(parseDecimal("1,5")).toBe("1.5");
    expect(parseDecimal(" 12 ")).toBe("12");
    expect(parseDecimal("-1")).toBeNull();
    expect(parseDecimal("1e3")).toBeNull();
  });

  it("accepts good, scrap with reasons, or both", () => {
    expect(validateYield("9", [{ quantity: "1", reason: "Short shot" }])).toBeNull();
    expect(validateYield("9", [])).toBeNull();
    expect(validateYield("", [{ quantity: "2", reason: "Flash" }])).toBeNull();
  });

  it("says what is wrong", () => {
    expect(validateYield("", [])).toBe("Enter good parts, scrap, or both.");
    expect(validateYield("abc", [])).toMatch(/^Good/);
    expect(validateYield("1", [{ quantity: "0", reason: "x" }])).toMatch(/Scrap line 1: enter a quantity/);
    expect(validateYield("1", [{ quantity: "1", reason: " " }])).toMatch(/Scrap line 1: choose or type a reason/);
  });
});
