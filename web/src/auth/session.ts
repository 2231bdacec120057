import type { components } from "../api/generated/auth";
import { ApiError, toProblem } from "../api/problem";
import i18n from "../i18n";
import { decodeClaims, refreshDelayMs, type Claims } from "./token";

type TokenPair = components["schemas"]["TokenPair"];

export type SessionStatus = "restoring" | "signed-in" | "signed-out";

export interface SessionState {
  status: SessionStatus;
  claims: Claims | null;
  /** why the last session ended when the user did not sign out, shown on the sign-in page */
  notice: string | null;
}

// The refresh token lives in sessionStorage: it survives a reload of the tab but not closing it,
// and is never shared with another tab (each tab rotates its own family). The access token stays
// in memory only.
const REFRESH_KEY = "mes.refresh_token";
// The last access token, read back only to know who was signed in when the tab is reloaded
// without a network (an offline station keeps its operator; requests refresh it once online).
const LAST_ACCESS_KEY = "mes.last_access_token";

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

async function postJson(url: string, body: unknown): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify(body),
    credentials: "same-origin",
  });
}

/** Sign-in state, token refresh and authenticated fetch; one per tab. */
export class Session {
  private access: string | null = null;
  private refreshToken: string | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private inflight: Promise<boolean> | null = null;
  private listeners = new Set<() => void>();
  private state: SessionState = { status: "signed-out", claims: null, notice: null };

  constructor(private readonly storage: Storage | null = globalThis.sessionStorage ?? null) {
    this.refreshToken = this.storage?.getItem(REFRESH_KEY) ?? null;
    if (this.refreshToken) this.state = { status: "restoring", claims: null, notice: null };
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getState = (): SessionState => this.state;

  private set(state: SessionState): void {
    this.state = state;
    for (const l of this.listeners) l();
  }

  /** After a reload: exchange the stored refresh token for a new pair, or end up signed out. */
  async restore(): Promise<void> {
    if (this.state.status !== "restoring") return;
    await this.refresh();
  }

  async signIn(username: string, password: string): Promise<Claims> {
    let response: Response;
    try {
      response = await postJson("/api/v1/auth/login", { username, password });
    } catch {
      throw new ApiError(toProblem(0, null));
    }
    const body = await readBody(response);
    if (!response.ok) throw new ApiError(toProblem(response.status, body, response.statusText));
    const claims = this.accept(body as TokenPair);
    if (!claims) throw new ApiError({ status: 500, detail: i18n.t("signin.session.noToken") });
    return claims;
  }

  /**
   * Badge and PIN at this terminal (its station key): the new person's session replaces the
   * current one, which is then ended at the auth service, so the previous person's refresh token
   * can't be used any more. A refusal leaves the current session as it was.
   */
  async stationSignIn(stationKey: string, badge: string, pin: string): Promise<Claims> {
    let response: Response;
    try {
      response = await postJson("/api/v1/auth/stations/login", { station_key: stationKey, badge, pin });
    } catch {
      throw new ApiError(toProblem(0, null));
    }
    const body = await readBody(response);
    if (!response.ok) throw new ApiError(toProblem(response.status, body, response.statusText));
    const previous = this.refreshToken;
    const claims = this.accept(body as TokenPair);
    if (!claims) throw new ApiError({ status: 500, detail: i18n.t("signin.session.noToken") });
    if (previous && previous !== this.refreshToken) {
      await postJson("/api/v1/auth/logout", { refresh_token: previous }).catch(() => undefined);
    }
    return claims;
  }

  async signOut(notice: string | null = null): Promise<void> {
    const token = this.refreshToken;
    this.clear(notice);
    if (token) {
      // best effort: the session ends here whatever the server says
      await postJson("/api/v1/auth/logout", { refresh_token: token }).catch(() => undefined);
    }
  }

  /** Rotates the pair; concurrent callers share one request (a second use would revoke the family). */
  refresh(): Promise<boolean> {
    if (!this.inflight) {
      this.inflight = this.doRefresh().finally(() => {
        this.inflight = null;
      });
    }
    return this.inflight;
  }

  private async doRefresh(): Promise<boolean> {
    const token = this.refreshToken;
    if (!token) {
      this.clear(null);
      return false;
    }
    let response: Response;
    try {
      response = await postJson("/api/v1/auth/refresh", { refresh_token: token });
    } catch {
      // network trouble: keep the session and try again shortly
      this.schedule(5000);
      if (this.state.status === "restoring") {
        // reloaded offline: the same person goes on (the station works offline), signed in again
        // by the refresh token when the network is back
        const last = this.storage?.getItem(LAST_ACCESS_KEY) ?? null;
        const claims = last ? decodeClaims(last) : null;
        if (claims) this.set({ status: "signed-in", claims, notice: null });
        else this.clear(i18n.t("signin.session.unreachable"));
      }
      return false;
    }
    // signed out (or taken over) while the request was under way: its answer must not bring the
    // previous session back on a shared terminal
    if (this.refreshToken !== token) return false;
    if (!response.ok) {
      const problem = toProblem(response.status, await readBody(response));
      if (response.status === 401 || response.status === 400 || response.status === 422) {
        this.clear(i18n.t("signin.session.ended"));
      } else {
        this.schedule(5000);
        if (this.state.status === "restoring") this.clear(problem.detail ?? i18n.t("signin.session.again"));
      }
      return false;
    }
    return this.accept((await readBody(response)) as TokenPair) !== null;
  }

  private accept(pair: TokenPair): Claims | null {
    const claims = decodeClaims(pair.access_token);
    if (!claims) {
      this.clear(i18n.t("signin.session.unreadable"));
      return null;
    }
    this.access = pair.access_token;
    this.refreshToken = pair.refresh_token;
    this.storage?.setItem(REFRESH_KEY, pair.refresh_token);
    this.storage?.setItem(LAST_ACCESS_KEY, pair.access_token);
    this.schedule(refreshDelayMs(claims, Date.now()));
    this.set({ status: "signed-in", claims, notice: null });
    return claims;
  }

  private schedule(delayMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), delayMs);
  }

  private clear(notice: string | null): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.access = null;
    this.refreshToken = null;
    this.storage?.removeItem(REFRESH_KEY);
    this.storage?.removeItem(LAST_ACCESS_KEY);
    this.set({ status: "signed-out", claims: null, notice });
  }

  accessToken(): string | null {
    return this.access;
  }

  /** fetch with the bearer token; on a 401 it refreshes once and repeats the request. */
  fetch = async (request: Request): Promise<Response> => {
    const retry = request.clone();
    const first = await fetch(this.authorize(request));
    if (first.status !== 401 || !this.refreshToken) return first;
    const refreshed = await this.refresh();
    if (!refreshed) return first;
    return fetch(this.authorize(retry));
  };

  private authorize(request: Request): Request {
    const headers = new Headers(request.headers);
    if (this.access) headers.set("authorization", `Bearer ${this.access}`);
    return new Request(request, { headers });
  }
}

export const session = new Session();
