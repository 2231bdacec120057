"""B2MML V0700 messages: safe parsing, validation against MESA's schemas (in this folder, with
MESA's LICENSE), the ProcessOperationsSchedule read into orders, and the messages the MES writes
(AcknowledgeOperationsSchedule, ProcessOperationsPerformance).

"The Business To Manufacturing Markup Language (B2MML) is used courtesy of MESA International."
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import defusedxml  # type: ignore[import-untyped]
from defusedxml import ElementTree as SafeET
from lxml import etree  # type: ignore[import-untyped]

from mes.services.integration.errors import PayloadError

HERE = Path(__file__).parent
NS = "http://www.mesa.org/xml/B2MML"
MAX_BYTES = 1024 * 1024
MAX_ORDERS = 500
RELEASE = "V0700"
_Q = f"{{{NS}}}"


@functools.cache
def schema(name: str) -> Any:
    """The V0700 schema of one message family (OperationsSchedule, OperationsPerformance)."""
    import xmlschema

    return xmlschema.XMLSchema(str(HERE / f"B2MML-{name}.xsd"))


def parse(data: bytes) -> etree._Element:
    """The document's root, refusing DTDs, entities, external references and oversized input."""
    if len(data) > MAX_BYTES:
        raise PayloadError(f"message of {len(data)} bytes is over the {MAX_BYTES} byte limit")
    try:
        SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except defusedxml.DTDForbidden:
        raise PayloadError("DTDs are not allowed (no DOCTYPE, no entities)", line=1) from None
    except (defusedxml.EntitiesForbidden, defusedxml.ExternalReferenceForbidden):
        raise PayloadError("entities and external references are not allowed") from None
    except SafeET.ParseError as e:
        line = e.position[0] if getattr(e, "position", None) else None
        raise PayloadError(f"malformed XML: {e}", line=line) from None
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        return etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as e:
        raise PayloadError(f"malformed XML: {e.msg}", line=e.lineno) from None


def validate(root: etree._Element, family: str) -> None:
    """The first schema violation, with its line and path; nothing when the document is valid."""
    for err in schema(family).iter_errors(root):
        reason = (err.reason or str(err.message)).strip()
        el = err.elem
        index = getattr(err, "index", None)
        if el is not None and isinstance(index, int) and 0 <= index < len(el) and "child" in reason.lower():
            el = el[index]  # point at the offending child itself
        if el is None or not isinstance(el, etree._Element):
            raise PayloadError(f"not valid B2MML V0700: {reason}", path=err.path)
        raise PayloadError(f"not valid B2MML V0700: {reason}", path=_path(el), line=el.sourceline)


def _text(el: etree._Element | None) -> str | None:
    if el is None or el.text is None:
        return None
    return " ".join(el.text.split()) or None


def _path(el: etree._Element) -> str:
    """/Root/Child/Other[2]: local names, with a position where siblings share the name."""
    parts: list[str] = []
    cur: etree._Element | None = el
    while cur is not None:
        name = etree.QName(cur).localname
        parent = cur.getparent()
        if parent is not None:
            same = [c for c in parent if c.tag == cur.tag]
            if len(same) > 1:
                name += f"[{same.index(cur) + 1}]"
        parts.append(name)
        cur = parent
    return "/" + "/".join(reversed(parts))


@dataclass(frozen=True)
class OrderRequest:
    number: str
    product: str
    quantity: Decimal
    uom: str | None
    due: datetime
    priority: int
    erp_ref: str | None
    line: int | None = None
    path: str | None = None


@dataclass(frozen=True)
class Schedule:
    message_id: str
    sender: str | None
    created: str
    orders: list[OrderRequest]
    schedule_ids: list[str]


def _need(el: etree._Element, child: str, why: str) -> etree._Element:
    found = el.find(f"{_Q}{child}")
    if found is None or not _text(found):
        raise PayloadError(f"{why}: {child} is missing", path=_path(el), line=el.sourceline)
    return found


