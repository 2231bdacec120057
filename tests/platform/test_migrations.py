"""Each service owns one database, built by its own Alembic history, and nothing else."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.ext.asyncio import create_async_engine

from mes.platform.migrations import alembic_config, migrate, script_heads
from mes.platform.registry import SERVICES
from mes.platform.testing import Databases, recreate_database, worker_suffix
from mes.services import load_spec


def _models_metadata(name: str):  # type: ignore[no-untyped-def]
    from importlib import import_module

    return import_module(f"mes.services.{load_spec(name).info.package}.models").metadata


@pytest.mark.parametrize("name", [s.name for s in SERVICES])
async def test_database_is_at_its_own_head_with_only_its_own_tables(
    service_databases: Databases, name: str
) -> None:
    spec = load_spec(name)
    # the service's own history and the platform's branch (ADR 20): one head each
    heads = set(ScriptDirectory.from_config(alembic_config(spec.migrations)).get_heads())
    assert "p0003_outbox_headers" in heads and len(heads) <= 2
    metadata = _models_metadata(name)
    async with service_databases.engines[name].connect() as conn:
        versions = set((await conn.execute(text("SELECT version_num FROM alembic_version"))).scalars())
        tables = set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
        diff = await conn.run_sync(lambda c: compare_metadata(MigrationContext.configure(c), metadata))
    assert versions == heads
    # exactly the tables its models declare: no other service's table lives here
    assert tables == set(metadata.tables) | {"alembic_version"}
    assert diff == [], f"{name}: models and migrations disagree: {diff}"


async def test_eight_distinct_databases(service_databases: Databases) -> None:
    names = {s.database for s in SERVICES}
    assert len(names) == 8
    assert len(set(service_databases.urls.values())) == 8


@pytest.mark.parametrize("name", ["resource", "work-orders", "material"])
async def test_history_downgrades_to_base_and_back(service_databases: Databases, name: str) -> None:
    spec = load_spec(name)
    url = await recreate_database(
        service_databases.server, f"test_roundtrip_{spec.info.package}_{worker_suffix()}"
    )
    await migrate(url, spec.migrations)
    await migrate_down(url, spec)
    await migrate(url, spec.migrations)
    engine = create_async_engine(url)
    async with engine.connect() as conn:
        tables = set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
    await engine.dispose()
    assert "outbox" in tables


async def migrate_down(url: str, spec) -> None:  # type: ignore[no-untyped-def]
    from alembic import command

    engine = create_async_engine(url)
    async with engine.begin() as conn:

        def _down(sync_conn) -> None:  # type: ignore[no-untyped-def]
            cfg = alembic_config(spec.migrations)
            cfg.attributes["connection"] = sync_conn
            command.downgrade(cfg, "base")

        await conn.run_sync(_down)
    await engine.dispose()


@pytest.mark.parametrize("name", [s.name for s in SERVICES])
def test_heads_read_from_the_files_are_alembics(name: str) -> None:
    spec = load_spec(name)
    assert script_heads(spec.migrations) == set(
        ScriptDirectory.from_config(alembic_config(spec.migrations)).get_heads()
    )


async def test_a_database_at_its_heads_is_not_migrated_again_and_one_behind_is(
    service_databases: Databases,
) -> None:
    spec = load_spec("resource")
    url = await recreate_database(service_databases.server, f"test_skip_{worker_suffix()}")
    assert await migrate(url, spec.migrations) is True  # empty: Alembic runs
    assert await migrate(url, spec.migrations) is False  # at its heads: skipped
    engine = create_async_engine(url)
    async with engine.begin() as conn:  # one revision behind, as after an upgrade of the code
        await conn.execute(text("DROP INDEX ix_equipment_state_equipment_id_ended_at"))
        await conn.execute(text("UPDATE alembic_version SET version_num = '0004' WHERE version_num = '0005'"))
    assert await migrate(url, spec.migrations) is True
    async with engine.connect() as conn:
        stored = set((await conn.execute(text("SELECT version_num FROM alembic_version"))).scalars())
    await engine.dispose()
    assert stored == script_heads(spec.migrations)
