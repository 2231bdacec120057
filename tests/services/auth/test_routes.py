"""Login, refresh rotation, reuse detection, logout, keys and JWKS, through the HTTP API."""

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from sqlalchemy import text

from mes.platform.testing import AuthHarness, bearer

A = "/api/v1/auth"
ADMIN_PASSWORD = "correct-horse-battery-2026"  # as in conftest
USER_PASSWORD = "blue-lathe-turns-42"
MakeUser = Callable[..., Awaitable[str]]


async def _login(h: AuthHarness, username: str, password: str) -> dict[str, object]:
    r = await h.client.post(f"{A}/login", json={"username": username, "password": password})
    assert r.status_code == 200, r.text
    assert r.headers["cache-control"] == "no-store"
    return dict(r.json())


async def _refresh(h: AuthHarness, token: object) -> tuple[int, dict[str, object]]:
    r = await h.client.post(f"{A}/refresh", json={"refresh_token": token})
    return r.status_code, dict(r.json())


async def test_login_issues_an_eddsa_access_token_with_the_users_roles_and_permissions(
    auth_harness: AuthHarness, admin: dict[str, str], make_user: MakeUser
) -> None:
    await make_user("olga", "operator", password="runs-line-one-daily")
    pair = await _login(auth_harness, "OLGA", "runs-line-one-daily")  # user names are case-insensitive
    assert pair["token_type"] == "Bearer" and pair["expires_in"] == 900
    assert str(pair["refresh_token"]).startswith("mesrt_")
    token = str(pair["access_token"])
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "EdDSA"
    jwks = (await auth_harness.client.get(f"{A}/.well-known/jwks.json")).json()
    assert header["kid"] in [k["kid"] for k in jwks["keys"]]
    key = jwt.PyJWK(next(k for k in jwks["keys"] if k["kid"] == header["kid"])).key
    claims = jwt.decode(token, key, algorithms=["EdDSA"], audience="mes", issuer="mes-auth")
    assert claims["sub"] == "olga" and claims["name"] == "Olga" and claims["roles"] == ["operator"]
    assert "workorder:execute" in claims["perms"] and "auth:user:write" not in claims["perms"]
    assert claims["exp"] - claims["iat"] == 900
    assert len(claims["jti"]) == 32


async def test_a_token_from_the_auth_service_is_accepted_by_another_service(
    auth_harness: AuthHarness, admin: dict[str, str], make_user: MakeUser
) -> None:
    r = await auth_harness.client.get("/api/v1/resource/equipment", headers=admin)
    assert r.status_code == 200, r.text
    await make_user("vera", "viewer")
    viewer = await auth_harness.login("vera", USER_PASSWORD)
    body = {"code": "ACME", "name": "Acme", "level": "enterprise"}
    r = await auth_harness.client.post("/api/v1/resource/equipment", json=body, headers=viewer)
    assert r.status_code == 403 and r.json()["code"] == "permission_denied"
    r = await auth_harness.client.post("/api/v1/resource/equipment", json=body, headers=admin)
    assert r.status_code == 201 and r.json()["created_by"] == "admin"
    # a token the test keys signed is not the auth service's: refused
    r = await auth_harness.client.get(
        "/api/v1/resource/equipment", headers=auth_harness.auth("resource:read")
    )
    assert r.status_code == 401


async def test_wrong_credentials_get_one_generic_answer(
    auth_harness: AuthHarness, admin: dict[str, str], make_user: MakeUser
) -> None:
    await make_user("ian", "operator")
    r = await auth_harness.client.post(f"{A}/users/ian/deactivate", headers=admin, json={"reason": "left"})
    assert r.status_code == 200
    answers = []
    for username, password in (
        ("admin", "not-the-password-at-all"),
        ("nobody", "whatever-it-is-12"),
        ("ian", USER_PASSWORD),  # right password, inactive user
    ):
        r = await auth_harness.client.post(f"{A}/login", json={"username": username, "password": password})
        assert r.status_code == 401
        assert r.headers["content-type"] == "application/problem+json"
        answers.append((r.json()["code"], r.json()["detail"]))
    assert answers == [("invalid_credentials", "The user name or password is wrong.")] * 3


