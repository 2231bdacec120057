"""Users, roles and permissions as an administrator manages them, through the HTTP API."""

import json
from collections.abc import Awaitable, Callable

import jwt
import pytest
from sqlalchemy import text

from mes.platform.testing import AuthHarness

A = "/api/v1/auth"
ADMIN_PASSWORD = "correct-horse-battery-2026"  # as in conftest
USER_PASSWORD = "blue-lathe-turns-42"
MakeUser = Callable[..., Awaitable[str]]


async def _outbox(h: AuthHarness) -> list[tuple[str, dict[str, object]]]:
    async with h.db("auth").transaction() as s:
        # user events only: refused sign-ins raise security events too (test_lockout)
        rows = await s.execute(
            text("SELECT topic, payload::text FROM outbox WHERE topic LIKE 'auth.user_%' ORDER BY id")
        )
        return [(r[0], json.loads(r[1])) for r in rows]


async def _perms(h: AuthHarness, username: str, password: str) -> list[str]:
    headers = await h.login(username, password)
    return list(jwt.decode(headers["Authorization"].split()[1], options={"verify_signature": False})["perms"])


async def test_create_user_and_read_it_back(auth_harness: AuthHarness, admin: dict[str, str]) -> None:
    body = {
        "username": "JDoe",
        "display_name": "Jane Doe",
        "password": "jane-works-the-night-shift",
        "roles": ["operator", "quality", "operator"],
        "reason": "new hire",
    }
    r = await auth_harness.client.post(f"{A}/users", headers=admin, json=body)
    assert r.status_code == 201, r.text
    user = r.json()
    assert user["username"] == "jdoe" and user["roles"] == ["operator", "quality"]
    assert user["active"] is True and user["created_by"] == "admin"
    assert "jane-works-the-night-shift" not in r.text and "argon2" not in r.text
    r = await auth_harness.client.get(f"{A}/users/JDOE", headers=admin)
    assert r.json() == user
    r = await auth_harness.client.get(f"{A}/users", headers=admin, params={"role": "quality"})
    assert [u["username"] for u in r.json()["items"]] == ["jdoe"]
    r = await auth_harness.client.post(f"{A}/users", headers=admin, json={**body, "username": "jdoe"})
    assert r.status_code == 409 and r.json()["code"] == "duplicate_username"
    assert [t for t, _ in await _outbox(auth_harness)] == ["auth.user_created.v1", "auth.user_created.v1"]
    _, event = (await _outbox(auth_harness))[-1]
    assert (
        event["username"] == "jdoe"
        and event["roles"] == ["operator", "quality"]
        and event["actor"] == "admin"
    )


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("short-one", "password_too_short"),
        ("x" * 129 + "yz", "password_too_long"),
        ("my-name-is-kowalski!", "password_contains_username"),
        ("Password1234", "password_too_common"),
        ("aaaaaaaaaaaaaaaa", "password_too_common"),
    ],
)
async def test_password_policy(
    auth_harness: AuthHarness, admin: dict[str, str], password: str, code: str
) -> None:
    body = {"username": "kowalski", "display_name": "K", "password": password}
    r = await auth_harness.client.post(f"{A}/users", headers=admin, json=body)
    assert r.status_code == 422 and r.json()["code"] == code
    assert r.headers["content-type"] == "application/problem+json"
    assert password not in r.text
    r = await auth_harness.client.get(f"{A}/users/kowalski", headers=admin)
    assert r.status_code == 404 and r.json()["code"] == "user_not_found"


async def test_unknown_roles_and_bad_names_are_refused(
    auth_harness: AuthHarness, admin: dict[str, str]
) -> None:
    body = {"username": "kim", "display_name": "Kim", "password": USER_PASSWORD, "roles": ["wizard"]}
    r = await auth_harness.client.post(f"{A}/users", headers=admin, json=body)
    assert r.status_code == 422 and r.json()["code"] == "unknown_role" and r.json()["roles"] == ["wizard"]
    r = await auth_harness.client.post(
        f"{A}/users", headers=admin, json={**body, "roles": [], "username": "-x"}
    )
    assert r.status_code == 422 and r.json()["code"] == "validation_failed"


