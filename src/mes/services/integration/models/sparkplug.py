"""Sparkplug B 3.0 payloads: the protobuf wire format of the few messages a host application needs.

Written from the Sparkplug B specification (Payload, Metric and its value oneof), encoded and
decoded by hand with protobuf varints; no generated code. Anything that is not a well-formed
protobuf message of that shape raises `PayloadError`, so the connector can dead-letter it.

Payload: 1 timestamp (uint64), 2 metrics (repeated Metric), 3 seq (uint64), 4 uuid, 5 body.
Metric: 1 name, 2 alias (uint64), 3 timestamp (uint64), 4 datatype (uint32), 5 is_historical,
6 is_transient, 7 is_null, 8 metadata, 9 properties, 10 int_value (uint32), 11 long_value (uint64),
12 float_value, 13 double_value, 14 boolean_value, 15 string_value, 16 bytes_value, 17.. dataset,
template, extension (kept undecoded).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import Literal

from mes.services.integration.errors import PayloadError

NAMESPACE = "spBv1.0"
MAX_PAYLOAD_BYTES = 256 * 1024

# Sparkplug B data types (specification, "Data Types")
INT8, INT16, INT32, INT64 = 1, 2, 3, 4
UINT8, UINT16, UINT32, UINT64 = 5, 6, 7, 8
FLOAT, DOUBLE, BOOLEAN, STRING, DATETIME, TEXT = 9, 10, 11, 12, 13, 14
_SIGNED_BITS = {INT8: 8, INT16: 16, INT32: 32, INT64: 64}

Value = int | float | bool | str | bytes | None


@dataclass
class Metric:
    name: str | None = None
    alias: int | None = None
    timestamp: int | None = None
    datatype: int = 0
    value: Value = None
    is_historical: bool = False
    is_transient: bool = False
    is_null: bool = False


@dataclass
class Payload:
    timestamp: int | None = None
    seq: int | None = None
    metrics: list[Metric] = field(default_factory=list)
    uuid: str | None = None


# ---------------------------------------------------------------- wire primitives


def _varint(value: int) -> bytes:
    if value < 0:
        value += 1 << 64
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _key(number: int, wire: int) -> bytes:
    return _varint(number << 3 | wire)


def _read_varint(buf: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if pos >= len(buf):
            raise PayloadError("not a Sparkplug B payload: truncated varint")
        byte = buf[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7
        if shift >= 70:
            raise PayloadError("not a Sparkplug B payload: varint too long")


Field = tuple[int, int, int | bytes]  # number, wire type, value (int, or bytes for fixed/length)


def _fields(buf: bytes) -> list[Field]:
    out: list[Field] = []
    pos = 0
    while pos < len(buf):
        key, pos = _read_varint(buf, pos)
        number, wire = key >> 3, key & 7
        if number == 0:
            raise PayloadError("not a Sparkplug B payload: field number 0")
        if wire == 0:
            value, pos = _read_varint(buf, pos)
            out.append((number, wire, value))
        elif wire in (1, 5):
            size = 8 if wire == 1 else 4
            if pos + size > len(buf):
                raise PayloadError("not a Sparkplug B payload: truncated fixed field")
            out.append((number, wire, buf[pos : pos + size]))
            pos += size
        elif wire == 2:
            size, pos = _read_varint(buf, pos)
            if pos + size > len(buf):
                raise PayloadError("not a Sparkplug B payload: truncated length-delimited field")
            out.append((number, wire, buf[pos : pos + size]))
            pos += size
        else:
            raise PayloadError(f"not a Sparkplug B payload: wire type {wire}")
    return out


def _int(wire: int, value: int | bytes, what: str) -> int:
    if wire != 0 or not isinstance(value, int):
        raise PayloadError(f"not a Sparkplug B payload: {what} is not a varint")
    return value


def _bytes(wire: int, value: int | bytes, what: str) -> bytes:
    if wire != 2 or not isinstance(value, bytes):
        raise PayloadError(f"not a Sparkplug B payload: {what} is not length-delimited")
    return value


def _text(wire: int, value: int | bytes, what: str) -> str:
    try:
        return _bytes(wire, value, what).decode("utf-8")
    except UnicodeDecodeError:
        raise PayloadError(f"not a Sparkplug B payload: {what} is not UTF-8") from None


def _signed(value: int, datatype: int) -> int:
    bits = _SIGNED_BITS.get(datatype)
    if bits is None:
        return value
    value &= (1 << bits) - 1
    return value - (1 << bits) if value >> (bits - 1) else value


def _metric(buf: bytes) -> Metric:
    m = Metric()
    raw: tuple[int, int, int | bytes] | None = None
    for number, wire, value in _fields(buf):
        if number == 1:
            m.name = _text(wire, value, "metric name")
        elif number == 2:
            m.alias = _int(wire, value, "alias")
        elif number == 3:
            m.timestamp = _int(wire, value, "metric timestamp")
        elif number == 4:
            m.datatype = _int(wire, value, "datatype")
        elif number == 5:
            m.is_historical = bool(_int(wire, value, "is_historical"))
        elif number == 6:
            m.is_transient = bool(_int(wire, value, "is_transient"))
        elif number == 7:
            m.is_null = bool(_int(wire, value, "is_null"))
        elif 10 <= number <= 16:
            raw = (number, wire, value)
        # 8 metadata, 9 properties, 17-19 dataset/template/extension: not needed, skipped
    if raw is not None and not m.is_null:
        number, wire, value = raw
        if number in (10, 11):
            m.value = _signed(_int(wire, value, "integer value"), m.datatype)
        elif number == 12:
            if wire != 5 or not isinstance(value, bytes):
                raise PayloadError("not a Sparkplug B payload: float value is not 32-bit")
            m.value = struct.unpack("<f", value)[0]
        elif number == 13:
            if wire != 1 or not isinstance(value, bytes):
                raise PayloadError("not a Sparkplug B payload: double value is not 64-bit")
            m.value = struct.unpack("<d", value)[0]
        elif number == 14:
            m.value = bool(_int(wire, value, "boolean value"))
        elif number == 15:
            m.value = _text(wire, value, "string value")
        else:
            m.value = _bytes(wire, value, "bytes value")
    return m


def decode(data: bytes) -> Payload:
    """A Sparkplug B payload from its protobuf bytes; `PayloadError` for anything else."""
    if len(data) > MAX_PAYLOAD_BYTES:
        raise PayloadError(f"payload of {len(data)} bytes is over the {MAX_PAYLOAD_BYTES} byte limit")
    p = Payload()
    for number, wire, value in _fields(data):
        if number == 1:
            p.timestamp = _int(wire, value, "timestamp")
        elif number == 2:
            p.metrics.append(_metric(_bytes(wire, value, "metric")))
        elif number == 3:
            p.seq = _int(wire, value, "seq")
        elif number == 4:
            p.uuid = _text(wire, value, "uuid")
    return p


def _encode_metric(m: Metric) -> bytes:
    out = bytearray()
    if m.name is not None:
        b = m.name.encode()
        out += _key(1, 2) + _varint(len(b)) + b
    if m.alias is not None:
        out += _key(2, 0) + _varint(m.alias)
    if m.timestamp is not None:
        out += _key(3, 0) + _varint(m.timestamp)
    out += _key(4, 0) + _varint(m.datatype)
    if m.is_historical:
        out += _key(5, 0) + _varint(1)
    if m.is_transient:
        out += _key(6, 0) + _varint(1)
    if m.value is None:
        out += _key(7, 0) + _varint(1)
        return bytes(out)
    v = m.value
    if m.datatype == BOOLEAN:
        out += _key(14, 0) + _varint(int(bool(v)))
    elif m.datatype in (INT8, INT16, INT32, UINT8, UINT16, UINT32):
        assert isinstance(v, int)
        out += _key(10, 0) + _varint(v & 0xFFFFFFFF)
    elif m.datatype in (INT64, UINT64, DATETIME):
        assert isinstance(v, int)
        out += _key(11, 0) + _varint(v & 0xFFFFFFFFFFFFFFFF)
    elif m.datatype == FLOAT:
        out += _key(12, 5) + struct.pack("<f", float(v))
    elif m.datatype == DOUBLE:
        out += _key(13, 1) + struct.pack("<d", float(v))
    elif m.datatype in (STRING, TEXT):
        b = str(v).encode()
        out += _key(15, 2) + _varint(len(b)) + b
    else:
        assert isinstance(v, bytes)
        out += _key(16, 2) + _varint(len(v)) + v
    return bytes(out)


def encode(p: Payload) -> bytes:
    out = bytearray()
    if p.timestamp is not None:
        out += _key(1, 0) + _varint(p.timestamp)
    for m in p.metrics:
        b = _encode_metric(m)
        out += _key(2, 2) + _varint(len(b)) + b
    if p.seq is not None:
        out += _key(3, 0) + _varint(p.seq)
    if p.uuid is not None:
        b = p.uuid.encode()
        out += _key(4, 2) + _varint(len(b)) + b
    return bytes(out)


MessageType = Literal["NBIRTH", "NDEATH", "DBIRTH", "DDEATH", "NDATA", "DDATA", "NCMD", "DCMD", "STATE"]
_TYPES = {"NBIRTH", "NDEATH", "DBIRTH", "DDEATH", "NDATA", "DDATA", "NCMD", "DCMD"}


@dataclass(frozen=True)
class Topic:
    group_id: str
    message_type: str
    edge_node_id: str
    device_id: str | None = None

    @property
    def node(self) -> str:
        return f"{self.group_id}/{self.edge_node_id}"

    @property
    def address(self) -> str:
        """`group/node` or `group/node/device`: how a machine mapping names its source."""
        return self.node if self.device_id is None else f"{self.node}/{self.device_id}"


def parse_topic(topic: str) -> Topic | None:
    """The parts of a Sparkplug topic, None for a STATE topic or one outside the namespace."""
    parts = topic.split("/")
    if len(parts) not in (4, 5) or parts[0] != NAMESPACE or parts[2] not in _TYPES:
        return None
    return Topic(parts[1], parts[2], parts[3], parts[4] if len(parts) == 5 else None)


def topic(group_id: str, message_type: str, edge_node_id: str, device_id: str | None = None) -> str:
    base = f"{NAMESPACE}/{group_id}/{message_type}/{edge_node_id}"
    return base if device_id is None else f"{base}/{device_id}"


def state_topic(host_id: str) -> str:
    return f"{NAMESPACE}/STATE/{host_id}"


def rebirth_command(timestamp_ms: int) -> bytes:
    """The NCMD payload asking an edge node to publish its births again."""
    return encode(
        Payload(
            timestamp=timestamp_ms,
            metrics=[
                Metric(name="Node Control/Rebirth", timestamp=timestamp_ms, datatype=BOOLEAN, value=True)
            ],
        )
    )
