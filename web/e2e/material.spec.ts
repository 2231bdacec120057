import { expect, scan, SHOTS, signIn, test } from "./fixtures";
import { LOTS, QUALITY, VIEWER } from "./seed";

test.describe("material lots", () => {
  test("a quality inspector finds a received lot by scanning it and holds it with a reason", async ({ page }) => {
    await signIn(page, QUALITY);
    await page.getByRole("link", { name: "Material lots" }).first().click();
    await expect(page.getByTestId("scan-input")).toBeFocused();

    await scan(page, LOTS.toHold);
    await expect(page).toHaveURL(new RegExp(`/material/lots/${LOTS.toHold}$`));
    await expect(page.getByTestId("lot-code")).toHaveText(LOTS.toHold);
    await expect(page.getByTestId("lot-status")).toHaveText("Available");
    await expect(page.getByTestId("lot-quantity")).toHaveText("1,250.5 kg");
    await expect(page.getByTestId("lot-location")).toHaveText("LS-A");
    const history = page.getByTestId("lot-history");
    await expect(history.getByRole("row")).toHaveCount(3); // header, receive, move
    await expect(history).toContainText("Receive");
    await expect(history).toContainText("WH-1 → LS-A");
    await page.screenshot({ path: `${SHOTS}lot-page.png`, fullPage: true });

    await page.getByRole("button", { name: "Hold lot" }).click();
    const dialog = page.getByRole("dialog");
    // a reason is required: the form says so and nothing is sent
    await dialog.getByRole("button", { name: "Hold lot" }).click();
    await expect(dialog.getByText("Give a reason")).toBeVisible();
    await dialog.getByLabel("Reason").fill("Foreign particles found at incoming inspection");
    await page.screenshot({ path: `${SHOTS}lot-hold-reason.png` });
    await dialog.getByRole("button", { name: "Hold lot" }).click();

    await expect(dialog).toBeHidden();
    await expect(page.getByTestId("lot-status")).toHaveText("On hold");
    await expect(page.getByTestId("hold-reason")).toContainText("Foreign particles found at incoming inspection");
    await expect(page.getByRole("button", { name: "Release lot" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Hold lot" })).toHaveCount(0);

    // what the page shows is what the system holds: a reload asks the API again
    await page.reload();
    await expect(page.getByTestId("lot-status")).toHaveText("On hold");
    await page.screenshot({ path: `${SHOTS}lot-on-hold.png`, fullPage: true });
  });

  test("a held lot is released with a reason, and the list of held lots shows it", async ({ page }) => {
    await signIn(page, QUALITY);
    await page.goto("/material/lots");
    await expect(page.getByRole("link", { name: LOTS.toRelease })).toBeVisible();
    await page.getByRole("link", { name: LOTS.toRelease }).click();
    await expect(page.getByTestId("hold-reason")).toContainText("Viscosity out of spec");
    await page.getByRole("button", { name: "Release lot" }).click();
    await page.getByRole("dialog").getByLabel("Reason").fill("Re-measured: viscosity within spec");
    await page.getByRole("dialog").getByRole("button", { name: "Release lot" }).click();
    await expect(page.getByTestId("lot-status")).toHaveText("Available");
    await expect(page.getByTestId("hold-reason")).toHaveCount(0);
  });

  test("an unknown code shows the service's problem detail, not a blank page", async ({ page }) => {
    await signIn(page, QUALITY);
    await page.goto("/material/lots");
    await scan(page, "LOT-DOES-NOT-EXIST");
    await expect(page.getByTestId("problem")).toContainText("No lot with code LOT-DOES-NOT-EXIST.");
    // a malformed scan is caught before it reaches the API
    await page.getByTestId("scan-input").fill("bad code!");
    await page.keyboard.press("Enter");
    await expect(page.getByText("is not a valid code")).toBeVisible();
  });

  test("a viewer sees the lot but not the hold and release actions", async ({ page }) => {
    await signIn(page, VIEWER);
    await page.goto(`/material/lots/${LOTS.forViewer}`);
    await expect(page.getByTestId("lot-status")).toHaveText("Available");
    await expect(page.getByTestId("lot-quantity")).toHaveText("12.25 kg");
    await expect(page.getByRole("button", { name: "Hold lot" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Release lot" })).toHaveCount(0);
  });

  test("the lot page works on a 10-inch tablet in portrait", async ({ page }) => {
    await page.setViewportSize({ width: 800, height: 1280 });
    await signIn(page, QUALITY);
    await page.goto(`/material/lots/${LOTS.forViewer}`);
    await expect(page.getByTestId("lot-status")).toHaveText("Available");
    // the menu folds away behind the burger on a narrow screen
    await expect(page.getByRole("button", { name: "Menu" })).toBeVisible();
    const hold = page.getByRole("button", { name: "Hold lot" });
    const box = await hold.boundingBox();
    expect(box?.height ?? 0).toBeGreaterThanOrEqual(48); // a gloved finger's target
    await page.screenshot({ path: `${SHOTS}lot-page-tablet.png`, fullPage: true });
  });
});
