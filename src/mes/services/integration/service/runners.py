"""Connector runners: the background worker that keeps every enabled connector connected.

A runner's network task (MQTT or OPC UA) never touches the database: it turns what arrives into a
`Batch` (readings, dead letters, counts). The `Connectors` worker flushes every runner's batch in a
short transaction several times a second, and starts, restarts or stops runners as their
configuration changes. A runner survives anything a machine sends; a lost connection is retried
with exponential backoff.
"""

from __future__ import annotations

import abc
import asyncio
import contextlib
import json
import random
import uuid
from datetime import UTC, datetime
from typing import Any

import structlog
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from mes.platform.db import Database
from mes.platform.workers import Periodic
from mes.services.integration.clients import mqtt, opcua
from mes.services.integration.errors import PayloadError
from mes.services.integration.models import (
    Connector,
    Machine,
    MachineMap,
    MappingProblem,
    Sample,
    TypeRule,
)
from mes.services.integration.models import sparkplug as sp
from mes.services.integration.models.sparkplug_host import SparkplugHost
from mes.services.integration.service.machines import Batch, Letter, record_batch

log = structlog.get_logger("mes.integration")
MAX_JSON_BYTES = 64 * 1024


def _now() -> datetime:
    return datetime.now(UTC)


def machine_map(config: dict[str, Any]) -> MachineMap:
    types = {name: TypeRule.from_dict(t) for name, t in (config.get("machine_types") or {}).items()}
    return MachineMap(
        Machine(m["equipment_code"], m["address"], types[m["machine_type"]])
        for m in config.get("machines") or ()
        if m["machine_type"] in types
    )


def json_path(doc: Any, path: str) -> tuple[bool, Any]:
    cur = doc
    for part in path.split("."):
        if not isinstance(cur, dict) or part not in cur:
            return False, None
        cur = cur[part]
    return True, cur


class Runner(abc.ABC):
    source = "mqtt"

    def __init__(self, connector_id: uuid.UUID, name: str, version: int, config: dict[str, Any]) -> None:
        self.connector_id = connector_id
        self.name = name
        self.version = version
        self.config = config
        self.map = machine_map(config)
        self.batch = Batch()
        self._task: asyncio.Task[None] | None = None
        self.backoff_s = 0.2
        self.max_backoff_s = float(config.get("reconnect_max_s", 10.0))

    def take(self) -> Batch:
        batch, self.batch = self.batch, Batch()
        return batch

    def readings(self, samples: list[Sample]) -> None:
        for s in samples:
            try:
                self.batch.readings.extend(self.map.translate(s))
            except MappingProblem as e:
                self.letter(
                    s.address,
                    json.dumps({"field": s.field, "value": s.value}, default=str).encode(),
                    e.reason,
                    path=e.path,
                    content_type="application/json",
                )

    def letter(
        self,
        ref: str | None,
        payload: bytes,
        reason: str,
        *,
        path: str | None = None,
        content_type: str = "application/octet-stream",
    ) -> None:
        self.batch.letters.append(
            Letter(self.source, ref, payload, reason, path=path, content_type=content_type)
        )

    def lost(self, error: str) -> None:
        self.batch.connected = False
        self.batch.last_error = error
        self.batch.errors += 1

    async def run(self) -> None:
        delay = self.backoff_s
        while True:
            try:
                await self.session()
                delay = self.backoff_s
            except asyncio.CancelledError:
                raise
            except Exception as e:  # connection refused, lost, timed out: retried with backoff
                self.lost(f"{type(e).__name__}: {e}"[:500])
                log.info("connector_lost", connector=self.name, error=str(e))
            self.batch.reconnects += 1
            await asyncio.sleep(delay * (0.5 + random.random() / 2))
            delay = min(delay * 2, self.max_backoff_s)

    @abc.abstractmethod
    async def session(self) -> None:
        """One connection to the broker or server, until it is lost (then `run` reconnects)."""

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self.run(), name=f"connector-{self.name}")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(BaseException):
                await self._task
            self._task = None


