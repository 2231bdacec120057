import { expect, scan, signIn, test } from "./fixtures";
import { contrastOk, followBrowser, untranslated } from "./checks";
import { ADMIN, adminToken, LOTS, post, SUPERVISOR } from "./seed";

// The lot page (list, details, the warehouse and receive dialogs, a broken GS1 scan) and the
// station terminals admin screen, in German. Nothing is booked: the dialogs are opened, their
// validation shown, and cancelled, so the other specs find the seeded lots as they expect.

test.describe("German UI: lots and station terminals", () => {
  test.use({ locale: "de-DE" });

  test("the supervisor's material lots, a lot and its dialogs are fully German", async ({ page, baseURL }) => {
    await followBrowser(baseURL ?? "", SUPERVISOR);
    await signIn(page, SUPERVISOR);
    await page.goto("/material/lots");
    await expect(page.getByRole("heading", { name: "Materialchargen" })).toBeVisible();
    await expect(page.getByRole("heading", { name: "Chargen", exact: true })).toBeVisible();
    await expect(page.getByText("Gesperrt", { exact: true }).first()).toBeVisible(); // the status filter
    expect(await untranslated(page)).toEqual({ missing: [], english: [] });

    // a GS1 label with a wrong check digit: the scan field says why, in German
    await scan(page, "(01)04012345000093(10)L1");
    await expect(page.getByText("(01) 04012345000093 hat eine falsche Prüfziffer.")).toBeVisible();
    expect(await untranslated(page)).toEqual({ missing: [], english: [] });
    await contrastOk(page, "lot list with a GS1 error (de)");

    // the receive dialog with its validation messages
    await page.getByRole("button", { name: "Charge vereinnahmen" }).click();
    let dialog = page.getByRole("dialog", { name: "Charge vereinnahmen" });
    await expect(dialog).toBeVisible();
    await dialog.getByRole("button", { name: "Weiter" }).click();
    await expect(dialog.getByText("Wählen Sie den Artikel.")).toBeVisible();
    await expect(dialog.getByText("Menge: eine Menge über 0 eingeben, z. B. 12 oder 1,5.")).toBeVisible();
    expect(await untranslated(page)).toEqual({ missing: [], english: [] });
    await contrastOk(page, "receive lot dialog (de)");
    await dialog.getByRole("button", { name: "Abbrechen" }).click();
    await expect(dialog).toBeHidden();

    // a lot's page: its fields, status, history and warehouse actions
    await page.goto(`/material/lots/${LOTS.forViewer}`);
    await expect(page.getByTestId("lot-code")).toHaveText(LOTS.forViewer);
    await expect(page.getByTestId("lot-status")).toHaveText("Verfügbar");
    await expect(page.getByRole("heading", { name: "Historie" })).toBeVisible();
    await expect(page.getByTestId("lot-history")).toContainText("Wareneingang");
    await expect(page.getByText("Charge rückverfolgen")).toBeVisible();
    expect(await untranslated(page)).toEqual({ missing: [], english: [] });

    // moving without a target says what is missing
    await page.getByRole("button", { name: "Umlagern", exact: true }).click();
    dialog = page.getByRole("dialog", { name: `Umlagern – Charge ${LOTS.forViewer}` });
    await expect(dialog).toBeVisible();
    await dialog.getByRole("button", { name: "Weiter" }).click();
    await expect(dialog.getByText("Wählen Sie, wohin die Charge kommt.")).toBeVisible();
    expect(await untranslated(page)).toEqual({ missing: [], english: [] });
    await contrastOk(page, "move lot dialog (de)");
    await dialog.getByRole("button", { name: "Abbrechen" }).click();
    await expect(dialog).toBeHidden();

    // scrapping: the quantity, the reason and the confirmation in words
    await page.getByRole("button", { name: "Verschrotten", exact: true }).click();
    dialog = page.getByRole("dialog", { name: `Verschrotten – Charge ${LOTS.forViewer}` });
    await dialog.getByLabel("Zu verschrottende Menge").fill("1");
    await dialog.getByLabel("Grund").fill("Sack beim Umladen beschädigt");
    await dialog.getByRole("button", { name: "Weiter" }).click();
    await expect(dialog.getByTestId("confirm-summary")).toContainText(
      `von Charge ${LOTS.forViewer} verschrotten, Grund: Sack beim Umladen beschädigt.`,
    );
    await expect(dialog.getByRole("button", { name: "Bestätigen" })).toBeVisible();
    expect(await untranslated(page)).toEqual({ missing: [], english: [] });
    await dialog.getByRole("button", { name: "Zurück" }).click();
    await dialog.getByRole("button", { name: "Abbrechen" }).click();
    await expect(dialog).toBeHidden();
  });

  test("the administrator's station terminals are fully German", async ({ page, baseURL }) => {
    const base = baseURL ?? "";
    // a station of its own, so that the list has a row to deactivate (the dialog is cancelled)
    const code = `ST-DE-${Date.now() % 1_000_000}`;
    await post(`${base}/api/v1/auth/stations`, await adminToken(base), { code, name: "Presse Halle 2" });
    await followBrowser(base, ADMIN);
    await signIn(page, ADMIN);
    await page.goto("/admin/stations");
    await expect(page.getByRole("heading", { name: "Stationsterminals" })).toBeVisible();
    await expect(page.getByRole("heading", { name: "Registrierte Stationen" })).toBeVisible();
    await expect(page.getByText("Kein Stationsterminal.", { exact: false })).toBeVisible();
    const row = page.getByTestId(`station-${code}`);
    await expect(row.getByTestId("station-active")).toHaveText("ja");
    expect(await untranslated(page)).toEqual({ missing: [], english: [] });

    // the validation messages: a station key, a badge without user name
    await page.getByRole("button", { name: "Dieses Terminal einrichten" }).click();
    await expect(page.getByText("Den Stationsschlüssel einfügen.")).toBeVisible();
    await page.getByRole("button", { name: "Zuordnen", exact: true }).click();
    await expect(page.getByText("Den Benutzernamen angeben.")).toBeVisible();
    expect(await untranslated(page)).toEqual({ missing: [], english: [] });
    await contrastOk(page, "station terminals with errors (de)");

    await row.getByRole("button", { name: "Deaktivieren" }).click();
    const dialog = page.getByRole("dialog", { name: `Station ${code} deaktivieren` });
    await expect(dialog).toBeVisible();
    await expect(dialog.getByRole("button", { name: "Station deaktivieren" })).toBeVisible();
    expect(await untranslated(page)).toEqual({ missing: [], english: [] });
    await dialog.getByRole("button", { name: "Abbrechen" }).click();
    await expect(dialog).toBeHidden();
    await expect(row.getByTestId("station-active")).toHaveText("ja");
  });
});
