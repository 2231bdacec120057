"""Acceptance 5: no response, log line, event or audit entry carries a password, hash or refresh token."""

import json

import pytest
from sqlalchemy import text

from mes.platform.testing import AuthHarness

A = "/api/v1/auth"
ADMIN_PASSWORD = "correct-horse-battery-2026"  # as in conftest
PASSWORD = "orange-kiln-fires-at-dawn"
NEW_PASSWORD = "violet-crane-lifts-slowly"


async def test_no_secret_leaks_anywhere(
    auth_harness: AuthHarness,
    admin: dict[str, str],
    capfd: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    h = auth_harness
    responses: list[str] = []
    issued: dict[str, str] = {}  # refresh token -> the one response allowed to carry it

    async def call(method: str, path: str, **kw: object) -> dict[str, object]:
        r = await h.client.request(method, path, **kw)  # type: ignore[arg-type]
        responses.append(r.text)
        body = r.json() if r.content else {}
        if isinstance(body, dict) and "refresh_token" in body and r.status_code == 200:
            issued[str(body["refresh_token"])] = r.text
        return dict(body) if isinstance(body, dict) else {"items": body}

    user = {"username": "nina", "display_name": "Nina", "password": PASSWORD, "roles": ["operator"]}
    await call("POST", f"{A}/users", headers=admin, json=user)
    await call(
        "POST", f"{A}/users", headers=admin, json={**user, "username": "nina2", "password": "nina2-is-me-ok"}
    )
    pair = await call("POST", f"{A}/login", json={"username": "nina", "password": PASSWORD})
    await call("POST", f"{A}/login", json={"username": "nina", "password": PASSWORD + "x"})
    await call("POST", f"{A}/login", json={"username": PASSWORD, "password": PASSWORD})  # password as name
    second = await call("POST", f"{A}/refresh", json={"refresh_token": pair["refresh_token"]})
    await call("POST", f"{A}/refresh", json={"refresh_token": pair["refresh_token"]})  # reuse
    await call("POST", f"{A}/logout", json={"refresh_token": second["refresh_token"]})
    await call(
        "POST",
        f"{A}/users/nina/reset-password",
        headers=admin,
        json={"new_password": NEW_PASSWORD, "reason": "x"},
    )
    await call(
        "POST", f"{A}/users/nina/reset-password", headers=admin, json={"new_password": "nina-nina-nina-1"}
    )
    await call("GET", f"{A}/users/nina", headers=admin)
    await call("GET", f"{A}/users", headers=admin)
    await call("GET", f"{A}/audit", headers=admin, params={"limit": 500})
    await call("GET", f"{A}/keys", headers=admin)
    assert len(issued) == 2

    async with h.db("auth").transaction() as s:
        hashes = list((await s.execute(text("SELECT password_hash FROM users"))).scalars())
        private_keys = list((await s.execute(text("SELECT private_key FROM signing_keys"))).scalars())
        stored = list((await s.execute(text("SELECT token_hash FROM refresh_tokens"))).scalars())
        events = [r[0] for r in await s.execute(text("SELECT payload::text FROM outbox"))]
        audit = [
            json.dumps(list(r))
            for r in await s.execute(
                text("SELECT actor, action, old::text, new::text, reason FROM audit_log")
            )
        ]
    assert all(x.startswith("$argon2id$") for x in hashes)
    assert stored and all(len(x) == 64 for x in stored)
    assert set(stored).isdisjoint(issued)  # only digests are stored

    out, err = capfd.readouterr()
    logs = out + err + caplog.text
    assert "sign_in_failed" in logs and "refresh_token_reuse_detected" in logs  # the logs were captured
    secrets = [ADMIN_PASSWORD, PASSWORD, NEW_PASSWORD, "nina-nina-nina-1", *hashes, *stored, *issued]
    secrets += [k.hex() for k in private_keys]
    for access_token in (pair["access_token"], second["access_token"]):
        assert str(access_token) not in logs
    for secret in secrets:
        assert secret not in logs, secret
        assert not any(secret in e for e in events), secret
        assert not any(secret in a for a in audit), secret
        for body in responses:
            if secret in body:
                assert issued.get(secret) == body, secret  # a refresh token, in the answer that issued it


async def test_no_api_key_station_key_pin_or_signing_password_leaks(
    auth_harness: AuthHarness,
    admin: dict[str, str],
    capfd: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    h = auth_harness
    responses: list[str] = []

    async def call(method: str, path: str, **kw: object) -> dict[str, object]:
        r = await h.client.request(method, path, **kw)  # type: ignore[arg-type]
        responses.append(r.text)
        body = r.json() if r.content else {}
        return dict(body) if isinstance(body, dict) else {"items": body}

    user = {
        "username": "ines",
        "display_name": "Ines",
        "password": PASSWORD,
        "roles": ["integration", "operator"],
    }
    await call("POST", f"{A}/users", headers=admin, json=user)
    created = await call(
        "POST",
        f"{A}/api-keys",
        headers=admin,
        json={"name": "MES-ERP", "owner": "ines", "permissions": ["material:read"]},
    )
    api_key = str(created["api_key"])
    station = await call(
        "POST", f"{A}/stations", headers=admin, json={"code": "ST-9", "name": "Press 9 terminal"}
    )
    station_key = str(station["station_key"])
    await call("PUT", f"{A}/users/ines/badge", headers=admin, json={"badge": "B-77", "pin": "82039471"})
    await call("POST", f"{A}/api-keys/token", json={"api_key": api_key})
    await call("POST", f"{A}/api-keys/token", json={"api_key": api_key + "x"})
    await call(
        "POST", f"{A}/stations/login", json={"station_key": station_key, "badge": "B-77", "pin": "82039471"}
    )
    await call(
        "POST", f"{A}/stations/login", json={"station_key": station_key, "badge": "B-77", "pin": "95172846"}
    )
    ines = await call("POST", f"{A}/login", json={"username": "ines", "password": PASSWORD})
    signer = {"Authorization": f"Bearer {ines['access_token']}"}
    record = {"record_type": "inspection", "record_id": "I-1", "content": {"x": 1}, "meaning": "reviewed"}
    await call(
        "POST", f"{A}/signatures", headers=signer, json={**record, "username": "ines", "password": PASSWORD}
    )
    await call("POST", f"{A}/signatures", headers=signer, json={**record, "password": NEW_PASSWORD})
    await call("GET", f"{A}/api-keys", headers=admin)
    await call("GET", f"{A}/stations", headers=admin)
    await call("GET", f"{A}/audit", headers=admin, params={"limit": 500})

    async with h.db("auth").transaction() as s:
        events = [r[0] for r in await s.execute(text("SELECT payload::text FROM outbox"))]
        audit = [
            json.dumps(list(r))
            for r in await s.execute(text("SELECT old::text, new::text, reason FROM audit_log"))
        ]
        pin_hash = await s.scalar(text("SELECT pin_hash FROM users WHERE username = 'ines'"))
    out, err = capfd.readouterr()
    logs = out + err + caplog.text
    assert "sign_in_failed" in logs  # the logs were captured
    for secret in (
        api_key,
        api_key.removeprefix("mesak_").partition("_")[2],  # the secret part (may itself hold "_")
        station_key,
        "82039471",
        "95172846",
        pin_hash,
        PASSWORD,
        NEW_PASSWORD,
    ):
        assert secret not in logs, secret
        assert not any(secret in e for e in events), secret
        assert not any(secret in a for a in audit), secret
        shown_once = [b for b in responses if secret in b]
        assert len(shown_once) <= 1, secret  # only the answer that created a key carries it
