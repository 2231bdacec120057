"""Every service serves its audit trail (`GET <prefix>/audit`, paged and filtered) and walks its hash
chain (`GET <prefix>/audit/verify`); a row changed or removed behind the append-only trigger is the
first broken row; both need the service's own `<namespace>:audit:read`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from mes.platform.audit import append_audit
from mes.platform.audit_routes import audit_permission
from mes.platform.registry import SERVICES, ServiceInfo
from mes.platform.testing import Harness

BY_NAME = {s.name: s for s in SERVICES}


def test_every_service_has_its_catalogued_permission() -> None:
    from mes.services.auth.models.permissions import PERMISSIONS

    assert {audit_permission(s) for s in SERVICES} <= set(PERMISSIONS)
    assert audit_permission(BY_NAME["work-orders"]) == "workorder:audit:read"


async def _write(h: Harness, info: ServiceInfo, n: int, *, actor: str = "auditor-zoe") -> None:
    async with h.db(info.name).transaction() as s:
        for i in range(n):
            await append_audit(
                s,
                actor=actor,
                action="thing.changed",
                entity_type="thing",
                entity_id=f"T-{i}",
                old={"n": i},
                new={"n": i + 1},
                reason=f"step {i}",
            )


async def _disable_trigger(h: Harness, info: ServiceInfo) -> None:
    """What a database owner could do out of band: switch off the append-only trigger."""
    async with h.db(info.name).transaction() as s:
        await s.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update"))


@pytest.mark.parametrize("name", [s.name for s in SERVICES])
async def test_read_and_verify(harness: Harness, name: str) -> None:
    info = BY_NAME[name]
    await _write(harness, info, 3)
    await _write(harness, info, 1, actor="someone-else")
    who = harness.auth(audit_permission(info))

    r = await harness.client.get(f"{info.api_root}/audit", headers=who, params={"actor": "auditor-zoe"})
    assert r.status_code == 200, r.text
    page = r.json()
    assert page["total"] == 3
    assert [e["entity_id"] for e in page["items"]] == ["T-2", "T-1", "T-0"]  # newest first
    first = page["items"][-1]
    assert (first["old"], first["new"], first["reason"]) == ({"n": 0}, {"n": 1}, "step 0")
    assert page["items"][0]["prev_hash"] == page["items"][1]["hash"]

    r = await harness.client.get(
        f"{info.api_root}/audit",
        headers=who,
        params={"actor": "auditor-zoe", "order": "oldest", "limit": 1, "offset": 1},
    )
    assert r.status_code == 200, r.text
    assert [e["entity_id"] for e in r.json()["items"]] == ["T-1"]
    assert r.json()["total"] == 3

    r = await harness.client.get(
        f"{info.api_root}/audit", headers=who, params={"entity_type": "thing", "entity_id": "T-0"}
    )
    assert {(e["actor"], e["entity_id"]) for e in r.json()["items"]} == {
        ("auditor-zoe", "T-0"),
        ("someone-else", "T-0"),
    }

    future = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    past = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    r = await harness.client.get(f"{info.api_root}/audit", headers=who, params={"since": future})
    assert r.json()["total"] == 0
    r = await harness.client.get(
        f"{info.api_root}/audit",
        headers=who,
        params={"since": past, "until": future, "actor": "someone-else"},
    )
    assert r.json()["total"] == 1

    r = await harness.client.get(f"{info.api_root}/audit/verify", headers=who)
    assert r.status_code == 200, r.text
    check = r.json()
    assert check["ok"] is True
    assert check["checked"] >= 4
    assert check["broken"] is None and check["first_broken"] is None
    newest = (await harness.client.get(f"{info.api_root}/audit", headers=who, params={"limit": 1})).json()
    assert check["head_hash"] == newest["items"][0]["hash"]


@pytest.mark.parametrize("name", ["auth", "work-orders", "resource"])
async def test_a_row_edited_out_of_band_is_the_first_broken_row(harness: Harness, name: str) -> None:
    info = BY_NAME[name]
    await _write(harness, info, 3)
    who = harness.auth(audit_permission(info))
    page = (
        await harness.client.get(f"{info.api_root}/audit", headers=who, params={"actor": "auditor-zoe"})
    ).json()
    middle = page["items"][1]
    await _disable_trigger(harness, info)
    async with harness.db(info.name).transaction() as s:
        await s.execute(
            text("UPDATE audit_log SET new = CAST(:new AS jsonb) WHERE id = :id"),
            {"id": middle["id"], "new": '{"n": 99}'},
        )

    r = await harness.client.get(f"{info.api_root}/audit/verify", headers=who)
    assert r.status_code == 200, r.text
    check = r.json()
    assert check["ok"] is False
    assert check["broken"] == "hash"
    assert check["first_broken"]["id"] == middle["id"]
    assert check["first_broken"]["new"] == {"n": 99}
    assert check["head_hash"] == page["items"][2]["hash"]  # the row before it still verifies


async def test_a_row_removed_out_of_band_breaks_the_link_of_the_next(harness: Harness) -> None:
    info = BY_NAME["material"]
    await _write(harness, info, 3)
    who = harness.auth(audit_permission(info))
    page = (
        await harness.client.get(f"{info.api_root}/audit", headers=who, params={"actor": "auditor-zoe"})
    ).json()
    newest, middle = page["items"][0], page["items"][1]
    await _disable_trigger(harness, info)
    async with harness.db(info.name).transaction() as s:
        await s.execute(text("DELETE FROM audit_log WHERE id = :id"), {"id": middle["id"]})

    check = (await harness.client.get(f"{info.api_root}/audit/verify", headers=who)).json()
    assert check["ok"] is False
    assert check["broken"] == "link"
    assert check["first_broken"]["id"] == newest["id"]


async def test_an_audited_command_verifies(harness: Harness) -> None:
    """A real write through a service's API lands in its trail, and the chain holds."""
    r = await harness.client.post(
        "/api/v1/resource/equipment",
        headers=harness.auth("resource:equipment:write", sub="eng-bob"),
        json={"code": "ACME", "name": "Acme", "level": "enterprise"},
    )
    assert r.status_code == 201, r.text
    who = harness.auth("resource:audit:read")
    page = (
        await harness.client.get("/api/v1/resource/audit", headers=who, params={"entity_id": "ACME"})
    ).json()
    assert [(e["actor"], e["action"]) for e in page["items"]] == [("eng-bob", "equipment.registered")]
    assert (await harness.client.get("/api/v1/resource/audit/verify", headers=who)).json()["ok"] is True


@pytest.mark.parametrize("name", [s.name for s in SERVICES])
@pytest.mark.parametrize("path", ["/audit", "/audit/verify"])
async def test_forbidden_without_the_permission(harness: Harness, name: str, path: str) -> None:
    info = BY_NAME[name]
    others = [audit_permission(s) for s in SERVICES if s is not info]
    r = await harness.client.get(f"{info.api_root}{path}", headers=harness.auth(*others, "resource:read"))
    assert r.status_code == 403, r.text
    assert r.json()["code"] == "permission_denied"
    assert r.json()["permission"] == audit_permission(info)
    r = await harness.client.get(f"{info.api_root}{path}")
    assert r.status_code == 401, r.text


async def test_bad_filters_are_422(harness: Harness) -> None:
    who = harness.auth("auth:audit:read")
    for params in ({"order": "sideways"}, {"since": "yesterday"}, {"limit": 0}):
        r = await harness.client.get("/api/v1/auth/audit", headers=who, params=params)
        assert r.status_code == 422, (params, r.text)
