// The resource and administration screens against the demo plant: a maintenance planner completes
// a maintenance order and the machine becomes available; a supervisor classifies a stop; an admin
// creates a user, gives a role, resets the password (the user signs in with it) and verifies the
// audit chain. What the demo lacks (a maintenance technician, an order, an ongoing stop, a
// certification about to expire) is set up here through the public API, as a plant would have it.
import type { Page } from "@playwright/test";
import { expect, signIn, SHOTS, test } from "./fixtures";
import { ADMIN, adminToken, post, SUPERVISOR } from "./seed";

const MAINTENANCE = { username: "mia.maint", password: "Maintenance-Passw0rd-42", name: "Mia Maint" };
const NEW_USER = { username: "nina.new", name: "Nina New", first: "First-Passw0rd-2026!", reset: "Reset-Passw0rd-2026!" };
const MO_MACHINE = "PCK-23";
const STOP_MACHINE = "PCK-22";

/** A POST that may have been made by an earlier attempt in this run (a 409 duplicate is fine). */
async function ensure(url: string, token: string, body: unknown): Promise<void> {
  try {
    await post(url, token, body);
  } catch (e) {
    if (!String(e).includes("-> 409")) throw e;
  }
}

async function get<T>(url: string, token: string): Promise<T> {
  const r = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  if (!r.ok) throw new Error(`GET ${url} -> ${r.status} ${await r.text()}`);
  return (await r.json()) as T;
}

interface Setup {
  order: string;
  stop: string;
}

let setup: Setup | null = null;

/** Once per run: the technician, a corrective order on PCK-23, a stop on PCK-22 happening now. */
async function prepare(base: string): Promise<Setup> {
  if (setup) return setup;
  const api = `${base}/api/v1`;
  const token = await adminToken(base);
  await ensure(`${api}/auth/users`, token, {
    username: MAINTENANCE.username,
    display_name: MAINTENANCE.name,
    password: MAINTENANCE.password,
    roles: ["maintenance"],
  });
  // the account an ERP connection acts as (an API key belongs to a user)
  await ensure(`${api}/auth/users`, token, {
    username: "erp.gateway",
    display_name: "ERP gateway",
    password: "Gateway-Passw0rd-2026!",
    roles: ["integration"],
  });
  const orders = await get<{ items: { number: string; status: string }[] }>(
    `${api}/resource/maintenance/orders?equipment=${MO_MACHINE}&status=open`,
    token,
  );
  const order =
    orders.items[0] ??
    ((await post(`${api}/resource/maintenance/orders`, token, {
      equipment_code: MO_MACHINE,
      description: "Carton sealer jams: replace the feed belt",
    })) as { number: string });
  // a certification about to expire, for the people screen
  await ensure(`${api}/resource/skills`, token, { code: "FORKLIFT", name: "Forklift licence" });
  const soon = new Date(Date.now() + 10 * 86400_000).toISOString().slice(0, 10);
  await ensure(`${api}/resource/persons/eli.novak/qualifications`, token, { skill: "FORKLIFT", level: 1, expires_on: soon });
  // the packing station stops now, without a reason
  const state = await get<{ state: string | null }>(`${api}/resource/equipment/${STOP_MACHINE}/state`, token);
  if (state.state !== "down") await post(`${api}/resource/equipment/${STOP_MACHINE}/state`, token, { state: "down" });
  const from = new Date(Date.now() - 3600_000).toISOString();
  const to = new Date(Date.now() + 3600_000).toISOString();
  const stops = await get<{ items: { id: string; ended_at: string | null }[] }>(
    `${api}/resource/equipment/${STOP_MACHINE}/downtimes?start=${encodeURIComponent(from)}&end=${encodeURIComponent(to)}`,
    token,
  );
  const open = stops.items.find((s) => s.ended_at === null);
  if (!open) throw new Error(`no ongoing stop of ${STOP_MACHINE}: ${JSON.stringify(stops.items)}`);
  setup = { order: order.number, stop: open.id };
  return setup;
}

