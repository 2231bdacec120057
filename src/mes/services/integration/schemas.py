"""Request and response schemas of the integration service."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, Field, model_validator

from mes.platform.schemas import Page, Schema

Code = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._\-/]*$")]
FieldName = Annotated[str, Field(min_length=1, max_length=300)]
Counter = Literal["cycles", "good", "scrap"]
State = Literal["running", "idle", "setup", "planned_stop", "down", "maintenance", "offline"]


class StateRule(Schema):
    field: FieldName = Field(
        description="JSON path (a.b.c), Sparkplug metric name or OPC UA NodeId; may hold {address}"
    )
    values: dict[Annotated[str, Field(max_length=64)], State] = Field(default_factory=dict, max_length=64)
    machinery_item_state: bool = Field(
        False, description="The field is an OPC 40001-1 MachineryItemState (names or 0-3 numbers)"
    )


class CounterRule(Schema):
    field: FieldName
    counter: Counter
    modulus: int | None = Field(None, ge=2, le=2**63 - 1, description="The value at which it wraps to 0")


class AlarmRule(Schema):
    field: FieldName = Field(
        description="The alarm node (OPC UA NodeId, JSON path, metric); may hold {address}"
    )
    reason_code: Code | None = Field(None, description="The downtime reason code while it is active")
    values: dict[Annotated[str, Field(max_length=64)], Code] = Field(
        default_factory=dict, max_length=64, description="Alarm value -> reason code (else reason_code)"
    )
    inactive: list[Annotated[str, Field(max_length=64)]] = Field(
        default_factory=lambda: ["0", "false", ""], max_length=16, description="Values meaning no alarm"
    )


class MachineType(Schema):
    state: StateRule | None = None
    counters: list[CounterRule] = Field(default_factory=list, max_length=16)
    alarms: list[AlarmRule] = Field(
        default_factory=list,
        max_length=16,
        description="Active alarm: the machine is down with a reason code",
    )


class MachineBinding(Schema):
    equipment_code: Code
    machine_type: Annotated[str, Field(min_length=1, max_length=64)]
    address: Annotated[str, Field(min_length=1, max_length=300)] = Field(
        description="MQTT JSON: the topic; Sparkplug: group/node or group/node/device; OPC UA: fills {address}"
    )


class MqttSettings(Schema):
    host: Annotated[str, Field(min_length=1, max_length=253)] = "127.0.0.1"
    port: int = Field(1883, ge=1, le=65535)
    client_id: Annotated[str, Field(min_length=1, max_length=64)] | None = None
    username: Annotated[str, Field(max_length=200)] | None = None
    password: Annotated[str, Field(max_length=200)] | None = None


class SparkplugSettings(Schema):
    host_id: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[^/#+]+$")] = "mes"
    group_ids: list[Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[^/#+]+$")]] = Field(
        default_factory=list, max_length=32, description="Empty: every group"
    )


class ConnectorConfig(Schema):
    mqtt: MqttSettings | None = None
    sparkplug: SparkplugSettings | None = None
    json_topics: bool = Field(False, description="MQTT: machines publish plain JSON on their topic")
    endpoint: Annotated[str, Field(min_length=1, max_length=500, pattern=r"^opc\.tcp://")] | None = None
    reconnect_max_s: float = Field(10.0, ge=0.1, le=300, description="Longest wait between reconnects")
    machine_types: dict[Annotated[str, Field(min_length=1, max_length=64)], MachineType] = Field(
        default_factory=dict, max_length=32
    )
    machines: list[MachineBinding] = Field(default_factory=list, max_length=500)


class ConnectorCreate(Schema):
    name: Code
    kind: Literal["mqtt", "opcua"]
    config: ConnectorConfig
    enabled: bool = True

    @model_validator(mode="after")
    def _consistent(self) -> ConnectorCreate:
        c = self.config
        if self.kind == "mqtt" and c.mqtt is None:
            raise ValueError("an mqtt connector needs config.mqtt")
        if self.kind == "opcua" and c.endpoint is None:
            raise ValueError("an opcua connector needs config.endpoint")
        for m in c.machines:
            if m.machine_type not in c.machine_types:
                raise ValueError(f"machine {m.equipment_code}: unknown machine type {m.machine_type!r}")
        return self


class ConnectorUpdate(Schema):
    config: ConnectorConfig | None = None
    enabled: bool | None = None


class ConnectorStatusRead(Schema):
    connected: bool = False
    last_message_at: datetime | None = None
    last_error: str | None = None
    last_error_at: datetime | None = None
    messages: int = 0
    errors: int = 0
    rebirths: int = 0
    reconnects: int = 0


class ConnectorRead(Schema):
    id: uuid.UUID
    name: str
    kind: str
    enabled: bool
    version: int
    config: dict[str, Any]
    status: ConnectorStatusRead
    created_at: datetime
    updated_at: datetime


class ConnectorPage(Page[ConnectorRead]):
    pass


class MessageDeadLetterRead(Schema):
    id: uuid.UUID
    source: str
    connector_id: uuid.UUID | None
    ref: str | None
    content_type: str
    payload: str
    reason: str
    path: str | None
    line: int | None
    status: str
    received_at: datetime
    replayed_at: datetime | None


class MessageDeadLetterPage(Page[MessageDeadLetterRead]):
    pass


class OrderJson(Schema):
    number: Code
    product: Code
    quantity: Annotated[Decimal, Field(gt=0, le=Decimal("1e12"), max_digits=24, decimal_places=6)]
    uom: Annotated[str, Field(min_length=1, max_length=16)] | None = None
    due: AwareDatetime
    priority: int = Field(5, ge=1, le=9)


class ScheduleJson(Schema):
    """ProcessOperationsSchedule as plain JSON: one order per operations request."""

    message_id: Annotated[str, Field(min_length=1, max_length=200)]
    sender: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    schedule_id: Annotated[str, Field(min_length=1, max_length=64)] | None = None
    orders: list[OrderJson] = Field(min_length=1, max_length=500)


class ItemJson(Schema):
    code: Code
    name: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    kind: Literal["raw", "intermediate", "finished", "packaging"] = "raw"
    uom: Annotated[str, Field(min_length=1, max_length=16)]
    shelf_life_days: Annotated[int, Field(ge=1, le=36500)] | None = None


class LotJson(Schema):
    code: Code
    item: Code
    quantity: Annotated[Decimal, Field(gt=0, le=Decimal("1e12"), max_digits=24, decimal_places=6)]
    uom: Annotated[str, Field(min_length=1, max_length=16)] | None = None
    location: Code
    status: Literal["available", "quarantine"] = "available"
    supplier: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    supplier_lot: Annotated[str, Field(min_length=1, max_length=64)] | None = None


class EquipmentJson(Schema):
    code: Code
    name: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    level: Literal["enterprise", "site", "area", "work_center", "equipment"]
    parent_code: Code | None = None


class MasterDataJson(Schema):
    """ProcessMaterialDefinition, ProcessMaterialLot and ProcessEquipment as plain JSON: exactly
    one of items, lots and equipment."""

    message_id: Annotated[str, Field(min_length=1, max_length=200)]
    items: list[ItemJson] | None = Field(None, min_length=1, max_length=500)
    lots: list[LotJson] | None = Field(None, min_length=1, max_length=500)
    equipment: list[EquipmentJson] | None = Field(None, min_length=1, max_length=500)

    @model_validator(mode="after")
    def _one_kind(self) -> MasterDataJson:
        if sum(x is not None for x in (self.items, self.lots, self.equipment)) != 1:
            raise ValueError("give exactly one of items, lots and equipment")
        return self


class ScheduleAnswer(Schema):
    message_id: str
    accepted: bool
    duplicate: bool
    created: list[str]
    existing: list[str]


EventType = Literal[
    "work_orders.work_order_created.v1",
    "work_orders.work_order_released.v1",
    "work_orders.work_order_started.v1",
    "work_orders.work_order_on_hold.v1",
    "work_orders.work_order_resumed.v1",
    "work_orders.work_order_completed.v1",
    "work_orders.work_order_closed.v1",
    "work_orders.work_order_cancelled.v1",
    "work_orders.operation_completed.v1",
    "material.lot_consumed.v1",
    "material.lot_produced.v1",
]


class SubscriptionCreate(Schema):
    name: Code
    url: Annotated[str, Field(min_length=8, max_length=500, pattern=r"^https?://[^\s]+$")]
    format: Literal["json", "b2mml"] = Field(
        "json",
        description="json: the event (Standard Webhooks); b2mml: ProcessOperationsPerformance for the ERP",
    )
    event_types: list[EventType] = Field(min_length=1, max_length=20)
    filters: dict[
        Annotated[str, Field(min_length=1, max_length=64)], list[Annotated[str, Field(max_length=200)]]
    ] = Field(
        default_factory=dict,
        max_length=8,
        description="Payload field -> accepted values, e.g. {'product': ['KIT-100']}",
    )
    max_attempts: int = Field(15, ge=1, le=1000)
    retry_base_s: float = Field(2.0, ge=0.01, le=3600)
    retry_max_s: float = Field(600.0, ge=0.01, le=86400)


class SubscriptionRead(Schema):
    id: uuid.UUID
    name: str
    url: str
    format: str
    event_types: list[str]
    filters: dict[str, list[str]]
    active: bool
    max_attempts: int
    retry_base_s: float
    retry_max_s: float
    created_at: datetime


class SubscriptionCreated(SubscriptionRead):
    secret: str = Field(description="Shown once: verify webhook-signature with it")


class SubscriptionPage(Page[SubscriptionRead]):
    pass


class DeliveryRead(Schema):
    id: uuid.UUID
    seq: int
    topic: str
    aggregate_id: str
    event_id: uuid.UUID
    status: str
    attempts: int
    last_status: int | None
    last_error: str | None
    next_attempt_at: datetime
    created_at: datetime
    delivered_at: datetime | None


class DeliveryPage(Page[DeliveryRead]):
    pass