def read_schedule(root: etree._Element) -> Schedule:
    """A validated ProcessOperationsSchedule as work order requests: each OperationsRequest is an
    order (its ID the number, EndTime the due date, Priority 1-9), its product the segment
    requirement's material with MaterialUse Produced, with the quantity to make."""
    if root.tag != f"{_Q}ProcessOperationsSchedule":
        raise PayloadError(
            f"expected ProcessOperationsSchedule, got {etree.QName(root).localname}",
            path="/",
            line=root.sourceline,
        )
    area = root.find(f"{_Q}ApplicationArea")
    assert area is not None  # the schema requires it
    bod = area.find(f"{_Q}BODID")
    if _text(bod) is None:
        raise PayloadError(
            "ApplicationArea/BODID is missing: it is the message id", path=_path(area), line=area.sourceline
        )
    sender = _text(area.find(f"{_Q}Sender/{_Q}LogicalID"))
    created = _text(area.find(f"{_Q}CreationDateTime")) or ""
    orders: list[OrderRequest] = []
    schedule_ids: list[str] = []
    for sched in root.iterfind(f"{_Q}DataArea/{_Q}OperationsSchedule"):
        sid = _text(sched.find(f"{_Q}ID"))
        if sid:
            schedule_ids.append(sid)
        for req in sched.iterfind(f"{_Q}OperationsRequest"):
            number = _text(_need(req, "ID", "an operations request needs an ID (the order number)"))
            assert number is not None
            end = _need(req, "EndTime", f"operations request {number} needs an EndTime (the due date)")
            try:
                due = datetime.fromisoformat(_text(end) or "")
            except ValueError:
                raise PayloadError(
                    f"EndTime {_text(end)!r} is not a date and time", path=_path(end), line=end.sourceline
                ) from None
            if due.tzinfo is None:
                raise PayloadError("EndTime needs a time zone offset", path=_path(end), line=end.sourceline)
            prio_el = req.find(f"{_Q}Priority")
            priority = 5
            if prio_el is not None and _text(prio_el):
                try:
                    priority = int(_text(prio_el) or "")
                except ValueError:
                    priority = 0
                if not 1 <= priority <= 9:
                    raise PayloadError(
                        "Priority must be a whole number from 1 to 9",
                        path=_path(prio_el),
                        line=prio_el.sourceline,
                    )
            produced = [
                m
                for m in req.iterfind(f"{_Q}SegmentRequirement/{_Q}MaterialRequirement")
                if _text(m.find(f"{_Q}MaterialUse")) in ("Produced", "Material Produced", "Yield Produced")
            ]
            if len(produced) != 1:
                raise PayloadError(
                    f"operations request {number} needs exactly one produced material requirement, has {len(produced)}",
                    path=_path(req),
                    line=req.sourceline,
                )
            mat = produced[0]
            product = _text(_need(mat, "MaterialDefinitionID", "the produced material needs its definition"))
            qty_el = mat.find(f"{_Q}Quantity")
            if qty_el is None:
                raise PayloadError(
                    "the produced material needs a Quantity", path=_path(mat), line=mat.sourceline
                )
            qs = qty_el.find(f"{_Q}QuantityString")
            try:
                quantity = Decimal(_text(qs) or "")
            except InvalidOperation:
                quantity = Decimal(0)
            if not quantity.is_finite() or quantity <= 0 or quantity > Decimal("1e12"):
                raise PayloadError(
                    f"quantity {_text(qs)!r} must be a number above 0",
                    path=_path(qs if qs is not None else qty_el),
                    line=qty_el.sourceline,
                )
            orders.append(
                OrderRequest(
                    number=number,
                    product=product or "",
                    quantity=quantity,
                    uom=_text(qty_el.find(f"{_Q}UnitOfMeasure")),
                    due=due,
                    priority=priority,
                    erp_ref=sid,
                    line=req.sourceline,
                    path=_path(req),
                )
            )
    if not orders:
        raise PayloadError(
            "the schedule holds no operations request", path="/ProcessOperationsSchedule/DataArea", line=None
        )
    if len(orders) > MAX_ORDERS:
        raise PayloadError(f"{len(orders)} operations requests: at most {MAX_ORDERS} per message")
    return Schedule(str(_text(bod)), sender, created, orders, schedule_ids)


