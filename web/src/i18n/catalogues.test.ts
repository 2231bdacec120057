import { describe, expect, it } from "vitest";
import de from "./de.json";
import en from "./en.json";
import es from "./es.json";
import { browserLanguage } from "./index";

function keys(tree: unknown, prefix = ""): string[] {
  if (typeof tree !== "object" || tree === null) return [prefix];
  return Object.entries(tree).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
}

function text(tree: unknown, key: string): string {
  return String(key.split(".").reduce<unknown>((node, k) => (node as Record<string, unknown>)[k], tree));
}

function placeholders(tree: unknown, key: string): string[] {
  return [...text(tree, key).matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1] ?? "").sort();
}

describe("catalogues", () => {
  const english = keys(en).sort();
  it.each([
    ["de", de],
    ["es", es],
  ])("%s has exactly the keys of en, none missing, none extra", (_, other) => {
    const theirs = keys(other).sort();
    expect(english.filter((k) => !theirs.includes(k))).toEqual([]);
    expect(theirs.filter((k) => !english.includes(k))).toEqual([]);
  });
  it.each([
    ["de", de],
    ["es", es],
  ])("%s uses the same placeholders as en in every string", (_, other) => {
    for (const key of english) expect([key, placeholders(other, key)]).toEqual([key, placeholders(en, key)]);
  });
  it("has no empty string", () => {
    for (const [lang, tree] of [["en", en], ["de", de], ["es", es]] as const)
      for (const key of keys(tree)) expect([lang, key, text(tree, key).trim() !== ""]).toEqual([lang, key, true]);
  });
});

describe("browserLanguage", () => {
  it("takes the first language with a catalogue, by its base", () => {
    expect(browserLanguage(["de-DE", "en-GB"])).toBe("de");
    expect(browserLanguage(["fr-FR", "es-MX"])).toBe("es");
    expect(browserLanguage(["fr-FR"])).toBe("en");
    expect(browserLanguage([])).toBe("en");
  });
});
