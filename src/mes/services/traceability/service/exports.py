"""A recall as a table: CSV and XLSX, with the FSMA 204 key data elements as the first columns."""

from __future__ import annotations

import csv
import io

from mes.platform.schemas import format_decimal
from mes.services.traceability.schemas import AffectedLot, RecallRead

# FSMA 204 key data elements (traceability lot code, product, quantity and unit, location, dates),
# then what a recall team works from: where the lot is now, its balance and what hold-all did
COLUMNS = (
    "Traceability Lot Code",
    "Product",
    "Quantity",
    "Unit of Measure",
    "Location",
    "Event",
    "Event Date",
    "Expiry Date",
    "Supplier",
    "Supplier Lot",
    "Work Order",
    "Status",
    "Where",
    "On Hand",
    "Mass Balance Difference",
    "Recall Hold",
    "Shipped",
    "Shipped To",
)
_EVENT = {"received": "Receiving", "produced": "Transformation", "split": "Transformation"}


def rows(report: RecallRead) -> list[list[str]]:
    return [_row(lot) for lot in report.affected]


def _row(lot: AffectedLot) -> list[str]:
    made = lot.balance.received
    return [
        lot.code,
        lot.item or "",
        format_decimal(made),
        lot.uom or "",
        lot.location or "",
        _EVENT.get(lot.origin or "", ""),
        lot.made_at.isoformat() if lot.made_at else "",
        lot.expires_on.isoformat() if lot.expires_on else "",
        lot.supplier or "",
        lot.supplier_lot or "",
        lot.work_order or "",
        lot.status,
        lot.where,
        format_decimal(lot.balance.on_hand),
        format_decimal(lot.balance.difference),
        lot.hold or "",
        format_decimal(lot.balance.shipped),
        "; ".join(
            " / ".join(p for p in (s.customer, s.destination) if p) + f" ({format_decimal(s.quantity)})"
            for s in lot.shipments
        ),
    ]


def _safe(cell: str) -> str:
    # a spreadsheet runs a cell starting with one of these as a formula: codes never need it
    return "'" + cell if cell[:1] in ("=", "+", "-", "@") else cell


def to_csv(report: RecallRead) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in rows(report):
        writer.writerow([_safe(c) for c in row])
    return out.getvalue().encode("utf-8-sig")  # the BOM makes spreadsheet programs read UTF-8


def to_xlsx(report: RecallRead) -> bytes:
    from openpyxl import Workbook  # type: ignore[import-untyped]  # imported on first use: slow to load

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Recall"
    sheet.append(list(COLUMNS))
    for row in rows(report):
        sheet.append(row)
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
