// Checks the e2e specs share: which texts on a page are untranslated, a user back to the browser's
// language, and axe's text contrast.
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import de from "../src/i18n/de.json" with { type: "json" };
import en from "../src/i18n/en.json" with { type: "json" };
import { expect } from "./fixtures";
import { post } from "./seed";

function flatten(tree: unknown, prefix = ""): Record<string, string> {
  if (typeof tree !== "object" || tree === null) return { [prefix]: String(tree) };
  return Object.assign({}, ...Object.entries(tree).map(([k, v]) => flatten(v, prefix ? `${prefix}.${k}` : k)));
}

/** English catalogue texts whose German differs: none of them may be seen on a German page. */
const ENGLISH_ONLY = (() => {
  const english = flatten(en);
  const german = flatten(de);
  // (a text that is also German, e.g. "Start" for Home, is not English)
  const germanTexts = new Set(Object.values(german));
  return new Set(
    Object.entries(english)
      .filter(([key, text]) => !text.includes("{{") && german[key] !== text && !germanTexts.has(text))
      .map(([, text]) => text),
  );
})();

export async function untranslated(page: Page): Promise<{ missing: string[]; english: string[] }> {
  const texts = await page.evaluate(() => {
    const found: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (el && el.offsetParent !== null && n.textContent?.trim()) found.push(n.textContent.trim());
    }
    for (const el of document.querySelectorAll("[aria-label],[placeholder],[title]"))
      for (const a of ["aria-label", "placeholder", "title"]) {
        const v = el.getAttribute(a);
        if (v) found.push(v.trim());
      }
    return found;
  });
  const missing = await page.evaluate(() => window.__i18nMissing ?? []);
  return { missing, english: [...new Set(texts.filter((t) => ENGLISH_ONLY.has(t)))] };
}

/** The user follows the browser's language again (another spec may have saved a choice). */
export async function followBrowser(base: string, user: { username: string; password: string }): Promise<void> {
  const login = { username: user.username, password: user.password };
  const { access_token: token } = (await post(`${base}/api/v1/auth/login`, null, login)) as { access_token: string };
  await post(`${base}/api/v1/auth/me/preferences`, token, { language: null }, "PUT");
}

/** axe's colour-contrast rule on what is on screen now; any violation fails, with what and where. */
export async function contrastOk(page: Page, screen: string): Promise<void> {
  const result = await new AxeBuilder({ page }).withRules(["color-contrast"]).analyze();
  const found = result.violations.flatMap((v) =>
    v.nodes.map((n) => `${screen}: ${n.target.join(" ")} — ${n.failureSummary?.split("\n").slice(1).join(" ")}`),
  );
  expect(found, found.join("\n")).toEqual([]);
  // the rule looked at something: a blank screen would pass vacuously
  expect(result.passes.find((p) => p.id === "color-contrast")?.nodes.length ?? 0).toBeGreaterThan(5);
}
