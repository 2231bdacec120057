import { describe, expect, it } from "vitest";
import { cssVariablesResolver, readable, surfaces, theme } from "./theme";
import { mergeMantineTheme, DEFAULT_THEME } from "@mantine/core";

/** WCAG 2.x relative luminance of a #rrggbb colour. */
function luminance(hex: string): number {
  const channel = (i: number) => {
    const v = parseInt(hex.slice(i, i + 2), 16) / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

function contrast(a: string, b: string): number {
  const [x, y] = [luminance(a), luminance(b)];
  return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
}

describe("theme text colours (WCAG AA, ADR 0045)", () => {
  it("computes contrast as WCAG does", () => {
    expect(contrast("#000000", "#ffffff")).toBeCloseTo(21, 5);
    expect(contrast("#777777", "#ffffff")).toBeCloseTo(4.48, 2);
    // Mantine's own defaults fail: that is why the theme overrides them
    expect(contrast("#868e96", "#ffffff")).toBeLessThan(4.5); // gray-6, dimmed
    expect(contrast("#fa5252", "#ffffff")).toBeLessThan(4.5); // red-6, error
    expect(contrast("#adb5bd", "#ffffff")).toBeLessThan(4.5); // gray-5, placeholder
  });

  for (const scheme of ["light", "dark"] as const) {
    for (const [role, colour] of Object.entries(readable[scheme])) {
      for (const surface of surfaces[scheme]) {
        it(`${scheme}: ${role} ${colour} on ${surface} is at least 4.5:1`, () => {
          expect(contrast(colour, surface)).toBeGreaterThanOrEqual(4.5);
        });
      }
    }
  }

  it("the resolver puts these colours in Mantine's variables", () => {
    const vars = cssVariablesResolver(mergeMantineTheme(DEFAULT_THEME, theme));
    for (const scheme of ["light", "dark"] as const) {
      expect(vars[scheme]["--mantine-color-error"]).toBe(readable[scheme].error);
      expect(vars[scheme]["--mantine-color-dimmed"]).toBe(readable[scheme].dimmed);
      expect(vars[scheme]["--mantine-color-placeholder"]).toBe(readable[scheme].placeholder);
    }
  });

  it("body text and the primary colour pass on white", () => {
    expect(contrast(theme.black ?? "#000000", "#ffffff")).toBeGreaterThanOrEqual(4.5);
    expect(contrast(theme.colors?.plant?.[8] ?? "#000000", "#ffffff")).toBeGreaterThanOrEqual(4.5);
  });
});
