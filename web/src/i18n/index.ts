import i18n from "i18next";
import { initReactI18next } from "react-i18next";
import de from "./de.json";
import en from "./en.json";
import es from "./es.json";

/** The languages the UI has catalogues for; the auth service accepts the same (schemas.Language). */
export const LANGUAGES = ["en", "de", "es"] as const;
export type Language = (typeof LANGUAGES)[number];
export const LANGUAGE_NAMES: Record<Language, string> = { en: "English", de: "Deutsch", es: "Español" };

export function isLanguage(value: unknown): value is Language {
  return typeof value === "string" && (LANGUAGES as readonly string[]).includes(value);
}

/** The browser's first language we have a catalogue for ("de-AT" gives de), else English. */
export function browserLanguage(languages: readonly string[] = globalThis.navigator?.languages ?? []): Language {
  for (const tag of languages) {
    const base = tag.toLowerCase().split("-")[0];
    if (isLanguage(base)) return base;
  }
  return "en";
}

declare global {
  interface Window {
    /** every key the UI asked for that no catalogue has (the German e2e asserts it stays empty) */
    __i18nMissing?: string[];
  }
}

function missing(languages: readonly string[], _ns: string, key: string): void {
  if (typeof window === "undefined") return;
  const list = (window.__i18nMissing ??= []);
  const entry = `${languages.join(",")}:${key}`;
  if (!list.includes(entry)) list.push(entry);
  console.warn(`i18n: missing key ${entry}`);
}

void i18n.use(initReactI18next).init({
  resources: { en: { translation: en }, de: { translation: de }, es: { translation: es } },
  lng: browserLanguage(),
  fallbackLng: "en",
  supportedLngs: [...LANGUAGES],
  interpolation: { escapeValue: false }, // React escapes
  returnNull: false,
  saveMissing: true,
  missingKeyHandler: missing,
});

/** Shows the UI in `language`: the server preference, or the browser's when there is none. */
export function applyLanguage(language: Language | null | undefined): void {
  const lng = language ?? browserLanguage();
  if (i18n.language !== lng) void i18n.changeLanguage(lng);
  if (typeof document !== "undefined") document.documentElement.lang = lng;
}

export default i18n;

/** A status code the server sends (running, on_hold...): its catalogue label, else the code made readable. */
export function codeLabel(group: string, code: string): string {
  const key = `codes.${group}.${code}`;
  if (i18n.exists(key)) return i18n.t(key);
  const text = code.replace(/[_-]+/g, " ").trim();
  return text.charAt(0).toUpperCase() + text.slice(1);
}
