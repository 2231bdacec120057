import { describe, expect, it } from "vitest";
import {
  keepsBadge,
  keypadKeyOf,
  pinComplete,
  pinDots,
  pressKey,
  TAKEOVER_START,
  takeoverReducer,
  validateBadge,
  type KeypadKey,
  type TakeoverAction,
  type TakeoverState,
} from "./takeover";

function run(actions: TakeoverAction[], from: TakeoverState = TAKEOVER_START): TakeoverState {
  return actions.reduce(takeoverReducer, from);
}
const keys = (digits: string): TakeoverAction[] => [...digits].map((d) => ({ type: "key", key: d as KeypadKey }));

describe("keypad", () => {
  it("adds digits up to eight, takes back one, clears all", () => {
    expect(pressKey("", "4")).toBe("4");
    expect(pressKey("4711", "back")).toBe("471");
    expect(pressKey("", "back")).toBe("");
    expect(pressKey("4711", "clear")).toBe("");
    expect(pressKey("12345678", "9")).toBe("12345678");
  });

  it("a PIN is complete with 4 to 8 digits", () => {
    expect(pinComplete("471")).toBe(false);
    expect(pinComplete("4711")).toBe(true);
    expect(pinComplete("47114711")).toBe(true);
    expect(pinComplete("471147119")).toBe(false);
    expect(pinComplete("47a1")).toBe(false);
  });

  it("shows dots, never digits", () => {
    expect(pinDots("")).toBe("○○○○");
    expect(pinDots("47")).toBe("●●○○");
    expect(pinDots("471105")).toBe("●●●●●●");
  });

  it("maps the keys of a keyboard to the keypad", () => {
    expect(keypadKeyOf("7")).toBe("7");
    expect(keypadKeyOf("Backspace")).toBe("back");
    expect(keypadKeyOf("Escape")).toBe("clear");
    expect(keypadKeyOf("a")).toBeNull();
    expect(keypadKeyOf("Enter")).toBeNull();
  });
});

describe("taking over", () => {
  it("a scanned badge (with a symbology prefix) leads to the PIN", () => {
    expect(run([{ type: "badge", raw: "]C1B-0042\r" }])).toEqual({ step: "pin", badge: "B-0042", pin: "", error: null });
  });

  it("a badge that is not one stays at the badge step with the reason", () => {
    expect(validateBadge("")).toBe("Scan or type your badge.");
    const s = run([{ type: "badge", raw: "B 42!" }]);
    expect(s.step).toBe("badge");
    expect(s.step === "badge" && s.error).toMatch(/not a badge number/);
  });

  it("submits only a complete PIN", () => {
    const short = run([{ type: "badge", raw: "B-0042" }, ...keys("47"), { type: "submit" }]);
    expect(short).toMatchObject({ step: "pin", pin: "47", error: "Enter your PIN: 4 to 8 digits." });
    const typed = run([...keys("11"), { type: "key", key: "back" }, ...keys("905")], short);
    expect(typed).toMatchObject({ pin: "471905", error: null });
    expect(run([{ type: "submit" }], typed)).toEqual({ step: "submitting", badge: "B-0042", pin: "471905" });
  });

  it("keys are ignored before the badge and while the PIN is checked", () => {
    expect(run(keys("1234"))).toEqual(TAKEOVER_START);
    const sent = run([{ type: "badge", raw: "B-0042" }, ...keys("4711"), { type: "submit" }]);
    expect(run(keys("9"), sent)).toBe(sent);
  });

  it("a wrong PIN keeps the badge and forgets the PIN; other refusals start over", () => {
    const sent = run([{ type: "badge", raw: "B-0042" }, ...keys("4711"), { type: "submit" }]);
    expect(keepsBadge("invalid_credentials")).toBe(true);
    expect(run([{ type: "refused", keepBadge: true, message: "The badge or PIN is wrong." }], sent)).toEqual({
      step: "pin",
      badge: "B-0042",
      pin: "",
      error: "The badge or PIN is wrong.",
    });
    expect(keepsBadge("sign_in_locked")).toBe(false);
    expect(keepsBadge("station_not_registered")).toBe(false);
    expect(run([{ type: "refused", keepBadge: false, message: "Locked" }], sent)).toEqual({
      step: "badge",
      badge: "",
      error: "Locked",
    });
    expect(run([{ type: "restart" }], sent)).toEqual(TAKEOVER_START);
  });
});