async def test_refresh_rotates_and_reuse_revokes_the_whole_family(
    auth_harness: AuthHarness, admin: dict[str, str]
) -> None:
    first = await _login(auth_harness, "admin", ADMIN_PASSWORD)
    status, second = await _refresh(auth_harness, first["refresh_token"])
    assert status == 200 and second["refresh_token"] != first["refresh_token"]
    assert second["access_token"] != first["access_token"]
    claims = jwt.decode(str(second["access_token"]), options={"verify_signature": False})
    assert claims["sub"] == "admin" and "auth:user:write" in claims["perms"]
    status, third = await _refresh(auth_harness, second["refresh_token"])
    assert status == 200
    # the first token again: someone replays an exchanged token
    status, problem = await _refresh(auth_harness, first["refresh_token"])
    assert status == 401 and problem["code"] == "invalid_refresh_token"
    # ... so the family is revoked: the latest token, never used, is refused too
    status, _ = await _refresh(auth_harness, third["refresh_token"])
    assert status == 401
    # and a separate login is unaffected
    other = await _login(auth_harness, "admin", ADMIN_PASSWORD)
    assert (await _refresh(auth_harness, other["refresh_token"]))[0] == 200
    r = await auth_harness.client.get(
        f"{A}/audit", params={"entity_type": "user", "entity_id": "admin"}, headers=admin
    )
    assert "session.revoked" in [e["action"] for e in r.json()["items"]]


async def test_logout_revokes_the_family_and_a_revoked_family_cant_be_refreshed(
    auth_harness: AuthHarness, admin: dict[str, str]
) -> None:
    pair = await _login(auth_harness, "admin", ADMIN_PASSWORD)
    status, rotated = await _refresh(auth_harness, pair["refresh_token"])
    assert status == 200
    r = await auth_harness.client.post(f"{A}/logout", json={"refresh_token": rotated["refresh_token"]})
    assert r.status_code == 204
    for token in (rotated["refresh_token"], pair["refresh_token"]):
        status, problem = await _refresh(auth_harness, token)
        assert status == 401 and problem["code"] == "invalid_refresh_token"
    # logout again, or with a token nobody issued: same quiet answer
    for token in (rotated["refresh_token"], "mesrt_made-up"):
        r = await auth_harness.client.post(f"{A}/logout", json={"refresh_token": token})
        assert r.status_code == 204


async def test_unknown_and_malformed_refresh_tokens(auth_harness: AuthHarness) -> None:
    status, problem = await _refresh(auth_harness, "mesrt_never-issued")
    assert status == 401 and problem["code"] == "invalid_refresh_token"
    r = await auth_harness.client.post(f"{A}/refresh", json={})
    assert r.status_code == 422 and r.json()["code"] == "validation_failed"


async def test_expired_refresh_token_is_refused(auth_harness: AuthHarness, admin: dict[str, str]) -> None:
    pair = await _login(auth_harness, "admin", ADMIN_PASSWORD)
    async with auth_harness.db("auth").transaction() as s:
        await s.execute(text("UPDATE refresh_tokens SET expires_at = now() - interval '1 second'"))
    assert (await _refresh(auth_harness, pair["refresh_token"]))[0] == 401


async def test_key_rotation_keeps_old_tokens_valid_until_they_expire(
    auth_harness: AuthHarness, admin: dict[str, str]
) -> None:
    old_kid = jwt.get_unverified_header(admin["Authorization"].split()[1])["kid"]
    r = await auth_harness.client.post(f"{A}/keys/rotate", headers=admin, json={"reason": "yearly rotation"})
    assert r.status_code == 201, r.text
    new_kid = r.json()["kid"]
    assert new_kid != old_kid and r.json()["status"] == "active"
    kids = [k["kid"] for k in (await auth_harness.client.get(f"{A}/.well-known/jwks.json")).json()["keys"]]
    assert kids == [new_kid, old_kid]
    # nobody is logged out: the old token still works, here and in another service
    assert (await auth_harness.client.get(f"{A}/keys", headers=admin)).status_code == 200
    assert (await auth_harness.client.get("/api/v1/resource/equipment", headers=admin)).status_code == 200
    fresh = await auth_harness.login("admin", ADMIN_PASSWORD)
    assert jwt.get_unverified_header(fresh["Authorization"].split()[1])["kid"] == new_kid
    assert (await auth_harness.client.get("/api/v1/resource/equipment", headers=fresh)).status_code == 200
    listed = {k["kid"]: k for k in (await auth_harness.client.get(f"{A}/keys", headers=fresh)).json()}
    assert listed[old_kid]["status"] == "retired" and listed[old_kid]["published"] is True
    # once every token it signed has expired, the old key leaves the JWKS
    async with auth_harness.db("auth").transaction() as s:
        await s.execute(
            text("UPDATE signing_keys SET retired_at = :t WHERE kid = :k"),
            {"t": datetime.now(UTC) - timedelta(minutes=30), "k": old_kid},
        )
    kids = [k["kid"] for k in (await auth_harness.client.get(f"{A}/.well-known/jwks.json")).json()["keys"]]
    assert kids == [new_kid]


