"""`mes backup` / `mes restore`: every service's database dumped and restored with its audit chain intact."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from mes.platform.audit import append_audit
from mes.platform.backup import BackupError, backup, restore
from mes.platform.migrations import migrate
from mes.platform.registry import SERVICES
from mes.platform.settings import replace_database
from mes.platform.testing import scratch_databases, server_url
from mes.services import load_spec


@pytest.fixture
async def plant_databases() -> AsyncIterator[dict[str, str]]:
    """The eight services' databases, migrated, with an audit trail in two of them."""
    async with scratch_databases(*(s.name for s in SERVICES)) as urls:
        for s in SERVICES:
            await migrate(urls[s.name], load_spec(s.name).migrations)
        for service, n in (("material", 5), ("quality", 3)):
            engine = create_async_engine(urls[service])
            async with AsyncSession(engine) as session, session.begin():
                for i in range(n):
                    await append_audit(
                        session,
                        actor="qe-anna",
                        action="lot.held",
                        entity_type="lot",
                        entity_id=f"L-{i}",
                        new={"status": "on_hold"},
                        reason=f"NCR-{i}",
                    )
            await engine.dispose()
        yield urls


def _env(urls: dict[str, str]) -> dict[str, str]:
    env = {**os.environ, "MES_LOG_LEVEL": "WARNING"}
    for s in SERVICES:
        env[f"MES_{s.env_key}_DATABASE_URL"] = urls[s.name]
    return env


def _mes(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mes.cli", *args], env=env, capture_output=True, text=True, timeout=300
    )


async def _audit(url: str) -> list[tuple[str, str]]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(text("SELECT entity_id, hash FROM audit_log ORDER BY id"))
            return [tuple(r) for r in rows]  # type: ignore[misc]
    finally:
        await engine.dispose()


async def test_backup_and_restore_keep_every_chain_verifiable(
    plant_databases: dict[str, str], tmp_path: Path
) -> None:
    urls = plant_databases
    out = tmp_path / "backup"
    env = _env(urls)
    done = _mes("backup", str(out), env=env)
    assert done.returncode == 0, done.stderr + done.stdout
    manifest = json.loads((out / "manifest.json").read_text())
    assert set(manifest["services"]) == {s.name for s in SERVICES}
    assert manifest["services"]["material"]["audit_rows"] == 5
    assert manifest["services"]["quality"]["audit_rows"] == 3
    assert manifest["services"]["auth"]["signatures"] == 0
    assert all((out / e["file"]).stat().st_size > 0 for e in manifest["services"].values())

    restored = {n: replace_database(u, f"{make_url(u).database}_r") for n, u in urls.items()}
    try:
        done = _mes("restore", str(out), "--suffix", "_r", env=env)
        assert done.returncode == 0, done.stderr + done.stdout
        assert "audit chain 5 rows, verified" in done.stderr + done.stdout
        for service in ("material", "quality", "auth"):
            assert await _audit(restored[service]) == await _audit(urls[service])
        # a second restore onto the same names is refused: nothing is overwritten by accident
        again = _mes("restore", str(out), "--suffix", "_r", env=env)
        assert again.returncode == 2
        assert "exists" in again.stderr + again.stdout
        # ... unless asked for
        await restore(out, restored, replace=True)
        assert len(await _audit(restored["material"])) == 5
    finally:
        engine = create_async_engine(server_url(), isolation_level="AUTOCOMMIT")
        async with engine.connect() as conn:
            for u in restored.values():
                await conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(u).database}" WITH (FORCE)'))
        await engine.dispose()


async def test_a_broken_chain_is_not_backed_up_and_an_edited_backup_is_not_restored(
    plant_databases: dict[str, str], tmp_path: Path
) -> None:
    urls = plant_databases
    material = {"material": urls["material"]}
    out = tmp_path / "good"
    await backup(material, out)

    # the manifest says five rows; a dump that brings back something else is refused
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["services"]["material"]["audit_last_hash"] = "0" * 64
    (out / "manifest.json").write_text(json.dumps(manifest))
    target = {"material": replace_database(urls["material"], f"{make_url(urls['material']).database}_x")}
    try:
        with pytest.raises(BackupError, match="is not the one backed up"):
            await restore(out, target)
    finally:
        engine = create_async_engine(server_url(), isolation_level="AUTOCOMMIT")
        async with engine.connect() as conn:
            await conn.execute(
                text(f'DROP DATABASE IF EXISTS "{make_url(target["material"]).database}" WITH (FORCE)')
            )
        await engine.dispose()

    # a superuser edits a row behind the append-only trigger: the next backup refuses the chain
    engine = create_async_engine(urls["material"])
    async with engine.begin() as conn:
        await conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update"))
        await conn.execute(text("UPDATE audit_log SET reason = 'nothing happened' WHERE entity_id = 'L-2'"))
        await conn.execute(text("ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update"))
    await engine.dispose()
    with pytest.raises(BackupError, match="broken at row"):
        await backup(material, tmp_path / "bad")