async def test_update_roles_changes_the_next_tokens_permissions(
    auth_harness: AuthHarness, admin: dict[str, str], make_user: MakeUser
) -> None:
    await make_user("omar", "operator")
    assert "quality:nc:disposition" not in await _perms(auth_harness, "omar", USER_PASSWORD)
    r = await auth_harness.client.patch(
        f"{A}/users/omar",
        headers=admin,
        json={"display_name": "Omar S.", "roles": ["quality"], "reason": "moved to QA"},
    )
    assert r.status_code == 200 and r.json()["roles"] == ["quality"] and r.json()["display_name"] == "Omar S."
    perms = await _perms(auth_harness, "omar", USER_PASSWORD)
    assert "quality:nc:disposition" in perms and "workorder:execute" not in perms
    topic, event = (await _outbox(auth_harness))[-1]
    assert topic == "auth.user_roles_changed.v1"
    assert (
        event["old_roles"] == ["operator"]
        and event["roles"] == ["quality"]
        and event["reason"] == "moved to QA"
    )
    r = await auth_harness.client.get(f"{A}/audit", headers=admin, params={"entity_id": "omar"})
    entry = r.json()["items"][0]
    assert (
        entry["action"] == "user.updated" and entry["actor"] == "admin" and entry["reason"] == "moved to QA"
    )
    assert entry["old"] == {"display_name": "Omar", "roles": ["operator"]}
    assert entry["new"] == {"display_name": "Omar S.", "roles": ["quality"]}


async def test_deactivate_ends_sessions_and_login_and_reactivate_restores_login(
    auth_harness: AuthHarness, admin: dict[str, str], make_user: MakeUser
) -> None:
    await make_user("dana", "supervisor")
    r = await auth_harness.client.post(f"{A}/login", json={"username": "dana", "password": USER_PASSWORD})
    refresh_token = r.json()["refresh_token"]
    r = await auth_harness.client.post(f"{A}/users/dana/deactivate", headers=admin, json={"reason": "left"})
    assert r.status_code == 200 and r.json()["active"] is False and r.json()["deactivated_at"]
    r = await auth_harness.client.post(f"{A}/refresh", json={"refresh_token": refresh_token})
    assert r.status_code == 401
    r = await auth_harness.client.post(f"{A}/login", json={"username": "dana", "password": USER_PASSWORD})
    assert r.status_code == 401
    r = await auth_harness.client.post(f"{A}/users/dana/deactivate", headers=admin, json={})
    assert r.status_code == 409 and r.json()["code"] == "already_deactivated"
    # still there, as the author of what they did
    r = await auth_harness.client.get(f"{A}/users", headers=admin, params={"active": False})
    assert [u["username"] for u in r.json()["items"]] == ["dana"]
    assert (await _outbox(auth_harness))[-1][0] == "auth.user_deactivated.v1"
    r = await auth_harness.client.post(f"{A}/users/dana/reactivate", headers=admin, json={"reason": "back"})
    assert r.status_code == 200 and r.json()["active"] is True
    await auth_harness.login("dana", USER_PASSWORD)


async def test_reset_password_by_admin(
    auth_harness: AuthHarness, admin: dict[str, str], make_user: MakeUser
) -> None:
    await make_user("paul", "planner")
    r = await auth_harness.client.post(f"{A}/login", json={"username": "paul", "password": USER_PASSWORD})
    refresh_token = r.json()["refresh_token"]
    url = f"{A}/users/paul/reset-password"
    r = await auth_harness.client.post(url, headers=admin, json={"new_password": "paul"})
    assert r.status_code == 422 and r.json()["code"] == "password_too_short"
    r = await auth_harness.client.post(
        url, headers=admin, json={"new_password": "green-press-stamps-7", "reason": "forgotten"}
    )
    assert r.status_code == 204
    r = await auth_harness.client.post(f"{A}/login", json={"username": "paul", "password": USER_PASSWORD})
    assert r.status_code == 401
    await auth_harness.login("paul", "green-press-stamps-7")
    r = await auth_harness.client.post(f"{A}/refresh", json={"refresh_token": refresh_token})
    assert r.status_code == 401
    r = await auth_harness.client.post(
        f"{A}/users/nobody/reset-password", headers=admin, json={"new_password": "x"}
    )
    assert r.status_code == 404


async def test_admin_edits_a_roles_permissions(
    auth_harness: AuthHarness, admin: dict[str, str], make_user: MakeUser
) -> None:
    await make_user("val", "viewer")
    viewer = (await auth_harness.client.get(f"{A}/roles/viewer", headers=admin)).json()
    assert viewer["builtin"] is True and "resource:read" in viewer["permissions"]
    wanted = sorted([*viewer["permissions"], "auth:audit:read"])
    r = await auth_harness.client.put(
        f"{A}/roles/viewer/permissions", headers=admin, json={"permissions": wanted, "reason": "auditors"}
    )
    assert r.status_code == 200 and r.json()["permissions"] == wanted
    assert "auth:audit:read" in await _perms(auth_harness, "val", USER_PASSWORD)
    r = await auth_harness.client.get(f"{A}/audit", headers=admin, params={"entity_type": "role"})
    entry = r.json()["items"][0]
    assert entry["action"] == "role.permissions_changed" and entry["new"]["added"] == ["auth:audit:read"]
    r = await auth_harness.client.put(
        f"{A}/roles/viewer/permissions", headers=admin, json={"permissions": ["warp:drive:engage"]}
    )
    assert r.status_code == 422 and r.json()["code"] == "unknown_permission"
    r = await auth_harness.client.put(f"{A}/roles/nope/permissions", headers=admin, json={"permissions": []})
    assert r.status_code == 404 and r.json()["code"] == "role_not_found"


