// What the browser tests need beyond the demo plant. Global setup runs `mes demo` first (two
// lines, ten machines, operators with skills, items, BOMs, lots, routings, work orders in every
// state); this file adds, through the same public API, only what the demo does not have:
// - users of the other roles (quality, viewer, supervisor, planner): the demo creates operators only;
// - a held lot on line 1's line side (the demo holds no lot) for the red refusal at the station;
// - machine states on line 1 (the demo reports none) for the board;
// - lots with a known history (received, moved, held) for the lot page tests.

export const ADMIN = { username: "admin", password: "E2e-Plant-Chief-2026!" };
export const QUALITY = { username: "qa.inspector", password: "Quality-Passw0rd-42", name: "Quinn Inspector" };
export const VIEWER = { username: "vic.viewer", password: "Viewer-Passw0rd-42", name: "Vic Viewer" };
export const SUPERVISOR = { username: "sam.supervisor", password: "Supervisor-Passw0rd-42", name: "Sam Supervisor" };
export const PLANNER = { username: "pia.planner", password: "Planner-Passw0rd-42", name: "Pia Planner" };

// the demo's operators (src/mes/demo.py: OPERATORS, OPERATOR_PASSWORD)
const DEMO_PASSWORD = "Shopfloor-2026!";
export const OPERATOR = { username: "ana.moreau", password: DEMO_PASSWORD, name: "Ana Moreau" };
export const OPERATOR_2 = { username: "ben.okafor", password: DEMO_PASSWORD, name: "Ben Okafor" };
export const CNC_OPERATOR = { username: "carla.ruiz", password: DEMO_PASSWORD, name: "Carla Ruiz" };
export const PACKER = { username: "eli.novak", password: DEMO_PASSWORD, name: "Eli Novak" };

/** The demo plant (src/mes/demo.py), plus the held lot this file adds. */
export const PLANT = {
  line: "LINE-1",
  lineLabel: "Line 1: boxes (LINE-1)",
  workCenter: "L1-MOULD",
  workCenterLabel: "Line 1 moulding (L1-MOULD)",
  press1: "IMM-11",
  press2: "IMM-12",
  press3: "IMM-13",
  press2Label: "Injection press 2 (IMM-12)",
  /** released, two operations; op 10 "Mould box" at L1-MOULD */
  order: "WO-1005",
  /** planned */
  plannedOrder: "WO-1007",
  /** planned, for the planner to cancel */
  orderToCancel: "WO-1009",
  /** completed, for the planner to close */
  completedOrder: "WO-1002",
  /** released BRACKET; op 10 "Mill bracket" at L2-CNC */
  tabletOrder: "WO-1006",
  cncLabel: "Line 2 machining (L2-CNC)",
  /** polypropylene on line 1's line side */
  resin: "PP-2611-01",
  /** added here: polypropylene on line 1's line side, on hold */
  heldResin: "PP-HELD-01",
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
    { ...PLANNER, roles: ["planner"] },
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

/** What the demo lacks for the station and the board: a held lot at line 1, machine states. */
async function seedPlant(api: string, token: string): Promise<void> {
  await post(`${api}/material/lots`, token, {
    code: PLANT.heldResin,
    item: "PP-RESIN",
    quantity: "50",
    location: "L1-SIDE",
    supplier: "Demo supplier",
  });
  await post(`${api}/material/lots/${PLANT.heldResin}/hold`, token, { reason: "Melt flow out of spec" });
  for (const [machine, state] of [
    [PLANT.press1, "running"],
    [PLANT.press2, "idle"],
    [PLANT.press3, "running"],
    ["ASM-11", "running"],
    ["ASM-12", "setup"],
  ] as const) {
    await post(`${api}/resource/equipment/${machine}/state`, token, { state });
  }
}
