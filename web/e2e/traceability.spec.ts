import { expect, scan, SHOTS, signIn, test } from "./fixtures";
import { QUALITY } from "./seed";

// the demo plant (src/mes/demo.py): WO-1002 milled bar AL-2611-01 at operation 10 and packed in
// carton CT-2611-01 at operation 20, making the finished lot WO-1002-OUT
const FINISHED = "WO-1002-OUT";
const BAR = "AL-2611-01";
const CARTON = "CT-2611-01";

test.describe("traceability", () => {
  test("a quality engineer traces a finished lot to its suppliers, then recalls a supplier lot and holds the stock", async ({
    page,
  }) => {
    await signIn(page, QUALITY);
    await page.getByRole("link", { name: "Trace" }).first().click();
    await expect(page.getByTestId("scan-input")).toBeFocused();

    await scan(page, FINISHED);
    await expect(page).toHaveURL(new RegExp(`/traceability/${FINISHED}$`));
    const graph = page.getByTestId("trace-graph");
    await expect(graph).toBeVisible();
    // the bar consumed at the first operation is there, not only the carton of the last one
    await expect(graph.getByTestId(`node-${BAR}`)).toBeVisible();
    await expect(graph.getByTestId(`node-${CARTON}`)).toBeVisible();
    await expect(page.getByTestId("trace-summary")).toContainText(BAR);
    await expect(page.getByTestId("trace-summary")).toContainText(CARTON);
    await expect(graph).toContainText("kg"); // quantities on the edges, in the lot's unit
    // the as-built record: both operations of the order, the bar at the first, the carton at the last
    const asBuilt = page.getByTestId("as-built");
    await expect(asBuilt).toContainText("As built: WO-1002-OUT by WO-1002");
    await expect(asBuilt.getByTestId("as-built-op-10")).toContainText(BAR);
    await expect(asBuilt.getByTestId("as-built-op-20")).toContainText(CARTON);
    await expect(asBuilt.getByTestId("as-built-op-10")).toContainText("Planned");
    await page.screenshot({ path: `${SHOTS}trace-backward.png`, fullPage: true });

    await graph.getByTestId(`node-${BAR}`).click();
    const details = page.getByTestId("node-details");
    await expect(details.getByTestId("node-details-code")).toHaveText(BAR);
    await expect(details).toContainText("Received");
    await details.getByRole("link", { name: `Trace forward from ${BAR}` }).click();

    await expect(page).toHaveURL(new RegExp(`/traceability/${BAR}\\?direction=forward$`));
    await expect(page.getByTestId("trace-summary")).toContainText(FINISHED);
    await expect(page.getByTestId("trace-graph").getByTestId(`node-${FINISHED}`)).toBeVisible();
    await page.screenshot({ path: `${SHOTS}trace-forward.png`, fullPage: true });

    await page.getByRole("button", { name: `Start recall of ${BAR}` }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Reason").fill("Supplier reports wrong alloy in this bar lot");
    await dialog.getByRole("button", { name: "Start recall" }).click();

    await expect(page).toHaveURL(/\/traceability\/recalls\/[0-9a-f-]+$/);
    await expect(page.getByTestId("recall-difference")).toHaveText("Mass balance difference: 0");
    const rows = page.getByTestId("recall-lots");
    await expect(rows.getByTestId(`recall-row-${BAR}`)).toContainText("In stock");
    await expect(rows.getByTestId(`recall-row-${FINISHED}`)).toContainText("In stock");
    await expect(rows.getByTestId(`recall-row-${CARTON}`)).toHaveCount(0); // the carton is not suspect
    await page.screenshot({ path: `${SHOTS}recall.png`, fullPage: true });

    await page.getByRole("button", { name: /Hold all in stock/ }).click();
    await expect(page.getByTestId("hold-result")).toContainText(`${FINISHED}: Held`);
    await expect(rows.getByTestId(`recall-row-${FINISHED}`).getByTestId("recall-status")).toHaveText("On hold");
    await expect(rows.getByTestId(`recall-row-${BAR}`).getByTestId("recall-status")).toHaveText("On hold");
    await page.screenshot({ path: `${SHOTS}recall-held.png`, fullPage: true });

    // material agrees: the finished lot is on hold with the recall as reason
    await rows.getByRole("link", { name: FINISHED }).click();
    await expect(page.getByTestId("lot-status")).toHaveText("On hold");
    await expect(page.getByTestId("hold-reason")).toContainText("Supplier reports wrong alloy");
    await expect(page.getByTestId("lot-trace-link")).toBeVisible();
  });
});
