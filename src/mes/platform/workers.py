"""Background workers of a service (periodic checks), started and stopped with its runtime."""

from __future__ import annotations

import asyncio
import contextlib
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Protocol

import structlog

from mes.platform.db import Database
from mes.platform.http import ServiceDirectory

log = structlog.get_logger("mes.workers")


class Worker(Protocol):
    def start(self) -> None: ...

    async def stop(self) -> None: ...


WorkerFactory = Callable[[Database], Worker]


class Periodic(ABC):
    """Runs `step()` at start and then every `interval_s`; a failing round is logged and the next
    one tries again. `step` does its own short transactions, so a replica can run it too."""

    name = "periodic"

    def __init__(self, db: Database, interval_s: float = 60.0) -> None:
        self.db = db
        self.interval_s = interval_s
        # how the worker reaches other services; set when the service is attached to its app
        self.directory: ServiceDirectory | None = None
        self._task: asyncio.Task[None] | None = None

    @abstractmethod
    async def step(self) -> object:
        """One round of the worker's checks."""

    async def run(self) -> None:
        while True:
            try:
                await self.step()
            except asyncio.CancelledError:
                raise
            except Exception as e:
                log.warning("worker_round_failed", worker=self.name, error=str(e))
            await asyncio.sleep(self.interval_s)

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self.run(), name=self.name)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(BaseException):
                await self._task
            self._task = None
