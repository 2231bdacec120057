// Issue 17, "a shop floor you can trust": a double tap books once; a report and a consumption
// made offline wait as pending, one is cancelled, and after the reconnect only the other is
// booked, once; the station reloads offline. Every check of what was booked goes through the API.
import type { Page } from "@playwright/test";
import { expect, scan, signIn, SHOTS, test } from "./fixtures";
import { adminToken, OPERATOR, PLANT, post } from "./seed";

const ORDER = "WO-T17-1";
const MACHINE = PLANT.press3;

async function get<T>(baseURL: string, path: string): Promise<T> {
  const r = await fetch(`${baseURL}/api/v1${path}`, { headers: { authorization: `Bearer ${await adminToken(baseURL)}` } });
  expect(r.status).toBe(200);
  return (await r.json()) as T;
}

async function op10(baseURL: string): Promise<{ good: string; status: string }> {
  const order = await get<{ operations: { key: string; good: string; status: string }[] }>(baseURL, `/workorders/orders/${ORDER}`);
  const op = order.operations.find((o) => o.key === "10");
  if (!op) throw new Error("no operation 10");
  return op;
}

async function consumptions(baseURL: string): Promise<{ lot: string; quantity: string }[]> {
  return (await get<{ items: { lot: string; quantity: string }[] }>(baseURL, `/material/consumptions?work_order=${ORDER}`)).items;
}

/** The toasts in the corner have gone (they would take the tap meant for a button under them). */
async function quiet(page: Page): Promise<void> {
  await expect(page.locator(".mantine-Notification-root")).toHaveCount(0, { timeout: 15_000 });
}

async function choose(page: Page, label: string, option: string): Promise<void> {
  await page.getByRole("combobox", { name: label }).click();
  await page.getByRole("option", { name: option }).click();
}

