"""API keys for machines and integrations, and badge/PIN sign-in at registered stations (acceptance 7)."""

from __future__ import annotations

import httpx
import jwt
from sqlalchemy import text

from mes.platform.testing import AuthHarness, bearer

from .conftest import A, MakeUser


def _claims(token: str) -> dict[str, object]:
    return dict(jwt.decode(token, options={"verify_signature": False}))


async def _api_key(h: AuthHarness, admin: dict[str, str], **body: object) -> httpx.Response:
    payload = {"name": "ERP connector", "owner": "erp", "permissions": ["material:read"], **body}
    return await h.client.post(f"{A}/api-keys", headers=admin, json=payload)


async def test_an_api_key_is_shown_once_stored_hashed_scoped_and_revocable(
    auth_harness: AuthHarness, admin: dict[str, str], make_user: MakeUser
) -> None:
    h = auth_harness
    await make_user("erp", "integration")
    r = await _api_key(h, admin, permissions=["material:read", "material:lot:receive"], reason="SAP link")
    assert r.status_code == 201, r.text
    created = r.json()
    key = created["api_key"]
    assert key.startswith("mesak_") and created["permissions"] == ["material:lot:receive", "material:read"]

    listed = (await h.client.get(f"{A}/api-keys", headers=admin)).json()
    assert [k["id"] for k in listed] == [created["id"]] and "api_key" not in listed[0]
    assert listed[0]["last_used_at"] is None
    async with h.db("auth").transaction() as s:
        stored = (await s.execute(text("SELECT key_id, secret_hash FROM api_keys"))).one()
    assert stored[0] == created["id"] and stored[1] not in key and len(stored[1]) == 64

    r = await h.client.post(f"{A}/api-keys/token", json={"api_key": key})
    assert r.status_code == 200, r.text
    token = r.json()["access_token"]
    claims = _claims(token)
    assert claims["sub"] == "erp" and claims["akid"] == created["id"]
    assert claims["perms"] == ["material:lot:receive", "material:read"]  # the key's scope, not the role's
    # the token works at another service, within the scope only
    assert (await h.client.get("/api/v1/material/lots", headers=bearer(token))).status_code == 200
    assert (await h.client.get("/api/v1/workorders/work-centers", headers=bearer(token))).status_code == 403
    used = (await h.client.get(f"{A}/api-keys", headers=admin)).json()[0]
    assert used["last_used_at"] is not None

    r = await h.client.post(f"{A}/api-keys/{created['id']}/revoke", headers=admin, json={"reason": "rotated"})
    assert r.status_code == 200 and r.json()["revoked_by"] == "admin"
    r = await h.client.post(f"{A}/api-keys/token", json={"api_key": key})
    assert r.status_code == 401 and r.json()["code"] == "invalid_api_key"
    again = await h.client.post(f"{A}/api-keys/{created['id']}/revoke", headers=admin, json={})
    assert again.status_code == 409
    async with h.db("auth").transaction() as s:
        actions = list(
            (await s.execute(text("SELECT action FROM audit_log WHERE entity_type='api_key'"))).scalars()
        )
    assert actions == ["api_key.created", "api_key.revoked"]


async def test_api_keys_refuse_more_than_the_owner_holds_and_bad_keys(
    auth_harness: AuthHarness, admin: dict[str, str], make_user: MakeUser
) -> None:
    h = auth_harness
    await make_user("erp", "integration")
    r = await _api_key(h, admin, permissions=["auth:user:write"])
    assert r.status_code == 422 and r.json()["code"] == "permission_not_held"
    assert (await _api_key(h, admin, owner="nobody")).status_code == 404
    assert (await h.client.get(f"{A}/api-keys", headers=admin)).json() == []
    for bad in ("mesak_short", "mesak_000000000000_guess", "not-a-key"):
        r = await h.client.post(f"{A}/api-keys/token", json={"api_key": bad})
        assert r.status_code == 401 and r.json()["code"] == "invalid_api_key"
    created = (await _api_key(h, admin)).json()
    wrong_secret = created["api_key"][:-4] + "AAAA"
    assert (await h.client.post(f"{A}/api-keys/token", json={"api_key": wrong_secret})).status_code == 401
    # demoting the owner demotes the key: the role no longer grants material:read
    r = await h.client.patch(f"{A}/users/erp", headers=admin, json={"roles": []})
    assert r.status_code == 200
    r = await h.client.post(f"{A}/api-keys/token", json={"api_key": created["api_key"]})
    assert r.status_code == 200 and _claims(r.json()["access_token"])["perms"] == []