async function signOut(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/signin$/);
}

test.describe("resource and administration screens", () => {
  test.beforeEach(async ({ baseURL }) => {
    await prepare(baseURL ?? "");
  });

  test("a maintenance planner assigns, starts and completes an order; the machine becomes available", async ({ page }) => {
    const { order } = setup!;
    await signIn(page, MAINTENANCE);
    const menu = page.getByRole("navigation", { name: "Main menu" });
    await expect(menu.getByText("Resources", { exact: true })).toBeVisible();
    await expect(menu.getByRole("link", { name: "Users" })).toHaveCount(0);
    await menu.getByRole("link", { name: "Maintenance" }).click();
    await expect(page).toHaveURL(/\/resource\/maintenance$/);
    // the filter goes into the address
    await page.getByRole("combobox", { name: "Machine" }).click();
    await page.getByRole("option", { name: `Packing station 3 (${MO_MACHINE})` }).click();
    await expect(page).toHaveURL(new RegExp(`equipment=${MO_MACHINE}`));
    const row = page.getByTestId(`mo-${order}`);
    await expect(row).toContainText("Open");

    await row.getByRole("button", { name: "Assign" }).click();
    const assign = page.getByRole("dialog");
    await assign.getByLabel("Technician").fill(MAINTENANCE.username);
    await assign.getByRole("button", { name: "Assign" }).click();
    await expect(assign).toBeHidden();
    await expect(row).toContainText("Assigned");
    await expect(row).toContainText(MAINTENANCE.username);

    await row.getByRole("button", { name: "Start" }).click();
    await expect(row).toContainText("In progress");
    await expect(page.getByTestId("machine-state")).toContainText(`${MO_MACHINE}: Maintenance`);
    await expect(page.getByTestId("machine-state")).toContainText("Not available");

    await row.getByRole("button", { name: "Complete" }).click();
    const complete = page.getByRole("dialog");
    await complete.getByLabel("What was done (optional)").fill("Feed belt replaced, sealer tested");
    await complete.getByRole("button", { name: "Complete" }).click();
    await expect(complete).toBeHidden();
    await expect(row).toContainText("Completed");
    await expect(page.getByTestId("machine-state")).toContainText(`${MO_MACHINE}: Idle`);
    await expect(page.getByTestId("machine-state")).toContainText("Available for production");
    await page.screenshot({ path: `${SHOTS}resource-maintenance.png` });

    // the plant model says so too
    await page.goto(`/resource/equipment?code=${MO_MACHINE}`);
    await expect(page.getByTestId("equipment-state")).toHaveText("Idle · available");
    await page.screenshot({ path: `${SHOTS}resource-equipment.png` });

    // audit trails are not the technician's: no menu entry
    await expect(menu.getByRole("link", { name: "Audit trail" })).toHaveCount(0);
  });

  test("a supervisor classifies a stop in the downtime list", async ({ page }) => {
    const { stop } = setup!;
    await signIn(page, SUPERVISOR);
    await page.goto(`/resource/downtime?machine=${STOP_MACHINE}&hours=24`);
    const row = page.getByTestId(`downtime-${stop}`);
    await expect(row).toContainText("unclassified");
    await expect(row).toContainText("down now");
    await row.getByRole("button", { name: "Classify" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByRole("combobox", { name: "Reason" }).click();
    await page.getByRole("option", { name: "Part jammed (MECH.JAM)" }).click();
    await dialog.getByLabel("Comment (optional)").fill("Carton stuck in the folder");
    await dialog.getByRole("button", { name: "Classify" }).click();
    await expect(dialog).toBeHidden();
    await expect(row).toContainText("MECH.JAM");
    await expect(row).toContainText(`by ${SUPERVISOR.username}`);
    await expect(row).toContainText("Carton stuck in the folder");
    await page.screenshot({ path: `${SHOTS}resource-downtime.png` });
    // "unclassified only" is kept in the address and hides it
    await page.getByRole("switch", { name: "Unclassified only" }).click();
    await expect(page.getByRole("switch", { name: "Unclassified only" })).toBeChecked();
    await expect(page).toHaveURL(/open=1/);
    await expect(row).toHaveCount(0);
  });

  test("an admin creates a user, gives a role, resets the password, and verifies the audit chain", async ({ page }) => {
    await signIn(page, ADMIN);
    await page.goto("/admin/users");
    await page.getByRole("button", { name: "New user" }).click();
    const create = page.getByRole("dialog");
    await create.getByLabel("User name").fill(NEW_USER.username);
    await create.getByLabel("Display name").fill(NEW_USER.name);
    await create.getByLabel("Initial password").fill(NEW_USER.first);
    await create.getByRole("button", { name: "Create user" }).click();
    await expect(create).toBeHidden();
    const row = page.getByTestId(`user-${NEW_USER.username}`);
    await expect(row).toContainText(NEW_USER.name);
    await expect(row).toContainText("active");

    // a role
    await row.getByRole("button", { name: "Edit" }).click();
    const edit = page.getByRole("dialog");
    await edit.getByLabel("Roles").first().click();
    await page.keyboard.type("viewer");
    await page.getByRole("option", { name: "viewer" }).click();
    await edit.getByLabel("Display name").click(); // closes the list of roles
    await edit.getByLabel("Reason (optional)").fill("Joins the shift office");
    await edit.getByRole("button", { name: "Save" }).click();
    await expect(edit).toBeHidden();
    await expect(row).toContainText("viewer");

    // a password the policy refuses shows the service's problem detail, then a good one
    await row.getByRole("button", { name: "Reset password" }).click();
    const reset = page.getByRole("dialog");
    await reset.getByLabel("New password").fill("short");
    await reset.getByRole("button", { name: "Reset password" }).click();
    await expect(reset.getByTestId("problem")).toContainText("at least");
    await reset.getByLabel("New password").fill(NEW_USER.reset);
    await reset.getByRole("button", { name: "Reset password" }).click();
    await expect(reset).toBeHidden();
    await page.screenshot({ path: `${SHOTS}admin-users.png` });

    // the new user signs in with the new password, and sees what a viewer sees
    await signOut(page);
    await signIn(page, { username: NEW_USER.username, password: NEW_USER.reset });
    await expect(page.getByTestId("signed-in-user")).toHaveText(NEW_USER.name);
    await expect(page.getByRole("navigation", { name: "Main menu" }).getByRole("link", { name: "Users" })).toHaveCount(0);
    await signOut(page);

    // the admin finds it all in the auth audit trail, and the chain holds
    await signIn(page, ADMIN);
    await page.goto(`/admin/audit?service=auth&entity_id=${NEW_USER.username}`);
    const trail = page.getByTestId("audit-trail");
    await expect(trail).toContainText("user.created");
    await expect(trail).toContainText("user.password_reset");
    await expect(trail).toContainText("Joins the shift office");
    await page.getByRole("button", { name: "Verify chain" }).click();
    await expect(page.getByTestId("audit-verified")).toContainText("rows verified");
    await page.screenshot({ path: `${SHOTS}admin-audit.png` });

    // every service's trail verifies: resource's holds the maintenance order's steps
    await page.goto("/admin/audit?service=resource&entity_type=maintenance_order");
    await expect(page.getByTestId("audit-trail")).toContainText("maintenance_order.completed");
    await page.getByRole("button", { name: "Verify chain" }).click();
    await expect(page.getByTestId("audit-verified")).toBeVisible();
  });

  test("the other office screens: calendars, people, roles, API keys, e-signatures", async ({ page }) => {
    await signIn(page, ADMIN);
    await page.goto("/resource/calendars?code=LYON");
    await expect(page.getByTestId("week-view")).toBeVisible();
    await expect(page.getByTestId("planned-window").first()).toBeVisible();
    await expect(page.getByText("early", { exact: true })).toBeVisible();
    await page.screenshot({ path: `${SHOTS}resource-calendars.png` });

    await page.goto("/resource/people");
    await expect(page.getByTestId("person-eli.novak").getByTestId("qualification-soon")).toContainText("FORKLIFT");
    await page.screenshot({ path: `${SHOTS}resource-people.png` });

    await page.goto("/admin/roles?role=supervisor");
    await expect(page.getByRole("checkbox", { name: "resource:downtime:write" })).toBeChecked();
    await expect(page.getByRole("checkbox", { name: "auth:role:write" })).not.toBeChecked();
    await page.screenshot({ path: `${SHOTS}admin-roles.png` });

    await page.goto("/admin/api-keys");
    await page.getByRole("button", { name: "New API key" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Name").fill("ERP bridge");
    await dialog.getByLabel("Owner").fill("erp.gateway");
    await dialog.getByLabel("Permissions").first().click();
    await page.keyboard.type("workorder:read");
    await page.getByRole("option", { name: "workorder:read", exact: true }).click();
    await dialog.getByLabel("Owner").click(); // closes the list of permissions
    await dialog.getByRole("button", { name: "Create key" }).click();
    await expect(page.getByTestId("api-key-created")).toBeVisible();
    await expect(page.getByTestId("api-keys")).toContainText("erp.gateway");
    await page.screenshot({ path: `${SHOTS}admin-api-keys.png` });

    await page.goto("/admin/signatures?record_type=quality.task");
    await expect(page.getByTestId("signatures")).toBeVisible();
    await page.screenshot({ path: `${SHOTS}admin-signatures.png` });
  });

  test("resource and user lists sort and page on the server, and keep it in the URL", async ({ page }) => {
    await signIn(page, ADMIN);
    /** the next list request to the API whose query has all of `parts` */
    const asked = (path: string, ...parts: string[]) =>
      page.waitForRequest((r) => {
        const url = new URL(r.url());
        return url.pathname === path && parts.every((p) => url.search.includes(p));
      });

    const equipment = "/api/v1/resource/equipment";
    let request = asked(equipment, "level=equipment", "sort=path", "limit=4", "offset=0");
    await page.goto("/resource/equipment?view=list&level=equipment&size=4");
    await request;
    const rows = page.getByTestId("equipment-list").getByRole("row");
    await expect(rows).toHaveCount(5); // the header and one page of four machines (the demo has ten)
    request = asked(equipment, "sort=code");
    await page.getByTestId("sort-code").click();
    await request;
    await expect(page).toHaveURL(/sort=code/);
    request = asked(equipment, "sort=-code");
    await page.getByTestId("sort-code").click(); // again: descending, asked of the server
    await request;
    await expect(page).toHaveURL(/dir=desc/);
    const firstDescending = (await rows.nth(1).getByRole("cell").first().textContent()) ?? "";
    request = asked(equipment, "sort=-code", "offset=4");
    await page.getByRole("button", { name: "2", exact: true }).click();
    await request;
    await expect(page).toHaveURL(/page=2/);
    await expect(rows.nth(1)).not.toContainText(firstDescending);
    request = asked(equipment, "sort=-code", "offset=4", "limit=4");
    await page.reload(); // a reload (or a shared link) shows the same page in the same order
    await request;
    await expect(page.getByTestId("sort-code")).toContainText("▼");

    const users = "/api/v1/auth/users";
    request = asked(users, "sort=-display_name");
    await page.goto("/admin/users?sort=display_name&dir=desc");
    await request;
    await expect(page.getByTestId("users").getByRole("row").nth(1)).toBeVisible();
    await expect(page.getByTestId("sort-display_name")).toContainText("▼");

    request = asked("/api/v1/resource/maintenance/orders", "sort=-due_at", "limit=25");
    await page.goto("/resource/maintenance?sort=due_at&dir=desc");
    await request;
    await expect(page.getByTestId("maintenance-orders")).toBeVisible();

    request = asked("/api/v1/resource/persons", "sort=-name");
    await page.goto("/resource/people?sort=name&dir=desc");
    await request;
    await expect(page.getByTestId("sort-name")).toContainText("▼");
  });

  test("API keys, maintenance plans and a machine's stops sort and page on the server too (ADR 44)", async ({ page }) => {
    await signIn(page, ADMIN);
    const asked = (path: string, ...parts: string[]) =>
      page.waitForRequest((r) => {
        const url = new URL(r.url());
        return url.pathname === path && parts.every((p) => url.search.includes(p));
      });
    const answered = (path: string) => page.waitForResponse((r) => new URL(r.url()).pathname === path && r.ok());

    // API keys: the URL's sort and page, asked again after a reload; the total from X-Total-Count
    const keys = "/api/v1/auth/api-keys";
    let request = asked(keys, "sort=-name", "limit=10", "offset=0");
    let response = answered(keys);
    await page.goto("/admin/api-keys?sort=name&dir=desc&size=10");
    await request;
    const total = (await response).headers()["x-total-count"];
    expect(total).toMatch(/^\d+$/);
    await expect(page.getByTestId("api-keys")).toBeVisible();
    await expect(page.getByTestId("sort-name")).toContainText("▼");
    request = asked(keys, "sort=last_used_at", "limit=10");
    await page.getByTestId("sort-last_used_at").click();
    await request;
    await expect(page).toHaveURL(/sort=last_used_at/);
    request = asked(keys, "sort=last_used_at", "limit=10", "offset=0");
    await page.reload();
    await request;
    await expect(page.getByTestId("sort-last_used_at")).toContainText("▲");

    // maintenance plans: the tab's own sort and page
    const plans = "/api/v1/resource/maintenance/plans";
    request = asked(plans, "sort=-last_done_at", "limit=10", "offset=10");
    await page.goto("/resource/maintenance?tab=plans&sort=last_done_at&dir=desc&size=10&page=2");
    await request;
    await expect(page.getByTestId("maintenance-plans")).toBeVisible();
    request = asked(plans, "sort=-last_done_at", "limit=10", "offset=10");
    await page.reload();
    await request;
    await expect(page.getByTestId("sort-last_done_at")).toContainText("▼");
    request = asked(plans, "sort=code", "limit=10", "offset=0");
    await page.getByTestId("sort-code").click(); // a new sort goes back to the first page
    await request;
    await expect(page).not.toHaveURL(/page=2/);

    // a machine's stops: sort, page and the "unclassified only" filter, asked of resource
    const stops = `/api/v1/resource/equipment/${STOP_MACHINE}/downtimes`;
    request = asked(stops, "classified=false", "sort=-duration_s", "limit=10", "offset=0");
    response = answered(stops);
    await page.goto(`/resource/downtime?machine=${STOP_MACHINE}&open=1&sort=duration_s&dir=desc&size=10`);
    await request;
    const body = (await (await response).json()) as { items: { reason_code: string | null }[]; total: number };
    expect(body.items.every((s) => s.reason_code === null)).toBe(true);
    expect(body.total).toBeGreaterThanOrEqual(body.items.length);
    await expect(page.getByTestId("sort-duration_s")).toContainText("▼");
    request = asked(stops, "classified=false", "sort=-duration_s", "limit=10", "offset=0");
    await page.reload();
    await request;
    request = asked(stops, "classified=false", "sort=started_at", "limit=10");
    await page.getByTestId("sort-started_at").click();
    await request;
    await expect(page).toHaveURL(/dir=asc/); // started_at is the screen's default column
    await expect(page.getByTestId("sort-started_at")).toContainText("▲");
  });
});
