"""Acceptance 4: brute-force protection. Repeated failures lock the account (also across two
processes sharing Redis), the right password is refused meanwhile, and every attempt is audited."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import text

from mes.platform.limits import MemoryStrikes, Policy, RedisStrikes, Strikes
from mes.platform.testing import AuthHarness, ServeProcess, scratch_databases, wait_until

from .conftest import A, MakeUser

WRONG = "not-the-password-at-all"


async def _login(h: AuthHarness, username: str, password: str) -> httpx.Response:
    return await h.client.post(f"{A}/login", json={"username": username, "password": password})


async def _audit(h: AuthHarness, action_prefix: str) -> list[tuple[str, str, dict[str, object]]]:
    async with h.db("auth").transaction() as s:
        rows = await s.execute(
            text("SELECT action, entity_id, new FROM audit_log WHERE action LIKE :p ORDER BY id"),
            {"p": action_prefix + "%"},
        )
        return [(a, e, n) for a, e, n in rows]


async def _events(h: AuthHarness, topic: str) -> list[dict[str, object]]:
    async with h.db("auth").transaction() as s:
        rows = await s.execute(text("SELECT payload FROM outbox WHERE topic = :t ORDER BY id"), {"t": topic})
        return [p if isinstance(p, dict) else json.loads(p) for (p,) in rows]


async def test_five_failures_lock_the_account_and_the_right_password_is_refused(
    auth_harness: AuthHarness, make_user: MakeUser
) -> None:
    h = auth_harness
    password = await make_user("olga", "operator")
    for i in range(4):
        r = await _login(h, "olga", WRONG)
        assert r.status_code == 401, (i, r.text)
        assert r.json()["code"] == "invalid_credentials"
    r = await _login(h, "olga", WRONG)  # the fifth locks
    assert r.status_code == 429
    assert r.json()["code"] == "sign_in_locked"
    assert int(r.headers["Retry-After"]) == 300
    assert "5 minutes" in r.json()["detail"]

    r = await _login(h, "olga", password)
    assert r.status_code == 429, "the right password must not open a locked account"
    assert r.headers["content-type"].startswith("application/problem+json")

    failed = await _audit(h, "sign_in.")
    assert [a for a, _, _ in failed] == ["sign_in.failed"] * 5 + ["sign_in.locked", "sign_in.refused_locked"]
    assert all(e == "olga" for _, e, _ in failed)
    assert [n["reason"] for a, _, n in failed if a == "sign_in.failed"] == ["wrong_password"] * 5
    assert [n["failures"] for a, _, n in failed if a == "sign_in.failed"] == [1, 2, 3, 4, 5]
    locked = await _events(h, "auth.sign_in_locked.v1")
    assert len(locked) == 1 and locked[0]["username"] == "olga" and locked[0]["scope"] == "account"
    assert [e["reason"] for e in await _events(h, "auth.sign_in_failed.v1")] == ["wrong_password"] * 5 + [
        "locked"
    ]

    # another account from the same client is not affected
    other = await make_user("piet", "operator")
    assert (await _login(h, "piet", other)).status_code == 200


async def test_a_success_resets_the_count_and_lockouts_back_off(
    auth_harness: AuthHarness, make_user: MakeUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mes.services.auth.config import auth_settings

    monkeypatch.setenv("MES_AUTH_LOCKOUT_FAILURES", "3")
    monkeypatch.setenv("MES_AUTH_LOCKOUT_S", "1")
    auth_settings.cache_clear()
    h = auth_harness
    password = await make_user("rosa", "operator")
    for _ in range(2):
        assert (await _login(h, "rosa", WRONG)).status_code == 401
    assert (await _login(h, "rosa", password)).status_code == 200  # failures forgotten
    for _ in range(2):
        assert (await _login(h, "rosa", WRONG)).status_code == 401
    first = await _login(h, "rosa", WRONG)
    assert first.status_code == 429 and first.headers["Retry-After"] == "1"

    async def unlocked() -> bool:
        return (await _login(h, "rosa", password)).status_code == 200

    await wait_until(unlocked, timeout_s=10)
    for _ in range(2):
        assert (await _login(h, "rosa", WRONG)).status_code == 401
    second = await _login(h, "rosa", WRONG)
    assert second.status_code == 429 and second.headers["Retry-After"] == "2"  # twice as long


async def test_one_client_guessing_many_accounts_is_locked(
    auth_harness: AuthHarness, make_user: MakeUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mes.services.auth.config import auth_settings

    monkeypatch.setenv("MES_AUTH_CLIENT_FAILURES", "4")
    auth_settings.cache_clear()
    h = auth_harness
    password = await make_user("sami", "operator")
    for name in ("anna", "bert", "carl"):  # unknown names count too, and reveal nothing
        r = await _login(h, name, WRONG)
        assert r.status_code == 401 and r.json()["code"] == "invalid_credentials"
    assert (await _login(h, "dora", WRONG)).status_code == 429
    r = await _login(h, "sami", password)
    assert r.status_code == 429 and r.json()["code"] == "sign_in_locked"
    failed = await _audit(h, "sign_in.failed")
    assert [n["reason"] for _, _, n in failed] == ["unknown_user"] * 4
    # unknown names are never stored: the audit names the client, not what was typed
    assert {e for _, e, _ in failed} == {"127.0.0.1"}


@pytest.fixture
async def strikes_backends(redis_url: str) -> AsyncIterator[dict[str, Strikes]]:
    clock = [1000.0]
    redis = RedisStrikes(redis_url, prefix=f"test-{uuid.uuid4().hex}")
    yield {"memory": MemoryStrikes(clock=lambda: clock[0]), "redis": redis}
    await redis.close()


@pytest.mark.parametrize("backend", ["memory", "redis"])
async def test_both_stores_count_lock_and_clear_alike(
    strikes_backends: dict[str, Strikes], backend: str
) -> None:
    store = strikes_backends[backend]
    policy = Policy(limit=3, window_s=60, lock_s=30, max_lock_s=50)
    assert [(await store.strike("account", "kim", policy)).failures for _ in range(2)] == [1, 2]
    await store.clear("account", "kim")
    assert (await store.strike("account", "kim", policy)).failures == 1
    await store.strike("account", "kim", policy)
    locked = await store.strike("account", "kim", policy)
    assert locked.locked_s == 30
    assert 29 <= await store.locked_for("account", "kim") <= 30
    assert await store.locked_for("account", "KIM-other") == 0
    assert await store.locked_for("client", "kim") == 0  # scopes are separate
    for _ in range(2):
        await store.strike("account", "kim", policy)
    assert (await store.strike("account", "kim", policy)).locked_s == 50  # doubled, capped


async def test_lockout_holds_across_two_processes_sharing_redis(redis_url: str) -> None:
    admin_password = "correct-horse-battery-2026"
    async with scratch_databases("auth") as urls:
        env = {
            "MES_AUTH_DATABASE_URL": urls["auth"],
            "MES_REDIS_URL": redis_url,
            "MES_REDIS_PREFIX": f"test-{uuid.uuid4().hex}",
            "MES_ADMIN_USERNAME": "admin",
            "MES_ADMIN_PASSWORD": admin_password,
            "MES_LOG_LEVEL": "WARNING",
        }
        first = ServeProcess("auth", env)
        second = ServeProcess("auth", {**env, "MES_MIGRATE_ON_START": "false"})
        try:
            first.wait_ready()
            second.wait_ready()
            async with httpx.AsyncClient(timeout=30) as http:

                async def login(base: str, password: str) -> httpx.Response:
                    body = {"username": "admin", "password": password}
                    return await http.post(f"{base}/api/v1/auth/login", json=body)

                codes = [(await login((first, second)[i % 2].base, WRONG)).status_code for i in range(5)]
                assert codes == [401, 401, 401, 401, 429]  # failures on both replicas add up
                for proc in (first, second):
                    r = await login(proc.base, admin_password)
                    assert r.status_code == 429 and r.json()["code"] == "sign_in_locked"
        finally:
            first.stop()
            second.stop()
        from sqlalchemy.ext.asyncio import create_async_engine

        engine = create_async_engine(urls["auth"])
        async with engine.connect() as conn:
            actions = list(
                (
                    await conn.execute(
                        text("SELECT action FROM audit_log WHERE action LIKE 'sign_in.%' ORDER BY id")
                    )
                ).scalars()
            )
        await engine.dispose()
        assert actions == ["sign_in.failed"] * 5 + ["sign_in.locked"] + ["sign_in.refused_locked"] * 2
