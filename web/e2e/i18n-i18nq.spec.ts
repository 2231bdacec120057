// Issue 17, languages: the quality engineer's NCR, CAPA and SPC screens and the administrator's
// integration screen are fully German (with their main dialogs), and their texts keep AA contrast.
import { expect, signIn, test } from "./fixtures";
import { contrastOk, followBrowser, untranslated } from "./checks";
import { ADMIN, adminToken, post, QUALITY } from "./seed";

// an ERP message with a tag B2MML does not have: refused on line 6 and kept as a dead letter
const BAD_SCHEDULE = `<?xml version="1.0" encoding="UTF-8"?>
<ProcessOperationsSchedule xmlns="http://www.mesa.org/xml/B2MML" releaseID="V0700">
  <ApplicationArea>
    <CreationDateTime>2026-12-01T08:00:00Z</CreationDateTime>
    <BODID>E2E-I18N-1</BODID>
    <Flavour>sour</Flavour>
  </ApplicationArea>
</ProcessOperationsSchedule>`;

function inDays(days: number): string {
  const d = new Date();
  d.setDate(d.getDate() + days);
  return d.toISOString().slice(0, 10);
}

test.describe("German UI (quality and integration)", () => {
  test.use({ locale: "de-DE" });

  test("the quality engineer's NCR, CAPA and SPC screens are fully German", async ({ page, baseURL }) => {
    test.setTimeout(180_000); // five screens and their dialogs, each checked by axe
    const api = `${baseURL}/api/v1`;
    const { access_token: token } = (await post(`${api}/auth/login`, null, { username: QUALITY.username, password: QUALITY.password })) as { access_token: string };
    const ncr = (await post(`${api}/quality/ncrs`, token, { title: "Deckel schnappt nicht ein (e2e i18n)", item: "BOX-200" })) as {
      number: string;
    };
    // a CAPA whose one action is done and checked effective: ready to be closed under signature
    const capa = (await post(`${api}/quality/capas`, token, {
      title: "Schnapphaken zu schwach",
      problem: "Wand am Schnapphaken in Kavität 3 zu dünn",
      owner: QUALITY.username,
      due_on: inDays(30),
      ncrs: [ncr.number],
      actions: [{ description: "Schnapphaken in Kavität 3 nacharbeiten", owner: QUALITY.username, due_on: inDays(14) }],
    })) as { number: string };
    await post(`${api}/quality/capas/${capa.number}/actions/1/done`, token, { note: "" });
    await post(`${api}/quality/capas/${capa.number}/effectiveness`, token, { effective: true, note: "20 Lose ohne Ausfall" });

    await followBrowser(baseURL ?? "", QUALITY);
    await signIn(page, QUALITY);

    // the NCR and its disposition dialog
    await page.goto(`/quality/ncrs/${ncr.number}`);
    await expect(page.getByRole("heading", { name: "Gesperrtes Material" })).toBeVisible();
    await expect(page.getByTestId("ncr-status")).toHaveText("Offen");
    await expect(page.getByTestId("ncr-capas")).toContainText(`${capa.number} · Schnapphaken zu schwach (Offen)`);
    expect(await untranslated(page)).toEqual({ missing: [], english: [] });
    await contrastOk(page, "NCR");
    await page.getByRole("button", { name: "Verwendungsentscheid…" }).click();
    const dialog = page.getByRole("dialog", { name: `Verwendungsentscheid zu ${ncr.number} signieren` });
    await expect(dialog).toBeVisible();
    await expect(dialog.getByTestId("signature-meaning")).toContainText("„Teilweise“");
    expect(await untranslated(page)).toEqual({ missing: [], english: [] });
    await dialog.getByRole("combobox", { name: "Verwendungsentscheid" }).click();
    await page.getByRole("option", { name: /^Nacharbeit/ }).click();
    await expect(dialog).toContainText("gehört zu keinem Fertigungsauftrag");
    expect(await untranslated(page)).toEqual({ missing: [], english: [] });
    await contrastOk(page, "NCR disposition");
    await dialog.getByRole("button", { name: "Abbrechen" }).click();

    // the CAPA list with the form to open one for the NCR
    await page.goto(`/quality/capas?ncr=${ncr.number}`);
    await expect(page.getByRole("heading", { name: "Korrektur- und Vorbeugemaßnahmen" })).toBeVisible();
    await expect(page.getByRole("heading", { name: `CAPA zu ${ncr.number} eröffnen` })).toBeVisible();
    await expect(page.getByTestId(`capa-${capa.number}`)).toContainText("Offen");
    expect(await untranslated(page)).toEqual({ missing: [], english: [] });
    await contrastOk(page, "CAPA list");

    // the CAPA and its closure dialog
    await page.goto(`/quality/capas/${capa.number}`);
    await expect(page.getByRole("heading", { name: "Wirksamkeitsprüfung" })).toBeVisible();
    await expect(page.getByTestId("capa-effectiveness")).toContainText("Wirksam: 20 Lose ohne Ausfall");
    await expect(page.getByTestId("capa-action-1")).toContainText(`von ${QUALITY.username}`);
    expect(await untranslated(page)).toEqual({ missing: [], english: [] });
    await contrastOk(page, "CAPA");
    await page.getByRole("button", { name: "Mit Signatur abschließen…" }).click();
    const close = page.getByRole("dialog", { name: `Abschluss von ${capa.number} signieren` });
    await expect(close.getByTestId("capa-signature-meaning")).toContainText("1 Maßnahme erledigt");
    expect(await untranslated(page)).toEqual({ missing: [], english: [] });
    await contrastOk(page, "CAPA closure");
    await close.getByRole("button", { name: "Abbrechen" }).click();

    // the demo's SPC chart of the wall thickness
    await page.goto("/quality/spc/IP-BOX-10/WALL");
    await expect(page.getByRole("heading", { name: "Verletzungen der Prüfregeln" })).toBeVisible();
    await expect(page.getByTestId("spc-limits")).toContainText("Mittellinie");
    await expect(page.getByRole("img", { name: "Regelkarte von Wall thickness" })).toBeVisible();
    expect(await untranslated(page)).toEqual({ missing: [], english: [] });
    await contrastOk(page, "SPC");
  });

  test("the administrator's integration screen is fully German", async ({ page, baseURL }) => {
    const token = await adminToken(baseURL ?? "");
    const r = await fetch(`${baseURL}/api/v1/integration/erp/b2mml/process-operations-schedule`, {
      method: "POST",
      headers: { "content-type": "application/xml", authorization: `Bearer ${token}` },
      body: BAD_SCHEDULE,
    });
    expect(r.status).toBe(422);

    await followBrowser(baseURL ?? "", ADMIN);
    await signIn(page, ADMIN);
    await page.goto("/integration");
    await expect(page.getByRole("heading", { name: "Maschinenanbindungen" })).toBeVisible();
    await expect(page.getByTestId("connector-line-1-opcua")).toContainText("Nicht verbunden");
    const letter = page.getByTestId("dead-letter").filter({ hasText: "Flavour" });
    await expect(letter).toContainText("Zeile 6");
    await expect(letter.getByRole("button", { name: "Verwerfen" })).toBeVisible();
    expect(await untranslated(page)).toEqual({ missing: [], english: [] });
    await contrastOk(page, "integration");
    // the other tab of the dead letters
    await page.getByText("Erneut verarbeitet", { exact: true }).click();
    await expect(page.getByTestId("no-dead-letters")).toHaveText("Keine erneut verarbeiteten Dead Letters.");
    expect(await untranslated(page)).toEqual({ missing: [], english: [] });
  });
});
