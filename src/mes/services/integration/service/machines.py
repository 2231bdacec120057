"""Machine readings into MES events: states (live and historical), counter increments, dead letters."""

from __future__ import annotations

import base64
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mes.contracts.integration import MachineCounterReported, MachineStateReported
from mes.platform.events import record_event
from mes.services.integration.models import (
    ConnectorStatus,
    CounterBaseline,
    DeadLetter,
    LiveState,
    Reading,
    counter_increment,
)


def now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Letter:
    """A message a connector could not take in."""

    source: str
    ref: str | None
    payload: bytes
    reason: str
    path: str | None = None
    line: int | None = None
    content_type: str = "application/octet-stream"


@dataclass
class Batch:
    """What a connector's runner gathered since its last flush."""

    readings: list[Reading] = field(default_factory=list)
    letters: list[Letter] = field(default_factory=list)
    messages: int = 0
    errors: int = 0
    rebirths: int = 0
    reconnects: int = 0
    connected: bool | None = None
    last_message_at: datetime | None = None
    last_error: str | None = None

    def then(self, later: Batch) -> Batch:
        """This batch followed by a later one, as one."""
        return Batch(
            readings=self.readings + later.readings,
            letters=self.letters + later.letters,
            messages=self.messages + later.messages,
            errors=self.errors + later.errors,
            rebirths=self.rebirths + later.rebirths,
            reconnects=self.reconnects + later.reconnects,
            connected=later.connected if later.connected is not None else self.connected,
            last_message_at=later.last_message_at or self.last_message_at,
            last_error=later.last_error or self.last_error,
        )

    def empty(self) -> bool:
        return not (
            self.readings
            or self.letters
            or self.messages
            or self.errors
            or self.rebirths
            or self.reconnects
            or self.connected is not None
            or self.last_error
        )


def _payload_text(letter: Letter) -> tuple[str, str]:
    try:
        text = letter.payload.decode("utf-8")
        if "\x00" not in text:
            return text[
                :100_000
            ], letter.content_type if letter.content_type != "application/octet-stream" else "text/plain"
    except UnicodeDecodeError:
        pass
    return base64.b64encode(letter.payload[:100_000]).decode(), "application/octet-stream;base64"


async def dead_letter(session: AsyncSession, letter: Letter, connector_id: uuid.UUID | None) -> DeadLetter:
    payload, ctype = _payload_text(letter)
    row = DeadLetter(
        source=letter.source,
        connector_id=connector_id,
        ref=(letter.ref or "")[:400] or None,
        content_type=ctype,
        payload=payload,
        reason=letter.reason[:4000],
        path=(letter.path or "")[:400] or None,
        line=letter.line,
    )
    session.add(row)
    await session.flush()
    return row


async def _state(session: AsyncSession, r: Reading) -> None:
    assert r.state is not None
    live = await session.get(LiveState, r.equipment_code, with_for_update=True)
    if r.historical:
        # history from the machine's buffer: placed in the past, never over the live state
        if live is not None and r.at >= live.at:
            return
    elif live is None:
        session.add(
            LiveState(equipment_code=r.equipment_code, state=r.state, at=r.at, source_ref=r.source_ref)
        )
    else:
        if r.at < live.at:
            return  # an older live report than the one already published: out of order, dropped
        if live.state == r.state:
            return
        live.state, live.at, live.source_ref = r.state, r.at, r.source_ref
    await record_event(
        session,
        MachineStateReported(
            equipment_code=r.equipment_code,
            state=r.state,
            at=r.at,
            source_ref=r.source_ref[:400],
            reason_code=r.reason_code,
        ),
    )


async def _counter(session: AsyncSession, connector_id: uuid.UUID, r: Reading) -> None:
    assert r.counter is not None
    assert r.value is not None
    key = (connector_id, r.equipment_code, r.counter)
    base = await session.get(CounterBaseline, key, with_for_update=True)
    if base is None:
        session.add(
            CounterBaseline(
                connector_id=connector_id,
                equipment_code=r.equipment_code,
                counter=r.counter,
                value=r.value,
                at=r.at,
                total=0,
            )
        )
        return
    if r.historical and r.at < base.at:
        return  # already in the live value that came after it (a store-and-forward replay)
    increment = counter_increment(base.value, r.value, r.modulus)
    base.value, base.at = r.value, max(base.at, r.at)
    if increment <= 0:
        return
    base.total += increment
    await record_event(
        session,
        MachineCounterReported(
            equipment_code=r.equipment_code,
            counter=r.counter,
            increment=increment,
            at=r.at,
        ),
    )


async def record_batch(session: AsyncSession, connector_id: uuid.UUID, batch: Batch) -> None:
    """One flush of a runner, in one transaction: events to the outbox, letters, the status."""
    for r in batch.readings:
        if r.state is not None:
            await _state(session, r)
        else:
            await _counter(session, connector_id, r)
    for letter in batch.letters:
        await dead_letter(session, letter, connector_id)
    status = await session.get(ConnectorStatus, connector_id, with_for_update=True)
    if status is None:
        status = ConnectorStatus(
            connector_id=connector_id, connected=False, messages=0, errors=0, rebirths=0, reconnects=0
        )
        session.add(status)
    if batch.connected is not None:
        status.connected = batch.connected
    status.messages += batch.messages
    status.errors += batch.errors + len(batch.letters)
    status.rebirths += batch.rebirths
    status.reconnects += batch.reconnects
    if batch.last_message_at is not None:
        status.last_message_at = batch.last_message_at
    if batch.last_error is not None:
        status.last_error, status.last_error_at = batch.last_error[:2000], now()
    status.updated_at = now()


async def counter_totals(session: AsyncSession, connector_id: uuid.UUID) -> dict[str, dict[str, int]]:
    rows = await session.scalars(select(CounterBaseline).where(CounterBaseline.connector_id == connector_id))
    out: dict[str, dict[str, int]] = {}
    for b in rows:
        out.setdefault(b.equipment_code, {})[b.counter] = b.total
    return out