class MqttRunner(Runner):
    """Plain JSON topics and a Sparkplug B 3.0 host application on one broker connection."""

    source = "mqtt"

    def __init__(self, *a: Any, **kw: Any) -> None:
        super().__init__(*a, **kw)
        self.host = SparkplugHost()
        self.sparkplug = self.config.get("sparkplug")
        self.link: mqtt.MqttLink | None = None

    def _state_payload(self, online: bool, ts: int) -> bytes:
        return json.dumps({"online": online, "timestamp": ts}).encode()

    async def session(self) -> None:
        s = self.config.get("mqtt") or {}
        will = None
        ts = int(_now().timestamp() * 1000)
        if self.sparkplug:
            will = mqtt.Will(sp.state_topic(self.sparkplug["host_id"]), self._state_payload(False, ts))
        async with mqtt.connect(
            s.get("host", "127.0.0.1"),
            int(s.get("port", 1883)),
            client_id=s.get("client_id") or f"mes-{self.name}-{uuid.uuid4().hex[:6]}",
            username=s.get("username"),
            password=s.get("password"),
            will=will,
        ) as link:
            self.link = link
            topics: list[str] = []
            if self.sparkplug:
                groups = self.sparkplug.get("group_ids") or ["+"]
                topics += [f"{sp.NAMESPACE}/{g}/#" for g in groups]
                topics.append(sp.state_topic(self.sparkplug["host_id"]))  # its own STATE, as 3.0 asks
            if self.config.get("json_topics"):
                topics += sorted({m.address for m in self.map.machines})
            await link.subscribe(*topics)
            if self.sparkplug:
                # the host's birth: retained, after subscribing (Sparkplug 3.0 host application)
                await link.publish(will.topic if will else "", self._state_payload(True, ts), retain=True)
            self.batch.connected = True
            try:
                async for m in link.messages():
                    for cmd_topic, cmd in self.receive(m.topic, m.payload, _now()):
                        await link.publish(cmd_topic, cmd)
            finally:
                self.link = None

    def receive(self, topic: str, payload: bytes, now: datetime) -> list[tuple[str, bytes]]:
        """One message in; returns the commands to publish. Never raises for what a machine sends."""
        self.batch.messages += 1
        self.batch.last_message_at = now
        try:
            t = sp.parse_topic(topic) if self.sparkplug else None
            if t is not None:
                out = self.host.handle(t, sp.decode(payload), now)
                self.readings(out.samples)
                for address in out.lost:
                    self.batch.readings.extend(self.map.offline(address, now, f"{topic}"))
                self.batch.rebirths += len(out.commands)
                return out.commands
            if topic.startswith(sp.NAMESPACE + "/"):
                return []  # STATE messages (ours or other hosts'), commands of other hosts
            self._json(topic, payload, now)
        except PayloadError as e:
            self.letter(topic, payload, e.reason, path=e.path)
        except Exception as e:  # a connector never dies of a message
            log.warning("mqtt_message_failed", connector=self.name, topic=topic, error=repr(e))
            self.letter(topic, payload, f"unexpected: {type(e).__name__}: {e}"[:500])
        return []

    def _json(self, topic: str, payload: bytes, now: datetime) -> None:
        if len(payload) > MAX_JSON_BYTES:
            raise PayloadError(f"payload of {len(payload)} bytes is over the {MAX_JSON_BYTES} byte limit")
        try:
            doc = json.loads(payload)
        except (ValueError, UnicodeDecodeError) as e:
            raise PayloadError(f"not JSON: {e}") from None
        if not isinstance(doc, dict):
            raise PayloadError("not a JSON object")
        at = now
        found, ts = json_path(doc, "timestamp")
        if found:
            try:
                at = (
                    datetime.fromtimestamp(float(ts) / 1000, UTC)
                    if isinstance(ts, int | float)
                    else datetime.fromisoformat(str(ts))
                )
                if at.tzinfo is None:
                    at = at.replace(tzinfo=UTC)
            except (ValueError, OverflowError, OSError):
                raise PayloadError(
                    f"timestamp {ts!r} is neither epoch milliseconds nor ISO 8601", path="timestamp"
                ) from None
        samples = []
        for m in self.map.by_address.get(topic, ()):
            for f in m.fields():
                ok, value = json_path(doc, f)
                if ok:
                    samples.append(Sample(topic, f, value, at))
        self.readings(samples)


class OpcUaRunner(Runner):
    """Subscriptions to the nodes of each machine on one OPC UA server; reconnects with backoff."""

    source = "opcua"

    def __init__(self, *a: Any, **kw: Any) -> None:
        super().__init__(*a, **kw)
        # node id -> (address, field): one node may feed one machine field
        self.nodes: dict[str, tuple[str, str]] = {}
        for m in self.map.machines:
            for f in m.fields():
                self.nodes[f] = (m.address, f)

    def changed(self, node_id: str, value: Any, at: datetime) -> None:
        self.batch.messages += 1
        self.batch.last_message_at = _now()
        address, f = self.nodes.get(node_id, (None, None))
        if address is None or f is None:
            return
        self.readings([Sample(address, f, value, at)])

    async def session(self) -> None:
        async with opcua.connect(self.config["endpoint"]) as link:
            missing = await link.subscribe(sorted(self.nodes), self.changed)
            for nid in missing:
                self.letter(nid, b"", f"node {nid} not found on the server", path=nid)
            self.batch.connected = True
            await link.watch()


RUNNERS: dict[str, type[Runner]] = {"mqtt": MqttRunner, "opcua": OpcUaRunner}


def lease_key(connector_id: uuid.UUID) -> int:
    """The connector's advisory lock key: a signed 64-bit number taken from its id."""
    k = connector_id.int >> 64
    return k - (1 << 64) if k >= (1 << 63) else k


class LeaseLost(Exception):
    """The replica no longer holds a connector's lease: what it gathered is dropped."""