def _el(parent: etree._Element, name: str, text: str | None = None, **attrs: str) -> etree._Element:
    el = etree.SubElement(parent, f"{_Q}{name}", attrs)
    if text is not None:
        el.text = text
    return el


def _area(root: etree._Element, bodid: str, created: str, sender: str = "MES") -> None:
    area = _el(root, "ApplicationArea")
    _el(_el(area, "Sender"), "LogicalID", sender)
    _el(area, "CreationDateTime", created)
    _el(area, "BODID", bodid)


def acknowledge_schedule(schedule: Schedule, *, bodid: str, created: str, accepted: bool, note: str) -> bytes:
    """AcknowledgeOperationsSchedule: the original application area and the schedule ids, accepted
    (or rejected with the reason)."""
    root = etree.Element(f"{_Q}AcknowledgeOperationsSchedule", {"releaseID": RELEASE}, nsmap={None: NS})
    _area(root, bodid, created)
    data = _el(root, "DataArea")
    ack = _el(data, "Acknowledge")
    orig = _el(ack, "OriginalApplicationArea")
    if schedule.sender:
        _el(_el(orig, "Sender"), "LogicalID", schedule.sender)
    _el(orig, "CreationDateTime", schedule.created or created)
    _el(orig, "BODID", schedule.message_id)
    crit = _el(ack, "ResponseCriteria")
    _el(crit, "ResponseExpression", note, actionCode="Accepted" if accepted else "Rejected")
    for sid in schedule.schedule_ids or [schedule.message_id]:
        _el(_el(data, "OperationsSchedule"), "ID", sid)
    out: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    return out


@dataclass(frozen=True)
class Performed:
    """What one work order produced (and consumed), for ProcessOperationsPerformance."""

    order: str
    product: str
    good: Decimal
    scrap: Decimal
    uom: str
    state: str  # the B2MML response state: Completed, Running, Aborted...
    start: str | None
    end: str | None
    lots: tuple[tuple[str, str, Decimal, str, str], ...] = ()  # (use, item, quantity, uom, lot)


def _qty(parent: etree._Element, q: Decimal, uom: str) -> None:
    el = _el(parent, "Quantity")
    _el(el, "QuantityString", format(q.normalize(), "f"))
    _el(el, "DataType", "decimal")
    _el(el, "UnitOfMeasure", uom)


def operations_performance(p: Performed, *, bodid: str, created: str) -> bytes:
    """ProcessOperationsPerformance for one work order: an OperationsResponse with the produced
    material (good and scrap) and the consumed lots."""
    root = etree.Element(f"{_Q}ProcessOperationsPerformance", {"releaseID": RELEASE}, nsmap={None: NS})
    _area(root, bodid, created)
    data = _el(root, "DataArea")
    _el(data, "Process")
    perf = _el(data, "OperationsPerformance")
    _el(perf, "ID", p.order)
    _el(perf, "OperationsType", "Production")
    resp = _el(perf, "OperationsResponse")
    _el(resp, "ID", p.order)
    _el(resp, "OperationsType", "Production")
    _el(resp, "OperationsRequestID", p.order)
    if p.start:
        _el(resp, "StartTime", p.start)
    if p.end:
        _el(resp, "EndTime", p.end)
    _el(resp, "ResponseState", p.state)
    seg = _el(resp, "SegmentResponse")
    _el(seg, "ID", f"{p.order}-1")
    if p.start:
        _el(seg, "ActualStartTime", p.start)
    if p.end:
        _el(seg, "ActualEndTime", p.end)
    _el(seg, "SegmentState", p.state)
    for use, item, q, uom, lot in (
        [("Produced", p.product, p.good, p.uom, "")]
        + ([("Scrap", p.product, p.scrap, p.uom, "")] if p.scrap else [])
        + list(p.lots)
    ):
        actual = _el(seg, "MaterialActual")
        _el(actual, "MaterialDefinitionID", item)
        if lot:
            _el(actual, "MaterialLotID", lot)
        if use == "Scrap":
            _el(actual, "Description", "scrap")
        _el(actual, "MaterialUse", "Produced" if use == "Scrap" else use)
        _qty(actual, q, uom)
    out: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    return out
