"""Acceptance 3: a certification that expired yesterday refuses the person, with the reason; renewing
it allows them again. Qualification events for other services."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from mes.platform.testing import Harness
from mes.services.resource.service.watchdog import run_checks

from .conftest import R, Seed, call

AT = datetime(2026, 6, 15, 8, 0, tzinfo=UTC)


async def _operator(h: Harness) -> None:
    await call(h, "POST", "/persons", {"username": "op-li", "name": "Li Wei"})
    await call(h, "POST", "/skills", {"code": "PRESS-SAFETY", "name": "Press safety certificate"})
    await call(
        h, "POST", "/requirements", {"equipment_code": "LINE-1", "skill": "PRESS-SAFETY", "min_level": 1}
    )


def _check(at: datetime | None) -> dict[str, object]:
    return {"username": "op-li", "equipment_code": "PRESS-4", "operation": "10", "skills": [], "at": at and at.isoformat()}  # fmt: skip


async def test_expired_yesterday_is_refused_and_renewal_allows_again(harness: Harness, plant: Seed) -> None:
    await plant()
    await _operator(harness)
    # the site is in Paris: "yesterday" is the Paris date minus one, whatever the UTC date
    from zoneinfo import ZoneInfo

    yesterday = (datetime.now(ZoneInfo("Europe/Paris")) - timedelta(days=1)).date()
    grant = {"skill": "PRESS-SAFETY", "level": 2, "expires_on": yesterday.isoformat()}
    await call(harness, "POST", "/persons/op-li/qualifications", grant, sub="trainer-bo")
    refused = await call(harness, "POST", "/authorizations/check", _check(None))
    assert refused == {
        "allowed": False,
        "reasons": [
            {
                "code": "certification_expired",
                "detail": f"The certification for skill PRESS-SAFETY expired on {yesterday.isoformat()}.",
            }
        ],
    }
    renewed = {**grant, "expires_on": (yesterday + timedelta(days=366)).isoformat()}
    person = await call(harness, "POST", "/persons/op-li/qualifications", renewed, sub="trainer-bo")
    assert person["qualifications"][0]["expires_on"] == renewed["expires_on"]
    assert await call(harness, "POST", "/authorizations/check", _check(None)) == {
        "allowed": True,
        "reasons": [],
    }


async def test_the_check_is_for_the_time_asked_about(harness: Harness, plant: Seed) -> None:
    await plant()
    await _operator(harness)
    grant = {"skill": "PRESS-SAFETY", "level": 1, "expires_on": "2026-06-14"}
    await call(harness, "POST", "/persons/op-li/qualifications", grant)
    assert (await call(harness, "POST", "/authorizations/check", _check(AT - timedelta(days=2))))["allowed"]
    late = await call(harness, "POST", "/authorizations/check", _check(AT))
    assert [r["code"] for r in late["reasons"]] == ["certification_expired"]


async def test_grants_revocations_and_expiry_are_published_and_audited(harness: Harness, plant: Seed) -> None:
    await plant()
    await _operator(harness)
    await call(harness, "POST", "/persons/op-li/qualifications", {"skill": "PRESS-SAFETY", "level": 1, "expires_on": "2026-06-14"})  # fmt: skip
    async with harness.db("resource").transaction() as s:
        first = await run_checks(s, AT)
        again = await run_checks(s, AT + timedelta(hours=1))
    assert (first.expired, again.expired) == (1, 0)  # announced once per expiry date
    await call(harness, "DELETE", "/persons/op-li/qualifications/PRESS-SAFETY?reason=left+the+line")
    refused = await call(harness, "POST", "/authorizations/check", _check(AT))
    assert refused["reasons"][0]["code"] == "skill_missing"
    async with harness.db("resource").transaction() as s:
        topics = (await s.execute(text("SELECT topic FROM outbox WHERE topic LIKE 'resource.qualification%' ORDER BY id"))).scalars().all()  # fmt: skip
        actions = (await s.execute(text("SELECT action FROM audit_log WHERE entity_type = 'person' ORDER BY id"))).scalars().all()  # fmt: skip
    assert topics == [
        "resource.qualification_granted.v1",
        "resource.qualification_expired.v1",
        "resource.qualification_revoked.v1",
    ]
    assert actions == [
        "person.created",
        "qualification.granted",
        "qualification.expired",
        "qualification.revoked",
    ]


async def test_bad_personnel_input(harness: Harness, plant: Seed) -> None:
    await plant()
    await _operator(harness)
    auth = harness.auth("resource:personnel:write", "resource:read", "auth:user:read")
    cases = [
        ("POST", "/persons", {"username": "op-li", "name": "Again"}, 409),
        ("POST", "/persons", {"username": "has space", "name": "x"}, 422),
        ("POST", "/persons/op-li/qualifications", {"skill": "PRESS-SAFETY", "level": 10}, 422),
        ("POST", "/persons/op-li/qualifications", {"skill": "NOPE", "level": 1}, 404),
        ("POST", "/persons/nobody/qualifications", {"skill": "PRESS-SAFETY", "level": 1}, 404),
        ("DELETE", "/persons/op-li/qualifications/PRESS-SAFETY", None, 404),
        ("POST", "/requirements", {"skill": "PRESS-SAFETY", "min_level": 1}, 422),  # no scope
        ("POST", "/authorizations/check", {"username": "op-li", "equipment_code": "PRESS-4", "at": "2026-06-15T08:00:00"}, 422),
    ]  # fmt: skip
    for method, path, body, status in cases:
        r = await harness.client.request(method, R + path, json=body, headers=auth)
        assert r.status_code == status, (path, r.text)
        assert r.headers["content-type"] == "application/problem+json"
    assert (await call(harness, "GET", "/persons/op-li"))["qualifications"] == []


async def test_people_skills_and_requirements_can_be_listed_and_a_requirement_removed(
    harness: Harness, plant: Seed
) -> None:
    await plant()
    await _operator(harness)
    await call(harness, "POST", "/persons", {"username": "op-zoe", "name": "Zoe Martin"})
    await call(harness, "POST", "/persons", {"username": "op-max", "name": "Max Roth"})
    await call(harness, "PATCH", "/persons/op-max", {"active": False})
    await call(harness, "POST", "/skills", {"code": "FORKLIFT", "name": "Forklift licence"})
    await call(harness, "POST", "/persons/op-li/qualifications", {"skill": "PRESS-SAFETY", "level": 2, "expires_on": "2026-07-31"})  # fmt: skip
    await call(harness, "POST", "/persons/op-zoe/qualifications", {"skill": "FORKLIFT", "level": 1})
    await call(harness, "POST", "/requirements", {"operation": "20", "skill": "FORKLIFT", "min_level": 1})

    page = await call(harness, "GET", "/persons")
    assert [(p["username"], p["active"]) for p in page["items"]] == [
        ("op-li", True),
        ("op-max", False),
        ("op-zoe", True),
    ]
    assert page["total"] == 3
    assert page["items"][0]["qualifications"][0]["skill"] == "PRESS-SAFETY"
    assert [p["username"] for p in (await call(harness, "GET", "/persons?active=true"))["items"]] == ["op-li", "op-zoe"]  # fmt: skip
    assert [p["username"] for p in (await call(harness, "GET", "/persons?skill=FORKLIFT"))["items"]] == [
        "op-zoe"
    ]
    expiring = await call(harness, "GET", "/persons?expiring_by=2026-08-31")
    assert [p["username"] for p in expiring["items"]] == ["op-li"]  # op-zoe's licence never expires
    second = await call(harness, "GET", "/persons?limit=1&offset=1")
    assert ([p["username"] for p in second["items"]], second["total"]) == (["op-max"], 3)

    assert [s["code"] for s in await call(harness, "GET", "/skills")] == ["FORKLIFT", "PRESS-SAFETY"]
    reqs = await call(harness, "GET", "/requirements")
    assert [(r["equipment_code"], r["operation"], r["skill"]) for r in reqs] == [
        (None, "20", "FORKLIFT"),
        ("LINE-1", None, "PRESS-SAFETY"),
    ]
    assert [r["skill"] for r in await call(harness, "GET", "/requirements?equipment_code=LINE-1")] == [
        "PRESS-SAFETY"
    ]
    line = reqs[1]["id"]
    await call(harness, "DELETE", f"/requirements/{line}", sub="trainer-bo")
    assert [r["skill"] for r in await call(harness, "GET", "/requirements")] == ["FORKLIFT"]
    # without the line's requirement, op-li may run PRESS-4 whatever his certification says
    allowed = await call(harness, "POST", "/authorizations/check", _check(AT + timedelta(days=60)))
    assert allowed == {"allowed": True, "reasons": []}
    gone = await harness.client.delete(
        f"{R}/requirements/{line}", headers=harness.auth("resource:personnel:write")
    )
    assert gone.status_code == 404 and gone.json()["code"] == "requirement_not_found"
    no_scope = await harness.client.post(
        f"{R}/requirements",
        json={"skill": "FORKLIFT", "min_level": 1},
        headers=harness.auth("resource:personnel:write"),
    )
    assert no_scope.status_code == 422 and no_scope.json()["code"] == "no_scope"
    async with harness.db("resource").transaction() as s:
        removed = (await s.execute(text("SELECT actor, old->>'skill' FROM audit_log WHERE action = 'requirement.removed'"))).all()  # fmt: skip
    assert [tuple(r) for r in removed] == [("trainer-bo", "PRESS-SAFETY")]


async def test_the_check_needs_a_machine_of_the_work_center_the_work_is_routed_to(
    harness: Harness, plant: Seed
) -> None:
    """Issue 10.1: the check ran on whatever node it was given, so a machine of another work center
    or the enterprise node escaped the requirements of the work center the operation belongs to."""
    await plant()
    await _operator(harness)  # LINE-1 requires press safety, which op-li doesn't hold

    async def reasons(equipment: str, work_center: str | None) -> list[str]:
        body = {"username": "op-li", "equipment_code": equipment, "work_center": work_center, "skills": []}
        result = await call(harness, "POST", "/authorizations/check", body)
        return [r["code"] for r in result["reasons"]]

    assert await reasons("PRESS-4", "LINE-1") == ["skill_missing"]
    assert await reasons("ROBOT-7", "LINE-1") == ["equipment_not_in_work_center"]
    assert await reasons("ACME", None) == ["equipment_not_a_machine"]
    assert await reasons("MOULDING", "LINE-1") == ["equipment_not_a_machine"]
    assert await reasons("LINE-1", "LINE-1") == ["equipment_not_a_machine", "skill_missing"]  # it has presses
    assert await reasons("ROBOT-7", "LINE-2") == []
    await call(harness, "POST", "/equipment", {"code": "LINE-3", "name": "Line 3", "level": "work_center", "parent_code": "MOULDING"})  # fmt: skip
    assert await reasons("LINE-3", "LINE-3") == []  # no machines: the work center is the equipment
    assert await reasons("LINE-3", "LINE-1") == ["equipment_not_in_work_center"]


async def test_a_person_is_an_auth_user_with_a_plain_user_name(harness: Harness, plant: Seed) -> None:
    """Issue 10 item 6: no invisible, bidirectional or emoji user names; no person without an account."""
    await plant()
    auth = harness.auth("resource:personnel:write", "resource:read", "auth:user:read")
    for username in ("op\u200bli", "op-\u202eil", "op-\U0001f600", "op\u2066li", "\u0430na"):
        r = await harness.client.post(f"{R}/persons", json={"username": username, "name": "x"}, headers=auth)
        assert r.status_code == 422, (username, r.text)
        assert r.json()["code"] == "validation_failed"
    r = await harness.client.post(
        f"{R}/persons", json={"username": "op-ghost", "name": "Ghost"}, headers=auth
    )
    assert r.status_code == 422, r.text
    assert r.json()["code"] == "unknown_user" and "op-ghost" in r.json()["detail"]
    await harness.enrol("op-li")
    # without the right to see users, auth's refusal reaches the caller
    blind = harness.auth("resource:personnel:write", "resource:read")
    r = await harness.client.post(f"{R}/persons", json={"username": "op-li", "name": "Li"}, headers=blind)
    assert r.status_code == 403, r.text
    r = await harness.client.post(f"{R}/persons", json={"username": "OP-LI", "name": "Li Wei"}, headers=auth)
    assert r.status_code == 201, r.text
    assert r.json()["username"] == "op-li"
    assert r.headers["location"] == f"{R}/persons/op-li"
    page = (await harness.client.get(f"{R}/persons", headers=auth)).json()
    assert [p["username"] for p in page["items"]] == ["op-li"]
