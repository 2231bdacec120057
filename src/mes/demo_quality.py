"""`mes demo`, quality part: gauges, defect codes, inspection plans, an SPC history with limits,
and a due first-piece inspection at the station of the running moulding order."""

from __future__ import annotations

from typing import Any

Q, M, A = "/api/v1/quality", "/api/v1/material", "/api/v1/auth"
QUALITY_USER = "lea.martin"
QUALITY_PASSWORD = "quality-check-2026"  # noqa: S105 (demo account only, printed to the user)
# wall thickness of the moulded box: a stable history around 2.00 mm
WALL_HISTORY = [2.01, 1.99, 2.00, 2.02, 1.98, 2.00, 2.01, 1.99, 2.03, 2.00,
                1.97, 2.01, 2.00, 1.99, 2.02, 2.00, 1.98, 2.01, 2.00, 2.02]  # fmt: skip
WALL = {
    "code": "WALL", "name": "Wall thickness", "kind": "variable", "nominal": "2.00", "lsl": "1.90",
    "usl": "2.10", "unit": "mm", "decimals": 2, "rules": ["1", "2", "3", "4", "5", "6", "7", "8"],
}  # fmt: skip
PLANS: list[dict[str, Any]] = [
    # a patrol inspection the quality engineer schedules (no first piece at every start)
    {"code": "IP-BOX-10", "kind": "in_process", "item": "BOX-S", "operation": "10",
     "sampling": {"method": "n_per_lot", "n": 1, "on_start": False},
     "characteristics": [WALL, {"code": "FLASH", "name": "No flash on the rim", "kind": "attribute"}]},
    {"code": "IN-RESIN", "kind": "incoming", "item": "PP-RESIN",
     "sampling": {"method": "iso2859", "aql": "2.5", "level": "II"},
     "characteristics": [{"code": "PELLETS", "name": "Pellet shape and colour", "kind": "attribute"}]},
]  # fmt: skip


async def seed_quality(s: Any, admin: dict[str, str]) -> None:
    """`s` is the demo's Seeder (call, login); everything goes through the public API."""
    await s.call(
        "POST",
        f"{A}/users",
        {
            "username": QUALITY_USER,
            "display_name": "Léa Martin",
            "password": QUALITY_PASSWORD,
            "roles": ["quality"],
        },
        admin,
    )
    qe = await s.login(QUALITY_USER, QUALITY_PASSWORD)
    for body in (
        {
            "code": "CAL-01",
            "name": "Digital caliper 0-150 mm",
            "interval_days": 365,
            "calibrated_on": "2026-06-01",
        },
        {
            "code": "CAL-02",
            "name": "Caliper (calibration overdue)",
            "interval_days": 180,
            "calibrated_on": "2025-01-10",
        },
    ):
        await s.call("POST", f"{Q}/gauges", body, qe)
    for code, name in (("FLASH", "Flash on parting line"), ("SHORT", "Short shot"), ("SCRATCH", "Scratch")):
        await s.call("POST", f"{Q}/defect-codes", {"code": code, "name": name}, qe)
    for plan in PLANS:
        made = await s.call("POST", f"{Q}/plans", plan, qe)
        if made is None:  # seeded before
            return
        await s.call("POST", f"{Q}/plans/{plan['code']}/versions/{made['version']}/release", {}, qe)
    for value in WALL_HISTORY:  # the baseline the control limits come from
        task = await s.call("POST", f"{Q}/tasks", {"plan": "IP-BOX-10", "equipment": "IMM-11"}, qe)
        body = {"gauge": "CAL-01", "results": [{"characteristic": "WALL", "values": [value]},
                                               {"characteristic": "FLASH", "passed": True}]}  # fmt: skip
        await s.call("POST", f"{Q}/tasks/{task['number']}/results", body, qe)
    await s.call("POST", f"{Q}/plans/IP-BOX-10/characteristics/WALL/limits", {}, qe)
    # the moulding of WO-1003 runs on IMM-11 with boxes at the press: a first piece is due
    await s.call(
        "POST",
        f"{M}/lots",
        {"code": "BOX-1003-A", "item": "BOX-S", "quantity": "40", "location": "L1-SIDE"},
        admin,
    )
    await s.call(
        "POST",
        f"{Q}/tasks",
        {
            "plan": "IP-BOX-10",
            "work_order": "WO-1003",
            "operation": "10",
            "equipment": "IMM-11",
            "lot_code": "BOX-1003-A",
        },
        qe,
    )
