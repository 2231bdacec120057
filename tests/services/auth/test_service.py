"""Use cases of the auth service against a real database."""

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select, text

from mes.platform.audit import verify_audit_chain
from mes.platform.errors import Unprocessable
from mes.platform.limits import MemoryStrikes
from mes.platform.testing import Harness
from mes.services.auth.config import auth_settings
from mes.services.auth.errors import InvalidCredentials, PasswordRejected, SigningKeyUnavailable
from mes.services.auth.models import SigningKey, User
from mes.services.auth.models.permissions import PERMISSIONS, ROLES
from mes.services.auth.schemas import UserUpdate
from mes.services.auth.service import keys, sessions
from mes.services.auth.service.bootstrap import bootstrap_admin
from mes.services.auth.service.users import deactivate_user, update_user

PASSWORD = "correct-horse-battery-2026"


async def test_the_migration_seeded_the_catalogs_matrix(harness: Harness) -> None:
    async with harness.db("auth").transaction() as s:
        perms = dict((await s.execute(text("SELECT name, description FROM permissions"))).all())
        pairs = set((await s.execute(text("SELECT role, permission FROM role_permissions"))).all())
        roles = set((await s.execute(text("SELECT name FROM roles WHERE builtin"))).scalars())
    assert perms == PERMISSIONS
    assert roles == set(ROLES)
    assert pairs == {(r, p) for r, (_, ps) in ROLES.items() for p in ps}


async def test_bootstrap_admin_is_idempotent(harness: Harness) -> None:
    db = harness.db("auth")
    assert await bootstrap_admin(db, "Admin", PASSWORD) is True
    async with db.transaction() as s:
        first_hash = await s.scalar(select(User.password_hash).where(User.username == "admin"))
    # a second run, even with another password, changes nothing
    assert await bootstrap_admin(db, "admin", "another-long-password-9") is False
    async with db.transaction() as s:
        assert await s.scalar(select(User.password_hash).where(User.username == "admin")) == first_hash
        assert (await sessions.login(s, MemoryStrikes(), "admin", PASSWORD, None)).access_token
        with pytest.raises(InvalidCredentials):
            await sessions.login(s, MemoryStrikes(), "admin", "another-long-password-9", None)


async def test_bootstrap_admin_refuses_bad_input(harness: Harness) -> None:
    db = harness.db("auth")
    with pytest.raises(PasswordRejected) as e:
        await bootstrap_admin(db, "admin", "admin")
    assert e.value.code == "password_too_short"
    with pytest.raises(Unprocessable) as e2:
        await bootstrap_admin(db, "no spaces allowed", PASSWORD)
    assert e2.value.code == "invalid_username"
    async with db.transaction() as s:
        assert await s.scalar(select(User.id)) is None


async def test_login_upgrades_a_hash_made_with_weaker_parameters(harness: Harness) -> None:
    db = harness.db("auth")
    await bootstrap_admin(db, "admin", PASSWORD)
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    async with db.transaction() as s:
        await s.execute(text("UPDATE users SET password_hash = :h"), {"h": weak})
    async with db.transaction() as s:
        await sessions.login(s, MemoryStrikes(), "admin", PASSWORD, None)
    async with db.transaction() as s:
        upgraded = await s.scalar(select(User.password_hash))
    assert upgraded != weak and upgraded is not None and "m=65536,t=3,p=4" in upgraded


async def test_private_keys_are_sealed_with_the_configured_secret(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = harness.db("auth")
    monkeypatch.setenv("MES_AUTH_KEY_SECRET", "a-long-random-secret-from-the-vault")
    auth_settings.cache_clear()
    async with db.transaction() as s:
        key = await keys.rotate(s, "admin", "seal")
        kid, private = await keys.signing_key(s)
    assert kid == key.kid and key.encryption == "aes256gcm"
    raw = private.private_bytes_raw()
    async with db.transaction() as s:
        stored = await s.scalar(select(SigningKey.private_key).where(SigningKey.kid == kid))
    assert stored is not None and raw not in stored and len(stored) == 12 + 32 + 16
    keys._cache.clear()  # as a fresh process
    monkeypatch.setenv("MES_AUTH_KEY_SECRET", "the-wrong-secret")
    auth_settings.cache_clear()
    async with db.transaction() as s:
        with pytest.raises(SigningKeyUnavailable):
            await keys.signing_key(s)
    monkeypatch.setenv("MES_AUTH_KEY_SECRET", "a-long-random-secret-from-the-vault")
    auth_settings.cache_clear()
    async with db.transaction() as s:
        assert (await keys.signing_key(s))[1].private_bytes_raw() == raw


async def test_every_change_is_in_the_hash_chained_audit_trail(harness: Harness) -> None:
    db = harness.db("auth")
    await bootstrap_admin(db, "admin", PASSWORD)
    await bootstrap_admin(db, "second", "blue-lathe-turns-42")
    async with db.transaction() as s:
        await update_user(s, "second", UserUpdate(display_name="Second", roles=["viewer"]), "admin")
        await deactivate_user(s, "second", "left the company", "admin")
        await keys.rotate(s, "admin", None)
        actions = list((await s.execute(text("SELECT action FROM audit_log ORDER BY id"))).scalars())
        check = await verify_audit_chain(s)
    assert actions == [
        "user.created",
        "user.created",
        "user.updated",
        "user.deactivated",
        "signing_key.rotated",
    ]
    assert check.ok and check.checked == 5
