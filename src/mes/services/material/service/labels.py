"""Labels for lots, serials and finished units: GS1 element strings, ZPL for network printers, PDF
for the browser, and sending ZPL to a printer (ADR 28).

The GS1 data carries (01) the item's GTIN when it has one, otherwise (240) the item code, then
(17) the expiry, (10) the lot or (21) the serial, and (30) the count when it is a whole number.
The PDF is written directly (PDF 1.4, the standard Helvetica font, the content stream left
uncompressed) with a GS1-128 bar code whose modules come from python-barcode; the ZPL draws a
GS1 DataMatrix that the printer encodes itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from barcode.codex import Gs1_128  # type: ignore[import-untyped]
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mes.platform.audit import append_audit
from mes.platform.events import utcnow
from mes.platform.schemas import format_decimal as fmt
from mes.services.material import clients, queries
from mes.services.material.errors import PrinterNotFound
from mes.services.material.models import Item, LabelPrinter
from mes.services.material.schemas import PrintedRead, PrinterIn, PrinterRead, PrintLabel

FNC1 = "\xf1"  # python-barcode's FNC1; a GS (0x1D) in what a scanner sends


@dataclass(frozen=True, slots=True)
class LabelData:
    item: str
    item_name: str
    gtin: str | None
    lot: str
    serial: bool
    quantity: Decimal
    uom: str
    expires_on: date | None
    work_order: str | None

    def elements(self) -> list[tuple[str, str]]:
        """(AI, value) in the order printed: fixed-length first, so fewer separators are needed."""
        out: list[tuple[str, str]] = [("01", self.gtin)] if self.gtin else []
        if self.expires_on is not None:
            out.append(("17", self.expires_on.strftime("%y%m%d")))
        out.append(("21" if self.serial else "10", self.lot[:20]))
        if (
            not self.serial
            and self.quantity == self.quantity.to_integral_value()
            and 0 < self.quantity < 10**8
        ):
            out.append(("30", str(int(self.quantity))))
        if not self.gtin:
            out.append(("240", self.item[:30]))
        return out

    def human(self) -> str:
        """The element string as printed under the code: (01)...(17)...(10)..."""
        return "".join(f"({ai}){value}" for ai, value in self.elements())

    def encoded(self, separator: str) -> str:
        """The element string as encoded, `separator` after every variable-length field but the last."""
        fixed = {"01", "17"}
        parts = self.elements()
        text = ""
        for index, (ai, value) in enumerate(parts):
            text += ai + value
            if ai not in fixed and index < len(parts) - 1:
                text += separator
        return text


async def label_data(session: AsyncSession, code: str) -> LabelData:
    lot = await queries.get_lot(session, code)
    item = await session.scalar(select(Item).where(Item.code == lot.item))
    assert item is not None
    return LabelData(
        item=item.code,
        item_name=item.name,
        gtin=item.gtin,
        lot=lot.code,
        serial=item.tracking == "serial",
        quantity=lot.quantity,
        uom=lot.uom,
        expires_on=lot.expires_on,
        work_order=lot.work_order,
    )


def _zpl_text(value: str) -> str:
    """Field data for ^FD: ^ and ~ would start commands, so they are dropped."""
    return value.replace("^", " ").replace("~", " ")


def render_zpl(data: LabelData, copies: int = 1) -> str:
    """A 4 x 3 inch label at 203 dpi: item, lot or serial, quantity, expiry, GS1 DataMatrix."""
    lines = [
        "^XA",
        "^CI28",  # UTF-8 field data
        "^PW812",
        "^LL609",
        f"^FO40,30^A0N,44,44^FD{_zpl_text(data.item_name)[:40]}^FS",
        f"^FO40,90^A0N,30,30^FDItem: {_zpl_text(data.item)}^FS",
        f"^FO40,135^A0N,36,36^FD{'Serial' if data.serial else 'Lot'}: {_zpl_text(data.lot)}^FS",
        f"^FO40,185^A0N,30,30^FDQuantity: {fmt(data.quantity)} {_zpl_text(data.uom)}^FS",
        f"^FO40,230^A0N,30,30^FDExpiry: {data.expires_on.isoformat() if data.expires_on else '-'}^FS",
    ]
    if data.work_order:
        lines.append(f"^FO40,275^A0N,26,26^FDWork order: {_zpl_text(data.work_order)}^FS")
    # ^BX quality 200 with "_" as escape: "_1" is FNC1, first (GS1 DataMatrix) and between fields
    lines += [
        f"^FO560,90^BXN,8,200,0,0,6,_^FD_1{data.encoded('_1')}^FS",
        f"^FO40,330^A0N,24,24^FD{_zpl_text(data.human())}^FS",
        f"^PQ{copies}",
        "^XZ",
    ]
    return "\n".join(lines) + "\n"


def _pdf_string(text: str) -> bytes:
    raw = text.encode("cp1252", errors="replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _modules(data: LabelData) -> str:
    """The GS1-128 symbol as dark (1) and light (0) modules, start to stop."""
    symbol = Gs1_128(data.encoded(FNC1))
    built = symbol.build()
    return str(built[0])


def render_pdf(data: LabelData) -> bytes:
    """One 4 x 3 inch page (288 x 216 pt), text and a GS1-128 code as filled rectangles."""
    width, height = 288, 216
    ops: list[bytes] = [b"0 0 0 rg"]

    def text(x: float, y: float, size: int, value: str, bold: bool = False) -> None:
        font = b"/F2" if bold else b"/F1"
        ops.append(b"BT " + font + b" %d Tf %.2f %.2f Td " % (size, x, y) + _pdf_string(value) + b" Tj ET")

    text(14, 192, 13, data.item_name[:44], bold=True)
    text(14, 176, 9, f"Item: {data.item}" + (f"   GTIN: {data.gtin}" if data.gtin else ""))
    text(14, 158, 12, f"{'Serial' if data.serial else 'Lot'}: {data.lot}", bold=True)
    text(14, 142, 9, f"Quantity: {fmt(data.quantity)} {data.uom}")
    text(14, 128, 9, f"Expiry: {data.expires_on.isoformat() if data.expires_on else '-'}")
    if data.work_order:
        text(150, 128, 9, f"Work order: {data.work_order}")
    modules = _modules(data)
    quiet = 10  # modules of white each side
    module = min(1.0, (width - 28) / (len(modules) + 2 * quiet))
    x0 = (width - module * len(modules)) / 2
    y0, bar_h = 34.0, 80.0
    run_start: int | None = None
    for i, m in enumerate(modules + "0"):
        if m == "1" and run_start is None:
            run_start = i
        elif m != "1" and run_start is not None:
            ops.append(
                b"%.3f %.2f %.3f %.2f re f" % (x0 + run_start * module, y0, (i - run_start) * module, bar_h)
            )
            run_start = None
    text(14, 20, 8, data.human()[:70])
    content = b"\n".join(ops) + b"\n"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R /F2 6 0 R >> >> >>" % (width, height),
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"endstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
        b"<< /Title " + _pdf_string(f"Label {data.lot}") + b" /Producer (MES) >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets: list[int] = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        len(objects),
        xref,
    )
    return bytes(out)


async def put_printer(session: AsyncSession, code: str, data: PrinterIn, actor: str) -> PrinterRead:
    printer = await session.get(LabelPrinter, code)
    old = None if printer is None else {"host": printer.host, "port": printer.port, "name": printer.name}
    if printer is None:
        printer = LabelPrinter(code=code)
        session.add(printer)
    printer.name, printer.host, printer.port = data.name, data.host, data.port
    printer.updated_at, printer.updated_by = utcnow(), actor
    await session.flush()
    await append_audit(
        session,
        actor=actor,
        action="label_printer.saved",
        entity_type="label_printer",
        entity_id=code,
        old=old,
        new=data.model_dump(mode="json"),
    )
    return PrinterRead.model_validate(printer)


async def list_printers(session: AsyncSession) -> list[PrinterRead]:
    rows = await session.scalars(select(LabelPrinter).order_by(LabelPrinter.code))
    return [PrinterRead.model_validate(p) for p in rows]


async def print_label(session: AsyncSession, code: str, data: PrintLabel, actor: str) -> PrintedRead:
    """Send the lot's ZPL to a registered printer; nothing is locked while the printer answers."""
    printer = await session.get(LabelPrinter, data.printer)
    if printer is None:
        raise PrinterNotFound(f"No label printer {data.printer}.", printer=data.printer)
    zpl = render_zpl(await label_data(session, code), data.copies).encode("utf-8")
    await clients.send_to_printer(printer.host, printer.port, zpl)
    await append_audit(
        session,
        actor=actor,
        action="lot.label_printed",
        entity_type="lot",
        entity_id=code,
        new={"printer": printer.code, "copies": data.copies},
    )
    return PrintedRead(lot=code, printer=printer.code, copies=data.copies, bytes_sent=len(zpl))
