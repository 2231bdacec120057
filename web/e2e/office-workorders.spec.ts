// Issue 16, the planning part: a planner creates, releases and later closes a work order and finds
// it in the list, and looks at the schedule; a supervisor completes an order short with a reason.
// Against `mes up` with the demo plant (global-setup); BRACKET (mill at L2-CNC, pack at L2-PACK)
// has no in-process inspection, so an operator can run it through the API in between.
import type { Page } from "@playwright/test";
import { expect, signIn, SHOTS, test } from "./fixtures";
import { adminToken, CNC_OPERATOR, PLANNER, post, SUPERVISOR } from "./seed";

const API = (base: string) => `${base}/api/v1`;

async function login(base: string, user: { username: string; password: string }): Promise<string> {
  const body = { username: user.username, password: user.password };
  const { access_token } = (await post(`${API(base)}/auth/login`, null, body)) as { access_token: string };
  return access_token;
}

// the demo's work instructions of BRACKET's packing (src/mes/demo.py DEMO_STEPS): required before it completes
const PACKING_STEPS: [string, unknown][] = [["S1", null], ["S2", "5.1"], ["S3", true]];

/** The operator runs an operation of a released BRACKET order: start on its machine, walk its
 * instruction steps, then good. */
async function run(base: string, token: string, order: string, key: string, machine: string, good: string, complete: boolean) {
  const op = `${API(base)}/workorders/orders/${order}/operations/${key}`;
  await post(`${op}/start`, token, { equipment: machine });
  if (key === "20") for (const [code, value] of PACKING_STEPS) await post(`${op}/steps/${code}`, token, { value });
  if (complete) await post(`${op}/complete`, token, { good, scrap: [] });
  else await post(`${op}/yield`, token, { good, scrap: [] });
}

