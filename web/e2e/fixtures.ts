import { expect, test as base, type Page } from "@playwright/test";

/** baseURL is the `mes up` that global-setup started (its port is only known then). */
export const test = base.extend({
  baseURL: async ({}, use) => {
    const url = process.env.MES_E2E_URL;
    if (!url) throw new Error("MES_E2E_URL is not set: global-setup did not run");
    await use(url);
  },
});

export { expect };

export async function signIn(page: Page, user: { username: string; password: string }): Promise<void> {
  await page.goto("/signin");
  // by test id: the sign-in page speaks the browser's language (the German e2e signs in in German)
  await page.getByTestId("signin-username").fill(user.username);
  await page.getByTestId("signin-password").fill(user.password);
  await page.getByTestId("signin-submit").click();
  await expect(page.getByTestId("signed-in-user")).toBeVisible();
}

/** What a keyboard-wedge scanner does: types fast into whatever has the focus, then Enter. */
export async function scan(page: Page, code: string): Promise<void> {
  // the operator scans once the screen shows its scan field
  await expect(page.getByTestId("scan-input")).toBeVisible();
  await page.keyboard.type(code, { delay: 5 });
  await page.keyboard.press("Enter");
}

export const SHOTS = new URL("../../docs/screenshots/", import.meta.url).pathname;
