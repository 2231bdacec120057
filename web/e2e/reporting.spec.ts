import { expect as baseExpect, signIn, SHOTS, test } from "./fixtures";
import { SUPERVISOR } from "./seed";

// OEE over days of a whole plant takes a few seconds on a loaded build machine
const expect = baseExpect.configure({ timeout: 45_000 });

// the demo's recent past (src/mes/demo_reporting.py): four shifts of states, stops and yields;
// CNC-22 on line 2 stands still with an electrical fault (ELEC)
test.describe("reporting", () => {
  test("the OEE dashboard shows a demo line's figures and drills down to a stop", async ({ page }) => {
    test.slow();
    await signIn(page, SUPERVISOR);
    await page.getByRole("navigation", { name: "Main menu" }).getByRole("link", { name: "OEE dashboard" }).click();
    const percent = /^\d{1,3}\.\d %$/;
    await expect(page.getByTestId("kpi-oee")).toHaveText(percent);
    // site -> line 1 -> its moulding -> a press
    await page.getByTestId("child-LINE-1").click();
    await expect(page.getByTestId("trail")).toContainText("LINE-1");
    for (const kpi of ["kpi-oee", "kpi-availability", "kpi-performance", "kpi-quality"]) {
      await expect(page.getByTestId(kpi)).toHaveText(percent);
    }
    await expect(page.getByTestId("totals")).toContainText(/Good \d+ · scrap \d+/);
    await expect(page.getByTestId("scrap-pareto-row").first()).toBeVisible();
    await page.getByTestId("child-L1-MOULD").click();
    await page.getByTestId("child-IMM-11").click();
    await expect(page.getByTestId("trail")).toContainText("IMM-11");
    const stop = page.getByTestId("stop").first();
    await expect(stop).toContainText("IMM-11");
    await expect(stop).toContainText(/MECH|MAT|ELEC|QUAL|PLANNED/);
    await page.screenshot({ path: `${SHOTS}reporting-dashboard.png`, fullPage: true });
  });

  test("the TV board shows counts this shift and a stopped machine's reason, without header or menu", async ({
    page,
  }) => {
    await signIn(page, SUPERVISOR);
    await page.goto("/board?under=LINE-2");
    await page.getByRole("link", { name: "TV mode" }).click();
    await expect(page).toHaveURL(/\/board\/tv\?under=LINE-2$/);
    await expect(page.getByRole("navigation", { name: "Main menu" })).toHaveCount(0);
    await expect(page.getByTestId("signed-in-user")).toHaveCount(0);
    const stopped = page.getByTestId("machine-CNC-22");
    await expect(stopped.getByTestId("machine-state")).toHaveText("Down");
    await expect(stopped.getByTestId("machine-reason")).toHaveText("ELEC");
    await expect(page.getByTestId("machine-CNC-21").getByTestId("machine-counts")).toHaveText(/^Good \d+ \/ \d+ · scrap \d+$/);
    await page.screenshot({ path: `${SHOTS}board-tv.png`, fullPage: true });
  });
});
