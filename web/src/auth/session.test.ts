import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Session } from "./session";
import { fakeJwt } from "../testing/jwt";
import i18n from "../i18n";

class MemoryStorage implements Storage {
  private m = new Map<string, string>();
  get length() {
    return this.m.size;
  }
  clear() {
    this.m.clear();
  }
  getItem(k: string) {
    return this.m.get(k) ?? null;
  }
  key(i: number) {
    return [...this.m.keys()][i] ?? null;
  }
  removeItem(k: string) {
    this.m.delete(k);
  }
  setItem(k: string, v: string) {
    this.m.set(k, v);
  }
}

function pair(n: number) {
  const now = Math.floor(Date.now() / 1000);
  return {
    access_token: fakeJwt({ sub: "jdoe", name: "J", roles: [], perms: ["material:read"], iat: now, exp: now + 900 }) + n,
    token_type: "Bearer",
    expires_in: 900,
    refresh_token: `refresh-${n}`,
    refresh_expires_in: 43200,
  };
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

describe("Session", () => {
  let calls: { url: string; auth: string | null; body: string }[];
  let refreshes: number;
  let acceptedToken: string;

  beforeEach(() => {
    vi.useFakeTimers();
    calls = [];
    refreshes = 0;
    acceptedToken = "";
    vi.stubGlobal(
      "fetch",
      vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
        const req = input instanceof Request ? input : new Request(new URL(String(input), "http://mes"), init);
        const body = await req.clone().text();
        calls.push({ url: new URL(req.url).pathname, auth: req.headers.get("authorization"), body });
        const path = new URL(req.url).pathname;
        if (path === "/api/v1/auth/login") {
          const p = pair(0);
          acceptedToken = p.access_token;
          return json(200, p);
        }
        if (path === "/api/v1/auth/stations/login") {
          const { badge, pin } = JSON.parse(body) as { badge: string; pin: string };
          if (pin !== "4711") {
            return json(401, { status: 401, code: "invalid_credentials", detail: "The badge or PIN is wrong." });
          }
          const now = Math.floor(Date.now() / 1000);
          const p = {
            ...pair(100),
            access_token: fakeJwt({ sub: badge, name: badge, roles: ["operator"], perms: [], station: "ST-1", iat: now, exp: now + 900 }),
            refresh_token: `station-${badge}`,
          };
          acceptedToken = p.access_token;
          return json(200, p);
        }
        if (path === "/api/v1/auth/refresh") {
          refreshes += 1;
          const p = pair(refreshes);
          acceptedToken = p.access_token;
          return json(200, p);
        }
        if (path === "/api/v1/auth/logout") return new Response(null, { status: 204 });
        // the API: only the newest access token is good
        if (req.headers.get("authorization") === `Bearer ${acceptedToken}`) return json(200, { ok: body });
        return json(401, { status: 401, code: "token_expired", detail: "The token has expired." });
      }),
    );
  });

  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it("signs in, keeps the refresh token in session storage and exposes the claims", async () => {
    const storage = new MemoryStorage();
    const s = new Session(storage);
    await s.signIn("jdoe", "pw");
    expect(s.getState().status).toBe("signed-in");
    expect(s.getState().claims?.perms).toEqual(["material:read"]);
    expect(storage.getItem("mes.refresh_token")).toBe("refresh-0");
  });

  it("on a 401 refreshes once and repeats the request, body included", async () => {
    const s = new Session(new MemoryStorage());
    await s.signIn("jdoe", "pw");
    acceptedToken = "something-else"; // the server no longer takes the token we hold
    const r = await s.fetch(new Request("http://mes/api/v1/material/lots/L1/hold", { method: "POST", body: '{"reason":"x"}' }));
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ ok: '{"reason":"x"}' });
    expect(refreshes).toBe(1);
  });

  it("shares one refresh between concurrent 401s (a second use of a refresh token revokes the session)", async () => {
    const s = new Session(new MemoryStorage());
    await s.signIn("jdoe", "pw");
    acceptedToken = "something-else";
    const results = await Promise.all(
      [1, 2, 3].map((i) => s.fetch(new Request(`http://mes/api/v1/material/lots/L${i}`))),
    );
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(refreshes).toBe(1);
    expect(calls.filter((c) => c.url === "/api/v1/auth/refresh").map((c) => c.body)).toEqual([
      '{"refresh_token":"refresh-0"}',
    ]);
  });

  it("refreshes silently a minute before the access token expires", async () => {
    const s = new Session(new MemoryStorage());
    await s.signIn("jdoe", "pw");
    await vi.advanceTimersByTimeAsync(839_000);
    expect(refreshes).toBe(0);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(refreshes).toBe(1);
    expect(s.getState().status).toBe("signed-in");
  });

  it("ends the session with a notice when the refresh token is refused", async () => {
    const storage = new MemoryStorage();
    const s = new Session(storage);
    await s.signIn("jdoe", "pw");
    vi.mocked(fetch).mockImplementationOnce(async () => json(401, { status: 401, detail: "Refresh token invalid" }));
    expect(await s.refresh()).toBe(false);
    expect(s.getState()).toEqual({
      status: "signed-out",
      claims: null,
      notice: "Your session has ended. Please sign in again.",
    });
    expect(storage.getItem("mes.refresh_token")).toBeNull();
  });

  it("a refresh answered after a sign-out does not bring the session back", async () => {
    const s = new Session(new MemoryStorage());
    await s.signIn("jdoe", "pw");
    let answer: (r: Response) => void = () => undefined;
    vi.mocked(fetch).mockImplementationOnce(() => new Promise<Response>((resolve) => (answer = resolve)));
    const refreshing = s.refresh();
    await s.signOut("Signed out after 10 minutes without activity.");
    answer(json(200, pair(7)));
    expect(await refreshing).toBe(false);
    expect(s.getState()).toEqual({
      status: "signed-out",
      claims: null,
      notice: "Signed out after 10 minutes without activity.",
    });
    expect(s.accessToken()).toBeNull();
  });

  it("restores a session after a reload from the stored refresh token", async () => {
    const storage = new MemoryStorage();
    storage.setItem("mes.refresh_token", "refresh-from-before");
    const s = new Session(storage);
    expect(s.getState().status).toBe("restoring");
    await s.restore();
    expect(s.getState().status).toBe("signed-in");
    expect(calls[0]).toMatchObject({ url: "/api/v1/auth/refresh", body: '{"refresh_token":"refresh-from-before"}' });
  });

  it("reloaded without a network, the same person stays signed in and is refreshed once it is back", async () => {
    const storage = new MemoryStorage();
    const first = new Session(storage);
    await first.signIn("jdoe", "pw");
    const s = new Session(storage);
    vi.mocked(fetch).mockImplementationOnce(async () => {
      throw new TypeError("Failed to fetch");
    });
    await s.restore();
    expect(s.getState()).toMatchObject({ status: "signed-in", claims: { sub: "jdoe" } });
    expect(storage.getItem("mes.refresh_token")).toBe("refresh-0");
    await vi.advanceTimersByTimeAsync(5000); // the network is back: a real refresh
    expect(calls.filter((c) => c.url === "/api/v1/auth/refresh").length).toBeGreaterThanOrEqual(1);
    expect(s.getState().status).toBe("signed-in");
    await s.signOut();
    expect(storage.getItem("mes.last_access_token")).toBeNull();
  });

  it("reloaded without a network and never signed in here, it asks to sign in", async () => {
    const storage = new MemoryStorage();
    storage.setItem("mes.refresh_token", "refresh-from-before");
    const s = new Session(storage);
    vi.mocked(fetch).mockImplementationOnce(async () => {
      throw new TypeError("Failed to fetch");
    });
    await s.restore();
    expect(s.getState()).toMatchObject({ status: "signed-out", notice: "The server can't be reached. Sign in again." });
  });

  it("tells a German user in German that the server can't be reached", async () => {
    await i18n.changeLanguage("de");
    try {
      const storage = new MemoryStorage();
      storage.setItem("mes.refresh_token", "refresh-from-before");
      const s = new Session(storage);
      vi.mocked(fetch).mockImplementationOnce(async () => {
        throw new TypeError("Failed to fetch");
      });
      await s.restore();
      expect(s.getState()).toMatchObject({
        status: "signed-out",
        notice: "Der Server ist nicht erreichbar. Bitte melden Sie sich erneut an.",
      });
    } finally {
      await i18n.changeLanguage("en");
    }
  });

  it("signs out: forgets the tokens and tells the server", async () => {
    const storage = new MemoryStorage();
    const s = new Session(storage);
    await s.signIn("jdoe", "pw");
    await s.signOut();
    expect(s.getState().status).toBe("signed-out");
    expect(s.accessToken()).toBeNull();
    expect(storage.getItem("mes.refresh_token")).toBeNull();
    expect(calls.at(-1)).toMatchObject({ url: "/api/v1/auth/logout", body: '{"refresh_token":"refresh-0"}' });
  });

  it("a wrong password is an ApiError carrying the service's detail", async () => {
    const s = new Session(new MemoryStorage());
    vi.mocked(fetch).mockImplementationOnce(async () =>
      json(401, { status: 401, code: "invalid_credentials", detail: "The user name or password is wrong." }),
    );
    await expect(s.signIn("jdoe", "nope")).rejects.toThrow("The user name or password is wrong.");
    expect(s.getState().status).toBe("signed-out");
  });

  it("badge and PIN at a station: the new session replaces the previous one, which is ended", async () => {
    const storage = new MemoryStorage();
    const s = new Session(storage);
    const first = await s.stationSignIn("messt_key", "B-1", "4711");
    expect(first).toMatchObject({ sub: "B-1", station: "ST-1" });
    expect(calls.map((c) => c.url)).toEqual(["/api/v1/auth/stations/login"]);
    expect(JSON.parse(calls[0]!.body)).toEqual({ station_key: "messt_key", badge: "B-1", pin: "4711" });

    await s.stationSignIn("messt_key", "B-2", "4711");
    expect(s.getState().claims?.sub).toBe("B-2");
    expect(storage.getItem("mes.refresh_token")).toBe("station-B-2");
    expect(calls.at(-1)).toMatchObject({ url: "/api/v1/auth/logout", body: '{"refresh_token":"station-B-1"}' });
  });

  it("a refused takeover leaves the signed-in person signed in", async () => {
    const s = new Session(new MemoryStorage());
    await s.stationSignIn("messt_key", "B-1", "4711");
    await expect(s.stationSignIn("messt_key", "B-2", "0000")).rejects.toMatchObject({
      code: "invalid_credentials",
      message: "The badge or PIN is wrong.",
    });
    expect(s.getState().claims?.sub).toBe("B-1");
    expect(calls.some((c) => c.url === "/api/v1/auth/logout")).toBe(false);
  });
});
