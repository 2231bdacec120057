"""From what a machine says (a sample of one of its fields) to what the MES understands (a state,
a counter reading), by a mapping per machine type; the same for MQTT JSON, Sparkplug and OPC UA."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from mes.contracts.integration import MachineState

# OPC 40001-1 MachineryItemState_StateMachineType: its four states, by name and by number
MACHINERY_ITEM_STATE: dict[str, MachineState] = {
    "NotAvailable": "offline",
    "OutOfService": "down",
    "NotExecuting": "idle",
    "Executing": "running",
    "0": "offline",
    "1": "down",
    "2": "idle",
    "3": "running",
}


@dataclass(frozen=True)
class Sample:
    """One value of one field of a source (`address`: a topic, a Sparkplug node/device, an OPC UA
    machine), at the machine's time; historical samples fill history, they don't move the present."""

    address: str
    field: str
    value: Any
    at: datetime
    historical: bool = False


@dataclass(frozen=True)
class Reading:
    equipment_code: str
    at: datetime
    source_ref: str
    state: MachineState | None = None  # a state reading
    counter: str | None = None  # or a counter reading: its raw value and the counter's modulus
    value: int | None = None
    modulus: int | None = None
    historical: bool = False
    reason_code: str | None = None  # with a state: why (an alarm's reason code)


@dataclass(frozen=True)
class AlarmRule:
    """A node (field) whose value is an alarm: any value but the inactive ones puts the machine
    `down` with a reason code (per value, else the rule's, else `alarm:<value>`)."""

    field: str
    reason_code: str | None = None
    values: Mapping[str, str] = dataclasses.field(default_factory=dict)
    inactive: tuple[str, ...] = ("0", "false", "")

    def reason(self, key: str) -> str | None:
        """None when the alarm is not active, else its reason code."""
        if key in self.inactive:
            return None
        return self.values.get(key) or self.reason_code or f"alarm:{key}"[:64]


@dataclass(frozen=True)
class CounterRule:
    field: str
    counter: str
    modulus: int | None = None  # the counter wraps to 0 at this value (e.g. 65536 for a UInt16)


@dataclass(frozen=True)
class TypeRule:
    """How one kind of machine reports: field names may hold `{address}`."""

    state_field: str | None = None
    state_values: Mapping[str, MachineState] = field(default_factory=dict)
    counters: tuple[CounterRule, ...] = ()
    alarms: tuple[AlarmRule, ...] = ()

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> TypeRule:
        state = d.get("state") or {}
        values = dict(state.get("values") or {})
        if state.get("machinery_item_state"):
            values = {**MACHINERY_ITEM_STATE, **values}
        return cls(
            state_field=state.get("field"),
            state_values=values,
            counters=tuple(
                CounterRule(c["field"], c["counter"], c.get("modulus")) for c in d.get("counters") or ()
            ),
            alarms=tuple(
                AlarmRule(
                    a["field"],
                    a.get("reason_code"),
                    dict(a.get("values") or {}),
                    tuple(a.get("inactive") or ("0", "false", "")),
                )
                for a in d.get("alarms") or ()
            ),
        )


@dataclass(frozen=True)
class Machine:
    equipment_code: str
    address: str
    rule: TypeRule

    def resolve(self, template: str) -> str:
        return template.replace("{address}", self.address)

    def fields(self) -> list[str]:
        out = [self.resolve(c.field) for c in self.rule.counters]
        out += [self.resolve(a.field) for a in self.rule.alarms]
        if self.rule.state_field:
            out.insert(0, self.resolve(self.rule.state_field))
        return out


class MappingProblem(Exception):
    def __init__(self, reason: str, path: str) -> None:
        super().__init__(reason)
        self.reason, self.path = reason, path


def state_key(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class MachineMap:
    """The machines of one connector, found by their source address. It remembers, per machine,
    the state its state field last said and its active alarms: while an alarm is active the
    machine is `down` (with the alarm's reason code); when the last one clears, it is back in the
    state its state field says (idle when it has none)."""

    def __init__(self, machines: Iterable[Machine]) -> None:
        self.machines = list(machines)
        self.by_address: dict[str, list[Machine]] = {}
        for m in self.machines:
            self.by_address.setdefault(m.address, []).append(m)
        self.told: dict[str, MachineState] = {}  # equipment -> the state its state field last said
        self.active: dict[str, dict[str, str]] = {}  # equipment -> alarm field -> reason code

    def _alarm(self, m: Machine, a: AlarmRule, sample: Sample, ref: str) -> Reading | None:
        reason = a.reason(state_key(sample.value).strip())
        active = self.active.setdefault(m.equipment_code, {})
        name = m.resolve(a.field)
        was = dict(active)
        if reason is None:
            active.pop(name, None)
        else:
            active[name] = reason
        if sample.historical or was == active:
            return None
        if reason is not None:
            return Reading(m.equipment_code, sample.at, ref, state="down", reason_code=reason)
        if active:  # another alarm is still active: down for that one
            return Reading(
                m.equipment_code, sample.at, ref, state="down", reason_code=next(iter(active.values()))
            )
        return Reading(m.equipment_code, sample.at, ref, state=self.told.get(m.equipment_code, "idle"))

    def under(self, prefix: str) -> list[Machine]:
        """Machines at `prefix` or below it (a Sparkplug node and its devices)."""
        return [m for m in self.machines if m.address == prefix or m.address.startswith(prefix + "/")]

    def translate(self, sample: Sample) -> list[Reading]:
        """The readings a sample means; `MappingProblem` for a value the mapping can't place."""
        out: list[Reading] = []
        for m in self.by_address.get(sample.address, ()):
            ref = f"{sample.address}#{sample.field}"
            rule = m.rule
            if rule.state_field and m.resolve(rule.state_field) == sample.field:
                key = state_key(sample.value)
                state = rule.state_values.get(key)
                if state is None:
                    raise MappingProblem(f"state value {key!r} has no mapping for {m.equipment_code}", ref)
                if not sample.historical:
                    self.told[m.equipment_code] = state
                if not self.active.get(m.equipment_code) or sample.historical:
                    out.append(
                        Reading(m.equipment_code, sample.at, ref, state=state, historical=sample.historical)
                    )
            for a in rule.alarms:
                if m.resolve(a.field) == sample.field:
                    reading = self._alarm(m, a, sample, ref)
                    if reading is not None:
                        out.append(reading)
            for c in rule.counters:
                if m.resolve(c.field) != sample.field:
                    continue
                v = sample.value
                if isinstance(v, float) and v.is_integer():
                    v = int(v)
                if isinstance(v, bool) or not isinstance(v, int) or v < 0:
                    raise MappingProblem(f"counter value {v!r} is not a whole number >= 0", ref)
                out.append(
                    Reading(
                        m.equipment_code,
                        sample.at,
                        ref,
                        counter=c.counter,
                        value=v,
                        modulus=c.modulus,
                        historical=sample.historical,
                    )
                )
        return out

    def offline(self, prefix: str, at: datetime, ref: str) -> list[Reading]:
        return [Reading(m.equipment_code, at, ref, state="offline") for m in self.under(prefix)]


def counter_increment(last: int | None, value: int, modulus: int | None) -> int:
    """How far a counter moved from `last` to `value`.

    The first value seen is the baseline (0). Up: the difference. Down: a rollover when the
    counter has a modulus and was in the top tenth of its range (it wrapped past the modulus);
    otherwise a reset, and the counter counted from 0 up to `value`.
    """
    if last is None:
        return 0
    if value >= last:
        return value - last
    if modulus is not None and last >= modulus * 0.9 and value < modulus:
        return modulus - last + value
    return value
