"""B2MML V0700 master data from the ERP: ProcessMaterialDefinition (items), ProcessMaterialLot
(lots received) and ProcessEquipment (the equipment hierarchy), read from validated documents.

Mapping (ADR 29): a MaterialDefinition's ID is the item code, its first Description the name, the
MaterialDefinitionProperty `UnitOfMeasure` (required), `ItemKind` (raw by default) and
`ShelfLifeDays` the rest. A MaterialLot's ID is the lot code, MaterialDefinitionID the item,
Quantity the quantity, StorageLocation the location, Status `quarantine` or available, the
MaterialLotProperty `SupplierLot` and `Supplier`. An Equipment's ID is the code, its Description the
name, EquipmentLevel's level the level; its parent is the Equipment it is nested in, or else its
HierarchyScope's EquipmentID.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from lxml import etree  # type: ignore[import-untyped]

from mes.services.integration.errors import PayloadError
from mes.services.integration.models.b2mml import _Q, _need, _path, _text

MAX_RECORDS = 500
ROOTS = {
    "ProcessMaterialDefinition": ("Material", "MaterialDefinition"),
    "ProcessMaterialLot": ("Material", "MaterialLot"),
    "ProcessEquipment": ("Equipment", "Equipment"),
}
KINDS = ("raw", "intermediate", "finished", "packaging")
LEVELS = {
    "enterprise": "enterprise",
    "site": "site",
    "area": "area",
    "workcenter": "work_center",
    "processcell": "work_center",
    "productionline": "work_center",
    "productionunit": "work_center",
    "storagezone": "work_center",
    "workunit": "equipment",
    "unit": "equipment",
    "workcell": "equipment",
    "storageunit": "equipment",
    "equipment": "equipment",
}


@dataclass(frozen=True)
class ItemDef:
    code: str
    name: str
    kind: str
    uom: str
    shelf_life_days: int | None = None
    line: int | None = None
    path: str | None = None


@dataclass(frozen=True)
class LotDef:
    code: str
    item: str
    quantity: Decimal
    uom: str | None
    location: str
    status: str = "available"
    supplier: str | None = None
    supplier_lot: str | None = None
    line: int | None = None
    path: str | None = None


@dataclass(frozen=True)
class EquipmentDef:
    code: str
    name: str
    level: str
    parent: str | None
    line: int | None = None
    path: str | None = None


@dataclass
class MasterData:
    message_id: str
    verb: str
    items: list[ItemDef] = field(default_factory=list)
    lots: list[LotDef] = field(default_factory=list)
    equipment: list[EquipmentDef] = field(default_factory=list)

    def codes(self) -> list[str]:
        return [x.code for x in self.items] + [x.code for x in self.lots] + [x.code for x in self.equipment]


def family(root: etree._Element) -> str:
    """The schema family of a master data message; refuses any other root."""
    name = etree.QName(root).localname
    if etree.QName(root).namespace != _Q[1:-1] or name not in ROOTS:
        raise PayloadError(
            f"expected one of {', '.join(ROOTS)} in the B2MML namespace, got {name}",
            path=_path(root),
            line=root.sourceline,
        )
    return ROOTS[name][0]


def _props(el: etree._Element, tag: str) -> dict[str, tuple[str | None, etree._Element]]:
    out: dict[str, tuple[str | None, etree._Element]] = {}
    for p in el.findall(f"{_Q}{tag}"):
        pid = _text(p.find(f"{_Q}ID"))
        if pid:
            out[pid] = (_text(p.find(f"{_Q}Value/{_Q}ValueString")), p)
    return out


def _bad(why: str, el: etree._Element) -> PayloadError:
    return PayloadError(why, path=_path(el), line=el.sourceline)


def _item(el: etree._Element) -> ItemDef:
    code = _text(_need(el, "ID", "a MaterialDefinition needs its ID"))
    assert code is not None
    name = _text(el.find(f"{_Q}Description")) or code
    props = _props(el, "MaterialDefinitionProperty")
    uom, _ = props.get("UnitOfMeasure", (None, el))
    if not uom:
        raise _bad(f"material {code}: the MaterialDefinitionProperty UnitOfMeasure is missing", el)
    kind, kind_el = props.get("ItemKind", ("raw", el))
    kind = (kind or "raw").lower()
    if kind not in KINDS:
        raise _bad(f"material {code}: ItemKind {kind} is not one of {', '.join(KINDS)}", kind_el)
    shelf, shelf_el = props.get("ShelfLifeDays", (None, el))
    days = None
    if shelf is not None:
        if not shelf.isdigit() or not 1 <= int(shelf) <= 36500:
            raise _bad(f"material {code}: ShelfLifeDays {shelf} is not a number of days", shelf_el)
        days = int(shelf)
    return ItemDef(code, name[:200], kind, uom, days, el.sourceline, _path(el))


def _lot(el: etree._Element) -> LotDef:
    code = _text(_need(el, "ID", "a MaterialLot needs its ID"))
    item = _text(_need(el, "MaterialDefinitionID", f"material lot {code} needs its material"))
    location = _text(_need(el, "StorageLocation", f"material lot {code} needs its StorageLocation"))
    q = el.find(f"{_Q}Quantity")
    if q is None:
        raise _bad(f"material lot {code} needs its Quantity", el)
    assert code is not None
    assert item is not None
    assert location is not None
    raw = _text(q.find(f"{_Q}QuantityString"))
    try:
        quantity = Decimal(raw or "")
    except InvalidOperation:
        raise _bad(f"material lot {code}: quantity {raw!r} is not a number", q) from None
    if not quantity.is_finite() or quantity <= 0:
        raise _bad(f"material lot {code}: quantity {raw} must be above 0", q)
    status = (_text(el.find(f"{_Q}Status")) or "available").lower()
    if status not in ("available", "quarantine"):
        raise _bad(f"material lot {code}: Status {status} is neither available nor quarantine", el)
    props = _props(el, "MaterialLotProperty")
    return LotDef(
        code,
        item,
        quantity,
        _text(q.find(f"{_Q}UnitOfMeasure")),
        location,
        status,
        props.get("Supplier", (None, el))[0],
        props.get("SupplierLot", (None, el))[0],
        el.sourceline,
        _path(el),
    )


def _equipment(el: etree._Element, parent: str | None, out: list[EquipmentDef]) -> None:
    code = _text(_need(el, "ID", "an Equipment needs its ID"))
    assert code is not None
    raw = _text(el.find(f"{_Q}EquipmentLevel/{_Q}EquipmentElementLevel")) or _text(
        el.find(f"{_Q}EquipmentLevel/{_Q}EquipmentLevel")
    )
    level = LEVELS.get((raw or "").replace(" ", "").lower())
    if level is None:
        raise _bad(f"equipment {code}: EquipmentLevel {raw!r} has no level in the MES", el)
    if parent is None:
        parent = _text(el.find(f"{_Q}HierarchyScope/{_Q}EquipmentID"))
    name = _text(el.find(f"{_Q}Description")) or code
    out.append(EquipmentDef(code, name[:200], level, parent, el.sourceline, _path(el)))
    for child in el.findall(f"{_Q}Equipment"):
        _equipment(child, code, out)


def read_master_data(root: etree._Element) -> MasterData:
    """A validated Process{MaterialDefinition,MaterialLot,Equipment} message."""
    verb = etree.QName(root).localname
    noun = ROOTS[verb][1]
    bodid = _text(root.find(f"{_Q}ApplicationArea/{_Q}BODID"))
    if not bodid:
        raise _bad("ApplicationArea/BODID (the message id) is missing", root)
    data = MasterData(bodid, verb)
    records = root.findall(f"{_Q}DataArea/{_Q}{noun}")
    if len(records) > MAX_RECORDS:
        raise _bad(f"{len(records)} records is over the limit of {MAX_RECORDS} per message", root)
    for el in records:
        if noun == "MaterialDefinition":
            data.items.append(_item(el))
        elif noun == "MaterialLot":
            data.lots.append(_lot(el))
        else:
            _equipment(el, None, data.equipment)
    codes = data.codes()
    dup = next((c for c in codes if codes.count(c) > 1), None)
    if dup:
        raise _bad(f"{dup} appears twice in the message", root)
    return data
