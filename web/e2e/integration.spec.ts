import { expect, SHOTS, signIn, test } from "./fixtures";
import { ADMIN, adminToken } from "./seed";

const BAD_SCHEDULE = `<?xml version="1.0" encoding="UTF-8"?>
<ProcessOperationsSchedule xmlns="http://www.mesa.org/xml/B2MML" releaseID="V0700">
  <ApplicationArea>
    <CreationDateTime>2026-12-01T08:00:00Z</CreationDateTime>
    <BODID>E2E-BAD-1</BODID>
    <Colour>red</Colour>
  </ApplicationArea>
</ProcessOperationsSchedule>`;

test.describe("integration", () => {
  test("an administrator sees the machine connections and deals with a refused ERP message", async ({
    page,
    baseURL,
  }) => {
    // an ERP sends a schedule with a tag B2MML does not have: refused with the line, kept as a dead letter
    const token = await adminToken(baseURL ?? "");
    const r = await fetch(`${baseURL}/api/v1/integration/erp/b2mml/process-operations-schedule`, {
      method: "POST",
      headers: { "content-type": "application/xml", authorization: `Bearer ${token}` },
      body: BAD_SCHEDULE,
    });
    expect(r.status).toBe(422);
    expect(((await r.json()) as { line: number }).line).toBe(6);

    await signIn(page, ADMIN);
    await page.getByRole("link", { name: "Integration" }).first().click();
    await expect(page).toHaveURL(/\/integration$/);

    // the demo's connectors for `mes simulate`: the OPC UA server is not running, so not connected
    const opcua = page.getByTestId("connector-line-1-opcua");
    await expect(opcua).toContainText("opc.tcp://127.0.0.1:4840/mes/");
    await expect(opcua).toContainText("Not connected");
    await expect(page.getByTestId("connector-line-1-sparkplug")).toContainText("Sparkplug B");

    const letter = page.getByTestId("dead-letter").filter({ hasText: "Colour" });
    await expect(letter).toContainText("ERP");
    await expect(letter).toContainText("line 6");
    await expect(letter).toContainText("/ProcessOperationsSchedule/ApplicationArea/Colour");
    await page.screenshot({ path: `${SHOTS}integration.png`, fullPage: true });

    await letter.getByRole("button", { name: "Discard" }).click();
    await expect(page.getByTestId("dead-letter").filter({ hasText: "Colour" })).toHaveCount(0);
    await page.getByText("Discarded", { exact: true }).click();
    await expect(page.getByTestId("dead-letter").filter({ hasText: "Colour" })).toContainText("discarded");
  });
});
