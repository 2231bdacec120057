import { createServer, type Server } from "node:net";
import { crc32, deflateSync } from "node:zlib";
import type { Page } from "@playwright/test";
import { expect, signIn, SHOTS, test } from "./fixtures";
import { adminToken, OPERATOR, PLANT, post } from "./seed";

// A tray moulded in one operation with work instructions: a picture, a melt temperature within
// limits, a visual check and a scanned mould tag; its finished lot is named by the item's rule.
const ORDER = "WO-E2E-STEPS";
const ITEM = "TRAY-E2E";
const GTIN = "04012345000092";
const PNG = png(96, 64);

/** A real PNG (grey with a dark diagonal band), so the station has a picture to show. */
function png(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 0, 0, 0, 0], 8); // 8-bit greyscale
  const rows = Buffer.alloc((width + 1) * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) rows[y * (width + 1) + 1 + x] = Math.abs(x - y * 1.5) < 8 ? 40 : 200;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(rows)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

async function choose(page: Page, label: string, option: string): Promise<void> {
  await page.getByRole("combobox", { name: label }).click();
  await page.getByRole("option", { name: option }).click();
}

/** A raw-TCP label printer (port 9100 style): collects what is sent to it. */
function listener(): Promise<{ server: Server; port: number; received: string[] }> {
  const received: string[] = [];
  return new Promise((ok) => {
    const server = createServer((socket) => {
      let data = "";
      socket.on("data", (chunk) => (data += chunk.toString("utf8")));
      socket.on("end", () => received.push(data));
    });
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      ok({ server, port: typeof address === "object" && address ? address.port : 0, received });
    });
  });
}

async function seedTray(api: string, token: string, printerPort: number): Promise<void> {
  await post(`${api}/material/items`, token, {
    code: ITEM,
    name: "Storage tray",
    kind: "finished",
    uom: "pcs",
    shelf_life_days: 365,
    lot_pattern: "TRAY-{yyMMdd}-{seq:3}",
    gtin: GTIN,
  });
  await post(`${api}/material/items/${ITEM}/boms`, token, {
    version: "A",
    valid_from: "2020-01-01",
    lines: [{ component: "PP-RESIN", quantity: "0.1", uom: "kg" }],
  });
  const upload = await fetch(`${api}/workorders/attachments?filename=mould.png`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "image/png" },
    body: new Uint8Array(PNG),
  });
  expect(upload.status).toBe(201);
  const image = (await upload.json()) as { id: string };
  await post(`${api}/workorders/products`, token, { code: ITEM });
  await post(`${api}/workorders/products/${ITEM}/routings`, token, {
    version: "1",
    operations: [
      {
        seq: 10,
        name: "Mould tray",
        work_center: PLANT.workCenter,
        setup_minutes: "10",
        run_minutes_per_unit: "1",
        materials: [{ item: "PP-RESIN" }],
        steps: [
          { code: "S1", title: "Clean the mould", text: "Blow out the cavity; no residue.", attachment: image.id },
          {
            code: "S2",
            title: "Melt temperature",
            text: "Read it on the press display.",
            field: { kind: "number", unit: "°C", min: "200", max: "240" },
          },
          { code: "S3", title: "First shot visual check", field: { kind: "pass_fail" } },
          { code: "S4", title: "Scan the mould tag", field: { kind: "scan" } },
        ],
      },
    ],
  });
  await post(`${api}/workorders/orders`, token, {
    number: ORDER,
    product: ITEM,
    quantity: "5",
    due: new Date(Date.now() + 86_400_000).toISOString(),
    priority: 1,
  });
  await post(`${api}/workorders/orders/${ORDER}/release`, token, {});
  await post(`${api}/material/label-printers/E2E-ZEBRA`, token, { name: "Line 1 Zebra", host: "127.0.0.1", port: printerPort }, "PUT");
}