async def test_create_a_role_and_give_it_to_a_user(
    auth_harness: AuthHarness, admin: dict[str, str], make_user: MakeUser
) -> None:
    body = {
        "name": "line-lead",
        "description": "Line lead",
        "permissions": ["workorder:read", "workorder:execute"],
    }
    r = await auth_harness.client.post(f"{A}/roles", headers=admin, json=body)
    assert r.status_code == 201 and r.json()["builtin"] is False
    assert (await auth_harness.client.post(f"{A}/roles", headers=admin, json=body)).status_code == 409
    await make_user("lee", "line-lead")
    assert await _perms(auth_harness, "lee", USER_PASSWORD) == ["workorder:execute", "workorder:read"]
    names = [r["name"] for r in (await auth_harness.client.get(f"{A}/roles", headers=admin)).json()]
    assert "line-lead" in names and "integration" in names


async def test_the_last_administrator_cant_be_removed(
    auth_harness: AuthHarness, admin: dict[str, str]
) -> None:
    r = await auth_harness.client.post(f"{A}/users/admin/deactivate", headers=admin, json={})
    assert r.status_code == 409 and r.json()["code"] == "last_administrator"
    r = await auth_harness.client.patch(f"{A}/users/admin", headers=admin, json={"roles": ["viewer"]})
    assert r.status_code == 409 and r.json()["code"] == "last_administrator"
    admin_role = (await auth_harness.client.get(f"{A}/roles/admin", headers=admin)).json()
    fewer = [p for p in admin_role["permissions"] if p != "auth:role:write"]
    r = await auth_harness.client.put(
        f"{A}/roles/admin/permissions", headers=admin, json={"permissions": fewer}
    )
    assert r.status_code == 409
    # nothing changed
    r = await auth_harness.client.get(f"{A}/users/admin", headers=admin)
    assert r.json()["active"] is True and r.json()["roles"] == ["admin"]


async def test_permissions_are_checked(
    auth_harness: AuthHarness, admin: dict[str, str], make_user: MakeUser
) -> None:
    await make_user("sue", "supervisor")
    sue = await auth_harness.login("sue", USER_PASSWORD)
    assert (await auth_harness.client.get(f"{A}/users", headers=sue)).status_code == 200
    for method, path in (
        ("post", f"{A}/users"),
        ("post", f"{A}/keys/rotate"),
        ("put", f"{A}/roles/viewer/permissions"),
        ("get", f"{A}/audit"),
    ):
        r = await auth_harness.client.request(method, path, headers=sue, json={})
        assert r.status_code == 403 and r.json()["code"] == "permission_denied", path
    r = await auth_harness.client.get(f"{A}/permissions", headers=sue)
    assert {"name": "auth:key:rotate", "description": "See and rotate the token signing keys"} in r.json()


async def test_users_are_sorted_and_paged_on_the_server(
    auth_harness: AuthHarness, admin: dict[str, str]
) -> None:
    for username, name in (("ben", "Zed Ben"), ("cara", "Ann Cara"), ("dan", "Mo Dan")):
        body = {"username": username, "display_name": name, "password": USER_PASSWORD, "roles": ["quality"]}
        r = await auth_harness.client.post(f"{A}/users", headers=admin, json=body)
        assert r.status_code == 201, r.text
    query = {"role": "quality", "sort": "-display_name", "limit": 2}
    page = (await auth_harness.client.get(f"{A}/users", headers=admin, params=query)).json()
    assert [u["display_name"] for u in page["items"]] == ["Zed Ben", "Mo Dan"]
    assert (page["total"], page["limit"], page["offset"]) == (3, 2, 0)
    query = {"role": "quality", "sort": "display_name", "offset": 1}
    page = (await auth_harness.client.get(f"{A}/users", headers=admin, params=query)).json()
    assert [u["username"] for u in page["items"]] == ["dan", "ben"]
    r = await auth_harness.client.get(f"{A}/users", headers=admin, params={"sort": "password_hash"})
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json")
