"""Background workers of a service start and stop with its runtime, in `mes up` and `mes serve` alike."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.ext.asyncio import create_async_engine

from mes.platform.app import ServiceRuntime, ServiceSpec
from mes.platform.bus import InProcessBus
from mes.platform.db import Database
from mes.platform.registry import service_info


class Recorder:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.calls: list[str] = []

    def start(self) -> None:
        self.calls.append("start")

    async def stop(self) -> None:
        self.calls.append("stop")


async def test_runtime_starts_and_stops_the_services_workers() -> None:
    db = Database(create_async_engine("postgresql+asyncpg://nobody@127.0.0.1:1/none"))
    spec = ServiceSpec(info=service_info("resource"), description="", migrations=Path(), workers=[Recorder])
    runtime = ServiceRuntime(spec, db, InProcessBus(), relay=False)
    (worker,) = runtime.workers
    assert isinstance(worker, Recorder) and worker.db is db
    await runtime.start()
    await runtime.stop()
    assert worker.calls == ["start", "stop"]
    await db.dispose()


def test_resource_runs_its_periodic_checks_as_a_worker() -> None:
    from mes.services.resource.app import spec
    from mes.services.resource.service.watchdog import Watchdog

    assert Watchdog in spec.workers  # no-signal stops, expiries and due maintenance run everywhere
