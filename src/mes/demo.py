"""`mes demo`: a believable plant, seeded through the services' public APIs only.

A site with two lines and ten machines on a two-shift calendar, operators with skills (and user
accounts to sign in with), items, BOMs and lots in stock, routings, and work orders in every
state, so that a newcomer sees real data at the first `make run`. Everything goes through HTTP,
as a client would do it: what the demo can do, a user can do.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from decimal import ROUND_CEILING, Decimal
from typing import Any

import httpx

from mes import demo_integration
from mes.demo_plant import (
    BOMS,
    EQUIPMENT,
    ITEMS,
    LOCATIONS,
    LOTS,
    OPERATOR_PASSWORD,
    OPERATORS,
    ORDERS,
    ROUTINGS,
    SKILLS,
    WHO,
)
from mes.demo_quality import seed_quality
from mes.demo_reporting import seed_history

W, M, R, A = "/api/v1/workorders", "/api/v1/material", "/api/v1/resource", "/api/v1/auth"


# work instructions of one routing step (ADR 28): what the packer checks and weighs
DEMO_STEPS: dict[tuple[str, int], list[dict[str, Any]]] = {
    ("BRACKET", 20): [
        {
            "code": "S1",
            "title": "Deburr check",
            "text": "Run a finger along every edge: no burr, no sharp corner.",
        },
        {
            "code": "S2",
            "title": "Carton weight",
            "text": "Weigh the closed carton on the packing scale.",
            "field": {"kind": "number", "unit": "kg", "min": "4.5", "max": "5.5"},
        },
        {"code": "S3", "title": "Carton label readable", "field": {"kind": "pass_fail"}},
        {"code": "S4", "title": "Remark", "field": {"kind": "text", "max_length": 200}, "required": False},
    ]
}
DEMO_STEP_VALUES: dict[tuple[str, int], list[tuple[str, Any]]] = {
    ("BRACKET", 20): [("S1", None), ("S2", "5.1"), ("S3", True)]
}


class DemoError(RuntimeError):
    pass


def _why_no_sign_in(username: str, r: httpx.Response) -> str:
    """A sentence a person can act on, instead of a bare status."""
    try:
        detail = str(r.json().get("detail", ""))
    except ValueError:
        detail = r.text[:200]
    if r.status_code == 401:
        return (
            f"can't sign in as {username}: {detail or 'wrong user name or password.'} Either the "
            "password is wrong or there is no such administrator yet: `mes up` creates the first one "
            "from MES_ADMIN_USERNAME/MES_ADMIN_PASSWORD (it refuses to start if the password breaks "
            "the policy), or create it with `mes create-admin <name> --embedded`."
        )
    if r.status_code == 429:
        return f"can't sign in as {username} now: {detail} Wait, then run `mes demo` again."
    return f"signing in as {username} failed ({r.status_code}): {detail or r.text[:200]}"


class Seeder:
    def __init__(self, client: httpx.AsyncClient, say: Callable[[str], None]) -> None:
        self.client = client
        self.say = say
        self.tokens: dict[str, dict[str, str]] = {}
        self._signed_in: dict[str, tuple[str, str]] = {}  # token -> who, to sign in again when it expires

    async def login(self, username: str, password: str) -> dict[str, str]:
        r = await self.client.post(f"{A}/login", json={"username": username, "password": password})
        if r.status_code != 200:
            raise DemoError(_why_no_sign_in(username, r))
        headers = self.tokens.setdefault(username, {})  # updated in place: every holder gets the new token
        headers["Authorization"] = f"Bearer {r.json()['access_token']}"
        self._signed_in[headers["Authorization"]] = (username, password)
        return headers

    async def call(
        self, method: str, path: str, body: Any, who: dict[str, str], *, key: str | None = None
    ) -> Any:
        """One API call; 409 on creating something that exists means a re-run and is fine."""
        headers = who | ({"Idempotency-Key": key} if key else {})
        r = await self.client.request(method, path, json=body, headers=headers)
        for _ in range(5):  # 503: the database was busy (a deadlock rolled back, say): wait, try again
            if r.status_code != 503:
                break
            await asyncio.sleep(min(float(r.headers.get("Retry-After", "1") or 1), 5.0))
            r = await self.client.request(method, path, json=body, headers=headers)
        creds = self._signed_in.get(who.get("Authorization", ""))
        if r.status_code == 401 and creds is not None:  # the access token ran out: sign in again, once
            headers |= await self.login(*creds)
            r = await self.client.request(method, path, json=body, headers=headers)
        if r.status_code == 409 and str(r.json().get("code", "")).startswith("duplicate"):
            return None
        if r.status_code >= 400:
            raise DemoError(f"{method} {path} answered {r.status_code}: {r.text}")
        return r.json() if r.content else None


async def _master_data(s: Seeder, admin: dict[str, str], settle: Callable[[], Awaitable[Any]]) -> None:
    for code, name, level, parent in EQUIPMENT:
        await s.call(
            "POST",
            f"{R}/equipment",
            {"code": code, "name": name, "level": level, "parent_code": parent},
            admin,
        )
    shifts = [
        {
            "name": "early",
            "weekdays": [1, 2, 3, 4, 5],
            "start": "06:00",
            "end": "14:00",
            "breaks": [{"start": "10:00", "end": "10:30"}],
        },
        {
            "name": "late",
            "weekdays": [1, 2, 3, 4, 5],
            "start": "14:00",
            "end": "22:00",
            "breaks": [{"start": "18:00", "end": "18:30"}],
        },
    ]
    await s.call(
        "PUT", f"{R}/equipment/LYON/calendar", {"time_zone": "Europe/Paris", "patterns": shifts}, admin
    )
    for code, name in SKILLS:
        await s.call("POST", f"{R}/skills", {"code": code, "name": name}, admin)
    for username, name, skills in OPERATORS:
        await s.call(
            "POST",
            f"{A}/users",
            {
                "username": username,
                "display_name": name,
                "password": OPERATOR_PASSWORD,
                "roles": ["operator"],
            },
            admin,
        )
        await s.call("POST", f"{R}/persons", {"username": username, "name": name}, admin)
        for skill, grade in skills:
            await s.call(
                "POST", f"{R}/persons/{username}/qualifications", {"skill": skill, "level": grade}, admin
            )
    for code, name, kind in LOCATIONS:
        await s.call("POST", f"{M}/locations", {"code": code, "name": name, "kind": kind}, admin)
    for code, name, kind, uom in ITEMS:
        await s.call("POST", f"{M}/items", {"code": code, "name": name, "kind": kind, "uom": uom}, admin)
    for product, lines in BOMS.items():
        body = {
            "version": "A",
            "valid_from": "2020-01-01",
            "lines": [{"component": c, "quantity": q, "uom": u} for c, q, u in lines],
        }
        await s.call("POST", f"{M}/items/{product}/boms", body, admin)
    for code, item, qty, location in LOTS:
        await s.call(
            "POST",
            f"{M}/lots",
            {"code": code, "item": item, "quantity": qty, "location": location, "supplier": "Demo supplier"},
            admin,
        )
    await _work_centers_known(s, admin, settle)
    for product, ops in ROUTINGS.items():
        await s.call("POST", f"{W}/products", {"code": product}, admin)
        steps = [
            o | {"steps": DEMO_STEPS[(product, o["seq"])]} if (product, o["seq"]) in DEMO_STEPS else o
            for o in ops
        ]
        await s.call("POST", f"{W}/products/{product}/routings", {"version": "1", "operations": steps}, admin)


async def _work_centers_known(s: Seeder, admin: dict[str, str], settle: Callable[[], Awaitable[Any]]) -> None:
    """Work centers reach work orders as events; wait (a few seconds at most) until they have."""
    for _ in range(100):
        await settle()
        page = await s.call("GET", f"{W}/work-centers", None, admin)
        if {"L1-MOULD", "L1-ASSY", "L2-CNC", "L2-PACK"} <= {w["code"] for w in page["items"]}:
            return
        await asyncio.sleep(0.1)
    raise DemoError("the work centers never reached the work orders service (is its event relay running?)")


async def _run(
    s: Seeder,
    number: str,
    product: str,
    qty: str,
    key: str,
    machine: str,
    last: bool,
    done: bool,
    approver: dict[str, str] | None = None,  # completes the order short: a supervisor's call
) -> None:
    operator, _ = WHO[product]
    who = s.tokens[operator]
    base = f"{W}/orders/{number}/operations/{key}"
    await s.call("POST", f"{base}/start", {"equipment": machine}, who)
    lot = {
        "BOX-S": {"10": "PP-2611-01", "20": "HG-2611-01"},
        "BRACKET": {"10": "AL-2611-01", "20": "CT-2611-01"},
    }[product][key]
    per_unit = {line[0]: (line[1], line[2]) for line in BOMS[product]}
    used = next(m["item"] for m in ROUTINGS[product][0 if key == "10" else 1]["materials"])
    each, unit = per_unit[used]
    need = Decimal(each) * Decimal(qty)
    # pieces are counted whole: 3.9 cartons are 4
    amount = str(need.to_integral_value(rounding=ROUND_CEILING) if unit == "pcs" else need)
    await s.call(
        "POST", f"{base}/consume", {"lot": lot, "quantity": amount}, who, key=f"demo-{number}-{key}-c"
    )
    if not done:
        await s.call("POST", f"{base}/yield", {"good": str(int(qty) // 3)}, who)
        return
    if last:
        out = {"code": f"{number}-OUT", "quantity": qty, "location": "FG-01", "inputs": [{"lot": lot}]}
        await s.call("POST", f"{base}/produce", out, who, key=f"demo-{number}-out")
    for code, value in DEMO_STEP_VALUES.get((product, int(key)), []):  # the work instructions, walked
        await s.call("POST", f"{base}/steps/{code}", {"value": value}, who)
    scrap = [{"quantity": "1", "reason": "Short shot" if product == "BOX-S" else "Burr"}]
    good = str(int(qty) - 1) if key == "10" else qty  # one scrapped at moulding
    await s.call(
        "POST",
        f"{base}/complete",
        {"good": good, "scrap": scrap if key == "10" else [], "accept_short": True, "reason": "demo"},
        approver or who,
        key=f"demo-{number}-{key}",
    )


async def _orders(s: Seeder, admin: dict[str, str]) -> dict[str, str]:
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    states: dict[str, str] = {}
    for number, product, qty, priority, days, state in ORDERS:
        due = (now + timedelta(days=days)).isoformat()
        created = await s.call(
            "POST",
            f"{W}/orders",
            {
                "number": number,
                "product": product,
                "quantity": qty,
                "priority": priority,
                "due": due,
                "erp_ref": f"SAP-4500{number[-4:]}",
            },
            admin,
        )
        if created is None:  # seeded before
            continue
        if state == "cancelled":
            await s.call("POST", f"{W}/orders/{number}/cancel", {"reason": "Customer cancelled"}, admin)
        if state in ("planned", "cancelled"):
            states[number] = state
            continue
        await s.call("POST", f"{W}/orders/{number}/release", {}, admin)
        _, machines = WHO[product]
        if state in ("completed", "closed"):
            await _run(s, number, product, qty, "10", machines[0], False, True)
            await _run(s, number, product, str(int(qty) - 1), "20", machines[1], True, True, admin)
        elif state in ("in_progress", "on_hold"):
            await _run(s, number, product, qty, "10", machines[0], False, False)
        if state == "on_hold":
            await s.call("POST", f"{W}/orders/{number}/hold", {"reason": "Waiting for a mould repair"}, admin)
        if state == "closed":
            await s.call("POST", f"{W}/orders/{number}/close", {"reason": "Confirmed to ERP"}, admin)
        states[number] = (await s.call("GET", f"{W}/orders/{number}", None, admin))["status"]
    return states


async def seed(
    client: httpx.AsyncClient,
    username: str,
    password: str,
    *,
    settle: Callable[[], Awaitable[Any]] | None = None,
    say: Callable[[str], None] = print,
    now: datetime | None = None,  # the history's "now" (tests compare against the same model)
) -> dict[str, str]:
    """Seeds the plant through `client` (base URL set); returns each demo order's status."""

    async def nothing() -> None:
        return None

    s = Seeder(client, say)
    admin = await s.login(username, password)
    say("plant model, calendars, people, materials and routings ...")
    await _master_data(s, admin, settle or nothing)
    for operator, _, _ in OPERATORS:
        await s.login(operator, OPERATOR_PASSWORD)
    say("work orders ...")
    states = await _orders(s, admin)
    for number, status in states.items():
        say(f"  {number}: {status}")
    say("demo operators (each signs in with the password " + OPERATOR_PASSWORD + "):")
    for operator, name, skills in OPERATORS:
        say(f"  {operator:<12} {name:<12} " + ", ".join(f"{skill} {level}" for skill, level in skills))
    await seed_quality(s, await s.login(username, password))  # plans, SPC history, a due inspection
    await demo_integration.seed(s.call, await s.login(username, password), say)  # a fresh token
    # `settle` is given when the plant is served in this process (the tests): one request at a time
    await seed_history(
        s,
        lambda: s.login(username, password),
        say,
        settle or nothing,
        one_at_a_time=settle is not None,
        now=now,
    )
    return states