function inTwoWeeks(): string {
  const d = new Date(Date.now() + 14 * 24 * 3600_000);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T14:00`;
}

async function openMenu(page: Page, label: string) {
  await page.getByRole("navigation", { name: "Main menu" }).getByRole("link", { name: label }).click();
}

test.describe("planning: work orders and the schedule", () => {
  test("a planner creates, releases and later closes an order and finds it in the list", async ({ page, baseURL }) => {
    const base = baseURL ?? "";
    const number = "WO-E2E-P1";
    await signIn(page, PLANNER);
    await openMenu(page, "Work orders");
    await expect(page.getByTestId("order-table")).toBeVisible();
    // the demo's orders, every state, most urgent first
    await expect(page.getByTestId("order-row-WO-1001")).toBeVisible();
    await page.screenshot({ path: `${SHOTS}workorders-list.png`, fullPage: true });

    await page.getByTestId("new-order").click();
    const form = page.getByRole("dialog", { name: "New work order" });
    await form.getByLabel("Number").fill(number);
    await form.getByRole("combobox", { name: "Product" }).click();
    await page.getByRole("option", { name: /BRACKET/ }).click();
    await form.getByLabel("Quantity").fill("0");
    await form.getByLabel("Due").fill(inTwoWeeks());
    await form.getByLabel("ERP reference").fill("SO-E2E-77");
    await form.getByRole("button", { name: "Create" }).click();
    await expect(form.getByText("A quantity above 0.")).toBeVisible(); // checked before it is sent
    await form.getByLabel("Quantity").fill("5");
    await page.screenshot({ path: `${SHOTS}workorders-new.png` });
    await form.getByRole("button", { name: "Create" }).click();

    await expect(page).toHaveURL(new RegExp(`/workorders/${number}$`));
    // the list may still be on screen for a moment after the URL changed (its rows carry the same
    // test id): wait for the order's own page first
    await expect(page.getByRole("heading", { name: number, level: 2 })).toBeVisible();
    await expect(page.getByTestId("order-status")).toHaveText("Planned");
    await page.getByRole("button", { name: "Release" }).click();
    const release = page.getByTestId("release-dialog");
    // what release freezes into the order: the routing version and its operations
    await expect(release.getByTestId("frozen-routing")).toContainText("Mill bracket");
    await expect(release.getByTestId("frozen-routing")).toContainText("L2-PACK");
    await page.screenshot({ path: `${SHOTS}workorders-release.png` });
    await release.getByRole("button", { name: "Release" }).click();
    await expect(page.getByTestId("order-status")).toHaveText("Released");
    await expect(page.getByTestId("op-10").getByTestId("op-status")).toHaveText("Pending");
    await expect(page.getByTestId("history")).toContainText("work_order.release");
    // a planner may not complete work short (no workorder:execute): no such button
    await expect(page.getByRole("button", { name: "Complete short" })).toHaveCount(0);

    // the schedule: the release only marked it stale; the background worker replans it
    // a moment later, without anyone pressing a button (ADR 24)
    await openMenu(page, "Schedule");
    await expect(page.getByTestId(`bar-${number}-10`)).toBeVisible({ timeout: 20_000 });
    await expect(page.getByTestId("schedule-fresh")).toBeVisible();
    const before = await page.getByTestId("schedule-status").textContent();
    await page.getByTestId("recompute").click(); // ... and at once on request
    await expect(page.getByTestId("schedule-status")).not.toHaveText(before ?? "");
    await expect(page.getByTestId("schedule-fresh")).toBeVisible();
    await expect(page.getByTestId("gantt-row-CNC-21")).toBeVisible();
    await page.screenshot({ path: `${SHOTS}schedule-machines.png`, fullPage: true });
    await page.getByText("Per work center").click();
    await expect(page.getByTestId("gantt-row-L2-CNC")).toBeVisible();
    await page.screenshot({ path: `${SHOTS}schedule-work-centers.png`, fullPage: true });

    // the floor makes it (an operator, through the API)
    const carla = await login(base, CNC_OPERATOR);
    await run(base, carla, number, "10", "CNC-21", "5", true);
    await run(base, carla, number, "20", "PCK-21", "5", true);

    await openMenu(page, "Work orders");
    await page.getByTestId("order-search").fill("so-e2e");
    await expect(page).toHaveURL(/q=so-e2e/);
    await expect(page.getByTestId(`order-row-${number}`)).toBeVisible();
    await expect(page.getByTestId("order-total")).toHaveText("1 work order");
    await page.getByRole("link", { name: number }).click();
    await expect(page.getByRole("heading", { name: number, level: 2 })).toBeVisible();
    await expect(page.getByTestId("order-status")).toHaveText("Completed");
    await page.getByRole("button", { name: "Close" }).click();
    const close = page.getByTestId("close-dialog");
    await expect(close.getByRole("button", { name: "Close for good" })).toBeDisabled(); // it asks first
    await close.getByTestId("close-sure").check();
    await page.screenshot({ path: `${SHOTS}workorders-close.png` });
    await close.getByRole("button", { name: "Close for good" }).click();
    await expect(page.getByTestId("order-status")).toHaveText("Closed");
    await page.screenshot({ path: `${SHOTS}workorders-order.png`, fullPage: true });

    // found again in the list, filtered by state; the filters live in the URL
    await page.goto(`/workorders?status=closed&q=${number}`);
    await expect(page.getByTestId(`order-row-${number}`).getByTestId("order-status")).toHaveText("Closed");
    await page.reload();
    await expect(page.getByTestId(`order-row-${number}`)).toBeVisible();
  });

  test("a supervisor completes an order short with a reason", async ({ page, baseURL }) => {
    const base = baseURL ?? "";
    const number = "WO-E2E-S1";
    const admin = await adminToken(base);
    const due = new Date(Date.now() + 7 * 24 * 3600_000).toISOString();
    await post(`${API(base)}/workorders/orders`, admin, { number, product: "BRACKET", quantity: "10", due });
    await post(`${API(base)}/workorders/orders/${number}/release`, admin, {});
    const carla = await login(base, CNC_OPERATOR);
    await run(base, carla, number, "10", "CNC-21", "10", true);
    await run(base, carla, number, "20", "PCK-21", "7", false); // seven packed, then the cartons ran out
    // the operator can't complete it short: that is the supervisor's call
    const r = await fetch(`${API(base)}/workorders/orders/${number}/operations/20/complete`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${carla}` },
      body: JSON.stringify({ good: "0", scrap: [] }),
    });
    expect(r.status).toBe(409);
    expect(((await r.json()) as { detail: string }).detail).toContain("a supervisor can complete it short");

    await signIn(page, SUPERVISOR);
    await page.goto(`/workorders/${number}`);
    await expect(page.getByTestId("order-status")).toHaveText("In progress");
    await page.getByTestId("op-20").getByRole("button", { name: "Complete short" }).click();
    const dialog = page.getByTestId("complete-short-dialog");
    await dialog.getByRole("button", { name: "Complete short" }).click();
    await expect(dialog.getByText("Give a reason")).toBeVisible(); // a reason is required
    await dialog.getByLabel("Reason").fill("Cartons ran out; customer accepts 7");
    await page.screenshot({ path: `${SHOTS}workorders-complete-short.png` });
    await dialog.getByRole("button", { name: "Complete short" }).click();
    await expect(page.getByTestId("order-status")).toHaveText("Completed");
    await expect(page.getByTestId("order-short")).toBeVisible();
    await expect(page.getByTestId("history")).toContainText("Cartons ran out; customer accepts 7");

    // and splits a released order's milling across two machines, from the order page
    const other = "WO-E2E-S2";
    await post(`${API(base)}/workorders/orders`, admin, { number: other, product: "BRACKET", quantity: "5", due });
    await post(`${API(base)}/workorders/orders/${other}/release`, admin, {});
    await page.goto(`/workorders/${other}`);
    await page.getByRole("button", { name: "Change 10" }).click();
    await page.getByRole("menuitem", { name: "Split across machines" }).click();
    const split = page.getByTestId("floor-split-dialog");
    await split.getByLabel("Part A quantity").fill("3");
    await split.getByLabel("Machine (optional)").first().fill("CNC-21");
    await split.getByLabel("Part B quantity").fill("3");
    await split.getByLabel("Machine (optional)").nth(1).fill("CNC-22");
    await split.getByLabel("Reason").fill("Rush order: both mills");
    await split.getByRole("button", { name: "Split" }).click();
    await expect(split.getByTestId("problem")).toContainText("add up to 6"); // the API's refusal, in the form
    await split.getByLabel("Part B quantity").fill("2");
    await page.screenshot({ path: `${SHOTS}workorders-split.png` });
    await split.getByRole("button", { name: "Split" }).click();
    await expect(page.getByTestId("op-10").getByTestId("op-status")).toHaveText("Split");
    await expect(page.getByTestId("op-10-A")).toContainText("CNC-21");
    await expect(page.getByTestId("op-10-B")).toContainText("CNC-22");
    await expect(page.getByTestId("planned-vs-built")).toContainText("Rush order: both mills");
  });
});
