import type { Page } from "@playwright/test";
import { expect, signIn, SHOTS, test } from "./fixtures";
import { adminToken, PLANNER, post } from "./seed";

// Roles the demo does not have, made the way an administrator would (POST /auth/roles): a process
// engineer who maintains master data, a storekeeper who books warehouse moves.
const ENGINEER = { username: "erin.engineer", password: "Engineer-Passw0rd-42", name: "Erin Engineer" };
const STOREKEEPER = { username: "stan.store", password: "Storekeeper-Passw0rd-42", name: "Stan Storekeeper" };
const ROLES = {
  "process-engineer": [
    "material:read",
    "material:master:write",
    "workorder:read",
    "workorder:routing:write",
    "resource:read",
    "resource:downtime:write",
    "quality:read",
    "quality:plan:write",
  ],
  storekeeper: ["material:read", "material:lot:receive", "material:lot:move", "material:lot:adjust", "workorder:read"],
};

async function get(url: string, token: string): Promise<unknown> {
  const r = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  if (!r.ok) throw new Error(`GET ${url} -> ${r.status} ${await r.text()}`);
  return r.json();
}

async function choose(page: Page, scope: ReturnType<Page["getByRole"]>, label: string, option: string | RegExp) {
  await scope.getByLabel(label, { exact: true }).click();
  await page.getByRole("option", { name: option }).click();
}

test.describe.configure({ mode: "serial" });

