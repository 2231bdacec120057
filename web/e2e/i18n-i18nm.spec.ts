import { expect, signIn, test } from "./fixtures";
import { contrastOk, followBrowser, untranslated } from "./checks";
import { PLANNER } from "./seed";

// The planner's master-data screens in German: an item with its BOM, explosion and forms, a
// product with its routings and the new-routing form (the demo's BOX-S has BOM A and routing 1).
test.describe("German master data", () => {
  test.use({ locale: "de-DE" });

  test("the planner's item page, its explosion and its BOM and edit forms are fully German", async ({ page, baseURL }) => {
    await followBrowser(baseURL ?? "", PLANNER);
    await signIn(page, PLANNER);
    await page.goto("/master/items/BOX-S");
    await expect(page.getByRole("heading", { name: "Stückliste", exact: true })).toBeVisible();
    await expect(page.getByTestId("bom-A")).toContainText("Heute gültig");
    await expect(page.getByRole("heading", { name: "Mehrstufige Stücklistenauflösung" })).toBeVisible();
    await page.getByTestId("explosion").getByLabel("Menge (pcs)").fill("10");
    await page.getByRole("button", { name: "Auflösen" }).click();
    await expect(page.getByTestId("explosion-totals")).toContainText("PP-RESIN");
    await expect(page.getByRole("heading", { name: /^Bereitzustellen für 10/ })).toBeVisible();
    expect(await untranslated(page)).toEqual({ missing: [], english: [] });

    // the new BOM version, sent empty: the form's messages are German
    await page.getByRole("button", { name: "Neue Stücklistenversion" }).click();
    const bom = page.getByRole("dialog", { name: "Neue Stücklistenversion für BOX-S" });
    await expect(bom).toBeVisible();
    await bom.getByRole("button", { name: "Stückliste anlegen" }).click();
    await expect(bom.getByText("Version: Pflichtangabe.")).toBeVisible();
    await expect(bom.getByText("Komponente: Pflichtangabe.")).toBeVisible();
    await expect(bom.getByText("Menge: Pflichtangabe.")).toBeVisible();
    expect(await untranslated(page)).toEqual({ missing: [], english: [] });
    await contrastOk(page, "new BOM version (de)");
    await bom.getByRole("button", { name: "Abbrechen" }).click();

    await page.getByRole("button", { name: "Artikel bearbeiten" }).click();
    const edit = page.getByRole("dialog", { name: "Artikel BOX-S bearbeiten" });
    await expect(edit).toBeVisible();
    await edit.getByLabel("Haltbarkeit (Tage)").fill("0");
    await edit.getByRole("button", { name: "Artikel speichern" }).click();
    await expect(edit.getByText("Haltbarkeit: zwischen 1 und 36500.")).toBeVisible();
    expect(await untranslated(page)).toEqual({ missing: [], english: [] });
    await edit.getByRole("button", { name: "Abbrechen" }).click();
  });

  test("the planner's product page and its new-routing form are fully German", async ({ page, baseURL }) => {
    await followBrowser(baseURL ?? "", PLANNER);
    await signIn(page, PLANNER);
    await page.goto("/master/products/BOX-S");
    await expect(page.getByRole("heading", { name: "Arbeitspläne" })).toBeVisible();
    await expect(page.getByText("Neueste", { exact: true })).toBeVisible();
    await expect(page.getByTestId("routing-1")).toContainText("MOULDING ≥ 1");
    await expect(page.getByTestId("routing-1")).toContainText("Stückzeit");
    expect(await untranslated(page)).toEqual({ missing: [], english: [] });

    await page.getByRole("button", { name: "Neue Arbeitsplanversion" }).click();
    const routing = page.getByRole("dialog", { name: "Neue Arbeitsplanversion für BOX-S" });
    await expect(routing).toBeVisible();
    await expect(routing.getByRole("heading", { name: "Arbeitsgang 1" })).toBeVisible();
    await routing.getByRole("button", { name: "Arbeitsplan anlegen" }).click();
    await expect(routing.getByText("Name: Pflichtangabe.")).toBeVisible();
    await expect(routing.getByText("Arbeitsplatz: bitte auswählen.")).toBeVisible();
    expect(await untranslated(page)).toEqual({ missing: [], english: [] });
    await contrastOk(page, "new routing version (de)");
    await routing.getByRole("button", { name: "Abbrechen" }).click();
  });
});
