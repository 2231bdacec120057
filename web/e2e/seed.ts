// The plant data the browser tests need, created through the public API like any client would.

export const ADMIN = { username: "admin", password: "E2e-Plant-Chief-2026!" };
export const QUALITY = { username: "qa.inspector", password: "Quality-Passw0rd-42", name: "Quinn Inspector" };
export const VIEWER = { username: "vic.viewer", password: "Viewer-Passw0rd-42", name: "Vic Viewer" };
export const SUPERVISOR = { username: "sam.supervisor", password: "Supervisor-Passw0rd-42", name: "Sam Supervisor" };
export const OPERATOR = { username: "olga.operator", password: "Operator-Passw0rd-42", name: "Olga Operator" };

export const PLANT = {
  workCenter: "WC-MOULD",
  press1: "IMM-1",
  press2: "IMM-2",
  order: "WO-1001",
  plannedOrder: "WO-1002",
  tabletOrder: "WO-1003",
  resin: "R-001",
  heldResin: "R-HELD",
} as const;

export const LOTS = {
  toHold: "LOT-2026-0042",
  toRelease: "LOT-2026-0043",
  forViewer: "LOT-2026-0044",
} as const;

export async function post(url: string, token: string | null, body: unknown, method = "POST"): Promise<unknown> {
  const r = await fetch(url, {
    method,
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const text = await r.text();
  if (!r.ok) throw new Error(`seed: ${method} ${url} -> ${r.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

export async function seed(base: string): Promise<void> {
  const api = `${base}/api/v1`;
  const { access_token: token } = (await post(`${api}/auth/login`, null, ADMIN)) as { access_token: string };
  for (const u of [
    { ...QUALITY, roles: ["quality"] },
    { ...VIEWER, roles: ["viewer"] },
    { ...SUPERVISOR, roles: ["supervisor"] },
    { ...OPERATOR, roles: ["operator"] },
  ]) {
    await post(`${api}/auth/users`, token, {
      username: u.username,
      display_name: u.name,
      password: u.password,
      roles: u.roles,
    });
  }
  await post(`${api}/material/items`, token, { code: "RES-100", name: "Epoxy resin", kind: "raw", uom: "kg" });
  await post(`${api}/material/locations`, token, { code: "WH-1", name: "Main warehouse", kind: "warehouse" });
  await post(`${api}/material/locations`, token, { code: "LS-A", name: "Line A line side", kind: "line_side" });
  for (const [code, quantity] of [
    [LOTS.toHold, "1250.5"],
    [LOTS.toRelease, "40"],
    [LOTS.forViewer, "12.25"],
  ] as const) {
    await post(`${api}/material/lots`, token, {
      code,
      item: "RES-100",
      quantity,
      location: "WH-1",
      supplier: "Acme Resins",
      supplier_lot: `A-${code.slice(-4)}`,
    });
  }
  await post(`${api}/material/lots/${LOTS.toHold}/move`, token, { to_location: "LS-A" });
  await post(`${api}/material/lots/${LOTS.toRelease}/hold`, token, { reason: "Viscosity out of spec" });
  await seedPlant(api, token);
}

export async function adminToken(base: string): Promise<string> {
  const { access_token } = (await post(`${base}/api/v1/auth/login`, null, ADMIN)) as { access_token: string };
  return access_token;
}

/** A moulding work center with two presses, a product with a one-step routing, resin lots, orders. */
async function seedPlant(api: string, token: string): Promise<void> {
  const R = `${api}/resource`;
  const M = `${api}/material`;
  const W = `${api}/workorders`;
  for (const body of [
    { code: "ACME", name: "Acme", level: "enterprise" },
    { code: "PLANT-1", name: "Plant Lyon", level: "site", parent_code: "ACME" },
    { code: "PROD", name: "Production", level: "area", parent_code: "PLANT-1" },
    { code: PLANT.workCenter, name: "Moulding", level: "work_center", parent_code: "PROD" },
    { code: PLANT.press1, name: "Press 1", level: "equipment", parent_code: PLANT.workCenter },
    { code: PLANT.press2, name: "Press 2", level: "equipment", parent_code: PLANT.workCenter },
  ]) {
    await post(`${R}/equipment`, token, body);
  }
  await post(`${R}/equipment/${PLANT.press1}/state`, token, { state: "idle" });
  await post(`${R}/equipment/${PLANT.press2}/state`, token, { state: "running" });
  await post(`${R}/skills`, token, { code: "MOULDING", name: "Injection moulding" });
  // the resource service may already know the user from auth's user events
  await post(`${R}/persons`, token, { username: OPERATOR.username, name: OPERATOR.name }).catch((e: Error) => {
    if (!e.message.includes(" -> 409 ")) throw e;
  });
  await post(`${R}/persons/${OPERATOR.username}/qualifications`, token, { skill: "MOULDING", level: 2 });

  await post(`${M}/locations`, token, { code: "L1-SIDE", name: "Line 1 line side", kind: "line_side" });
  await post(`${M}/items`, token, { code: "PP-RESIN", name: "Polypropylene resin", kind: "raw", uom: "kg" });
  await post(`${M}/items`, token, { code: "KIT-100", name: "Storage kit", kind: "finished", uom: "pcs" });
  await post(`${M}/items/KIT-100/boms`, token, {
    version: "A",
    valid_from: "2020-01-01",
    lines: [{ component: "PP-RESIN", quantity: "0.5", uom: "kg" }],
  });
  await post(`${M}/lots`, token, { code: PLANT.resin, item: "PP-RESIN", quantity: "100", location: "L1-SIDE" });
  await post(`${M}/lots`, token, { code: PLANT.heldResin, item: "PP-RESIN", quantity: "50", location: "L1-SIDE" });
  await post(`${M}/lots/${PLANT.heldResin}/hold`, token, { reason: "Melt flow out of spec" });

  // work centers reach the work order service as events: wait for them
  const deadline = Date.now() + 30_000;
  for (;;) {
    const r = await fetch(`${W}/work-centers`, { headers: { authorization: `Bearer ${token}` } });
    const page = (await r.json()) as { items?: { code: string }[] };
    if (page.items?.some((w) => w.code === PLANT.workCenter)) break;
    if (Date.now() > deadline) throw new Error("seed: the work center did not reach the work order service");
    await new Promise((ok) => setTimeout(ok, 250));
  }
  await post(`${W}/products`, token, { code: "KIT-100" });
  await post(`${W}/products/KIT-100/routings`, token, {
    version: "1",
    operations: [
      {
        seq: 10,
        name: "Mould",
        work_center: PLANT.workCenter,
        setup_minutes: "30",
        run_minutes_per_unit: "1.5",
        skills: [{ code: "MOULDING", min_level: 1 }],
        materials: [{ item: "PP-RESIN" }],
      },
    ],
  });
  for (const number of [PLANT.order, PLANT.plannedOrder, PLANT.tabletOrder]) {
    await post(`${W}/orders`, token, {
      number,
      product: "KIT-100",
      quantity: "10",
      due: "2030-01-10T12:00:00Z",
      under_tolerance_pct: "10",
    });
  }
  await post(`${W}/orders/${PLANT.order}/release`, token, {});
  await post(`${W}/orders/${PLANT.tabletOrder}/release`, token, {});
}