test.describe("a station you can trust", () => {
  test.beforeAll(async () => {
    const base = process.env.MES_E2E_URL ?? "";
    const token = await adminToken(base);
    const due = new Date(Date.now() + 5 * 86_400_000).toISOString();
    await post(`${base}/api/v1/workorders/orders`, token, { number: ORDER, product: "BOX-S", quantity: "20", due, priority: 1 });
    await post(`${base}/api/v1/workorders/orders/${ORDER}/release`, token, {});
  });

  test("a double tap books once; offline work waits, can be cancelled, and is booked once on reconnect", async ({
    page,
    context,
    baseURL,
  }) => {
    const base = baseURL ?? "";
    const lotBefore = Number((await get<{ quantity: string }>(base, `/material/lots/${PLANT.resin}`)).quantity);
    await signIn(page, OPERATOR);
    await page.goto("/station");
    // the service worker holds the UI from now on: wait until it is installed and active (it
    // precaches the whole UI first), then, if it has not claimed this page yet, load the page again
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    if (!(await page.evaluate(() => navigator.serviceWorker.controller != null))) await page.reload();
    await page.waitForFunction(() => navigator.serviceWorker?.controller != null, undefined, { timeout: 30_000 });
    await choose(page, "Work center", PLANT.workCenterLabel);
    await choose(page, "Equipment", "Injection press 3 (IMM-13)");
    await page.getByTestId(`dispatch-${ORDER}-10`).click();
    const panel = page.getByTestId("operation-panel");
    await panel.getByRole("button", { name: `Start on ${MACHINE}` }).click();
    await expect(panel.getByTestId("op-status")).toHaveText("In progress");
    // what the operator needs: materials per the BOM with their unit, times, who is clocked in
    await expect(page.getByTestId("material-PP-RESIN")).toContainText("0.35 kg");
    await expect(page.getByTestId("material-PP-RESIN").getByTestId("material-remaining")).toHaveText("7 kg");
    await expect(panel.getByTestId("op-times")).toContainText("Target 1 h 01 min");
    await expect(page.getByTestId("clocked-in")).toContainText(OPERATOR.username);
    await expect(page.getByTestId("network-status")).toHaveText("Online");

    // a fraction of a piece is refused before anything is sent
    await page.getByLabel("Good", { exact: true }).fill("1.5");
    await page.getByRole("button", { name: "Report" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "pcs is counted in whole units" })).toBeVisible();
    // "1,500" is ambiguous
    await page.getByLabel("Good", { exact: true }).fill("1,500");
    await page.getByRole("button", { name: "Report" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "ambiguous" })).toBeVisible();

    // a double tap on Report: one report, booked once
    await page.getByLabel("Good", { exact: true }).fill("1");
    await page.getByRole("button", { name: "Report" }).dblclick();
    await expect(panel.getByTestId("op-good")).toHaveText("1");
    await page.waitForTimeout(500); // let a second request, had there been one with another key, land
    expect((await op10(base)).good).toBe("1");

    // the network goes: the header says so at once
    await context.setOffline(true);
    await expect(page.getByTestId("network-status")).toContainText("Offline");

    // a report made offline waits
    await page.getByLabel("Good", { exact: true }).fill("2");
    await page.getByLabel("Good", { exact: true }).press("Enter");
    const queued = page.getByTestId("queued-command");
    await expect(queued.filter({ hasText: "Report 2 pcs good" }).getByTestId("queued-status")).toHaveText("Waiting for the network");

    // a consumption made offline waits too
    await page.getByTestId("scan-input").click();
    await scan(page, PLANT.resin);
    await page.getByTestId("consume-quantity").fill("3");
    await quiet(page);
    await page.getByTestId("consume-button").click();
    await expect(page.getByTestId("consume-queued")).toContainText("waits for the network");
    const consume = queued.filter({ hasText: `from lot ${PLANT.resin}` });
    await expect(consume.getByTestId("queued-status")).toHaveText("Waiting for the network");
    await expect(page.getByTestId("network-status")).toHaveText("Offline · 2 waiting");

    // a pause can't wait: it is refused now and never sent later
    await quiet(page);
    await panel.getByRole("button", { name: "Pause" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Break" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Pause" }).click();
    await expect(page.getByRole("dialog").getByTestId("problem")).toContainText("will not be sent later");
    await page.getByRole("dialog").getByRole("button", { name: "Cancel" }).click();

    // the operator cancels the report
    await queued.filter({ hasText: "Report 2 pcs good" }).getByRole("button", { name: "Cancel" }).click();
    await expect(queued.filter({ hasText: "Report 2 pcs good" }).getByTestId("queued-status")).toHaveText("Cancelled, not sent");

    // reloading offline shows the station, with what waits
    await page.reload();
    await expect(page.getByRole("heading", { name: "Operator station" })).toBeVisible();
    await expect(page.getByTestId("network-status")).toHaveText("Offline · 1 waiting");
    await expect(consume.getByTestId("queued-status")).toHaveText("Waiting for the network");
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: `${SHOTS}station-offline.png`, fullPage: true });

    // the network is back: the consumption is sent, once; the cancelled report never
    await context.setOffline(false);
    await expect(consume.getByTestId("queued-status")).toHaveText("Booked", { timeout: 30_000 });
    await expect(queued.filter({ hasText: "Report 2 pcs good" }).getByTestId("queued-status")).toHaveText("Cancelled, not sent");
    await expect(page.getByTestId("network-status")).toHaveText("Online");
    const booked = await consumptions(base);
    expect(booked).toEqual([expect.objectContaining({ lot: PLANT.resin, quantity: "3" })]);
    expect(Number((await get<{ quantity: string }>(base, `/material/lots/${PLANT.resin}`)).quantity)).toBe(lotBefore - 3);
    const after = await op10(base);
    expect([after.good, after.status]).toEqual(["1", "in_progress"]); // neither the report nor the pause
    await page.reload();
    await expect(consume.getByTestId("queued-status")).toHaveText("Booked");
    expect(await consumptions(base)).toHaveLength(1);
  });
});
