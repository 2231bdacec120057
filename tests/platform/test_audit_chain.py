"""The audit trail is append-only and hash-chained: any edit is refused, and would be found."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from mes.platform.audit import append_audit, verify_audit_chain
from mes.platform.testing import Harness


async def test_chain_verifies_and_records_who_what_why(harness: Harness) -> None:
    async with harness.db("resource").transaction() as s:
        await append_audit(
            s,
            actor="qe-anna",
            action="lot.held",
            entity_type="lot",
            entity_id="L-1",
            old={"status": "available"},
            new={"status": "on_hold"},
            reason="NCR-17",
        )
        await append_audit(
            s,
            actor="qe-anna",
            action="lot.released",
            entity_type="lot",
            entity_id="L-1",
            old={"status": "on_hold"},
            new={"status": "available"},
            reason="NCR-17 closed",
        )
        check = await verify_audit_chain(s)
        row = (
            await s.execute(text("SELECT actor, reason, old, new FROM audit_log ORDER BY id LIMIT 1"))
        ).one()
    assert check.ok
    assert check.checked == 2
    assert row.actor == "qe-anna"
    assert row.reason == "NCR-17"
    assert row.new == {"status": "on_hold"}


async def test_registering_equipment_is_audited(harness: Harness) -> None:
    r = await harness.client.post(
        "/api/v1/resource/equipment",
        headers=harness.auth("resource:equipment:write", sub="eng-bob"),
        json={"code": "ACME", "name": "Acme", "level": "enterprise"},
    )
    assert r.status_code == 201
    async with harness.db("resource").transaction() as s:
        row = (await s.execute(text("SELECT actor, action, entity_id FROM audit_log"))).one()
    assert tuple(row) == ("eng-bob", "equipment.registered", "ACME")


@pytest.mark.parametrize("statement", ["UPDATE audit_log SET actor = 'mallory'", "DELETE FROM audit_log"])
async def test_update_and_delete_are_refused(harness: Harness, statement: str) -> None:
    async with harness.db("resource").transaction() as s:
        await append_audit(s, actor="a", action="x", entity_type="t", entity_id="1")
    with pytest.raises(DBAPIError, match="append-only"):
        async with harness.db("resource").transaction() as s:
            await s.execute(text(statement))


async def test_tampering_behind_the_trigger_is_detected(harness: Harness) -> None:
    async with harness.db("resource").transaction() as s:
        for i in range(3):
            await append_audit(
                s,
                actor="op",
                action="qty.recorded",
                entity_type="operation",
                entity_id="OP-1",
                new={"good": 10 + i},
            )
        second = (await s.execute(text("SELECT id FROM audit_log ORDER BY id OFFSET 1 LIMIT 1"))).scalar_one()
        # a superuser with direct database access, going around the trigger
        await s.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update"))
        await s.execute(text("UPDATE audit_log SET new = '{\"good\": 99}' WHERE id = :id"), {"id": second})
        check = await verify_audit_chain(s)
    assert not check.ok
    assert check.first_broken_id == second
