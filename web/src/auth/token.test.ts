import { describe, expect, it } from "vitest";
import { fakeJwt } from "../testing/jwt";
import { decodeClaims, refreshDelayMs } from "./token";

describe("decodeClaims", () => {
  it("reads who, roles and permissions from the token", () => {
    const claims = decodeClaims(
      fakeJwt({ sub: "jdoe", name: "Jürgen Döe", roles: ["operator"], perms: ["material:read"], exp: 2000, iat: 1100 }),
    );
    expect(claims).toEqual({
      sub: "jdoe",
      name: "Jürgen Döe",
      roles: ["operator"],
      perms: ["material:read"],
      exp: 2000,
      iat: 1100,
    });
  });

  it("falls back to the subject as name and to no permissions", () => {
    const claims = decodeClaims(fakeJwt({ sub: "svc", exp: 5, perms: "material:read" }));
    expect(claims?.name).toBe("svc");
    expect(claims?.perms).toEqual([]);
  });

  it("refuses what is not a usable token", () => {
    expect(decodeClaims("not-a-token")).toBeNull();
    expect(decodeClaims("a.b.c")).toBeNull();
    expect(decodeClaims(fakeJwt({ exp: 5 }))).toBeNull();
  });
});

describe("refreshDelayMs", () => {
  it("refreshes a 15-minute token one minute before it expires", () => {
    expect(refreshDelayMs({ iat: 1000, exp: 1900 }, 1000_000)).toBe(840_000);
  });

  it("refreshes a short token at 80 % of its life", () => {
    expect(refreshDelayMs({ iat: 1000, exp: 1030 }, 1000_000)).toBe(24_000);
  });

  it("goes by the token's lifetime, not the terminal's clock", () => {
    // a terminal ten minutes ahead of the server still refreshes at 80 % of the life
    expect(refreshDelayMs({ iat: 1000, exp: 1030 }, 1600_000)).toBe(24_000);
  });

  it("never schedules in the past", () => {
    expect(refreshDelayMs({ exp: 1030 }, 2000_000)).toBe(1000);
  });
});