test("an operator walks the work instructions, a value out of limits is refused, and the finished lot gets its label", async ({
  page,
  context,
  baseURL,
}) => {
  const api = `${baseURL}/api/v1`;
  const token = await adminToken(baseURL ?? "");
  const printer = await listener();
  try {
    await seedTray(api, token, printer.port);

    await signIn(page, OPERATOR);
    await page.goto("/station");
    await choose(page, "Work center", PLANT.workCenterLabel);
    await choose(page, "Equipment", "Injection press 3 (IMM-13)");
    await page.getByTestId(`dispatch-${ORDER}-10`).click();
    const panel = page.getByTestId("operation-panel");
    await panel.getByRole("button", { name: `Start on ${PLANT.press3}` }).click();
    await expect(panel.getByTestId("op-status")).toHaveText("In progress");

    const steps = page.getByTestId("steps-panel");
    await expect(steps.getByTestId("steps-remaining")).toHaveText("4 required steps to go");
    // the picture, fetched with the operator's token, is shown decoded
    await expect.poll(() => steps.getByTestId("step-image-S1").evaluate((i) => (i as HTMLImageElement).naturalWidth)).toBe(96);
    await steps.getByTestId("step-input-S1").click();
    await expect(steps.getByTestId("step-value-S1")).toHaveText("Done");

    // out of limits: refused with the limits in the message, nothing recorded
    const temp = steps.getByTestId("step-S2");
    await temp.getByTestId("step-input-S2").fill("250");
    await temp.getByRole("button", { name: "Record" }).click();
    await expect(temp.getByTestId("step-problem")).toContainText("250 °C is outside the limits of step S2: from 200 to 240 °C.");
    await expect(temp).toHaveAttribute("data-recorded", "no");
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: `${SHOTS}station-steps.png`, fullPage: true });
    await temp.getByTestId("step-input-S2").fill("226,5");
    await temp.getByRole("button", { name: "Record" }).click();
    await expect(temp.getByTestId("step-value-S2")).toHaveText("226.5 °C");

    // required steps still open: completion is refused and says which
    await panel.getByRole("button", { name: "Complete" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Complete" }).click();
    await expect(panel.getByTestId("problem")).toContainText("required step(s) S3, S4 not recorded yet");

    await steps.getByTestId("step-input-S3-pass").click();
    await expect(steps.getByTestId("step-value-S3")).toHaveText("Pass");
    // the mould tag is a GS1 DataMatrix read as (01) GTIN and (21) serial
    const tag = steps.getByTestId("step-S4");
    await tag.getByTestId("scan-input").fill(`(01)${GTIN}(21)MOULD-7`);
    await tag.getByTestId("scan-input").press("Enter");
    // the serial (21) is what the step keeps: the GS1 code was parsed (the summary under the field
    // is gone as soon as the value is recorded, so it is not waited for here)
    await expect(tag.getByTestId("step-value-S4")).toHaveText("MOULD-7");
    await expect(steps.getByTestId("steps-remaining")).toHaveText("All required steps done");

    // resin consumed (as the consume box does), five good reported, then the last operation completes
    const { access_token: operatorToken } = (await post(`${api}/auth/login`, null, { username: OPERATOR.username, password: OPERATOR.password })) as { access_token: string };
    const consumed = await fetch(`${api}/workorders/orders/${ORDER}/operations/10/consume`, {
      method: "POST",
      headers: { authorization: `Bearer ${operatorToken}`, "content-type": "application/json", "idempotency-key": `${ORDER}-resin` },
      body: JSON.stringify({ lot: PLANT.resin, quantity: "0.5" }),
    });
    expect(consumed.status).toBe(200);
    await page.getByLabel("Good", { exact: true }).fill("5");
    await page.getByRole("button", { name: "Report" }).click();
    await expect(panel.getByTestId("op-good")).toHaveText("5");
    await panel.getByRole("button", { name: "Complete" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Complete" }).click();
    await expect(panel.getByTestId("op-status")).toHaveText("Completed");

    // the finished lot, named by the item's rule, with its label
    const labels = page.getByTestId("label-panel");
    const lotCode = labels.getByTestId("finished-lot-code");
    await expect(lotCode).toHaveText(/^TRAY-\d{6}-001$/, { timeout: 30_000 });
    const code = (await lotCode.textContent()) ?? "";
    await expect(labels.getByTestId(`finished-lot-${code}`)).toContainText("5 pcs");

    const lot = (await (await fetch(`${api}/material/lots/${code}`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
      quantity: string;
      work_order: string;
    };
    expect([lot.quantity, lot.work_order]).toEqual(["5", ORDER]);
    const inputs = (await (
      await fetch(`${api}/material/lots/${code}/inputs`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as { lot: string; quantity: string }[];
    expect(inputs.map((i) => [i.lot, i.quantity])).toEqual([[PLANT.resin, "0.5"]]);

    // the PDF opens in a new tab; its bytes carry the lot code and the GS1 string
    const tab = context.waitForEvent("page");
    await labels.getByTestId("label-pdf").click();
    expect((await tab).url()).toMatch(/^blob:/);
    const pdf = await fetch(`${api}/material/lots/${code}/label`, { headers: { authorization: `Bearer ${token}` } });
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    const bytes = Buffer.from(await pdf.arrayBuffer()).toString("latin1");
    expect(bytes.startsWith("%PDF-")).toBe(true);
    expect(bytes).toContain(`(Lot: ${code})`);
    expect(bytes).toContain(`(01\\)${GTIN}`);

    // and ZPL goes to the network printer
    await labels.getByTestId("label-print").click();
    await expect(labels.getByTestId("label-printed")).toContainText(`Label of ${code} sent to E2E-ZEBRA`);
    await expect.poll(() => printer.received.length).toBe(1);
    expect(printer.received[0]).toContain(`^FDLot: ${code}^FS`);
    expect(printer.received[0]).toContain(`^FD_101${GTIN}`);
    await page.bringToFront();
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: `${SHOTS}station-label.png`, fullPage: true });
  } finally {
    printer.server.close();
  }
});
