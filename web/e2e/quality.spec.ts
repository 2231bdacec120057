import type { Page } from "@playwright/test";
import { expect, signIn, SHOTS, test } from "./fixtures";
import { OPERATOR, PLANT } from "./seed";

// the demo's quality engineer and what src/mes/demo_quality.py seeds for the running moulding order
const ENGINEER = { username: "lea.martin", password: "quality-check-2026" };
const ORDER = "WO-1003";
const LOT = "BOX-1003-A";

async function choose(page: Page, label: string, option: string): Promise<void> {
  await page.getByRole("combobox", { name: label }).click();
  await page.getByRole("option", { name: option }).click();
}

async function top(page: Page): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0));
}

test.describe("quality closed loop", () => {
  test("an operator records a due inspection, a quality engineer signs the NCR's partial disposition, the lot and SPC chart show it", async ({
    page: operatorPage,
    browser,
    baseURL,
  }) => {
    let page = operatorPage;
    // the operator at press 1, where WO-1003 is moulding: its patrol inspection is due
    await signIn(page, OPERATOR);
    await page.goto("/station");
    await choose(page, "Work center", PLANT.workCenterLabel);
    await choose(page, "Equipment", "Injection press 1 (IMM-11)");
    await page.getByTestId(`dispatch-${ORDER}-10`).click();
    const due = page.getByTestId("due-inspections");
    await expect(due).toContainText("Inspection due: IP-BOX-10");
    await choose(page, "Gauge", "Digital caliper 0-150 mm (CAL-01)");
    for (const key of ["2", ".", "3", "5"]) await due.getByRole("button", { name: `key ${key}` }).click();
    await expect(page.getByTestId("value-WALL")).toHaveValue("2.35");
    await due.getByRole("button", { name: "Pass" }).click(); // no flash on the rim
    await due.getByRole("button", { name: "Record inspection" }).click();
    const verdict = page.getByTestId("inspection-verdict");
    await expect(verdict).toContainText("FAIL");
    await expect(verdict).toContainText("WALL 2.35");
    const ncr = ((await verdict.textContent()) ?? "").match(/NCR-\d{6}/)?.[0];
    expect(ncr).toBeTruthy();
    await page.screenshot({ path: `${SHOTS}quality-station-verdict.png`, fullPage: true });

    // the quality engineer opens the NCR from the workbench and signs a partial disposition
    page = await (await browser.newContext({ baseURL })).newPage();
    await signIn(page, ENGINEER);
    await page.goto("/quality");
    await expect(page.getByTestId("ncrs-open")).toContainText(ncr as string);
    await page.screenshot({ path: `${SHOTS}quality-workbench.png`, fullPage: true });
    await page.getByTestId("ncrs-open").getByRole("link", { name: ncr as string }).click();
    await expect(page.getByTestId("held-material")).toContainText(LOT);
    await expect(page.getByTestId("ncr-status")).toHaveText("Open");
    await page.getByRole("button", { name: "Disposition…" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Quantity to scrap").fill("5");
    await dialog.getByLabel("Reason").fill("5 boxes with thin walls sorted out; the rest re-measured good");
    await expect(dialog.getByTestId("signature-meaning")).toContainText("Partial");
    await dialog.getByLabel("User name").fill(ENGINEER.username);
    await dialog.getByLabel("Password", { exact: true }).fill(ENGINEER.password);
    await page.screenshot({ path: `${SHOTS}quality-ncr-sign.png`, fullPage: true });
    await dialog.getByRole("button", { name: "Sign and apply" }).click();
    await expect(page.getByTestId("ncr-disposition")).toContainText("Partial, signed by");
    await top(page);
    await page.screenshot({ path: `${SHOTS}quality-ncr.png`, fullPage: true });

    // the lot page shows the outcome: released with 35 of 40, the scrapped part split off
    await expect(async () => {
      await page.goto(`/material/lots/${LOT}`);
      await expect(page.getByTestId("lot-status")).toHaveText("Available", { timeout: 1000 });
    }).toPass({ timeout: 15_000 });
    await expect(page.getByTestId("lot-quantity")).toHaveText("35 pcs");
    await page.screenshot({ path: `${SHOTS}quality-lot-outcome.png`, fullPage: true });

    // the SPC chart marks the violation (rule 1: beyond 3 sigma) with Cp/Cpk
    await page.goto("/quality/spc/IP-BOX-10/WALL");
    await expect(page.getByTestId("spc-chart")).toBeVisible();
    await expect(page.getByTestId("violation-point")).toHaveCount(1);
    await expect(page.getByTestId("spc-violations")).toContainText("rule 1");
    await expect(page.getByTestId("capability-cpk")).not.toContainText("—");
    await page.screenshot({ path: `${SHOTS}quality-spc.png`, fullPage: true });
  });
});
