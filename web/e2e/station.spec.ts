import type { Page } from "@playwright/test";
import { expect, scan, signIn, SHOTS, test } from "./fixtures";
import { adminToken, CNC_OPERATOR, OPERATOR, PLANT, VIEWER } from "./seed";

async function lotKg(baseURL: string, code: string): Promise<number> {
  const r = await fetch(`${baseURL}/api/v1/material/lots/${code}`, {
    headers: { authorization: `Bearer ${await adminToken(baseURL)}` },
  });
  expect(r.status).toBe(200);
  return Number(((await r.json()) as { quantity: string }).quantity);
}

const kg = (n: number) => `${n.toLocaleString("en-GB")} kg`;

/** Scrolled to the top, so that a full-page screenshot has the fixed header where it belongs. */
async function top(page: Page): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0));
}

async function choose(page: Page, label: string, option: string): Promise<void> {
  await page.getByRole("combobox", { name: label }).click();
  await page.getByRole("option", { name: option }).click();
}

test.describe("operator station", () => {
  test("an operator runs a demo order's operation from start to complete with a scanned lot and scrap", async ({
    page,
    baseURL,
  }) => {
    // the demo plant's released box order, moulded on line 1 from the demo's resin lot
    const before = await lotKg(baseURL ?? "", PLANT.resin);
    await signIn(page, OPERATOR);
    await page.getByRole("navigation", { name: "Main menu" }).getByRole("link", { name: "Operator station" }).click();
    await choose(page, "Work center", PLANT.workCenterLabel);
    await choose(page, "Equipment", PLANT.press2Label);

    await page.getByTestId(`dispatch-${PLANT.order}-10`).click();
    const panel = page.getByTestId("operation-panel");
    await expect(panel.getByTestId("op-status")).toHaveText("Pending");
    await panel.getByRole("button", { name: `Start on ${PLANT.press2}` }).click();
    await expect(panel.getByTestId("op-status")).toHaveText("In progress");

    // pause with a reason, then resume
    await panel.getByRole("button", { name: "Pause" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Material missing" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Pause" }).click();
    await expect(panel.getByTestId("op-status")).toHaveText("Paused");
    await panel.getByRole("button", { name: "Resume" }).click();
    await expect(panel.getByTestId("op-status")).toHaveText("In progress");

    // a held lot is refused with a clear red message
    await page.getByTestId("consume-quantity").fill("5");
    await page.getByTestId("scan-input").click();
    await scan(page, PLANT.heldResin);
    const refusal = page.getByTestId("problem");
    await expect(refusal).toContainText("Lot refused");
    await expect(refusal).toContainText(PLANT.heldResin);
    await top(page);
    await page.screenshot({ path: `${SHOTS}station-held-lot.png`, fullPage: true });

    // the good lot is consumed
    await page.getByTestId("scan-input").fill("");
    await scan(page, PLANT.resin);
    await expect(page.getByTestId("consume-result")).toContainText(`Consumed 5 kg of lot ${PLANT.resin}`);
    await expect(page.getByTestId("consume-result")).toContainText(`${kg(before - 5)} left`);

    // good and scrap with a reason
    await page.getByLabel("Good", { exact: true }).fill("9");
    await page.getByRole("button", { name: "Add scrap" }).click();
    await page.getByLabel("Scrap 1").fill("1");
    const reason = page.getByRole("combobox", { name: "Reason" });
    await reason.fill("Short shot");
    await reason.press("Escape");
    await page.getByRole("button", { name: "Report" }).click();
    await expect(panel.getByTestId("op-good")).toHaveText("9");
    await expect(panel.getByTestId("op-scrap")).toHaveText("1");
    await top(page);
    await page.screenshot({ path: `${SHOTS}station.png`, fullPage: true });

    await panel.getByRole("button", { name: "Complete" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Complete" }).click();
    await expect(panel.getByTestId("op-status")).toHaveText("Completed");
    // the box still needs its hinges (operation 20): the order goes on
    await expect(panel.getByTestId("op-done")).toContainText(`Work order ${PLANT.order} is in progress`);
    await top(page);
    await page.screenshot({ path: `${SHOTS}station-completed.png`, fullPage: true });

    // the material page agrees: 5 kg went out of the lot
    await page.goto(`/material/lots/${PLANT.resin}`);
    await expect(page.getByTestId("lot-quantity")).toHaveText(kg(before - 5));
  });

  test("the station works on a 10-inch tablet in portrait, with targets for gloved fingers", async ({ page }) => {
    await page.setViewportSize({ width: 800, height: 1280 });
    await signIn(page, CNC_OPERATOR);
    await page.goto("/station");
    await choose(page, "Work center", PLANT.cncLabel);
    await page.getByTestId(`dispatch-${PLANT.tabletOrder}-10`).click();
    const start = page.getByTestId("operation-panel").getByRole("button", { name: /^Start/ });
    await expect(start).toBeVisible();
    const box = await start.boundingBox();
    expect(box?.height ?? 0).toBeGreaterThanOrEqual(64);
    expect(box?.width ?? 0).toBeGreaterThanOrEqual(120);
    await top(page);
    await page.screenshot({ path: `${SHOTS}station-tablet.png`, fullPage: true });
  });

  test("a viewer can't see the operator station", async ({ page }) => {
    await signIn(page, VIEWER);
    await expect(page.getByRole("navigation", { name: "Main menu" }).getByRole("link", { name: "Operator station" })).toHaveCount(0);
    await page.goto("/station");
    await expect(page.getByRole("alert")).toContainText("Not for your role");
    await expect(page.getByRole("button", { name: /Start/ })).toHaveCount(0);
  });
});
