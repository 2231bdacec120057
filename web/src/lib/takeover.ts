// Taking over a shared terminal: badge first (scanned by a keyboard wedge or typed), then the PIN
// on an on-screen keypad. Pure state, so that the steps and the keypad are tested without a DOM.
import { normalizeScan } from "./forms";
import i18n from "../i18n";

export const PIN_MIN = 4;
export const PIN_MAX = 8;
const BADGE = /^[A-Za-z0-9-]{3,64}$/;

export type TakeoverState =
  | { step: "badge"; badge: string; error: string | null }
  | { step: "pin"; badge: string; pin: string; error: string | null }
  | { step: "submitting"; badge: string; pin: string };

export type KeypadKey = "0" | "1" | "2" | "3" | "4" | "5" | "6" | "7" | "8" | "9" | "back" | "clear";

export type TakeoverAction =
  | { type: "badge"; raw: string }
  | { type: "key"; key: KeypadKey }
  | { type: "submit" }
  /** the service refused: a wrong PIN keeps the badge, anything else starts over */
  | { type: "refused"; keepBadge: boolean; message: string }
  | { type: "restart" };

export const TAKEOVER_START: TakeoverState = { step: "badge", badge: "", error: null };

/** null when `badge` can be sent, else why not. */
export function validateBadge(badge: string): string | null {
  if (!badge) return i18n.t("takeover.badgeMissing");
  if (!BADGE.test(badge)) return i18n.t("takeover.badgeInvalid");
  return null;
}

/** The PIN entered so far, after one key of the keypad: digits up to PIN_MAX, back, clear. */
export function pressKey(pin: string, key: KeypadKey): string {
  if (key === "back") return pin.slice(0, -1);
  if (key === "clear") return "";
  return pin.length >= PIN_MAX ? pin : pin + key;
}

export function pinComplete(pin: string): boolean {
  return pin.length >= PIN_MIN && pin.length <= PIN_MAX && /^\d+$/.test(pin);
}

/** One dot per digit entered, then a hollow one for each digit still needed (at least PIN_MIN). */
export function pinDots(pin: string): string {
  return "●".repeat(pin.length) + "○".repeat(Math.max(0, PIN_MIN - pin.length));
}

/** The digit a key of the physical keyboard stands for on the keypad, or null. */
export function keypadKeyOf(key: string): KeypadKey | null {
  if (/^[0-9]$/.test(key)) return key as KeypadKey;
  if (key === "Backspace") return "back";
  if (key === "Escape" || key === "Delete") return "clear";
  return null;
}

export function takeoverReducer(state: TakeoverState, action: TakeoverAction): TakeoverState {
  switch (action.type) {
    case "badge": {
      if (state.step !== "badge") return state;
      const badge = normalizeScan(action.raw);
      const error = validateBadge(badge);
      return error ? { step: "badge", badge, error } : { step: "pin", badge, pin: "", error: null };
    }
    case "key":
      if (state.step !== "pin") return state;
      return { ...state, pin: pressKey(state.pin, action.key), error: null };
    case "submit":
      if (state.step !== "pin") return state;
      if (!pinComplete(state.pin)) return { ...state, error: `Enter your PIN: ${PIN_MIN} to ${PIN_MAX} digits.` };
      return { step: "submitting", badge: state.badge, pin: state.pin };
    case "refused":
      // the PIN is never kept after a refusal
      return action.keepBadge
        ? { step: "pin", badge: state.badge, pin: "", error: action.message }
        : { step: "badge", badge: "", error: action.message };
    case "restart":
      return TAKEOVER_START;
  }
}

/** Whether a refusal (problem `code`) lets the person retry the PIN with the same badge. */
export function keepsBadge(code: string | undefined): boolean {
  return code === "invalid_credentials";
}
