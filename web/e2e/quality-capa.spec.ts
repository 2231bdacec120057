// Issue 12, CAPA: a quality engineer opens a CAPA from an NCR's page, adds and completes its
// actions, records the effectiveness check and closes it under an e-signature (user, password,
// meaning shown); the CAPA list and the NCR page show it. Against `mes up` with the demo plant.
import { expect, signIn, SHOTS, test } from "./fixtures";
import { post } from "./seed";

const ENGINEER = { username: "lea.martin", password: "quality-check-2026" };

test("a CAPA is opened from an NCR, its actions done, checked effective and closed with a signature", async ({ page, baseURL }) => {
  const api = `${baseURL}/api/v1`;
  const { access_token: token } = (await post(`${api}/auth/login`, null, ENGINEER)) as { access_token: string };
  const ncr = (await post(`${api}/quality/ncrs`, token, { title: "Box lid does not snap (e2e CAPA)", item: "BOX-200" })) as { number: string };

  await signIn(page, ENGINEER);
  await page.goto("/quality");
  await page.getByTestId("nav-capas").click();
  await expect(page.getByRole("heading", { name: "Corrective and preventive actions" })).toBeVisible();

  await page.goto(`/quality/ncrs/${ncr.number}`);
  await page.getByTestId("ncr-capas").getByRole("link", { name: "Open a CAPA…" }).click();
  const form = page.getByTestId("capa-open-form");
  await form.getByLabel("Title").fill("Lid snap fit too weak");
  await form.getByLabel("Problem").fill("Snap hook wall thins out at cavity 3");
  await form.getByRole("button", { name: "Open CAPA" }).click();
  await expect(page.getByTestId("capa-status")).toHaveText("Open");
  const number = (await page.getByRole("heading", { level: 1 }).textContent()) ?? "";
  expect(number).toMatch(/^CAPA-\d{6}$/);

  const actions = page.getByTestId("capa-actions");
  await actions.getByLabel("New action").fill("Re-cut the snap hook in cavity 3");
  await actions.getByLabel("Action owner").fill("mt.tool-room");
  await actions.getByRole("button", { name: "Add action" }).click();
  await expect(page.getByTestId("capa-action-1")).toContainText("Re-cut the snap hook");
  await page.getByTestId("capa-action-1").getByRole("button", { name: "Mark done" }).click();
  await expect(page.getByTestId("capa-action-1")).toContainText(`by ${ENGINEER.username}`);

  const check = page.getByTestId("capa-effectiveness");
  await check.getByLabel("Check").fill("20 lots without a lid failure");
  await check.getByRole("button", { name: "Record check" }).click();
  await expect(check).toContainText("Effective: 20 lots without a lid failure");
  await page.screenshot({ path: `${SHOTS}quality-capa.png`, fullPage: true });

  await page.getByRole("button", { name: "Close with signature…" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Reason").fill("Actions effective");
  await expect(dialog.getByTestId("capa-signature-meaning")).toContainText(`closing ${number}`);
  await dialog.getByLabel("User name").fill(ENGINEER.username);
  await dialog.getByLabel("Password", { exact: true }).fill(ENGINEER.password);
  await dialog.getByRole("button", { name: "Sign and close" }).click();
  await expect(page.getByTestId("capa-status")).toHaveText("Closed");
  await expect(page.getByTestId("capa-closure")).toContainText("signed: Actions effective");

  // the NCR page and the CAPA list show it
  await page.goto(`/quality/ncrs/${ncr.number}`);
  await expect(page.getByTestId("ncr-capas")).toContainText(`${number} · Lid snap fit too weak (Closed)`);
  await page.goto(`/quality/capas?ncr=${ncr.number}`);
  await expect(page.getByTestId(`capa-${number}`)).toContainText("Closed");
});
