import type { Page } from "@playwright/test";
import { expect, SHOTS, signIn, test } from "./fixtures";
import { ADMIN, adminToken, CNC_OPERATOR, OPERATOR, OPERATOR_2, PACKER, PLANT, post, SUPERVISOR } from "./seed";

// An administrator registers the terminal as a station and enrols badges, through the API as an
// admin tool would; the station key then goes into the terminal's browser.
// Station codes get a suffix per worker process: Playwright starts a new worker after a failed
// test and runs beforeAll again there, which must not meet the codes the first one registered.
const RUN = Date.now().toString(36).slice(-5).toUpperCase();
const STATION = { code: `ST-L1-MOULD-${RUN}`, name: "Line 1 moulding terminal" };
const BADGES = {
  ana: { ...OPERATOR, badge: "B-1001", pin: "4719" },
  ben: { ...OPERATOR_2, badge: "B-1002", pin: "3860" },
  eli: { ...PACKER, badge: "B-1005", pin: "5207" },
  sam: { ...SUPERVISOR, badge: "B-2001", pin: "6142" },
};
const SPARE = { code: `ST-SPARE-${RUN}`, name: "Spare terminal, line 2" };
let stationKey = "";
let spareKey = "";

test.beforeAll(async () => {
  const base = process.env.MES_E2E_URL ?? "";
  const token = await adminToken(base);
  const created = (await post(`${base}/api/v1/auth/stations`, token, { ...STATION, work_center: PLANT.workCenter })) as {
    station_key: string;
  };
  stationKey = created.station_key;
  spareKey = ((await post(`${base}/api/v1/auth/stations`, token, SPARE)) as { station_key: string }).station_key;
  for (const b of Object.values(BADGES)) {
    await post(`${base}/api/v1/auth/users/${b.username}/badge`, token, { badge: b.badge, pin: b.pin }, "PUT");
  }
});

/** The terminal's browser gets the station key (as the Station terminals screen stores it). */
async function installKey(page: Page, key: string): Promise<void> {
  await page.goto("/takeover");
  await page.evaluate((k) => localStorage.setItem("mes.terminal", JSON.stringify({ key: k, code: null, name: null })), key);
  await page.reload();
  await expect(page.getByTestId("badge-input")).toBeFocused();
}

/** A badge scanned by a keyboard wedge into the focused field, then the PIN tapped on the keypad. */
async function badgeIn(page: Page, who: { badge: string }, pin: string): Promise<void> {
  await expect(page.getByTestId("badge-input")).toBeFocused();
  await page.keyboard.type(who.badge, { delay: 5 });
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("badge-read")).toHaveText(who.badge);
  const keypad = page.getByTestId("pin-keypad");
  for (const digit of pin) await keypad.getByRole("button", { name: digit, exact: true }).click();
  await expect(page.getByTestId("pin-dots")).toHaveText("●".repeat(pin.length));
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

async function refreshStatus(baseURL: string, token: string | null): Promise<number> {
  const r = await fetch(`${baseURL}/api/v1/auth/refresh`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ refresh_token: token }),
  });
  return r.status;
}

