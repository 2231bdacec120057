import { useSyncExternalStore } from "react";
import { readTerminal, type Terminal } from "./terminal";

let cached: { raw: string | null; value: Terminal | null } = { raw: null, value: null };

function snapshot(): Terminal | null {
  const raw = globalThis.localStorage?.getItem("mes.terminal") ?? null;
  if (raw !== cached.raw) cached = { raw, value: readTerminal() };
  return cached.value;
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener("storage", onChange);
  window.addEventListener("mes-terminal", onChange);
  return () => {
    window.removeEventListener("storage", onChange);
    window.removeEventListener("mes-terminal", onChange);
  };
}

/** The station key installed in this browser (a shared terminal), or null. */
export function useTerminal(): Terminal | null {
  return useSyncExternalStore(subscribe, snapshot);
}
