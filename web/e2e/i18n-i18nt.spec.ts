import { expect as baseExpect, signIn, test } from "./fixtures";
import { contrastOk, followBrowser, untranslated } from "./checks";
import { QUALITY, SUPERVISOR } from "./seed";

// OEE over days of a whole plant takes a few seconds on a loaded build machine
const expect = baseExpect.configure({ timeout: 45_000 });

// the demo plant (src/mes/demo.py): WO-1002 made the finished lot WO-1002-OUT from the bar AL-2611-01
const FINISHED = "WO-1002-OUT";
const BAR = "AL-2611-01";

test.describe("German UI: traceability and reporting", () => {
  test.use({ locale: "de-DE" });

  test("the quality engineer's trace, as-built record and recall are fully German", async ({ page, baseURL }) => {
    test.slow();
    await followBrowser(baseURL ?? "", QUALITY);
    await signIn(page, QUALITY);
    await page.goto("/traceability");
    await expect(page.getByRole("heading", { name: "Rückverfolgung" })).toBeVisible();
    await expect(page.getByText("Scannen Sie eine Fertigcharge")).toBeVisible();
    expect(await untranslated(page)).toEqual({ missing: [], english: [] });

    // backward from the finished lot: the graph, the summary and the as-built record
    await page.goto(`/traceability/${FINISHED}`);
    await expect(page.getByTestId("trace-graph")).toBeVisible();
    await expect(page.getByTestId("trace-summary")).toContainText("Lieferantenchargen");
    const asBuilt = page.getByTestId("as-built");
    await expect(asBuilt.getByRole("heading", { name: `Wie gefertigt: ${FINISHED} durch WO-1002` })).toBeVisible();
    await expect(asBuilt.getByTestId("as-built-op-10")).toContainText("Geplant an");
    expect(await untranslated(page)).toEqual({ missing: [], english: [] });
    await contrastOk(page, "trace backward");

    // a supplier lot's details, then forward from it
    await page.getByTestId("trace-graph").getByTestId(`node-${BAR}`).click();
    const details = page.getByTestId("node-details");
    await expect(details).toContainText("Wareneingang");
    expect(await untranslated(page)).toEqual({ missing: [], english: [] });
    await details.getByRole("link", { name: `Vorwärts verfolgen ab ${BAR}` }).click();
    await expect(page.getByTestId("trace-summary")).toContainText("Fertigchargen");
    expect(await untranslated(page)).toEqual({ missing: [], english: [] });

    // the recall dialog, then the recall (no hold: the traceability spec holds the stock itself)
    await page.getByRole("button", { name: `Rückruf von ${BAR} starten` }).click();
    const dialog = page.getByRole("dialog", { name: `Rückruf der Charge ${BAR}` });
    await expect(dialog).toBeVisible();
    expect(await untranslated(page)).toEqual({ missing: [], english: [] });
    await dialog.getByLabel("Grund").fill("Lieferant meldet falsche Legierung in dieser Stangencharge");
    await dialog.getByRole("button", { name: "Rückruf starten" }).click();
    await expect(page).toHaveURL(/\/traceability\/recalls\/[0-9a-f-]+$/);
    await expect(page.getByTestId("recall-difference")).toHaveText("Differenz der Mengenbilanz: 0");
    await expect(page.getByTestId("recall-row-" + BAR)).toContainText("Am Lager");
    await expect(page.getByRole("button", { name: /Alle am Lager sperren/ })).toBeVisible();
    expect(await untranslated(page)).toEqual({ missing: [], english: [] });
    await contrastOk(page, "recall");
  });

  test("the supervisor's OEE dashboard is fully German", async ({ page, baseURL }) => {
    test.slow();
    await followBrowser(baseURL ?? "", SUPERVISOR);
    await signIn(page, SUPERVISOR);
    await page.goto("/reporting");
    await expect(page.getByRole("heading", { name: "OEE-Übersicht" })).toBeVisible();
    await expect(page.getByTestId("kpi-oee")).toHaveText(/^\d{1,3}\.\d %$/);
    await expect(page.getByTestId("totals")).toContainText(/Gutmenge \d+ · Ausschuss \d+/);
    await expect(page.getByTestId("kpi-on-time")).toBeVisible();
    await expect(page.getByTestId("kpi-labour-efficiency")).toBeVisible();
    await expect(page.getByTestId("shift-record")).toContainText("Änderungen seit Schichtende");
    await expect(page.getByTestId("stop").first()).toBeVisible();
    await expect(page.getByRole("heading", { name: "Verlustkaskade (Minuten)" })).toBeVisible();
    expect(await untranslated(page)).toEqual({ missing: [], english: [] });
    await contrastOk(page, "reporting");

    // one level down, per day
    await page.getByTestId("child-LINE-1").click();
    await expect(page.getByTestId("trail")).toContainText("LINE-1");
    await page.getByRole("combobox", { name: "Verlauf je" }).click();
    await page.getByRole("option", { name: "Tag" }).click();
    await expect(page.getByRole("heading", { name: "Verlauf je Tag" })).toBeVisible();
    await expect(page.getByTestId("kpi-oee")).toHaveText(/^\d{1,3}\.\d %$/);
    await expect(page.getByTestId("scrap-pareto-row").first()).toBeVisible();
    expect(await untranslated(page)).toEqual({ missing: [], english: [] });
  });
});