class Leases:
    """Session advisory locks on one dedicated connection (autocommit), one per connector run by
    this replica. A replica that dies loses its connection and with it every lock: another replica
    takes them at its next reload (ADR 29)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.conn: AsyncConnection | None = None
        self.pid: int | None = None
        self.held: set[int] = set()

    async def _open(self) -> AsyncConnection:
        if self.conn is None:
            conn = await self.db.engine.connect()
            try:
                await conn.execution_options(isolation_level="AUTOCOMMIT")
                self.pid = int((await conn.execute(text("SELECT pg_backend_pid()"))).scalar_one())
            except BaseException:
                await conn.close()
                raise
            self.conn = conn
        return self.conn

    async def alive(self) -> bool:
        """False (and every lease forgotten) when the lock connection is gone."""
        if self.conn is None:
            return not self.held
        try:
            await self.conn.execute(text("SELECT 1"))
            return True
        except Exception:
            await self.drop()
            return False

    async def acquire(self, connector_id: uuid.UUID) -> bool:
        key = lease_key(connector_id)
        if key in self.held:
            return True
        conn = await self._open()
        try:
            got = bool((await conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key})).scalar_one())
        except Exception:
            await self.drop()
            raise
        if got:
            self.held.add(key)
        return got

    async def release(self, connector_id: uuid.UUID) -> None:
        key = lease_key(connector_id)
        if key not in self.held:
            return
        self.held.discard(key)
        if self.conn is not None:
            try:
                await self.conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
            except Exception:
                await self.drop()

    async def check(self, session: AsyncSession, connector_id: uuid.UUID) -> None:
        """Inside a flush's transaction, after its rows are locked: raises LeaseLost unless this
        replica's lock connection still holds the connector's lock. Checked last, so a replica
        that takes over later waits on the same rows until this flush is committed."""
        key = lease_key(connector_id)
        if key not in self.held or self.pid is None:
            raise LeaseLost(str(connector_id))
        u = key & 0xFFFFFFFFFFFFFFFF
        held = await session.scalar(
            text(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
                " AND pid = :pid AND classid = :hi AND objid = :lo AND objsubid = 1"
            ),
            {"pid": self.pid, "hi": u >> 32, "lo": u & 0xFFFFFFFF},
        )
        if not held:
            raise LeaseLost(str(connector_id))

    async def drop(self) -> None:
        """Closes the lock connection: every lock it held is released."""
        self.held.clear()
        conn, self.conn, self.pid = self.conn, None, None
        if conn is not None:
            with contextlib.suppress(Exception):
                await conn.invalidate()
            with contextlib.suppress(Exception):
                await conn.close()


class Connectors(Periodic):
    """Background worker: runs the enabled connectors whose lease this replica holds (each
    connector runs in exactly one replica at a time) and flushes what they gathered."""

    name = "integration-connectors"

    def __init__(self, db: Database, interval_s: float = 0.25) -> None:
        super().__init__(db, interval_s=interval_s)
        self.runners: dict[uuid.UUID, Runner] = {}
        self.leases = Leases(db)
        self._reload_every = 8  # rounds between configuration reloads
        self._round = 0

    async def _drop(self, cid: uuid.UUID) -> None:
        """Stops a runner whose lease is lost: its batch is dropped (the replica that now holds
        the lease reads the machine's absolute values again, so no count is lost)."""
        runner = self.runners.pop(cid, None)
        if runner is not None:
            await runner.stop()
            log.warning("connector_lease_lost", connector=runner.name)

    async def reload(self) -> None:
        async with self.db.transaction() as session:
            rows = list(await session.scalars(select(Connector).where(Connector.enabled.is_(True))))
        wanted = {c.id: c for c in rows}
        if not await self.leases.alive():
            for cid in list(self.runners):
                await self._drop(cid)
        for cid in list(self.runners):
            r = self.runners[cid]
            if cid not in wanted or wanted[cid].version != r.version:
                await r.stop()
                try:
                    await self._flush(r)
                    async with self.db.transaction() as session:
                        await self.leases.check(session, cid)
                        await record_batch(session, cid, Batch(connected=False))
                except LeaseLost:
                    pass
                del self.runners[cid]
                if cid not in wanted:
                    await self.leases.release(cid)
        for cid, c in wanted.items():
            if cid not in self.runners and await self.leases.acquire(cid):
                runner = RUNNERS[c.kind](c.id, c.name, c.version, c.config)
                self.runners[cid] = runner
                runner.start()

    async def _flush(self, runner: Runner) -> None:
        batch = runner.take()
        if batch.empty():
            return
        try:
            async with self.db.transaction() as session:
                await record_batch(session, runner.connector_id, batch)
                await self.leases.check(session, runner.connector_id)
        except LeaseLost:
            raise
        except Exception:
            runner.batch = batch.then(runner.batch)  # nothing lost: written with the next round
            raise

    async def flush(self) -> None:
        for cid, runner in list(self.runners.items()):
            try:
                await self._flush(runner)
            except LeaseLost:
                await self._drop(cid)

    async def step(self) -> None:
        if self._round % self._reload_every == 0:
            await self.reload()
        self._round += 1
        await self.flush()

    async def stop(self) -> None:
        await super().stop()
        for r in list(self.runners.values()):
            await r.stop()
            with contextlib.suppress(Exception):
                await self._flush(r)
        self.runners.clear()
        await self.leases.drop()
