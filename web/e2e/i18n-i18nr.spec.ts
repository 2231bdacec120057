// The downtime, maintenance and API key screens in German: no English text, no missing key, and the
// texts readable (contrast). The supervisor classifies stops and reads maintenance; the
// administrator creates and revokes API keys and raises maintenance orders and plans.
import { expect, signIn, test } from "./fixtures";
import { contrastOk, followBrowser, untranslated } from "./checks";
import { ADMIN, adminToken, post, SUPERVISOR } from "./seed";

// the machine office-admin.spec.ts stops too (it takes an ongoing stop as it finds it)
const STOP_MACHINE = "PCK-22";

/** PCK-22 is down now, so that its downtime list has an ongoing, unclassified stop. */
async function stopMachine(base: string): Promise<void> {
  const api = `${base}/api/v1`;
  const token = await adminToken(base);
  const r = await fetch(`${api}/resource/equipment/${STOP_MACHINE}/state`, { headers: { authorization: `Bearer ${token}` } });
  const state = (await r.json()) as { state: string | null };
  if (state.state !== "down") await post(`${api}/resource/equipment/${STOP_MACHINE}/state`, token, { state: "down" });
}

test.describe("German resource and administration screens", () => {
  test.use({ locale: "de-DE" });

  test("the supervisor's downtime list, its classify dialog and maintenance are fully German", async ({ page, baseURL }) => {
    await stopMachine(baseURL ?? "");
    await followBrowser(baseURL ?? "", SUPERVISOR);
    await signIn(page, SUPERVISOR);
    await page.goto(`/resource/downtime?machine=${STOP_MACHINE}&hours=24`);
    await expect(page.getByRole("heading", { name: "Stillstände" })).toBeVisible();
    const row = page.getByTestId("downtimes").getByRole("row").filter({ hasText: "steht jetzt" });
    await expect(row).toContainText("nicht klassifiziert");
    await expect(page.getByRole("switch", { name: "Nur nicht klassifizierte" })).toBeVisible();
    expect(await untranslated(page)).toEqual({ missing: [], english: [] });
    await contrastOk(page, "Stillstände");
    await row.getByRole("button", { name: "Klassifizieren" }).click();
    const dialog = page.getByRole("dialog", { name: `Stillstand von ${STOP_MACHINE} klassifizieren` });
    await expect(dialog).toBeVisible();
    await expect(dialog.getByText("Kommentar (optional)")).toBeVisible();
    expect(await untranslated(page)).toEqual({ missing: [], english: [] });
    await dialog.getByRole("button", { name: "Abbrechen" }).click();
    await expect(dialog).toBeHidden();
    await row.getByRole("button", { name: "Teilen" }).click();
    await expect(page.getByRole("dialog", { name: `Stillstand von ${STOP_MACHINE} in zwei teilen` })).toBeVisible();
    expect(await untranslated(page)).toEqual({ missing: [], english: [] });
    await page.getByRole("button", { name: "Abbrechen" }).click();

    await page.goto("/resource/maintenance");
    await expect(page.getByRole("heading", { name: "Instandhaltung", exact: true })).toBeVisible();
    await expect(page.getByTestId("maintenance-orders")).toContainText("Fällig am");
    expect(await untranslated(page)).toEqual({ missing: [], english: [] });
    await contrastOk(page, "Instandhaltungsaufträge");
    await page.getByRole("tab", { name: "Wartungspläne" }).click();
    await expect(page.getByTestId("maintenance-plans")).toContainText("Zuletzt durchgeführt");
    expect(await untranslated(page)).toEqual({ missing: [], english: [] });
  });

  test("the administrator's API keys and maintenance dialogs are fully German", async ({ page, baseURL }) => {
    await followBrowser(baseURL ?? "", ADMIN);
    await signIn(page, ADMIN);
    await page.goto("/admin/api-keys");
    await expect(page.getByRole("heading", { name: "API-Schlüssel" })).toBeVisible();
    await page.getByRole("button", { name: "Neuer API-Schlüssel" }).click();
    const dialog = page.getByRole("dialog", { name: "Neuer API-Schlüssel" });
    await expect(dialog).toBeVisible();
    expect(await untranslated(page)).toEqual({ missing: [], english: [] });
    await dialog.getByLabel("Name").fill("Deutscher Testschlüssel");
    await dialog.getByLabel("Inhaber").fill(ADMIN.username);
    await dialog.getByLabel("Berechtigungen").first().click();
    await page.keyboard.type("workorder:read");
    await page.getByRole("option", { name: "workorder:read", exact: true }).click();
    await dialog.getByLabel("Inhaber").click(); // closes the list of permissions
    await dialog.getByRole("button", { name: "Schlüssel anlegen" }).click();
    await expect(page.getByTestId("api-key-created")).toContainText("Schlüssel „Deutscher Testschlüssel“ angelegt");
    const row = page.getByTestId("api-keys").getByRole("row").filter({ hasText: "Deutscher Testschlüssel" });
    await expect(row).toContainText(`von ${ADMIN.username}`);
    expect(await untranslated(page)).toEqual({ missing: [], english: [] });
    await contrastOk(page, "API-Schlüssel");
    await row.getByRole("button", { name: "Widerrufen" }).click();
    await expect(page.getByRole("dialog", { name: "Schlüssel „Deutscher Testschlüssel“ widerrufen" })).toBeVisible();
    expect(await untranslated(page)).toEqual({ missing: [], english: [] });
    await page.getByRole("button", { name: "Abbrechen" }).click();

    await page.goto("/resource/maintenance");
    await page.getByRole("button", { name: "Neuer Instandsetzungsauftrag" }).click();
    await expect(page.getByRole("dialog", { name: "Neuer Instandsetzungsauftrag" })).toBeVisible();
    expect(await untranslated(page)).toEqual({ missing: [], english: [] });
    await page.getByRole("button", { name: "Abbrechen" }).click();
    await page.getByRole("tab", { name: "Wartungspläne" }).click();
    await page.getByRole("button", { name: "Neuer Wartungsplan" }).click();
    const plan = page.getByRole("dialog", { name: "Neuer Wartungsplan" });
    await expect(plan).toBeVisible();
    await expect(plan.getByText("Tage, Zyklen oder Betriebsstunden")).toBeVisible();
    expect(await untranslated(page)).toEqual({ missing: [], english: [] });
    await page.getByRole("button", { name: "Abbrechen" }).click();
  });
});
