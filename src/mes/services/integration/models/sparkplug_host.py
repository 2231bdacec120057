"""A Sparkplug B 3.0 host application's view of its edge nodes (pure: no network, no database).

Per edge node: the bdSeq of its current birth, the last sequence number (0-255, wrapping), the alias
maps of its node and device births. `handle` turns one message into samples of metric values,
communication losses, and the commands to send back (a Rebirth on a sequence gap, an unknown node
or an unknown alias).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from mes.services.integration.models import sparkplug as sp
from mes.services.integration.models.mapping import Sample


@dataclass
class NodeSession:
    bdseq: int | None = None
    seq: int | None = None
    online: bool = False
    aliases: dict[int, str] = field(default_factory=dict)
    devices: dict[str, dict[int, str]] = field(default_factory=dict)
    rebirth_requested: bool = False


@dataclass
class Outcome:
    samples: list[Sample] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)  # addresses whose communication was lost
    commands: list[tuple[str, bytes]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    ignored: str | None = None  # why the message changed nothing (a stale death)


def _at(ms: int | None, fallback: datetime) -> datetime:
    if ms is None:
        return fallback
    try:
        return datetime.fromtimestamp(ms / 1000, UTC)
    except (OverflowError, OSError, ValueError):
        return fallback


class SparkplugHost:
    def __init__(self) -> None:
        self.nodes: dict[str, NodeSession] = {}
        self.rebirths_sent = 0

    def _rebirth(self, t: sp.Topic, node: NodeSession, out: Outcome, now: datetime, why: str) -> None:
        out.problems.append(why)
        if node.rebirth_requested:
            return
        node.rebirth_requested = True
        self.rebirths_sent += 1
        cmd = sp.topic(t.group_id, "NCMD", t.edge_node_id)
        out.commands.append((cmd, sp.rebirth_command(int(now.timestamp() * 1000))))

    def _check_seq(self, t: sp.Topic, node: NodeSession, p: sp.Payload, out: Outcome, now: datetime) -> None:
        if p.seq is None or p.seq > 255:
            self._rebirth(t, node, out, now, f"{t.message_type} from {t.address} without a valid seq")
            return
        expected = None if node.seq is None else (node.seq + 1) % 256
        if expected is not None and p.seq != expected:
            self._rebirth(t, node, out, now, f"sequence gap from {t.node}: expected {expected}, got {p.seq}")
        node.seq = p.seq

    def _values(
        self,
        t: sp.Topic,
        aliases: dict[int, str],
        p: sp.Payload,
        out: Outcome,
        now: datetime,
        node: NodeSession,
        birth: bool,
    ) -> None:
        for m in p.metrics:
            name = m.name
            if birth and name is not None and m.alias is not None:
                aliases[m.alias] = name
            if name is None and m.alias is not None:
                name = aliases.get(m.alias)
                if name is None:
                    self._rebirth(t, node, out, now, f"unknown alias {m.alias} from {t.address}")
                    continue
            if name is None or name == "bdSeq" or name.startswith(("Node Control/", "Device Control/")):
                continue
            if m.is_null:
                continue
            at = _at(m.timestamp if m.timestamp is not None else p.timestamp, now)
            out.samples.append(Sample(t.address, name, m.value, at, historical=m.is_historical))

    def handle(self, t: sp.Topic, p: sp.Payload, now: datetime) -> Outcome:
        out = Outcome()
        node = self.nodes.setdefault(t.node, NodeSession())
        kind = t.message_type
        if kind == "NBIRTH":
            bdseq = next((m.value for m in p.metrics if m.name == "bdSeq"), None)
            node.bdseq = bdseq if isinstance(bdseq, int) else None
            node.seq = p.seq if p.seq is not None and p.seq <= 255 else 0
            node.online, node.rebirth_requested = True, False
            node.aliases, node.devices = {}, {}
            self._values(t, node.aliases, p, out, now, node, birth=True)
        elif kind == "NDEATH":
            bdseq = next((m.value for m in p.metrics if m.name == "bdSeq"), None)
            if node.bdseq is not None and bdseq != node.bdseq:
                out.ignored = (
                    f"death of {t.node} with bdSeq {bdseq!r} does not match its birth ({node.bdseq})"
                )
                return out
            node.online, node.seq = False, None
            out.lost.append(t.node)
            node.devices = {}
        elif not node.online:
            # data or device births from a node whose birth this host never saw
            self._rebirth(t, node, out, now, f"{kind} from {t.address} before its node birth")
        elif kind == "DBIRTH" and t.device_id is not None:
            self._check_seq(t, node, p, out, now)
            aliases = node.devices[t.device_id] = {}
            self._values(t, aliases, p, out, now, node, birth=True)
        elif kind == "DDEATH" and t.device_id is not None:
            self._check_seq(t, node, p, out, now)
            node.devices.pop(t.device_id, None)
            out.lost.append(t.address)
        elif kind == "NDATA":
            self._check_seq(t, node, p, out, now)
            self._values(t, node.aliases, p, out, now, node, birth=False)
        elif kind == "DDATA" and t.device_id is not None:
            self._check_seq(t, node, p, out, now)
            if t.device_id not in node.devices:
                self._rebirth(t, node, out, now, f"DDATA from {t.address} before its device birth")
            else:
                self._values(t, node.devices[t.device_id], p, out, now, node, birth=False)
        else:
            out.ignored = f"{kind} is not for a host application"
        return out
