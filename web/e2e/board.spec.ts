import { expect, signIn, SHOTS, test } from "./fixtures";
import { adminToken, PLANT, post, SUPERVISOR } from "./seed";

test.describe("supervisor board", () => {
  test("a supervisor sees an equipment state change within two seconds, without reloading", async ({
    page,
    baseURL,
  }) => {
    await signIn(page, SUPERVISOR);
    await page.getByRole("navigation", { name: "Main menu" }).getByRole("link", { name: "Supervisor board" }).click();
    await page.getByRole("combobox", { name: "Line" }).click();
    await page.getByRole("option", { name: `Moulding (${PLANT.workCenter})` }).click();
    await expect(page).toHaveURL(new RegExp(`under=${PLANT.workCenter}$`));
    await expect(page.getByTestId("stream-status")).toHaveText("Live");
    const press2 = page.getByTestId(`machine-${PLANT.press2}`);
    await expect(press2.getByTestId("machine-state")).toHaveText("Running");
    await expect(page.getByTestId(`machine-${PLANT.press1}`).getByTestId("machine-state")).toHaveText("Idle");

    // a machine goes down, reported by someone else through the API
    const token = await adminToken(baseURL ?? "");
    await post(`${baseURL}/api/v1/resource/equipment/${PLANT.press2}/state`, token, { state: "down" });
    await expect(press2.getByTestId("machine-state")).toHaveText("Down", { timeout: 2_000 });
    await expect(press2.getByTestId("machine-since")).toHaveText(/^for \d+ s$/);
    await page.screenshot({ path: `${SHOTS}board.png`, fullPage: true });

    await post(`${baseURL}/api/v1/resource/equipment/${PLANT.press2}/state`, token, { state: "running" });
    await expect(press2.getByTestId("machine-state")).toHaveText("Running", { timeout: 2_000 });
  });

  test("a supervisor releases a planned work order and holds it with a reason", async ({ page }) => {
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
});
