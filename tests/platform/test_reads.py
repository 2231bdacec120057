"""One-statement reads outside the unit of work (ADR 47): autocommit, one round trip, and the
pooled connection goes back as it was, so the next unit of work is still a transaction."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy import bindparam, text

from mes.platform.db import Database
from mes.platform.testing import scratch_databases

_things = sa.table("things", sa.column("code"), sa.column("n"))
_BY_CODE = sa.select(_things.c.code, _things.c.n).where(_things.c.code == bindparam("code"))


async def _insert_then_fail(db: Database) -> None:
    async with db.transaction() as s:
        await s.execute(text("INSERT INTO things VALUES ('C', 3)"))
        raise RuntimeError("undo")


async def test_a_read_sees_committed_rows_and_leaves_the_pool_transactional() -> None:
    async with scratch_databases("reads") as urls:
        db = Database.from_url(urls["reads"], service="test", pool_size=1)
        try:
            async with db.transaction() as s:
                await s.execute(text("CREATE TABLE things (code text PRIMARY KEY, n int)"))
                await s.execute(text("INSERT INTO things VALUES ('A', 1), ('B', 2)"))
            row = await db.reads.one(_BY_CODE, {"code": "B"})
            assert row is not None and (row.code, row.n) == ("B", 2)
            assert await db.reads.one(_BY_CODE, {"code": "nope"}) is None
            assert [r.code for r in await db.reads.all(sa.select(_things.c.code).order_by("code"))] == [
                "A",
                "B",
            ]
            # the one pooled connection comes back in its own isolation: a unit of work that
            # fails is still rolled back whole after reads have used that connection
            with pytest.raises(RuntimeError):
                await _insert_then_fail(db)
            assert await db.reads.one(_BY_CODE, {"code": "C"}) is None
        finally:
            await db.dispose()