test.describe("master data and warehouse actions", () => {
  test.beforeAll(async ({ baseURL }) => {
    const api = `${baseURL}/api/v1`;
    const token = await adminToken(baseURL ?? "");
    for (const [name, permissions] of Object.entries(ROLES)) {
      await post(`${api}/auth/roles`, token, { name, description: `${name} (office-master e2e)`, permissions });
    }
    for (const [u, role] of [
      [ENGINEER, "process-engineer"],
      [STOREKEEPER, "storekeeper"],
    ] as const) {
      await post(`${api}/auth/users`, token, {
        username: u.username,
        display_name: u.name,
        password: u.password,
        roles: [role],
      });
    }
    // an alternate colour for the new product's BOM
    await post(`${api}/material/items`, token, { code: "MB-GREY", name: "Grey masterbatch", kind: "raw", uom: "g" });
  });

  test("an engineer creates an item, its BOM and a routing, and a new order follows them", async ({ page, baseURL }) => {
    await signIn(page, ENGINEER);
    const menu = page.getByRole("navigation", { name: "Main menu" });
    await menu.getByText("Master data").click();
    await menu.getByRole("link", { name: "Items and BOMs" }).click();
    await expect(page.getByTestId("items-table")).toContainText("PP-RESIN");

    // the list keeps its search and sort in the URL, asked of the server
    await page.getByLabel("Search").fill("masterbatch");
    await expect(page).toHaveURL(/q=masterbatch/);
    await expect(page.getByTestId("items-table").getByRole("row")).toHaveCount(3); // header, MB-BLUE, MB-GREY
    await page.getByTestId("sort-code").click(); // sorted by code already: the click reverses it
    await expect(page).toHaveURL(/sort=-code/);
    await expect(page.getByTestId("items-table").getByRole("row").nth(1)).toContainText("MB-GREY");
    await page.reload();
    await expect(page.getByLabel("Search")).toHaveValue("masterbatch");
    await expect(page.getByTestId("items-table").getByRole("row").nth(1)).toContainText("MB-GREY");
    await page.getByLabel("Search").fill("");
    await page.screenshot({ path: `${SHOTS}master-items.png`, fullPage: true });

    // the form says what the API would refuse; the API's own refusal is shown as its problem detail
    await page.getByRole("button", { name: "New item" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Code").fill("bad code!");
    await dialog.getByRole("button", { name: "Create item" }).click();
    await expect(dialog.getByText("letters, digits and . _ / - only")).toBeVisible();
    await expect(dialog.getByText("Name: required.")).toBeVisible();
    await dialog.getByLabel("Code").fill("PP-RESIN");
    await dialog.getByLabel("Name", { exact: true }).fill("Lid S");
    await dialog.getByLabel("Unit").fill("pcs");
    await dialog.getByRole("button", { name: "Create item" }).click();
    await expect(dialog.getByTestId("problem")).toContainText("PP-RESIN already exists.");
    await dialog.getByLabel("Code").fill("LID-S");
    await choose(page, dialog, "Kind", "Finished");
    await dialog.getByLabel("Shelf life (days)").fill("730");
    await dialog.getByRole("button", { name: "Create item" }).click();
    await expect(page).toHaveURL(/\/master\/items\/LID-S$/);
    await expect(page.getByTestId("item-code")).toHaveText("LID-S");
    await expect(page.getByTestId("item-shelf-life")).toHaveText("730 days");

    // a BOM with a scrap factor and two alternate colours
    await page.getByRole("button", { name: "New BOM version" }).click();
    const bom = page.getByRole("dialog");
    await bom.getByLabel("Version").fill("A");
    await bom.getByLabel("Valid from").fill("2026-01-01");
    const lines: [string, string, string, string, string][] = [
      ["PP-RESIN", "0.12", "0.05", "", ""],
      ["MB-BLUE", "3", "0", "COLOUR", "1"],
      ["MB-GREY", "3", "0", "COLOUR", "2"],
    ];
    for (const [i, [component, quantity, scrap, group, priority]] of lines.entries()) {
      if (i > 0) await bom.getByRole("button", { name: "Add component" }).click();
      const n = i + 1;
      await bom.getByLabel(`Component ${n}`, { exact: true }).fill(component);
      await page.getByRole("option", { name: new RegExp(`^${component} `) }).click();
      await bom.getByLabel(`Quantity ${n}`, { exact: true }).fill(quantity);
      await bom.getByLabel(`Scrap factor ${n}`, { exact: true }).fill(scrap);
      if (group) await bom.getByLabel(`Alternate group ${n}`, { exact: true }).fill(group);
      if (priority) await bom.getByLabel(`Priority ${n}`, { exact: true }).fill(priority);
    }
    await expect(bom.getByLabel("Unit 1", { exact: true })).toHaveValue("kg"); // the component's unit by default
    await bom.getByRole("button", { name: "Create BOM" }).click();
    await expect(bom).toBeHidden();
    const version = page.getByTestId("bom-A");
    await expect(version).toContainText("Effective today");
    await expect(version).toContainText("5.00 %");
    await expect(version.getByRole("row")).toHaveCount(4);

    // the explosion: scrap included, the second-choice colour left out
    await page.getByTestId("explosion").getByLabel("Quantity (pcs)").fill("100");
    await page.getByRole("button", { name: "Explode" }).click();
    const totals = page.getByTestId("explosion-totals");
    await expect(totals).toContainText("PP-RESIN");
    await expect(totals).toContainText("12.6 kg");
    await expect(totals).toContainText("300 g");
    await expect(totals).not.toContainText("MB-GREY");
    await page.screenshot({ path: `${SHOTS}master-item-bom.png`, fullPage: true });

    // the product and its routing
    await menu.getByRole("link", { name: "Products and routings" }).click();
    await page.getByRole("button", { name: "New product" }).click();
    const product = page.getByRole("dialog");
    await product.getByLabel("Item").fill("LID");
    await page.getByRole("option", { name: /^LID-S/ }).click();
    await product.getByRole("button", { name: "Create product" }).click();
    await expect(page).toHaveURL(/\/master\/products\/LID-S$/);
    await expect(page.getByTestId("product-code")).toHaveText("LID-S");
    await expect(page.getByText("No routing yet")).toBeVisible();

    await page.getByRole("button", { name: "New routing version" }).click();
    const routing = page.getByRole("dialog");
    await expect(routing.getByLabel("Version")).toHaveValue("1");
    const ops = [
      { name: "Mould lid", wc: "Line 1 moulding (L1-MOULD)", setup: "20", run: "0.5", skill: "MOULDING:2", material: "PP-RESIN" },
      { name: "Colour and pack", wc: "Line 1 assembly (L1-ASSY)", setup: "5", run: "0.2", skill: "ASSEMBLY", material: "MB-BLUE" },
    ];
    for (const [i, op] of ops.entries()) {
      if (i > 0) await routing.getByRole("button", { name: "Add operation" }).click();
      const card = routing.getByTestId(`op-form-${i}`);
      await card.getByLabel("Name").fill(op.name);
      await card.getByLabel("Work center").click();
      await page.getByRole("option", { name: op.wc }).click();
      await card.getByLabel("Setup (min)").fill(op.setup);
      await card.getByLabel("Run (min per unit)").fill(op.run);
      await card.getByLabel("Skills").fill(op.skill);
      await card.getByLabel("Skills").press("Enter");
      await card.getByLabel("Materials consumed here").fill(op.material);
      await page.getByRole("option", { name: new RegExp(`^${op.material} `) }).click();
      await card.getByLabel("Materials consumed here").press("Escape");
    }
    await expect(routing.getByTestId("op-form-1").getByLabel("No.")).toHaveValue("20");
    await routing.getByRole("button", { name: "Create routing" }).click();
    await expect(routing).toBeHidden();
    const table = page.getByTestId("routing-1");
    await expect(table).toContainText("Mould lid");
    await expect(table).toContainText("L1-MOULD");
    await expect(table).toContainText("MOULDING ≥ 2");
    await expect(table).toContainText("PP-RESIN 0.126 kg");
    await expect(table).toContainText("MB-BLUE 3 g");
    await page.screenshot({ path: `${SHOTS}master-product-routing.png`, fullPage: true });

    // a new order of the product follows the routing and the BOM (the order screens are not
    // part of this branch: the planner creates and releases it through the API)
    const api = `${baseURL}/api/v1`;
    const { access_token: planner } = (await post(`${api}/auth/login`, null, {
      username: PLANNER.username,
      password: PLANNER.password,
    })) as { access_token: string };
    const due = new Date(Date.now() + 5 * 86_400_000).toISOString();
    await post(`${api}/workorders/orders`, planner, { number: "WO-LID-1", product: "LID-S", quantity: "100", due });
    await post(`${api}/workorders/orders/WO-LID-1/release`, planner, {});
    const order = (await get(`${api}/workorders/orders/WO-LID-1`, planner)) as {
      routing_version: string;
      operations: { step: number; name: string; work_center: string; skills: unknown[]; materials: unknown[] }[];
    };
    expect(order.routing_version).toBe("1");
    expect(order.operations.map((o) => [o.step, o.name, o.work_center])).toEqual([
      [10, "Mould lid", "L1-MOULD"],
      [20, "Colour and pack", "L1-ASSY"],
    ]);
    expect(order.operations.map((o) => o.materials)).toEqual([
      [{ item: "PP-RESIN", quantity: "0.126", uom: "kg" }],
      [{ item: "MB-BLUE", quantity: "3", uom: "g" }],
    ]);
    expect(order.operations[0]?.skills).toEqual([{ code: "MOULDING", min_level: 2 }]);
    // the product list finds it, sorted newest first, from the URL
    await page.goto("/master/products?sort=-created_at");
    await expect(page.getByTestId("products-table").getByRole("row").nth(1)).toContainText("LID-S");
    await page.screenshot({ path: `${SHOTS}master-products.png`, fullPage: true });
  });

  test("an engineer edits an item; a stale edit and a bad unit are refused with the API's detail", async ({
    page,
    baseURL,
  }) => {
    await signIn(page, ENGINEER);
    await page.goto("/master/items/LID-S");
    await page.getByRole("button", { name: "Edit item" }).click();
    const dialog = page.getByRole("dialog");
    // prefilled with what was read; the code is shown, not editable
    await expect(dialog.getByLabel("Code")).toHaveValue("LID-S");
    await expect(dialog.getByLabel("Code")).toBeDisabled();
    await expect(dialog.getByLabel("Name", { exact: true })).toHaveValue("Lid S");
    await expect(dialog.getByLabel("Shelf life (days)")).toHaveValue("730");
    await dialog.getByLabel("Name", { exact: true }).fill("Lid S, natural");
    await dialog.getByLabel("Shelf life (days)").fill("365");
    await dialog.getByRole("button", { name: "Save item" }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByTestId("item-name")).toHaveText("Lid S, natural");
    await expect(page.getByTestId("item-shelf-life")).toHaveText("365 days");

    // someone else saves while the form is open: the older edit is refused, nothing of it is kept
    await page.getByRole("button", { name: "Edit item" }).click();
    await dialog.getByLabel("Shelf life (days)").fill("400");
    const token = await adminToken(baseURL ?? "");
    await post(`${baseURL}/api/v1/material/items/LID-S`, token, { version: 2, name: "Lid S (ERP name)" }, "PATCH");
    await dialog.getByRole("button", { name: "Save item" }).click();
    await expect(dialog.getByTestId("problem")).toContainText("LID-S was changed meanwhile");
    await page.screenshot({ path: `${SHOTS}master-item-edit.png`, fullPage: true });
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await page.reload();
    await expect(page.getByTestId("item-name")).toHaveText("Lid S (ERP name)");
    await expect(page.getByTestId("item-shelf-life")).toHaveText("365 days");

    // a unit the API does not know: its 422 detail is shown, the item keeps its unit
    await page.getByRole("button", { name: "Edit item" }).click();
    await expect(dialog.getByLabel("Name", { exact: true })).toHaveValue("Lid S (ERP name)");
    await dialog.getByLabel("Unit").fill("furlong");
    await dialog.getByRole("button", { name: "Save item" }).click();
    await expect(dialog.getByTestId("problem")).toContainText("Unknown unit of measure 'furlong'");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect(page.getByTestId("item-uom")).toHaveText("pcs");
  });

  test("an engineer adds a location, a reason code and a defect code", async ({ page }) => {
    await signIn(page, ENGINEER);
    await page.goto("/master/locations");
    await page.getByRole("button", { name: "New location" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Code").fill("WIP-LID");
    await dialog.getByLabel("Name").fill("Lid cell WIP");
    await choose(page, dialog, "Kind", "Work in progress");
    await dialog.getByRole("button", { name: "Create location" }).click();
    await expect(dialog).toBeHidden();
    await page.getByTestId("sort-kind").click();
    await expect(page).toHaveURL(/sort=kind/);
    await expect(page.getByTestId("locations-table")).toContainText("Lid cell WIP");
    // and renames it: the form is filled with the stored name
    await page.getByRole("button", { name: "Edit WIP-LID" }).click();
    await expect(dialog.getByLabel("Name")).toHaveValue("Lid cell WIP");
    await dialog.getByLabel("Name").fill("Lid cell work in progress");
    await dialog.getByRole("button", { name: "Save location" }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByTestId("locations-table")).toContainText("Lid cell work in progress");
    await page.screenshot({ path: `${SHOTS}master-locations.png`, fullPage: true });

    await page.goto("/master/reason-codes");
    await expect(page.getByTestId("reason-MECH")).toContainText("Mechanical");
    await page.getByRole("button", { name: "New reason code" }).click();
    const reason = page.getByRole("dialog");
    await reason.getByLabel("Under").click();
    await page.getByRole("option", { name: /^MECH — Mechanical/ }).click();
    await reason.getByLabel("Code").fill("MECH.EJECTOR");
    await reason.getByLabel("Name").fill("Ejector pin broken");
    await reason.getByRole("button", { name: "Add reason code" }).click();
    await expect(reason).toBeHidden();
    await expect(page.getByTestId("reason-MECH").getByTestId("reason-MECH.EJECTOR")).toContainText("Ejector pin broken");
    await page.screenshot({ path: `${SHOTS}master-reason-codes.png`, fullPage: true });
    // searching asks the resource service, and the search stays in the URL
    const searched = page.waitForRequest((r) => /\/reason-codes\?.*q=ejector/.test(r.url()));
    await page.getByLabel("Search").fill("ejector");
    await searched;
    await expect(page).toHaveURL(/q=ejector/);
    await expect(page.getByTestId("reason-matches").getByRole("row")).toHaveCount(2); // header and the match
    await expect(page.getByTestId("reason-matches")).toContainText("MECH/MECH.EJECTOR");
    await page.reload();
    await expect(page.getByLabel("Search")).toHaveValue("ejector");
    await expect(page.getByTestId("reason-matches")).toContainText("Ejector pin broken");

    await page.goto("/master/defect-codes");
    await page.getByRole("button", { name: "New defect code" }).click();
    const defect = page.getByRole("dialog");
    await defect.getByLabel("Code").fill("lid warp");
    await defect.getByLabel("Name").fill("Warped lid");
    await defect.getByRole("button", { name: "Add defect code" }).click();
    await expect(defect.getByText("capitals, digits, _ and - only")).toBeVisible();
    await defect.getByLabel("Code").fill("LID-WARP");
    await defect.getByRole("button", { name: "Add defect code" }).click();
    await expect(defect).toBeHidden();
    await expect(page.getByTestId("defect-codes")).toContainText("Warped lid");
    await page.screenshot({ path: `${SHOTS}master-defect-codes.png`, fullPage: true });
    const filtered = page.waitForRequest((r) => /\/quality\/defect-codes\?.*q=warp/.test(r.url()));
    await page.getByLabel("Search").fill("warp");
    await filtered; // the quality service searches, not the browser
    await expect(page.getByTestId("defect-codes").getByRole("row")).toHaveCount(2);
    await expect(page.getByTestId("defect-codes")).toContainText("LID-WARP");
  });

  test("a storekeeper receives a lot, moves, splits, scraps and issues it, and the lot page shows the result", async ({
    page,
  }) => {
    await signIn(page, STOREKEEPER);
    const menu = page.getByRole("navigation", { name: "Main menu" });
    await expect(menu.getByText("Master data")).toHaveCount(0); // not a master-data role
    await menu.getByRole("link", { name: "Material lots" }).click();

    await page.getByRole("button", { name: "Receive lot" }).click();
    let dialog = page.getByRole("dialog");
    await dialog.getByLabel("Item").fill("RES-100");
    await page.getByRole("option", { name: /^RES-100/ }).click();
    await dialog.getByLabel("Quantity").fill("100");
    await dialog.getByLabel("Location").click();
    await page.getByRole("option", { name: /^WH-1 / }).click();
    await dialog.getByLabel("Lot code").fill("LOT-OM-0001");
    await dialog.getByLabel("Supplier", { exact: true }).fill("Acme Resins");
    await dialog.getByRole("button", { name: "Continue" }).click();
    await expect(dialog.getByTestId("confirm-summary")).toContainText("Receive 100 kg of RES-100 into WH-1 as lot LOT-OM-0001");
    await dialog.getByRole("button", { name: "Confirm" }).click();
    await expect(page).toHaveURL(/\/material\/lots\/LOT-OM-0001$/);
    await expect(page.getByTestId("lot-quantity")).toHaveText("100 kg");

    // move to the line side
    await page.getByRole("button", { name: "Move", exact: true }).click();
    dialog = page.getByRole("dialog");
    await dialog.getByRole("button", { name: "Continue" }).click();
    await expect(dialog.getByText("Choose where the lot goes.")).toBeVisible();
    await dialog.getByLabel("To location").click();
    await page.getByRole("option", { name: /^LS-A / }).click();
    await dialog.getByRole("button", { name: "Continue" }).click();
    await expect(dialog.getByTestId("confirm-summary")).toContainText("from WH-1 to LS-A");
    await page.screenshot({ path: `${SHOTS}lot-move-confirm.png` });
    await dialog.getByRole("button", { name: "Confirm" }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByTestId("lot-location")).toHaveText("LS-A");

    // split 30 kg off
    await page.getByRole("button", { name: "Split", exact: true }).click();
    dialog = page.getByRole("dialog");
    await dialog.getByLabel("Quantity to split off").fill("30");
    await dialog.getByLabel("New lot code").fill("LOT-OM-0002");
    await dialog.getByRole("button", { name: "Continue" }).click();
    await expect(dialog.getByTestId("confirm-summary")).toContainText("Split 30 kg off lot LOT-OM-0001 into LOT-OM-0002; 70 kg stay.");
    await dialog.getByRole("button", { name: "Confirm" }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByTestId("lot-quantity")).toHaveText("70 kg");

    // a refusal of the API is shown as its problem detail and changes nothing
    await page.getByRole("button", { name: "Merge into this lot" }).click();
    dialog = page.getByRole("dialog");
    await dialog.getByLabel("Lots to merge in").fill("PP-2611-01");
    await dialog.getByLabel("Lots to merge in").press("Enter");
    await dialog.getByRole("button", { name: "Continue" }).click();
    await dialog.getByRole("button", { name: "Confirm" }).click();
    await expect(dialog.getByTestId("problem")).toContainText("Lot PP-2611-01 holds another item than LOT-OM-0001.");
    await page.screenshot({ path: `${SHOTS}lot-merge-refused.png` });
    await dialog.getByRole("button", { name: "Back" }).click();
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect(page.getByTestId("lot-quantity")).toHaveText("70 kg");

    // scrap with a reason
    await page.getByRole("button", { name: "Scrap", exact: true }).click();
    dialog = page.getByRole("dialog");
    await dialog.getByLabel("Quantity to scrap").fill("5");
    await dialog.getByRole("button", { name: "Continue" }).click();
    await expect(dialog.getByText("Give a reason")).toBeVisible();
    await dialog.getByLabel("Reason").fill("Bag torn by a forklift");
    await dialog.getByRole("button", { name: "Continue" }).click();
    await dialog.getByRole("button", { name: "Confirm" }).click();
    await expect(dialog).toBeHidden();

    // what the page shows is what the ledger holds: a reload asks the API again
    await page.reload();
    await expect(page.getByTestId("lot-quantity")).toHaveText("65 kg");
    await expect(page.getByTestId("lot-location")).toHaveText("LS-A");
    const history = page.getByTestId("lot-history");
    await expect(history.getByRole("row")).toHaveCount(5); // header, receive, move, split, scrap
    await expect(history.getByRole("row").nth(1)).toContainText("Bag torn by a forklift");
    await expect(history.getByRole("row").nth(2)).toContainText("LOT-OM-0002");
    await expect(history).toContainText("WH-1 → LS-A");
    await page.screenshot({ path: `${SHOTS}lot-warehouse-actions.png`, fullPage: true });

    await history.getByRole("link", { name: "LOT-OM-0002" }).click();
    await expect(page.getByTestId("lot-quantity")).toHaveText("30 kg");
    await expect(page.getByTestId("lot-location")).toHaveText("LS-A");
    await expect(page.getByTestId("lot-card")).toContainText("LOT-OM-0001"); // its parent lot

    // the split-off lot goes to the order of the first test, at line 1's line side
    await page.getByRole("button", { name: "Issue to work order" }).click();
    dialog = page.getByRole("dialog");
    await dialog.getByLabel("Work order").click();
    await page.getByRole("option", { name: /^WO-LID-1 / }).click();
    await dialog.getByLabel("To location").click();
    await page.getByRole("option", { name: /^L1-SIDE / }).click();
    await dialog.getByRole("button", { name: "Continue" }).click();
    await expect(dialog.getByTestId("confirm-summary")).toContainText(
      "Issue the whole lot (30 kg) of LOT-OM-0002 to WO-LID-1 at L1-SIDE.",
    );
    await dialog.getByRole("button", { name: "Confirm" }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByTestId("lot-location")).toHaveText("L1-SIDE");
    await expect(page.getByTestId("lot-work-order")).toHaveText("WO-LID-1");
    await expect(page.getByTestId("lot-history").getByRole("row").nth(1)).toContainText("WO-LID-1");
  });
});
