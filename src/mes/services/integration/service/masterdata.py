"""ERP inbound master data: items (material definitions), lots received (material lots) and the
equipment hierarchy, as B2MML V0700 or plain JSON, through the material and resource services.

As for schedules (service/erp.py): validated, mapped and checked against the owning service before
anything is created, so a refused message writes nothing but its dead letter; idempotent by
message id (the same message again changes nothing and gets the same answer; other content under a
known id is a 409). A record that exists already with the same data counts as `existing` (an
earlier, interrupted delivery); with other data the message is refused.
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from typing import Any

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from mes.platform.audit import append_audit
from mes.services.integration.clients import master_data as remote
from mes.services.integration.clients.work_orders import Caller
from mes.services.integration.errors import MessageIdReused, PayloadError
from mes.services.integration.models import ErpMessage, b2mml
from mes.services.integration.models.b2mml import masterdata as md
from mes.services.integration.schemas import MasterDataJson
from mes.services.integration.service.erp import Answer, _refuse

EQUIPMENT_LEVELS = ["enterprise", "site", "area", "work_center", "equipment"]


def is_master_data(raw: bytes, fmt: str) -> bool:
    """Whether a stored ERP message is master data (else a schedule), for a replay."""
    if fmt == "b2mml":
        head = raw[:2000]
        return any(f"<{name}".encode() in head or f":{name}".encode() in head for name in md.ROOTS)
    try:
        doc = json.loads(raw)
    except ValueError:
        return False
    return isinstance(doc, dict) and any(k in doc for k in ("items", "lots", "equipment"))


def read_b2mml(raw: bytes) -> md.MasterData:
    root = b2mml.parse(raw)
    b2mml.validate(root, md.family(root))
    return md.read_master_data(root)


def read_json(raw: bytes) -> md.MasterData:
    if len(raw) > b2mml.MAX_BYTES:
        raise PayloadError(f"message of {len(raw)} bytes is over the {b2mml.MAX_BYTES} byte limit")
    try:
        doc = MasterDataJson.model_validate_json(raw)
    except ValidationError as e:
        err = e.errors()[0]
        path = "/" + "/".join(str(p) for p in err["loc"])
        raise PayloadError(f"not valid master data: {err['msg']}", path=path) from None
    if doc.items is not None:
        data = md.MasterData(doc.message_id, "ProcessMaterialDefinition")
        data.items = [
            md.ItemDef(i.code, i.name or i.code, i.kind, i.uom, i.shelf_life_days, path=f"/items/{n}")
            for n, i in enumerate(doc.items)
        ]
    elif doc.lots is not None:
        data = md.MasterData(doc.message_id, "ProcessMaterialLot")
        data.lots = [
            md.LotDef(
                x.code,
                x.item,
                x.quantity,
                x.uom,
                x.location,
                x.status,
                x.supplier,
                x.supplier_lot,
                path=f"/lots/{n}",
            )
            for n, x in enumerate(doc.lots)
        ]
    else:
        assert doc.equipment is not None
        data = md.MasterData(doc.message_id, "ProcessEquipment")
        data.equipment = [
            md.EquipmentDef(e.code, e.name or e.code, e.level, e.parent_code, path=f"/equipment/{n}")
            for n, e in enumerate(doc.equipment)
        ]
    codes = data.codes()
    dup = next((c for c in codes if codes.count(c) > 1), None)
    if dup:
        raise PayloadError(f"{dup} appears twice in the message")
    return data


def _other(what: str, code: str, rec: Any) -> PayloadError:
    return PayloadError(f"{what} {code} exists already with other data", path=rec.path, line=rec.line)


async def _check(caller: Caller, data: md.MasterData) -> tuple[list[Any], list[str]]:
    """The records to create, in order, and those that exist already with the same data."""
    todo: list[Any] = []
    done: list[str] = []
    for i in data.items:
        got = await remote.get(caller, "material", "items", i.code)
        if got is None:
            todo.append(i)
        elif (got["name"], got["kind"], got["uom"]) == (i.name, i.kind, i.uom):
            done.append(i.code)
        else:
            raise _other("material", i.code, i)
    for lot in data.lots:
        item = await remote.get(caller, "material", "items", lot.item)
        if item is None:
            raise PayloadError(
                f"material {lot.item} of lot {lot.code} is unknown to the MES", path=lot.path, line=lot.line
            )
        if await remote.get(caller, "material", "locations", lot.location) is None:
            raise PayloadError(
                f"storage location {lot.location} of lot {lot.code} is unknown to the MES",
                path=lot.path,
                line=lot.line,
            )
        got = await remote.get(caller, "material", "lots", lot.code)
        if got is None:
            todo.append(lot)
        elif got["item"] == lot.item and Decimal(str(got["quantity"])) == lot.quantity:
            done.append(lot.code)
        else:
            raise _other("material lot", lot.code, lot)
    levels: dict[str, str] = {}  # code -> level, of the equipment this message creates
    for e in data.equipment:
        # the resource service's ISA-95 rules, checked before anything is created
        parent_level = levels.get(e.parent) if e.parent is not None else None
        if e.parent is not None and parent_level is None:
            parent = await remote.get(caller, "resource", "equipment", e.parent)
            if parent is None:
                raise PayloadError(
                    f"parent {e.parent} of equipment {e.code} is unknown to the MES", path=e.path, line=e.line
                )
            parent_level = str(parent["level"])
        depth = EQUIPMENT_LEVELS.index(e.level)
        if (depth == 0) != (e.parent is None) or (
            parent_level is not None and EQUIPMENT_LEVELS.index(parent_level) >= depth
        ):
            where = f"under {parent_level} {e.parent}" if e.parent else "without a parent"
            raise PayloadError(f"equipment {e.code} ({e.level}) can't sit {where}", path=e.path, line=e.line)
        got = await remote.get(caller, "resource", "equipment", e.code)
        if got is None:
            todo.append(e)
            levels[e.code] = e.level
        elif (got["name"], got["level"], got.get("parent_code")) == (e.name, e.level, e.parent):
            done.append(e.code)
        else:
            raise _other("equipment", e.code, e)
    return todo, done


async def _create(caller: Caller, message_id: str, rec: Any) -> None:
    if isinstance(rec, md.ItemDef):
        body: dict[str, Any] = {"code": rec.code, "name": rec.name, "kind": rec.kind, "uom": rec.uom}
        if rec.shelf_life_days is not None:
            body["shelf_life_days"] = rec.shelf_life_days
        await remote.create(caller, "material", "items", body)
    elif isinstance(rec, md.LotDef):
        body = {
            "code": rec.code,
            "item": rec.item,
            "quantity": format(rec.quantity.normalize(), "f"),
            "location": rec.location,
            "status": rec.status,
        }
        for k in ("uom", "supplier", "supplier_lot"):
            if getattr(rec, k) is not None:
                body[k] = getattr(rec, k)
        key = hashlib.sha256(f"erp:{message_id}:{rec.code}".encode()).hexdigest()
        await remote.create(caller, "material", "lots", body, idempotency_key=key)
    else:
        body = {"code": rec.code, "name": rec.name, "level": rec.level, "parent_code": rec.parent}
        await remote.create(caller, "resource", "equipment", body)


async def take_master_data(session: AsyncSession, caller: Caller, raw: bytes, fmt: str) -> Answer:
    """One inbound master data message, B2MML (`fmt="b2mml"`) or JSON."""
    digest = hashlib.sha256(raw).hexdigest()
    try:
        data = read_b2mml(raw) if fmt == "b2mml" else read_json(raw)
    except PayloadError as e:
        raise await _refuse(session, fmt, raw, e, None) from None
    known = await session.get(ErpMessage, data.message_id, with_for_update=True)
    if known is not None:
        if known.request_hash != digest:
            raise MessageIdReused(f"Message {data.message_id} was received before with other content.")
        r = known.result
        return Answer(data.message_id, r["created"], r["existing"], None, True)
    try:
        todo, done = await _check(caller, data)
    except PayloadError as e:
        raise await _refuse(session, fmt, raw, e, data.message_id) from None
    created = []
    for rec in todo:
        await _create(caller, data.message_id, rec)
        created.append(rec.code)
    result: dict[str, Any] = {"created": created, "existing": done}
    session.add(
        ErpMessage(
            message_id=data.message_id,
            verb=data.verb,
            format=fmt,
            request_hash=digest,
            result=result,
            acknowledgement=None,
            sender=caller.subject,
        )
    )
    await append_audit(
        session,
        actor=caller.subject,
        action="erp.master_data_received",
        entity_type="erp_message",
        entity_id=data.message_id,
        new={"verb": data.verb, "format": fmt, **result},
    )
    return Answer(data.message_id, created, done, None, False)