async def _station(h: AuthHarness, admin: dict[str, str], code: str = "L1-ST01") -> str:
    r = await h.client.post(
        f"{A}/stations",
        headers=admin,
        json={"code": code, "name": "Line 1 terminal", "work_center": "LINE-1"},
    )
    assert r.status_code == 201, r.text
    assert r.json()["station_key"].startswith("messt_")
    return str(r.json()["station_key"])


async def _badge(h: AuthHarness, admin: dict[str, str], user: str, badge: str, pin: str) -> httpx.Response:
    return await h.client.put(f"{A}/users/{user}/badge", headers=admin, json={"badge": badge, "pin": pin})


async def test_badge_and_pin_work_only_at_a_registered_station_with_operator_permissions(
    auth_harness: AuthHarness, admin: dict[str, str], make_user: MakeUser
) -> None:
    h = auth_harness
    station_key = await _station(h, admin)
    await make_user("sven", "supervisor", "operator")
    assert (await _badge(h, admin, "sven", "0004711", "2580")).status_code == 204

    r = await h.client.post(
        f"{A}/stations/login", json={"station_key": station_key, "badge": "0004711", "pin": "2580"}
    )
    assert r.status_code == 200, r.text
    claims = _claims(r.json()["access_token"])
    roles = (await h.client.get(f"{A}/roles/operator", headers=admin)).json()
    operator = set(roles["permissions"])
    assert claims["sub"] == "sven" and claims["station"] == "L1-ST01"
    assert set(claims["perms"]) <= operator  # a supervisor at a terminal is an operator there
    assert "workorder:release" not in claims["perms"] and "workorder:execute" in claims["perms"]
    # the session refreshes like any other, keeping the limits
    r2 = await h.client.post(f"{A}/refresh", json={"refresh_token": r.json()["refresh_token"]})
    assert r2.status_code == 200 and _claims(r2.json()["access_token"])["station"] == "L1-ST01"
    assert r.json()["refresh_expires_in"] <= 15 * 60  # idle timeout of a shared terminal

    # an unregistered or deactivated terminal gets nothing, even with the right badge and PIN
    for key in ("messt_000000000000_forged", "anything"):
        r = await h.client.post(
            f"{A}/stations/login", json={"station_key": key, "badge": "0004711", "pin": "2580"}
        )
        assert r.status_code == 401 and r.json()["code"] == "station_not_registered"
    r = await h.client.post(f"{A}/stations/L1-ST01/deactivate", headers=admin, json={"reason": "moved"})
    assert r.status_code == 200 and r.json()["active"] is False
    r = await h.client.post(
        f"{A}/stations/login", json={"station_key": station_key, "badge": "0004711", "pin": "2580"}
    )
    assert r.status_code == 401 and r.json()["code"] == "station_not_registered"


async def test_pin_attempts_are_limited_and_badges_and_pins_are_checked(
    auth_harness: AuthHarness, admin: dict[str, str], make_user: MakeUser
) -> None:
    h = auth_harness
    station_key = await _station(h, admin)
    await make_user("otto", "operator")
    await make_user("uwe", "operator")
    assert (await _badge(h, admin, "otto", "B-1001", "1234")).json()["code"] == "pin_too_simple"
    assert (await _badge(h, admin, "otto", "B-1001", "12a4")).json()["code"] == "pin_format"
    assert (await _badge(h, admin, "otto", "B-1001", "7391")).status_code == 204
    r = await _badge(h, admin, "uwe", "B-1001", "8642")
    assert r.status_code == 409 and r.json()["code"] == "badge_taken"

    def attempt(pin: str) -> dict[str, str]:
        return {"station_key": station_key, "badge": "B-1001", "pin": pin}

    assert (await h.client.post(f"{A}/stations/login", json=attempt("0000"))).status_code == 401
    assert (await h.client.post(f"{A}/stations/login", json=attempt("1111"))).status_code == 401
    r = await h.client.post(f"{A}/stations/login", json=attempt("2222"))  # the third wrong PIN locks
    assert r.status_code == 429 and r.json()["code"] == "sign_in_locked"
    r = await h.client.post(f"{A}/stations/login", json=attempt("7391"))
    assert r.status_code == 429, "the right PIN must not open a locked badge"
    async with h.db("auth").transaction() as s:
        rows = (
            await s.execute(
                text("SELECT action, new FROM audit_log WHERE action LIKE 'sign_in.%' ORDER BY id")
            )
        ).all()
    assert [a for a, _ in rows] == ["sign_in.failed"] * 3 + ["sign_in.locked", "sign_in.refused_locked"]
    assert {n["channel"] for _, n in rows} == {"pin"}
    # the PIN is stored as an argon2id hash, never as typed
    async with h.db("auth").transaction() as s:
        pin_hash = await s.scalar(text("SELECT pin_hash FROM users WHERE username='otto'"))
    assert pin_hash.startswith("$argon2id$") and "7391" not in pin_hash


