import { expect, signIn, SHOTS, test } from "./fixtures";
import { followBrowser, untranslated } from "./checks";
import { ADMIN, adminToken, PLANNER, PLANT, QUALITY, SUPERVISOR } from "./seed";

/** The demo's work order in progress and its running operation (read through the API). */
async function runningOperation(base: string): Promise<{ order: string; op: string }> {
  const token = await adminToken(base);
  const r = await fetch(`${base}/api/v1/workorders/orders/WO-1003`, { headers: { Authorization: `Bearer ${token}` } });
  const order = (await r.json()) as { operations: { key: string; status: string }[] };
  const op = order.operations.find((o) => o.status === "in_progress");
  if (!op) throw new Error("the demo's WO-1003 has no running operation");
  return { order: "WO-1003", op: op.key };
}

test.describe("German UI", () => {
  test.use({ locale: "de-DE" });

  test("the planner's work orders, an order and the schedule are fully German", async ({ page, baseURL }) => {
    await followBrowser(baseURL ?? "", PLANNER);
    await signIn(page, PLANNER);
    await expect(page.getByTestId("language-menu")).toHaveText("Deutsch");
    await page.goto("/workorders");
    await expect(page.getByRole("heading", { name: "Fertigungsaufträge" })).toBeVisible();
    await expect(page.getByTestId("order-row-WO-1003").getByTestId("order-status")).toHaveText("In Arbeit");
    await expect(page.getByTestId("order-total")).toContainText("Fertigungsauftr");
    expect(await untranslated(page)).toEqual({ missing: [], english: [] });
    // the new-order dialog, with its validation messages
    await page.getByTestId("new-order").click();
    await expect(page.getByRole("dialog", { name: "Neuer Fertigungsauftrag" })).toBeVisible();
    await page.getByRole("button", { name: "Anlegen" }).click();
    await expect(page.getByText("Wählen Sie das zu fertigende Produkt.")).toBeVisible();
    expect(await untranslated(page)).toEqual({ missing: [], english: [] });
    await page.getByRole("button", { name: "Abbrechen" }).click();

    await page.goto("/workorders/WO-1003");
    await expect(page.getByRole("heading", { name: "Arbeitsgänge" })).toBeVisible();
    await expect(page.getByRole("heading", { name: "Historie" })).toBeVisible();
    await expect(page.getByTestId("planned-vs-built")).toContainText("Geplant gegenüber gefertigt");
    await page.screenshot({ path: `${SHOTS}workorder-de.png`, fullPage: true });
    expect(await untranslated(page)).toEqual({ missing: [], english: [] });

    await page.goto("/schedule");
    await expect(page.getByRole("heading", { name: "Feinplanung" })).toBeVisible();
    await expect(page.getByTestId("gantt")).toBeVisible();
    expect(await untranslated(page)).toEqual({ missing: [], english: [] });
  });

  test("the administrator's users are fully German", async ({ page, baseURL }) => {
    await followBrowser(baseURL ?? "", ADMIN);
    await signIn(page, ADMIN);
    await page.goto("/admin/users");
    await expect(page.getByRole("heading", { name: "Benutzer", exact: true })).toBeVisible();
    await expect(page.getByTestId(`user-${PLANNER.username}`)).toContainText("aktiv");
    expect(await untranslated(page)).toEqual({ missing: [], english: [] });
    await page.getByRole("button", { name: "Neuer Benutzer" }).click();
    await expect(page.getByRole("dialog", { name: "Neuer Benutzer" })).toBeVisible();
    expect(await untranslated(page)).toEqual({ missing: [], english: [] });
    await page.getByRole("button", { name: "Abbrechen" }).click();
  });

  test("the quality engineer's workbench is fully German", async ({ page, baseURL }) => {
    await followBrowser(baseURL ?? "", QUALITY);
    await signIn(page, QUALITY);
    await page.goto("/quality");
    await expect(page.getByRole("heading", { name: "Qualitätsarbeitsplatz" })).toBeVisible();
    await expect(page.getByTestId("tasks-due")).toContainText("Fällig und überfällig");
    expect(await untranslated(page)).toEqual({ missing: [], english: [] });
  });

  test("the station with a running operation and the board are fully German", async ({ page, baseURL }) => {
    const { order, op } = await runningOperation(baseURL ?? "");
    await page.addInitScript(
      ([wc]) => localStorage.setItem("mes.station", JSON.stringify({ workCenter: wc, equipment: null })),
      [PLANT.workCenter],
    );
    await signIn(page, SUPERVISOR);
    await expect(page.getByTestId("language-menu")).toHaveText("Deutsch");
    await page.goto(`/station?wo=${order}&op=${op}`);
    await expect(page.getByRole("heading", { name: "Bedienerstation" })).toBeVisible();
    await expect(page.getByTestId("op-status")).toHaveText("In Arbeit");
    await expect(page.getByRole("heading", { name: "Arbeitsvorrat" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Melden", exact: true })).toBeVisible();
    await page.screenshot({ path: `${SHOTS}station-de.png`, fullPage: true });
    expect(await untranslated(page)).toEqual({ missing: [], english: [] });

    await page.goto("/board");
    await expect(page.getByRole("heading", { name: "Leitstand" })).toBeVisible();
    await expect(page.getByTestId("stream-status")).toHaveText("Live");
    await expect(page.getByTestId("order-WO-1003").getByTestId("order-status")).toHaveText("In Arbeit");
    expect(await untranslated(page)).toEqual({ missing: [], english: [] });
  });
});

test("a user picks Deutsch in the header, reloads, and the UI stays German from the server", async ({ page }) => {
  await signIn(page, PLANNER);
  await page.goto("/board");
  await expect(page.getByRole("heading", { name: "Supervisor board" })).toBeVisible();
  await page.getByTestId("language-menu").click();
  const saved = page.waitForResponse((r) => r.url().endsWith("/api/v1/auth/me/preferences") && r.request().method() === "PUT");
  await page.getByTestId("language-de").click();
  expect((await saved).status()).toBe(200);
  await expect(page.getByRole("heading", { name: "Leitstand" })).toBeVisible();
  await page.reload();
  await expect(page.getByRole("heading", { name: "Leitstand" })).toBeVisible();
  await expect(page.getByTestId("language-menu")).toHaveText("Deutsch");
  // back to English, so that the other specs find this user as they expect
  await page.getByTestId("language-menu").click();
  await page.getByTestId("language-en").click();
  await expect(page.getByRole("heading", { name: "Supervisor board" })).toBeVisible();
});
