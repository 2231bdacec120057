"""The demo plant's data: a site with two lines and ten machines, people, items, routings, orders."""

from __future__ import annotations

from typing import Any

OPERATOR_PASSWORD = "Shopfloor-2026!"  # noqa: S105 (demo accounts only, printed to the user)

EQUIPMENT = [
    ("ACME", "Acme Plastics & Metal", "enterprise", None),
    ("LYON", "Lyon plant", "site", "ACME"),
    ("LINE-1", "Line 1: boxes", "area", "LYON"),
    ("LINE-2", "Line 2: brackets", "area", "LYON"),
    ("L1-MOULD", "Line 1 moulding", "work_center", "LINE-1"),
    ("L1-ASSY", "Line 1 assembly", "work_center", "LINE-1"),
    ("L2-CNC", "Line 2 machining", "work_center", "LINE-2"),
    ("L2-PACK", "Line 2 packing", "work_center", "LINE-2"),
    *[(f"IMM-1{i}", f"Injection press {i}", "equipment", "L1-MOULD") for i in (1, 2, 3)],
    *[(f"ASM-1{i}", f"Assembly bench {i}", "equipment", "L1-ASSY") for i in (1, 2)],
    *[(f"CNC-2{i}", f"CNC mill {i}", "equipment", "L2-CNC") for i in (1, 2)],
    *[(f"PCK-2{i}", f"Packing station {i}", "equipment", "L2-PACK") for i in (1, 2, 3)],
]
SKILLS = [
    ("MOULDING", "Injection moulding"),
    ("ASSEMBLY", "Assembly"),
    ("CNC", "CNC machining"),
    ("PACKING", "Packing"),
]
OPERATORS = [
    ("ana.moreau", "Ana Moreau", [("MOULDING", 3), ("ASSEMBLY", 2)]),
    ("ben.okafor", "Ben Okafor", [("ASSEMBLY", 2), ("PACKING", 1)]),
    ("carla.ruiz", "Carla Ruiz", [("CNC", 3), ("PACKING", 2)]),
    ("dev.patel", "Dev Patel", [("CNC", 1), ("MOULDING", 1)]),
    ("eli.novak", "Eli Novak", [("PACKING", 2), ("ASSEMBLY", 1)]),
]
LOCATIONS = [
    ("WH-01", "Main warehouse", "warehouse"),
    ("L1-SIDE", "Line 1 line-side", "line_side"),
    ("L2-SIDE", "Line 2 line-side", "line_side"),
    ("FG-01", "Finished goods", "warehouse"),
]
ITEMS = [
    ("PP-RESIN", "Polypropylene resin", "raw", "kg"),
    ("MB-BLUE", "Blue masterbatch", "raw", "g"),
    ("HINGE", "Steel hinge", "raw", "pcs"),
    ("BOX-S", "Storage box S", "finished", "pcs"),
    ("AL-BAR", "Aluminium bar 6060", "raw", "kg"),
    ("CARTON", "Carton", "packaging", "pcs"),
    ("BRACKET", "Wall bracket", "finished", "pcs"),
]
BOMS = {
    "BOX-S": [("PP-RESIN", "0.35", "kg"), ("MB-BLUE", "7", "g"), ("HINGE", "2", "pcs")],
    "BRACKET": [("AL-BAR", "0.4", "kg"), ("CARTON", "0.1", "pcs")],
}
LOTS = [
    ("PP-2611-01", "PP-RESIN", "500", "L1-SIDE"),
    ("MB-2611-01", "MB-BLUE", "25000", "L1-SIDE"),
    ("HG-2611-01", "HINGE", "2000", "L1-SIDE"),
    ("AL-2611-01", "AL-BAR", "300", "L2-SIDE"),
    ("CT-2611-01", "CARTON", "400", "L2-SIDE"),
    ("PP-2610-07", "PP-RESIN", "250", "WH-01"),
]


def _op(
    seq: int, name: str, wc: str, setup: str, run: str, skill: str, materials: list[str]
) -> dict[str, Any]:
    return {
        "seq": seq,
        "name": name,
        "work_center": wc,
        "setup_minutes": setup,
        "run_minutes_per_unit": run,
        "skills": [{"code": skill, "min_level": 1}],
        "materials": [{"item": m} for m in materials],
    }


ROUTINGS = {
    "BOX-S": [
        _op(10, "Mould box", "L1-MOULD", "45", "0.8", "MOULDING", ["PP-RESIN", "MB-BLUE"]),
        _op(20, "Fit hinges", "L1-ASSY", "10", "0.5", "ASSEMBLY", ["HINGE"]),
    ],
    "BRACKET": [
        _op(10, "Mill bracket", "L2-CNC", "30", "2.5", "CNC", ["AL-BAR"]),
        _op(20, "Pack", "L2-PACK", "5", "0.2", "PACKING", ["CARTON"]),
    ],
}
# number, product, quantity, priority, days until due, the state it is left in
ORDERS = [
    ("WO-1001", "BOX-S", "200", 3, 1, "closed"),
    ("WO-1002", "BRACKET", "40", 2, 2, "completed"),
    ("WO-1003", "BOX-S", "300", 1, 2, "in_progress"),
    ("WO-1004", "BRACKET", "60", 4, 3, "on_hold"),
    ("WO-1005", "BOX-S", "500", 2, 4, "released"),
    ("WO-1006", "BRACKET", "80", 3, 5, "released"),
    ("WO-1007", "BOX-S", "150", 5, 7, "planned"),
    ("WO-1008", "BRACKET", "25", 5, 8, "cancelled"),
    ("WO-1009", "BRACKET", "30", 5, 10, "planned"),
]
WHO = {"BOX-S": ("ana.moreau", ["IMM-11", "ASM-11"]), "BRACKET": ("carla.ruiz", ["CNC-21", "PCK-21"])}
