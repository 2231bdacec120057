import { expect, signIn, SHOTS, test } from "./fixtures";
import { adminToken, PLANNER, PLANT, post, SUPERVISOR } from "./seed";

test.describe("supervisor board", () => {
  test("a supervisor sees a demo machine's state change within two seconds, without reloading", async ({
    page,
    baseURL,
  }) => {
    await signIn(page, SUPERVISOR);
    await page.getByRole("navigation", { name: "Main menu" }).getByRole("link", { name: "Supervisor board" }).click();
    await page.getByRole("combobox", { name: "Line" }).click();
    await page.getByRole("option", { name: PLANT.lineLabel }).click();
    await expect(page).toHaveURL(new RegExp(`under=${PLANT.line}$`));
    await expect(page.getByTestId("stream-status")).toHaveText("Live");
    // the demo's line 1: three presses and two assembly benches
    for (const m of ["IMM-11", "IMM-12", "IMM-13", "ASM-11", "ASM-12"]) {
      await expect(page.getByTestId(`machine-${m}`)).toBeVisible();
    }
    await expect(page.getByTestId("machine-CNC-21")).toHaveCount(0);
    const press3 = page.getByTestId(`machine-${PLANT.press3}`);
    await expect(press3.getByTestId("machine-state")).toHaveText("Running");
    await expect(page.getByTestId("machine-ASM-12").getByTestId("machine-state")).toHaveText("Setup");
    // the demo's work orders, in every state
    await expect(page.getByTestId("order-WO-1003").getByTestId("order-status")).toHaveText("In progress");
    await expect(page.getByTestId("order-WO-1004").getByTestId("order-status")).toHaveText("On hold");

    // a machine goes down, reported by someone else through the API
    const token = await adminToken(baseURL ?? "");
    await post(`${baseURL}/api/v1/resource/equipment/${PLANT.press3}/state`, token, { state: "down" });
    await expect(press3.getByTestId("machine-state")).toHaveText("Down", { timeout: 2_000 });
    await expect(press3.getByTestId("machine-since")).toHaveText(/^for \d+ s$/);
    await page.screenshot({ path: `${SHOTS}board.png`, fullPage: true });

    await post(`${baseURL}/api/v1/resource/equipment/${PLANT.press3}/state`, token, { state: "running" });
    await expect(press3.getByTestId("machine-state")).toHaveText("Running", { timeout: 2_000 });
  });

  test("a supervisor releases the demo's planned work order and holds it with a reason", async ({ page }) => {
    await signIn(page, SUPERVISOR);
    await page.goto("/board");
    const row = page.getByTestId(`order-${PLANT.plannedOrder}`);
    await expect(row.getByTestId("order-status")).toHaveText("Planned");
    await row.getByRole("button", { name: "Release" }).click();
    await expect(row.getByTestId("order-status")).toHaveText("Released");
    await row.getByRole("button", { name: "Hold" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Reason").fill("Mould insert waiting for repair");
    await dialog.getByRole("button", { name: "Hold work order" }).click();
    await expect(row.getByTestId("order-status")).toHaveText("On hold");
    await expect(row).toContainText("Mould insert waiting for repair");
    await row.getByRole("button", { name: "Resume" }).click();
    await expect(row.getByTestId("order-status")).toHaveText("Released");
  });

  test("a planner closes a completed order and cancels a planned one with a reason; a supervisor can do neither", async ({
    page,
  }) => {
    await signIn(page, SUPERVISOR);
    await page.goto("/board");
    const completed = page.getByTestId(`order-${PLANT.completedOrder}`);
    await expect(completed.getByTestId("order-status")).toHaveText("Completed");
    await expect(completed.getByRole("button", { name: "Close" })).toHaveCount(0);
    const toCancel = page.getByTestId(`order-${PLANT.orderToCancel}`);
    await expect(toCancel.getByRole("button", { name: "Release" })).toBeVisible();
    await expect(toCancel.getByRole("button", { name: "Cancel order" })).toHaveCount(0);
    await page.getByRole("button", { name: "Sign out" }).click();

    await signIn(page, PLANNER);
    await page.goto("/board");
    await completed.getByRole("button", { name: "Close" }).click();
    await expect(completed).toHaveCount(0); // closed orders leave the board
    await toCancel.getByRole("button", { name: "Cancel order" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Reason").fill("Customer moved the call-off to next month");
    await dialog.getByRole("button", { name: "Cancel work order" }).click();
    await expect(toCancel).toHaveCount(0);
    await expect(page.getByTestId(`order-${PLANT.plannedOrder}`)).toBeVisible();
  });
});
