import { describe, expect, it } from "vitest";
import { learnStation, readTerminal, terminalLabel, TERMINAL_KEY, validateStationKey, writeTerminal } from "./terminal";

class MemoryStorage implements Storage {
  private m = new Map<string, string>();
  get length() {
    return this.m.size;
  }
  clear() {
    this.m.clear();
  }
  getItem(k: string) {
    return this.m.get(k) ?? null;
  }
  key(i: number) {
    return [...this.m.keys()][i] ?? null;
  }
  removeItem(k: string) {
    this.m.delete(k);
  }
  setItem(k: string, v: string) {
    this.m.set(k, v);
  }
}

const KEY = "messt_Ab12Cd34_q7Xz-9_kLmNoPqRsTuVwXyZ0123456789abcdEF";

describe("station key", () => {
  it("accepts a key as the auth service issues it, trimmed", () => {
    expect(validateStationKey(KEY)).toBeNull();
    expect(validateStationKey(`  ${KEY}\n`)).toBeNull();
  });

  it("says what is wrong with anything else", () => {
    expect(validateStationKey("")).toBe("Paste the station key.");
    expect(validateStationKey("mesak_abc_def")).toBe("A station key starts with messt_.");
    expect(validateStationKey("messt_ab")).toMatch(/not a whole station key/);
    expect(validateStationKey("messt_has spaces inside it")).toMatch(/not a whole station key/);
  });
});

describe("terminal storage", () => {
  it("keeps the key, code and name of the terminal", () => {
    const s = new MemoryStorage();
    expect(readTerminal(s)).toBeNull();
    writeTerminal({ key: ` ${KEY} `, code: "ST-01", name: "Press hall 1", workCenter: "L1-MOULD" }, s);
    expect(readTerminal(s)).toEqual({ key: KEY, code: "ST-01", name: "Press hall 1", workCenter: "L1-MOULD" });
    writeTerminal(null, s);
    expect(readTerminal(s)).toBeNull();
  });

  it("ignores what is not a terminal", () => {
    const s = new MemoryStorage();
    s.setItem(TERMINAL_KEY, "{not json");
    expect(readTerminal(s)).toBeNull();
    s.setItem(TERMINAL_KEY, JSON.stringify({ key: "nope" }));
    expect(readTerminal(s)).toBeNull();
    s.setItem(TERMINAL_KEY, JSON.stringify({ key: KEY, code: 7 }));
    expect(readTerminal(s)).toEqual({ key: KEY, code: null, name: null, workCenter: null });
  });

  it("labels the terminal by name and code, the token's station first", () => {
    expect(terminalLabel({ code: "ST-01", name: "Press hall 1" })).toBe("Press hall 1 (ST-01)");
    expect(terminalLabel({ code: "ST-01", name: "Press hall 1" }, "ST-01")).toBe("Press hall 1 (ST-01)");
    expect(terminalLabel({ code: "ST-01", name: "Press hall 1" }, "ST-02")).toBe("Station ST-02");
    expect(terminalLabel({ code: null, name: null }, "ST-02")).toBe("Station ST-02");
    expect(terminalLabel(null)).toBe("Station terminal");
  });

  it("learns its station's code from a badge sign-in's token", () => {
    const pasted = { key: KEY, code: null, name: null, workCenter: null };
    expect(learnStation(pasted, "ST-01")).toEqual({ ...pasted, code: "ST-01" });
    const known = { key: KEY, code: "ST-01", name: "Press hall 1", workCenter: "L1-MOULD" };
    expect(learnStation(known, "ST-01")).toBeNull();
    expect(learnStation(known, undefined)).toBeNull();
    expect(learnStation(null, "ST-01")).toBeNull();
    // another station's key was installed since: what was known about the old one goes
    expect(learnStation(known, "ST-09")).toEqual({ key: KEY, code: "ST-09", name: null, workCenter: null });
  });
});
