import { expect, signIn, SHOTS, test } from "./fixtures";
import { QUALITY, VIEWER } from "./seed";

test.describe("sign-in", () => {
  test("a wrong password shows the service's problem detail", async ({ page }) => {
    await page.goto("/material/lots");
    await expect(page).toHaveURL(/\/signin$/);
    await page.getByLabel("User name").fill(VIEWER.username);
    await page.getByLabel("Password", { exact: true }).fill("not-the-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByTestId("problem")).toBeVisible();
    await expect(page.getByTestId("problem")).toContainText("The user name or password is wrong.");
    await page.screenshot({ path: `${SHOTS}sign-in-failed.png` });
  });

  test("after sign-in the user comes back to the page asked for; the menu shows what the role allows", async ({
    page,
  }) => {
    await page.goto("/material/lots");
    await expect(page).toHaveURL(/\/signin$/);
    await page.getByLabel("User name").fill(VIEWER.username);
    await page.getByLabel("Password", { exact: true }).fill(VIEWER.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/material\/lots$/);
    await expect(page.getByTestId("signed-in-user")).toHaveText(VIEWER.name);
    const menu = page.getByRole("navigation", { name: "Main menu" });
    await expect(menu.getByRole("link", { name: "Material lots" })).toBeVisible();
    await expect(menu.getByRole("link", { name: "Operator station" })).toHaveCount(0);
  });

  test("a reload keeps the session; sign-out ends it", async ({ page }) => {
    await signIn(page, QUALITY);
    await page.reload();
    await expect(page.getByTestId("signed-in-user")).toHaveText(QUALITY.name);
    await page.screenshot({ path: `${SHOTS}home.png` });
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/signin$/);
    await page.goto("/material/lots");
    await expect(page).toHaveURL(/\/signin$/);
  });

  test("the access token is refreshed silently before it expires", async ({ page }) => {
    // global-setup gives access tokens 30 s: the UI refreshes them after about 24 s
    await signIn(page, QUALITY);
    // no reload from here on (a reload also refreshes, to restore the session): mark the page
    await page.evaluate(() => Object.assign(window, { samePage: true }));
    await page.getByRole("navigation", { name: "Main menu" }).getByRole("link", { name: "Material lots" }).click();
    const refreshed = await page.waitForResponse(
      (r) => r.url().endsWith("/api/v1/auth/refresh") && r.request().method() === "POST",
      { timeout: 45_000 },
    );
    expect(refreshed.status()).toBe(200);
    // the new token works without signing in again
    const lots = page.waitForResponse((r) => r.url().includes("/api/v1/material/lots?"));
    await page.getByText("All", { exact: true }).click();
    expect((await lots).status()).toBe(200);
    await expect(page.getByTestId("signed-in-user")).toHaveText(QUALITY.name);
    expect(await page.evaluate(() => "samePage" in window)).toBe(true);
  });
});
