import { describe, expect, it } from "vitest";
import { formatDate, formatDelta, formatDuration, formatQuantity, humanize, lotStatusColor } from "./format";

describe("formatQuantity", () => {
  it("groups thousands and drops trailing zeros without going through a float", () => {
    expect(formatQuantity("1250.500", "kg", "en-GB")).toBe("1,250.5 kg");
    expect(formatQuantity("12345678901234567.125", null, "en-GB")).toBe("12,345,678,901,234,567.125");
    expect(formatQuantity("40.000", "pcs", "en-GB")).toBe("40 pcs");
    expect(formatQuantity("0.0001", "kg", "en-GB")).toBe("0.0001 kg");
  });

  it("uses the locale's separators", () => {
    expect(formatQuantity("1250.5", "kg", "de-DE")).toBe("1.250,5 kg");
  });

  it("leaves what is not a decimal as it came", () => {
    expect(formatQuantity("n/a", "kg", "en-GB")).toBe("n/a kg");
  });
});

describe("formatDelta", () => {
  it("signs the change of a ledger entry and shows a pure move as a dash", () => {
    expect(formatDelta("1250.5", "kg", "en-GB")).toBe("+1,250.5 kg");
    expect(formatDelta("-12.000", "kg", "en-GB")).toBe("\u221212 kg");
    expect(formatDelta("0", "kg", "en-GB")).toBe("—");
    expect(formatDelta("0.000", "kg", "en-GB")).toBe("—");
  });
});

describe("formatDuration", () => {
  it("reads well from a metre away", () => {
    expect(formatDuration(42_400)).toBe("42 s");
    expect(formatDuration(7 * 60_000 + 5_000)).toBe("7 min");
    expect(formatDuration(65 * 60_000)).toBe("1 h 05 min");
    expect(formatDuration(51 * 3_600_000)).toBe("2 d 3 h");
  });

  it("never shows a negative time (clocks of client and server differ)", () => {
    expect(formatDuration(-3_000)).toBe("0 s");
  });
});

describe("labels and colours", () => {
  it("humanizes codes", () => {
    expect(humanize("on_hold")).toBe("On hold");
    expect(humanize("line-side")).toBe("Line side");
  });

  it("gives held and expired lots red, unknown statuses grey", () => {
    expect(lotStatusColor("on_hold")).toBe("red.9");
    expect(lotStatusColor("expired")).toBe("red.9");
    expect(lotStatusColor("available")).toBe("green.9");
    expect(lotStatusColor("something_new")).toBe("gray.7");
  });

  it("formats a date without shifting it by the time zone", () => {
    expect(formatDate("2026-03-01", "en-GB")).toBe("01 Mar 2026");
    expect(formatDate(null)).toBe("—");
  });
});