async def test_jwks_publishes_only_public_keys(auth_harness: AuthHarness) -> None:
    r = await auth_harness.client.get(f"{A}/.well-known/jwks.json")
    assert r.status_code == 200
    (key,) = r.json()["keys"]
    assert set(key) == {"kty", "crv", "x", "kid", "alg", "use"}
    assert (key["kty"], key["crv"], key["alg"], key["use"]) == ("OKP", "Ed25519", "EdDSA", "sig")


async def test_only_the_ways_to_get_a_token_and_the_jwks_are_public(auth_harness: AuthHarness) -> None:
    doc = (await auth_harness.client.get(f"{A}/openapi.json")).json()
    public, protected = set(), []
    for path, methods in doc["paths"].items():
        for method, op in methods.items():
            if op.get("security") == []:
                public.add((method, path))
            elif not path.endswith(("/health", "/ready", "/metrics")):
                protected.append((method, path))
    assert public == {
        ("post", f"{A}/login"),
        ("post", f"{A}/refresh"),
        ("post", f"{A}/logout"),
        ("post", f"{A}/stations/login"),
        ("post", f"{A}/api-keys/token"),
        ("post", f"{A}/service-token"),  # a service's own token (ADR 44)
        ("get", f"{A}/.well-known/jwks.json"),
    }
    assert len(protected) >= 15
    for method, path in protected:
        r = await auth_harness.client.request(
            method, path.replace("{username}", "x").replace("{name}", "x"), json={}
        )
        assert r.status_code == 401, (method, path)


@pytest.mark.parametrize("username", ["admin", "ADMIN"])
async def test_environment_creates_the_first_administrator(
    auth_harness: AuthHarness, monkeypatch: pytest.MonkeyPatch, username: str
) -> None:
    monkeypatch.setenv("MES_ADMIN_USERNAME", username)
    monkeypatch.setenv("MES_ADMIN_PASSWORD", ADMIN_PASSWORD)
    headers = await auth_harness.login("admin", ADMIN_PASSWORD)
    r = await auth_harness.client.get(f"{A}/users/admin", headers=headers)
    assert r.json()["roles"] == ["admin"] and r.json()["created_by"] == "system:bootstrap"


async def test_a_weak_environment_password_creates_nobody(
    auth_harness: AuthHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MES_ADMIN_USERNAME", "admin")
    monkeypatch.setenv("MES_ADMIN_PASSWORD", "admin")
    r = await auth_harness.client.post(f"{A}/login", json={"username": "admin", "password": "admin"})
    assert r.status_code == 401


async def test_the_first_jwks_request_makes_the_first_key(auth_harness: AuthHarness) -> None:
    # no login yet, so no key yet: the JWKS makes one rather than answering with none
    r = await auth_harness.client.get(f"{A}/.well-known/jwks.json")
    assert len(r.json()["keys"]) == 1
    r = await auth_harness.client.get("/api/v1/resource/equipment", headers=bearer("not-a-jwt"))
    assert r.status_code == 401


LONE_SURROGATE = "\\ud800"  # as JSON writes it: half a UTF-16 pair, no character at all


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/login", '{"username": "admin", "password": "pass%sword"}'),
        ("/login", '{"username": "ad%smin", "password": "pass"}'),
        ("/refresh", '{"refresh_token": "mesrt_%s"}'),
        ("/logout", '{"refresh_token": "mesrt_%s"}'),
        ("/api-keys/token", '{"api_key": "mesak_%s"}'),
        ("/stations/login", '{"station_key": "k%s", "badge": "0004711", "pin": "1234"}'),
        ("/users", '{"username": "sam", "display_name": "Sam", "password": "twelve-chars-%s-long"}'),
        ("/users/admin/reset-password", '{"new_password": "twelve-chars-%s-long"}'),
        (
            "/signatures",
            '{"record_type": "work_order", "record_id": "WO-1", "content": {}, "meaning": "approved",'
            ' "password": "pass%sword"}',
        ),
    ],
)
async def test_a_lone_surrogate_in_any_secret_is_bad_input_not_a_500(
    auth_harness: AuthHarness, admin: dict[str, str], path: str, body: str
) -> None:
    r = await auth_harness.client.post(
        f"{A}{path}",
        content=(body % LONE_SURROGATE).encode(),
        headers={**admin, "content-type": "application/json"},
    )
    assert r.status_code == 422, r.text
    assert r.json()["code"] == "validation_failed"
    assert "surrogate" in r.json()["errors"][0]["message"]