test.describe("shared terminal: badge and PIN", () => {
  test("an admin sets the terminal up; an operator takes over with badge and PIN; the next one signs the first out", async ({
    page,
    baseURL,
  }) => {
    // the administrator installs the station key in this browser
    await signIn(page, ADMIN);
    await page.getByRole("navigation", { name: "Main menu" }).getByRole("link", { name: "Station terminals" }).click();
    await expect(page.getByTestId("stations")).toContainText(STATION.code);
    await page.getByLabel("Station key").fill(stationKey);
    await page.getByRole("combobox", { name: "Station of this key (optional)" }).click();
    await page.getByRole("option", { name: `${STATION.name} (${STATION.code})` }).click();
    await page.getByRole("button", { name: "Set up this terminal" }).click();
    await expect(page.getByTestId("terminal-installed")).toContainText(
      `Set up as ${STATION.name} (${STATION.code}) at work center ${PLANT.workCenter}.`,
    );
    await page.getByRole("button", { name: "Sign out" }).click();

    // signed out, the terminal shows the badge screen, not the password form
    await expect(page).toHaveURL(/\/takeover$/);
    await expect(page.getByTestId("terminal-name")).toHaveText(`${STATION.name} (${STATION.code})`);
    await page.keyboard.type(BADGES.ana.badge, { delay: 5 });
    await page.keyboard.press("Enter");
    await expect(page.getByTestId("badge-read")).toHaveText(BADGES.ana.badge);
    const keypad = page.getByTestId("pin-keypad");
    for (const digit of BADGES.ana.pin.slice(0, 3)) await keypad.getByRole("button", { name: digit, exact: true }).click();
    await expect(page.getByTestId("pin-dots")).toHaveText("●●●○");
    // a target for a gloved finger
    const key = await keypad.getByRole("button", { name: "5", exact: true }).boundingBox();
    expect(key?.height ?? 0).toBeGreaterThanOrEqual(80);
    await page.screenshot({ path: `${SHOTS}station-takeover.png`, fullPage: true });
    await keypad.getByRole("button", { name: BADGES.ana.pin[3] ?? "", exact: true }).click();
    await page.getByRole("button", { name: "Sign in", exact: true }).click();

    // the station header says who is signed in, and how
    await expect(page).toHaveURL(/\/station$/);
    const header = page.getByTestId("station-header");
    await expect(header.getByTestId("signed-in-user")).toHaveText(BADGES.ana.name);
    await expect(header.getByTestId("signed-in-how")).toHaveText(`Badge sign-in at ${STATION.code}`);
    await expect(header.getByRole("button", { name: "Sign out" })).toBeVisible();
    // the station starts at the work center the terminal was registered for
    await expect(page.getByRole("combobox", { name: "Work center" })).toHaveValue(PLANT.workCenterLabel);
    await page.screenshot({ path: `${SHOTS}station-badge-signed-in.png` });
    const anasToken = await page.evaluate(() => sessionStorage.getItem("mes.refresh_token"));
    expect(anasToken).toMatch(/^mesrt_/);

    // the next operator takes over: Ana's session is ended at the auth service
    await header.getByRole("link", { name: "Take over" }).click();
    await expect(page.getByTestId("current-user")).toContainText(`${BADGES.ana.name} is signed in here`);
    const logout = page.waitForResponse((r) => r.url().endsWith("/api/v1/auth/logout"));
    await badgeIn(page, BADGES.ben, BADGES.ben.pin);
    expect((await logout).status()).toBe(204);
    await expect(header.getByTestId("signed-in-user")).toHaveText(BADGES.ben.name);
    expect(await refreshStatus(baseURL ?? "", anasToken)).toBe(401);

    // Ben signs out with the big button: back to the badge screen
    await header.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/takeover$/);
    await expect(page.getByTestId("badge-input")).toBeFocused();
  });

  test("a wrong PIN, a locked badge and an unregistered terminal are told in large red text", async ({ page }) => {
    await installKey(page, stationKey);
    await badgeIn(page, BADGES.eli, "8642");
    const problem = page.getByTestId("takeover-problem");
    await expect(problem).toHaveText("The badge or PIN is wrong.");
    await expect(problem).toHaveCSS("background-color", "rgb(201, 42, 42)");
    expect(Number.parseFloat(await problem.locator("p").first().evaluate((e) => getComputedStyle(e).fontSize))).toBeGreaterThanOrEqual(28);
    // the badge stays, the PIN is gone: try again
    await expect(page.getByTestId("badge-read")).toHaveText(BADGES.eli.badge);
    await expect(page.getByTestId("pin-dots")).toHaveText("○○○○");
    await page.screenshot({ path: `${SHOTS}station-wrong-pin.png` });

    // three wrong PINs lock the badge, even for the right PIN
    const keypad = page.getByTestId("pin-keypad");
    for (const d of "8643") await keypad.getByRole("button", { name: d, exact: true }).click();
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(page.getByTestId("pin-dots")).toHaveText("○○○○");
    await expect(problem).toHaveText("The badge or PIN is wrong.");
    for (const d of "8644") await keypad.getByRole("button", { name: d, exact: true }).click();
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(problem).toContainText("Too many failed attempts");
    await expect(page.getByTestId("badge-input")).toBeVisible();
    await badgeIn(page, BADGES.eli, BADGES.eli.pin);
    await expect(problem).toContainText("Too many failed attempts");
    await page.screenshot({ path: `${SHOTS}station-badge-locked.png` });

    // a terminal whose key the auth service does not know
    await installKey(page, "messt_000000000000_not-a-key-of-this-plant-0000000000");
    await badgeIn(page, BADGES.ana, BADGES.ana.pin);
    await expect(problem).toContainText("This terminal is not registered as a station.");
    await expect(page.getByTestId("badge-input")).toBeVisible();
  });

  test("a supervisor badging in at the terminal gets only operator actions (no release or hold)", async ({ page }) => {
    await installKey(page, stationKey);
    await badgeIn(page, BADGES.sam, BADGES.sam.pin);
    await expect(page.getByTestId("station-header").getByTestId("signed-in-user")).toHaveText(BADGES.sam.name);
    // the operator station is there, with what an operator may do
    await expect(page.getByRole("heading", { name: "Operator station" })).toBeVisible();
    const menu = page.getByRole("navigation", { name: "Main menu" });
    await expect(menu.getByRole("link", { name: "Operator station" })).toBeVisible();
    // on the board the work orders show, but not a supervisor's release and hold
    await menu.getByRole("link", { name: "Supervisor board" }).click();
    await expect(page.getByTestId("order-WO-1005").getByTestId("order-status")).toHaveText(/Released|In progress/);
    await expect(page.getByTestId("work-orders").getByRole("button", { name: "Release" })).toHaveCount(0);
    await expect(page.getByTestId("work-orders").getByRole("button", { name: "Hold" })).toHaveCount(0);
    await expect(page.getByTestId("work-orders").getByRole("button", { name: "Resume" })).toHaveCount(0);
  });

  test("a shared terminal signs the operator out after ten minutes without a touch", async ({ page }) => {
    // the browser's clock is simulated: ten minutes pass without waiting for them
    await page.clock.install();
    await installKey(page, stationKey);
    await badgeIn(page, BADGES.ben, BADGES.ben.pin);
    const who = page.getByTestId("station-header").getByTestId("signed-in-user");
    await expect(who).toHaveText(BADGES.ben.name);
    await page.clock.fastForward("09:00");
    await expect(who).toHaveText(BADGES.ben.name); // nine quiet minutes: still signed in
    await page.clock.fastForward("01:30");
    await expect(page.getByTestId("badge-input")).toBeVisible(); // past ten: back to the badge screen
    await expect(page.getByTestId("takeover-notice")).toContainText("without activity");
  });

  test("an admin deactivates a replaced terminal with a reason; its key signs nobody in any more", async ({ page }) => {
    await signIn(page, ADMIN);
    await page.getByRole("navigation", { name: "Main menu" }).getByRole("link", { name: "Station terminals" }).click();
    const row = page.getByTestId(`station-${SPARE.code}`);
    await expect(row.getByTestId("station-active")).toHaveText("yes");
    await row.getByRole("button", { name: "Deactivate" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Reason").fill("Touch screen broken, terminal replaced");
    await dialog.getByRole("button", { name: "Deactivate station" }).click();
    await expect(row.getByTestId("station-active")).toHaveText("no");
    await expect(row.getByRole("button", { name: "Deactivate" })).toHaveCount(0);
    await page.getByRole("button", { name: "Sign out" }).click();

    await installKey(page, spareKey);
    await badgeIn(page, BADGES.ben, BADGES.ben.pin);
    await expect(page.getByTestId("takeover-problem")).toContainText("This terminal is not registered as a station.");
  });

  test("an admin sees the enrolled badges and removes a lost one; it no longer signs its owner in", async ({
    page,
    baseURL,
  }) => {
    const lost = { ...CNC_OPERATOR, badge: "B-1003", pin: "9153" };
    const token = await adminToken(baseURL ?? "");
    await post(`${baseURL}/api/v1/auth/users/${lost.username}/badge`, token, { badge: lost.badge, pin: lost.pin }, "PUT");
    await signIn(page, ADMIN);
    await page.getByRole("navigation", { name: "Main menu" }).getByRole("link", { name: "Station terminals" }).click();
    const row = page.getByTestId(`badge-${lost.badge}`);
    await expect(row).toContainText(`${lost.name} (${lost.username})`);
    await expect(page.getByTestId(`badge-${BADGES.ana.badge}`)).toContainText(BADGES.ana.name);
    await row.getByRole("button", { name: "Remove" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Reason").fill("Lost on line 2, replacement ordered");
    await dialog.getByRole("button", { name: "Remove badge" }).click();
    await expect(row).toHaveCount(0);
    await page.getByRole("button", { name: "Sign out" }).click();

    await installKey(page, stationKey);
    await badgeIn(page, lost, lost.pin);
    await expect(page.getByTestId("takeover-problem")).toHaveText("The badge or PIN is wrong.");
  });
});
