// This browser as a shared shop-floor terminal: the station key an administrator installed here
// (localStorage: it belongs to the terminal, not to whoever is signed in).

import i18n from "../i18n";

export const TERMINAL_KEY = "mes.terminal";
const STATION_KEY = /^messt_[A-Za-z0-9_-]{8,190}$/;

export interface Terminal {
  /** the station key the auth service issued when the station was registered (shown once) */
  key: string;
  /** the station's code and name when known (registered here, or chosen when the key was pasted) */
  code: string | null;
  name: string | null;
  /** the work center the station was registered for: the operator station starts there */
  workCenter?: string | null;
}

/** null when `key` looks like a station key, else why not (the auth service has the last word). */
export function validateStationKey(key: string): string | null {
  const k = key.trim();
  if (!k) return i18n.t("admin.stations.key.missing");
  if (!k.startsWith("messt_")) return i18n.t("admin.stations.key.prefix");
  if (!STATION_KEY.test(k)) return i18n.t("admin.stations.key.partial");
  return null;
}

export function readTerminal(storage: Storage | null = globalThis.localStorage ?? null): Terminal | null {
  const raw = storage?.getItem(TERMINAL_KEY);
  if (!raw) return null;
  try {
    const t = JSON.parse(raw) as Partial<Terminal>;
    if (typeof t.key !== "string" || validateStationKey(t.key)) return null;
    return {
      key: t.key,
      code: typeof t.code === "string" ? t.code : null,
      name: typeof t.name === "string" ? t.name : null,
      workCenter: typeof t.workCenter === "string" ? t.workCenter : null,
    };
  } catch {
    return null;
  }
}

export function writeTerminal(t: Terminal | null, storage: Storage | null = globalThis.localStorage ?? null): void {
  if (!storage) return;
  if (t === null) storage.removeItem(TERMINAL_KEY);
  else storage.setItem(TERMINAL_KEY, JSON.stringify({ ...t, key: t.key.trim() }));
  // other components of this tab follow (the storage event only reaches other tabs)
  globalThis.dispatchEvent?.(new Event("mes-terminal"));
}

/** The terminal as people read it: "Station name (CODE)", the code of the token's station first. */
export function terminalLabel(t: Pick<Terminal, "code" | "name"> | null, fromToken?: string | null): string {
  const code = fromToken ?? t?.code;
  if (t?.name && code && (!fromToken || fromToken === t.code)) return `${t.name} (${code})`;
  return code ? i18n.t("admin.stations.label.code", { code }) : i18n.t("admin.stations.label.unknown");
}

/**
 * After a badge sign-in the token names the station: a terminal set up with a pasted key learns
 * its code that way. null when there is nothing to learn.
 */
export function learnStation(t: Terminal | null, station: string | undefined): Terminal | null {
  if (!t || !station || t.code === station) return null;
  return { ...t, code: station, name: null, workCenter: t.code ? null : (t.workCenter ?? null) };
}