async def test_a_lost_badge_is_removed_signs_nobody_in_and_its_station_sessions_end(
    auth_harness: AuthHarness, admin: dict[str, str], make_user: MakeUser
) -> None:
    h = auth_harness
    station_key = await _station(h, admin)
    otto_password = await make_user("otto", "operator")
    await make_user("uwe", "operator")
    assert (await _badge(h, admin, "otto", "B-2002", "7391")).status_code == 204
    assert (await _badge(h, admin, "uwe", "B-2001", "8642")).status_code == 204
    badges = await h.client.get(f"{A}/badges", headers=admin)
    assert [(b["badge"], b["username"], b["active"]) for b in badges.json()] == [
        ("B-2001", "uwe", True),
        ("B-2002", "otto", True),
    ]
    assert "pin" not in badges.text.lower()
    signed_in = await h.client.post(
        f"{A}/stations/login", json={"station_key": station_key, "badge": "B-2002", "pin": "7391"}
    )
    assert signed_in.status_code == 200
    password = await h.client.post(f"{A}/login", json={"username": "otto", "password": otto_password})
    assert password.status_code == 200

    r = await h.client.delete(f"{A}/users/otto/badge", headers=admin, params={"reason": "lost on the line"})
    assert r.status_code == 204
    again = await h.client.post(
        f"{A}/stations/login", json={"station_key": station_key, "badge": "B-2002", "pin": "7391"}
    )
    assert again.status_code == 401  # the badge is unknown now
    refreshed = await h.client.post(f"{A}/refresh", json={"refresh_token": signed_in.json()["refresh_token"]})
    assert refreshed.status_code == 401  # the terminal session it opened has ended
    kept = await h.client.post(f"{A}/refresh", json={"refresh_token": password.json()["refresh_token"]})
    assert kept.status_code == 200  # the user's own password sessions are not touched
    assert [b["badge"] for b in (await h.client.get(f"{A}/badges", headers=admin)).json()] == ["B-2001"]
    r = await h.client.delete(f"{A}/users/otto/badge", headers=admin)
    assert r.status_code == 404 and r.json()["code"] == "no_badge"
    operator = await h.login("otto", otto_password)
    assert (await h.client.delete(f"{A}/users/uwe/badge", headers=operator)).status_code == 403
    async with h.db("auth").transaction() as s:
        audit = (
            await s.execute(
                text("SELECT actor, old, reason FROM audit_log WHERE action = 'user.badge_removed'")
            )
        ).all()
    assert [(a, o["badge"], r) for a, o, r in audit] == [("admin", "B-2002", "lost on the line")]


async def test_api_keys_are_sorted_and_paged_on_the_server(
    auth_harness: AuthHarness, admin: dict[str, str], make_user: MakeUser
) -> None:
    h = auth_harness
    await make_user("erp", "integration")
    await make_user("scada", "integration")
    ids = {}
    for name, owner in (("Mill", "scada"), ("Atlas", "erp"), ("Zeta", "erp")):
        r = await _api_key(h, admin, name=name, owner=owner)
        assert r.status_code == 201, r.text
        ids[name] = r.json()["id"]

    async def keys(**query: object) -> tuple[list[str], str]:
        r = await h.client.get(f"{A}/api-keys", headers=admin, params=query)
        assert r.status_code == 200, r.text
        return [k["name"] for k in r.json()], r.headers["x-total-count"]

    assert await keys() == (["Mill", "Atlas", "Zeta"], "3")  # as before: a bare list, oldest first
    assert await keys(sort="-name", limit=2) == (["Zeta", "Mill"], "3")
    assert await keys(sort="name", limit=2, offset=1) == (["Mill", "Zeta"], "3")
    assert await keys(sort="-owner", limit=1) == (["Mill"], "3")
    assert await keys(owner="erp", sort="-created_at") == (["Zeta", "Atlas"], "2")
    r = await h.client.post(f"{A}/api-keys/{ids['Atlas']}/revoke", headers=admin, json={"reason": "rotated"})
    assert r.status_code == 200
    assert (await keys(sort="revoked_at", limit=1))[0] == ["Atlas"]  # the unrevoked after it
    for bad in ({"sort": "secret_hash"}, {"limit": 0}, {"offset": -1}):
        r = await h.client.get(f"{A}/api-keys", headers=admin, params=bad)
        assert r.status_code == 422, (bad, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")
