"""CAPA linked to NCRs: owner, due date, actions, effectiveness check, closure under an
e-signature bound to the CAPA's content (verified with auth like an NCR disposition), the overdue
list, events and audit; bad input and refused closures change nothing."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from .conftest import ENGINEER, QualityPlant, ok, problem

CAPA_PERMS = (*ENGINEER, "quality:capa:write", "quality:capa:close")


async def _ncr(qp: QualityPlant, title: str = "Kit width out of tolerance") -> str:
    ncr = ok(await qp.q("POST", "/ncrs", {"title": title, "item": "KIT-100"}), 201)
    return str(ncr["number"])


def _capa_body(ncr: str, **over: Any) -> dict[str, Any]:
    return {
        "title": "Stop the width drift on ASSY-1",
        "problem": "Fixture wear lets the kit open up.",
        "ncrs": [ncr],
        "owner": "qe-lea",
        "due_on": "2099-06-30",
        "actions": [
            {"description": "Replace the fixture clamp", "owner": "mt-ben", "due_on": "2099-03-31"},
            {"description": "Add the clamp to the PM plan", "owner": "mt-ben", "due_on": "2099-04-30"},
        ],
        **over,
    }


async def _topics(qp: QualityPlant) -> list[str]:
    async with qp.h.db("quality").transaction() as s:
        return list(
            await s.scalars(text("SELECT topic FROM outbox WHERE topic LIKE 'quality.capa%' ORDER BY id"))
        )


async def _audit(qp: QualityPlant, number: str) -> list[str]:
    async with qp.h.db("quality").transaction() as s:
        rows = await s.scalars(
            text("SELECT action FROM audit_log WHERE entity_type = 'capa' AND entity_id = :n ORDER BY id"),
            {"n": number},
        )
        return list(rows)


async def test_capa_from_open_to_signed_closure(qp: QualityPlant) -> None:
    who = qp.engineer("qe-lea", *CAPA_PERMS)
    await qp.signer()
    ncr = await _ncr(qp)
    capa = ok(await qp.q("POST", "/capas", _capa_body(ncr), headers=who), 201)
    number = capa["number"]
    assert number.startswith("CAPA-")
    assert (capa["status"], capa["ncrs"], capa["owner"], capa["overdue"]) == ("open", [ncr], "qe-lea", False)
    assert [(a["position"], a["owner"], a["done_at"]) for a in capa["actions"]] == [
        (1, "mt-ben", None),
        (2, "mt-ben", None),
    ]
    assert await _topics(qp) == ["quality.capa_opened.v1"]
    # reachable from the NCR
    linked = ok(await qp.q("GET", f"/capas?ncr={ncr}", headers=who))
    assert [c["number"] for c in linked["items"]] == [number]

    # effectiveness is checked only when every action is done; closing needs it
    problem(
        await qp.q("POST", f"/capas/{number}/effectiveness", {"effective": True, "note": "ok"}, headers=who),
        409,
        "invalid_state",
    )
    ok(await qp.q("POST", f"/capas/{number}/actions/1/done", {"note": "clamp replaced"}, headers=who))
    problem(await qp.q("POST", f"/capas/{number}/actions/1/done", {}, headers=who), 409, "invalid_state")
    problem(await qp.q("POST", f"/capas/{number}/actions/7/done", {}, headers=who), 422, "invalid_capa")
    ok(await qp.q("POST", f"/capas/{number}/actions/2/done", {}, headers=who))
    not_yet = ok(await qp.q("GET", f"/capas/{number}", headers=who))
    sig = await qp.sign("quality.capa", number, not_yet["content"])
    problem(
        await qp.q("POST", f"/capas/{number}/close", {"signature_id": sig, "reason": "done"}, headers=who),
        409,
        "invalid_state",
    )
    checked = ok(
        await qp.q(
            "POST", f"/capas/{number}/effectiveness",
            {"effective": True, "note": "30 lots without a width failure"}, headers=who,
        )
    )  # fmt: skip
    assert checked["effectiveness"]["effective"] is True
    assert checked["content"]["effectiveness"]["checked_by"] == "qe-lea"

    # a signature made before the check covers other content: refused, nothing changes
    problem(
        await qp.q("POST", f"/capas/{number}/close", {"signature_id": sig, "reason": "done"}, headers=who),
        403,
        "signature_rejected",
    )
    assert ok(await qp.q("GET", f"/capas/{number}", headers=who))["status"] == "open"
    assert await _topics(qp) == ["quality.capa_opened.v1"]

    good = await qp.sign("quality.capa", number, checked["content"])
    closed = ok(
        await qp.q(
            "POST", f"/capas/{number}/close", {"signature_id": good, "reason": "effective"}, headers=who
        )
    )
    assert (closed["status"], closed["closed_by"], closed["signature_id"]) == ("closed", "qe-lea", good)
    assert await _topics(qp) == ["quality.capa_opened.v1", "quality.capa_closed.v1"]
    assert await _audit(qp, number) == [
        "capa.opened",
        "capa.action_done",
        "capa.action_done",
        "capa.effectiveness_checked",
        "capa.closed",
    ]
    # a closed CAPA is not changed
    action = {"description": "late", "owner": "x", "due_on": "2099-01-01"}
    problem(await qp.q("POST", f"/capas/{number}/actions", action, headers=who), 409, "invalid_state")


async def test_closure_refused_for_other_signatures_and_without_the_permission(qp: QualityPlant) -> None:
    who = qp.engineer("qe-lea", *CAPA_PERMS)
    await qp.signer()
    await qp.signer("qe-max")
    ncr = await _ncr(qp)
    body = _capa_body(ncr, actions=[{"description": "Retrain", "owner": "qe-lea", "due_on": "2099-01-01"}])
    number = ok(await qp.q("POST", "/capas", body, headers=who), 201)["number"]
    ok(await qp.q("POST", f"/capas/{number}/actions/1/done", {}, headers=who))
    capa = ok(
        await qp.q("POST", f"/capas/{number}/effectiveness", {"effective": True, "note": "ok"}, headers=who)
    )
    content = capa["content"]
    close = f"/capas/{number}/close"
    for sig in (
        await qp.sign("quality.capa", "CAPA-999999", content),  # another record
        await qp.sign("quality.capa", number, content, username="qe-max"),  # someone else
        await qp.sign("quality.capa", number, {**content, "owner": "nobody"}),  # other content
        await qp.sign("quality.ncr", number, content),  # another record type
    ):
        problem(
            await qp.q("POST", close, {"signature_id": sig, "reason": "r"}, headers=who),
            403,
            "signature_rejected",
        )
    mine = await qp.sign("quality.capa", number, content)
    no_close = qp.engineer("qe-lea", *[p for p in CAPA_PERMS if p != "quality:capa:close"])
    problem(
        await qp.q("POST", close, {"signature_id": mine, "reason": "r"}, headers=no_close),
        403,
        "permission_denied",
    )
    problem(await qp.q("POST", close, {"reason": "r"}, headers=who), 422, "validation_failed")
    after = ok(await qp.q("GET", f"/capas/{number}", headers=who))
    assert (after["status"], after["signature_id"], after["closed_at"]) == ("open", None, None)
    assert await _topics(qp) == ["quality.capa_opened.v1"]
    assert "capa.closed" not in await _audit(qp, number)
    ok(await qp.q("POST", close, {"signature_id": mine, "reason": "effective"}, headers=who))


async def test_not_effective_keeps_it_open_and_a_new_action_clears_the_check(qp: QualityPlant) -> None:
    who = qp.engineer("qe-lea", *CAPA_PERMS)
    await qp.signer()
    ncr = await _ncr(qp)
    body = _capa_body(ncr, actions=[{"description": "Retrain", "owner": "qe-lea", "due_on": "2099-01-01"}])
    number = ok(await qp.q("POST", "/capas", body, headers=who), 201)["number"]
    ok(await qp.q("POST", f"/capas/{number}/actions/1/done", {}, headers=who))
    failed = ok(
        await qp.q(
            "POST", f"/capas/{number}/effectiveness", {"effective": False, "note": "recurred"}, headers=who
        )
    )
    sig = await qp.sign("quality.capa", number, failed["content"])
    problem(
        await qp.q("POST", f"/capas/{number}/close", {"signature_id": sig, "reason": "r"}, headers=who),
        409,
        "invalid_state",
    )
    more = {"description": "Poka-yoke the fixture", "owner": "mt-ben", "due_on": "2099-02-01"}
    added = ok(await qp.q("POST", f"/capas/{number}/actions", more, headers=who), 201)
    assert added["effectiveness"] is None
    assert [a["position"] for a in added["actions"]] == [1, 2]


async def test_overdue_list(qp: QualityPlant) -> None:
    who = qp.engineer("qe-lea", *CAPA_PERMS)
    ncr = await _ncr(qp)
    late = ok(
        await qp.q(
            "POST", "/capas", _capa_body(ncr, title="Late CAPA", due_on="2026-01-31", actions=[]), headers=who
        ),
        201,
    )
    action_late = ok(
        await qp.q(
            "POST", "/capas",
            _capa_body(ncr, title="Late action", actions=[{"description": "a", "owner": "o", "due_on": "2026-02-15"}]),
            headers=who,
        ),
        201,
    )  # fmt: skip
    on_time = ok(await qp.q("POST", "/capas", _capa_body(ncr, title="On time"), headers=who), 201)
    listed = ok(await qp.q("GET", "/capas?overdue=true&on=2026-03-01", headers=who))
    assert [c["number"] for c in listed["items"]] == [late["number"], action_late["number"]]
    assert all(c["overdue"] for c in listed["items"])
    assert listed["total"] == 2
    # before either date nothing is overdue; the action counts only while it is open
    assert ok(await qp.q("GET", "/capas?overdue=true&on=2026-01-15", headers=who))["items"] == []
    ok(await qp.q("POST", f"/capas/{action_late['number']}/actions/1/done", {}, headers=who))
    listed = ok(await qp.q("GET", "/capas?overdue=true&on=2026-03-01", headers=who))
    assert [c["number"] for c in listed["items"]] == [late["number"]]
    assert on_time["number"] not in [c["number"] for c in listed["items"]]


async def test_bad_input_is_refused_and_records_nothing(qp: QualityPlant) -> None:
    who = qp.engineer("qe-lea", *CAPA_PERMS)
    ncr = await _ncr(qp)
    bad: list[dict[str, Any]] = [
        _capa_body(ncr, ncrs=[]),
        _capa_body(ncr, due_on="1999-12-31"),
        _capa_body(ncr, owner=""),
        _capa_body(ncr, title="x" * 201),
        _capa_body(ncr, actions=[{"description": "a", "owner": "o", "due_on": "2099-01-01"}] * 51),
        _capa_body(ncr, ncrs=["not a code!"]),
        _capa_body(ncr, actions=[{"description": "", "owner": "o", "due_on": "2099-01-01"}]),
    ]
    for body in bad:
        problem(await qp.q("POST", "/capas", body, headers=who), 422, "validation_failed")
    problem(await qp.q("POST", "/capas", _capa_body("NCR-999999"), headers=who), 404, "ncr_not_found")
    problem(await qp.q("GET", "/capas/CAPA-000404", headers=who), 404, "capa_not_found")
    problem(
        await qp.q("POST", "/capas", _capa_body(ncr), headers=qp.engineer("qe-lea")), 403, "permission_denied"
    )
    assert ok(await qp.q("GET", "/capas", headers=who))["total"] == 0
    assert await _topics(qp) == []
    async with qp.h.db("quality").transaction() as s:
        assert await s.scalar(text("SELECT count(*) FROM audit_log WHERE entity_type = 'capa'")) == 0
        assert await s.scalar(text("SELECT count(*) FROM capa_action")) == 0


def test_the_quality_role_holds_the_capa_permissions() -> None:
    from mes.services.auth.models.permissions import PERMISSIONS, ROLES

    assert "quality:capa:close" in PERMISSIONS
    assert {"quality:capa:write", "quality:capa:close"} <= set(ROLES["quality"][1])
    assert "quality:capa:close" not in ROLES["operator"][1]
