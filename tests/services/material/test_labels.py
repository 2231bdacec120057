"""Labels of lots and serials: a PDF for the browser and ZPL for a network printer, with GS1 data."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from decimal import Decimal

from mes.platform.testing import Harness
from mes.services.material.service.labels import LabelData, _modules

from .conftest import ALL, M

Seed = Callable[[], Awaitable[None]]
GTIN = "04012345000092"  # check digit 2


async def _setup(h: Harness) -> dict[str, str]:
    auth = h.auth(*ALL, sub="planner-kim")
    item = {"code": "CAP-G", "name": "Cap, green", "kind": "intermediate", "uom": "pcs", "gtin": GTIN}
    assert (await h.client.post(f"{M}/items", json=item, headers=auth)).status_code == 201
    lot = {
        "code": "CAP-2612-07",
        "item": "CAP-G",
        "quantity": "250",
        "location": "WH-01",
        "expires_on": "2027-06-30",
    }
    assert (await h.client.post(f"{M}/lots", json=lot, headers=auth)).status_code == 201
    return auth


async def test_pdf_label_carries_the_lot_and_a_gs1_128_code(harness: Harness, plant: Seed) -> None:
    await plant()
    auth = await _setup(harness)
    r = await harness.client.get(f"{M}/lots/CAP-2612-07/label", headers=auth)
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    pdf = r.content
    assert pdf.startswith(b"%PDF-1.4") and pdf.rstrip().endswith(b"%%EOF")
    assert b"(Lot: CAP-2612-07)" in pdf and b"(Quantity: 250 pcs)" in pdf and b"(Expiry: 2027-06-30)" in pdf
    assert b"((01)04012345000092(17)270630(10)CAP-2612-07(30)250)" in pdf.replace(b"\\(", b"(").replace(
        b"\\)", b")"
    )
    # the cross-reference table points at each object
    xref = int(re.search(rb"startxref\n(\d+)", pdf).group(1))  # type: ignore[union-attr]
    assert pdf[xref:].startswith(b"xref")
    for n, offset in enumerate(re.findall(rb"(\d{10}) 00000 n", pdf), start=1):
        assert pdf[int(offset) :].startswith(b"%d 0 obj" % n)
    assert pdf.count(b" re f") > 20  # the bars


def test_the_bar_code_is_gs1_128_start_c_then_fnc1() -> None:
    data = LabelData("X", "X", GTIN, "L1", False, Decimal("2.5"), "kg", None, None)
    modules = _modules(data)
    start_c, fnc1, stop = "11010011100", "11110101110", "1100011101011"
    assert modules.startswith(start_c + fnc1) and modules.endswith(stop)
    assert data.encoded("|") == "01" + GTIN + "10L1"  # no count for 2.5 kg
    no_gtin = LabelData("X-1", "X", None, "L1", True, Decimal(1), "pcs", None, None)
    assert no_gtin.encoded("|") == "21L1|240X-1" and no_gtin.human() == "(21)L1(240)X-1"


async def test_zpl_label_and_printing_to_a_network_printer(harness: Harness, plant: Seed) -> None:
    await plant()
    auth = await _setup(harness)
    zpl = await harness.client.get(f"{M}/lots/CAP-2612-07/label", params={"format": "zpl"}, headers=auth)
    assert zpl.status_code == 200 and zpl.headers["content-type"].startswith("text/plain")
    text = zpl.text
    assert text.startswith("^XA") and text.rstrip().endswith("^XZ")
    assert "^FDLot: CAP-2612-07^FS" in text
    assert f"^FD_101{GTIN}17270630" + "10CAP-2612-07_130250^FS" in text  # GS1 DataMatrix, FNC1 as _1

    received: list[bytes] = []
    done = asyncio.Event()

    async def on_connect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        received.append(await reader.read())  # until the sender closes
        writer.close()
        done.set()

    server = await asyncio.start_server(on_connect, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        put = await harness.client.put(
            f"{M}/label-printers/ZEBRA-1",
            json={"name": "Line 1 Zebra", "host": "127.0.0.1", "port": port},
            headers=auth,
        )
        assert put.status_code == 200, put.text
        listed = (await harness.client.get(f"{M}/label-printers", headers=auth)).json()
        assert [(p["code"], p["port"]) for p in listed] == [("ZEBRA-1", port)]
        r = await harness.client.post(
            f"{M}/lots/CAP-2612-07/label/print", json={"printer": "ZEBRA-1", "copies": 2}, headers=auth
        )
        assert r.status_code == 200, r.text
        await asyncio.wait_for(done.wait(), 10)
    finally:
        server.close()
        await server.wait_closed()
    assert received[0].decode() == text.replace("^PQ1", "^PQ2")
    assert r.json() == {
        "lot": "CAP-2612-07",
        "printer": "ZEBRA-1",
        "copies": 2,
        "bytes_sent": len(received[0]),
    }

    # a printer that is off: a clear 503, and an unknown printer: 404
    await harness.client.put(
        f"{M}/label-printers/ZEBRA-1",
        json={"name": "Line 1 Zebra", "host": "127.0.0.1", "port": port},
        headers=auth,
    )
    r = await harness.client.post(
        f"{M}/lots/CAP-2612-07/label/print", json={"printer": "ZEBRA-1"}, headers=auth
    )
    assert r.status_code == 503 and r.json()["code"] == "printer_unreachable"
    r = await harness.client.post(f"{M}/lots/CAP-2612-07/label/print", json={"printer": "NOPE"}, headers=auth)
    assert r.status_code == 404 and r.json()["code"] == "printer_not_found"


async def test_a_wrong_gtin_is_refused(harness: Harness, plant: Seed) -> None:
    await plant()
    auth = harness.auth(*ALL)
    item = {"code": "CAP-X", "name": "Cap", "kind": "intermediate", "uom": "pcs", "gtin": "04012345000093"}
    r = await harness.client.post(f"{M}/items", json=item, headers=auth)
    assert r.status_code == 422 and r.json()["code"] == "invalid_item"
