"""OEE of 100 machines over 30 days: reporting's computation against the raw SQL aggregate of the same data.

The data are the reporting read models as the projections leave them (resolved state intervals
and yield reports), written straight into a fresh `mes_reporting` database: 100 machines, a state
every 15 minutes for 30 days (288,000 intervals) and an hourly yield report in every shift hour.
The contender is `service.oee.compute` (what `GET /oee` runs, minus HTTP): it loads the rows,
clips them to the planned windows and takes the ISO 22400-2 ratios in Python, per machine and per
shift. The ceiling is one SQL statement computing the same OEE inside PostgreSQL. Both must give
the same figures; the run fails otherwise. Calendars and cycle times, which the service asks
resource for, come from memory here (two shifts Mon-Fri, 15 s per part).

    python -m bench.reporting [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from mes.platform.db import Database
from mes.platform.http import ServiceDirectory
from mes.platform.migrations import migrate
from mes.platform.testservers import recreate_database, server_url
from mes.services.reporting.clients import Calendar, Resource, Window
from mes.services.reporting.models.oee import oee
from mes.services.reporting.models.shifts import Pattern, instances
from mes.services.reporting.service.oee import compute

MACHINES, DAYS = 100, 30
START = datetime(2026, 6, 1, tzinfo=UTC)  # a Monday
END = START + timedelta(days=DAYS)
ICT = Decimal(15)
PATTERNS = [
    Pattern(
        "early",
        frozenset({1, 2, 3, 4, 5}),
        datetime.min.time().replace(hour=6),
        datetime.min.time().replace(hour=14),
    ),
    Pattern(
        "late",
        frozenset({1, 2, 3, 4, 5}),
        datetime.min.time().replace(hour=14),
        datetime.min.time().replace(hour=22),
    ),
]
UTC_TZ = ZoneInfo("UTC")
MIGRATIONS = Path(__file__).parent.parent / "src/mes/services/reporting/migrations"


class MemoryResource(Resource):
    """Resource's answers from memory: the same calendar and cycle time for every machine."""

    async def calendar(self, path: str) -> Calendar | None:
        return Calendar("SITE", UTC_TZ, PATTERNS)

    async def planned(self, code: str, start: datetime, end: datetime) -> list[Window]:
        return [(max(s.start, start), min(s.end, end)) for s in instances(PATTERNS, UTC_TZ, start, end)]

    async def cycle_times(self, code: str) -> dict[str, Decimal]:
        return {"P": ICT}


SEED = [
    "INSERT INTO equipment_node (code, path, level, name) VALUES ('SITE', 'SITE', 'site', 'Site')",
    "INSERT INTO equipment_node (code, path, level, name)"
    " SELECT 'M' || m, 'SITE/M' || m, 'equipment', 'Machine ' || m FROM generate_series(1, :machines) m",
    # a state every 15 minutes, picked by a hash: ~70 % running, idle, setup, down, planned stop
    "INSERT INTO state_interval (equipment_code, started_at, ended_at, state, element, reason_code)"
    " SELECT 'M' || m, CAST(:start AS timestamptz) + k * interval '15 minutes', CAST(:start AS timestamptz) + (k + 1) * interval '15 minutes',"
    "   s.state, s.element, NULL"
    " FROM generate_series(1, :machines) m, generate_series(0, :slots - 1) k,"
    " LATERAL (SELECT CASE WHEN h < 70 THEN 'running' WHEN h < 80 THEN 'idle' WHEN h < 85 THEN 'setup'"
    "   WHEN h < 95 THEN 'down' ELSE 'planned_stop' END AS state,"
    "   CASE WHEN h < 70 THEN 'APT' WHEN h < 80 THEN 'ADET' WHEN h < 85 THEN 'AUST'"
    "   WHEN h < 95 THEN 'ADOT' ELSE 'PDOT' END AS element"
    "   FROM (SELECT (m * 7919 + k * 104729) % 100 AS h) x) s",
    # one yield report in every shift hour (Mon-Fri 06:00-22:00)
    "INSERT INTO yield_report (report_id, event_id, occurred_at, work_order, product, operation, work_center,"
    "   equipment_code, at, good, scrap, rework, reasons)"
    " SELECT 'M' || m || '-' || k, gen_random_uuid(), now(), 'WO', 'P', '10', 'WC', 'M' || m,"
    "   CAST(:start AS timestamptz) + k * interval '1 hour' + interval '30 minutes', 100 + (m * 31 + k * 17) % 40, (m + k) % 5, 0,"
    "   '{}'::jsonb"
    " FROM generate_series(1, :machines) m, generate_series(0, :hours - 1) k"
    " WHERE extract(isodow FROM CAST(:start AS timestamptz) + k * interval '1 hour') <= 5"
    "   AND extract(hour FROM CAST(:start AS timestamptz) + k * interval '1 hour') BETWEEN 6 AND 21",
    "ANALYZE",
]

