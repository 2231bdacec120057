// The plant data the browser tests need, created through the public API like any client would.

export const ADMIN = { username: "admin", password: "E2e-Plant-Chief-2026!" };
export const QUALITY = { username: "qa.inspector", password: "Quality-Passw0rd-42", name: "Quinn Inspector" };
export const VIEWER = { username: "vic.viewer", password: "Viewer-Passw0rd-42", name: "Vic Viewer" };

export const LOTS = {
  toHold: "LOT-2026-0042",
  toRelease: "LOT-2026-0043",
  forViewer: "LOT-2026-0044",
} as const;

async function post(url: string, token: string | null, body: unknown): Promise<unknown> {
  const r = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const text = await r.text();
  if (!r.ok) throw new Error(`seed: POST ${url} -> ${r.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

export async function seed(base: string): Promise<void> {
  const api = `${base}/api/v1`;
  const { access_token: token } = (await post(`${api}/auth/login`, null, ADMIN)) as { access_token: string };
  for (const u of [
    { ...QUALITY, roles: ["quality"] },
    { ...VIEWER, roles: ["viewer"] },
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
}