# the same ISO 22400-2 figures in one statement: time elements clipped to the planned windows
CEILING = text(
    "WITH w AS (SELECT s, e FROM unnest(CAST(:ws AS timestamptz[]), CAST(:we AS timestamptz[])) AS w(s, e)),"
    " t AS (SELECT i.element, sum(extract(epoch FROM least(i.ended_at, w.e) - greatest(i.started_at, w.s))) AS secs"
    "   FROM state_interval i JOIN w ON i.started_at < w.e AND i.ended_at > w.s GROUP BY i.element),"
    " q AS (SELECT sum(good) AS g, sum(scrap) AS s, sum(rework) AS r FROM yield_report"
    "   WHERE at >= :start AND at < :end),"
    " x AS (SELECT (SELECT sum(extract(epoch FROM e - s)) FROM w) * :machines AS pot,"
    "   coalesce((SELECT secs FROM t WHERE element = 'PDOT'), 0) AS pdot,"
    "   coalesce((SELECT secs FROM t WHERE element = 'APT'), 0) AS apt, q.g, q.s, q.r FROM q)"
    " SELECT apt / (pot - pdot) AS availability, CAST(:ict AS numeric) * (g + s + r) / apt AS performance,"
    "   g / (g + s + r) AS quality,"
    "   apt / (pot - pdot) * (CAST(:ict AS numeric) * (g + s + r) / apt) * (g / (g + s + r)) AS oee"
    " FROM x"
)


async def main(rounds: int) -> None:
    url = await recreate_database(server_url(), "bench_mes_reporting")
    await migrate(url, MIGRATIONS)
    engine = create_async_engine(url, pool_size=2)
    params = {"start": START, "machines": MACHINES, "slots": DAYS * 96, "hours": DAYS * 24}
    async with engine.begin() as conn:
        for stmt in SEED:
            await conn.execute(text(stmt), params if ":" in stmt else {})
        n_iv = await conn.scalar(text("SELECT count(*) FROM state_interval"))
        n_y = await conn.scalar(text("SELECT count(*) FROM yield_report"))
    print(f"data: {MACHINES} machines x {DAYS} days: {n_iv:,} state intervals, {n_y:,} yield reports")
    db = Database(engine, service="reporting")
    res = MemoryResource(None, ServiceDirectory())
    windows = await res.planned("M1", START, END)
    sql_params = {
        "ws": [s for s, _ in windows],
        "we": [e for _, e in windows],
        "start": START,
        "end": END,
        "machines": MACHINES,
        "ict": ICT,
    }
    service_s: list[float] = []
    ceiling_s: list[float] = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        async with db.transaction() as session:
            (cell,) = await compute(session, res, "SITE", START, END, "total", "scope")
        service_s.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        async with engine.connect() as conn:
            row = (await conn.execute(CEILING, sql_params)).one()
        ceiling_s.append(time.perf_counter() - t0)
    f = oee(cell.time, cell.counts)
    got = (f.availability, f.effectiveness, f.quality, f.oee)
    want = tuple(float(v) for v in row)
    assert all(abs(a - b) < 1e-9 for a, b in zip(got, want, strict=True)), (got, want)  # type: ignore[operator]
    by_shift_t0 = time.perf_counter()
    async with db.transaction() as session:
        shifts = await compute(session, res, "SITE", START, END, "shift", "equipment")
    by_shift = time.perf_counter() - by_shift_t0
    s, c = statistics.median(service_s), statistics.median(ceiling_s)
    print(
        f"OEE {100 * (f.oee or 0):.2f} % (A {100 * (f.availability or 0):.2f}, P {100 * (f.effectiveness or 0):.2f},"
        f" Q {100 * (f.quality or 0):.2f}); service and SQL agree"
    )
    print(f"raw SQL aggregate (ceiling): {c * 1000:,.0f} ms median of {rounds}")
    print(f"reporting compute, whole site over 30 days: {s * 1000:,.0f} ms median of {rounds}")
    print(f"reporting compute, per machine and shift ({len(shifts):,} cells): {by_shift * 1000:,.0f} ms")
    print(f"ratio ceiling/service = {c / s:.3f}")
    await engine.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    asyncio.run(main(parser.parse_args().rounds))
