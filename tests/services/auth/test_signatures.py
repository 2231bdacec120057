"""Acceptance 6: electronic signatures bound to a record's content, with 21 CFR 11.200's session rule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import text

from mes.platform.audit import record_hash
from mes.platform.testing import AuthHarness

from .conftest import USER_PASSWORD, A, MakeUser

BATCH = {"batch": "B-2026-118", "product": "BOTTLE-1L", "good": 4800, "scrap": 12, "result": "pass"}


async def _sign(h: AuthHarness, headers: dict[str, str], **body: object) -> httpx.Response:
    payload = {
        "record_type": "batch_record",
        "record_id": "B-2026-118",
        "content": BATCH,
        "meaning": "released",
        "password": USER_PASSWORD,
        **body,
    }
    return await h.client.post(f"{A}/signatures", headers=headers, json=payload)


async def test_a_signature_verifies_only_against_the_content_signed(
    auth_harness: AuthHarness, make_user: MakeUser
) -> None:
    h = auth_harness
    await make_user("quinn", "quality")
    quinn = await h.login("quinn", USER_PASSWORD)
    r = await _sign(h, quinn, username="quinn", comment="batch record reviewed, all checks passed")
    assert r.status_code == 201, r.text
    sig = r.json()
    assert (sig["username"], sig["printed_name"], sig["meaning"]) == ("quinn", "Quinn", "released")
    assert sig["record_hash"] == record_hash(BATCH)  # any service can recompute it
    assert abs(datetime.fromisoformat(sig["signed_at"]) - datetime.now(UTC)) < timedelta(minutes=1)

    same = {**BATCH}  # same content, keys in another order
    r = await h.client.post(
        f"{A}/signatures/{sig['id']}/verify", headers=quinn, json={"content": dict(reversed(same.items()))}
    )
    assert r.status_code == 200 and r.json()["valid"] is True
    changed = {**BATCH, "scrap": 11}
    r = await h.client.post(f"{A}/signatures/{sig['id']}/verify", headers=quinn, json={"content": changed})
    assert r.json()["valid"] is False and r.json()["reason"] == "content_changed"

    listed = await h.client.get(
        f"{A}/signatures", headers=quinn, params={"record_type": "batch_record", "record_id": "B-2026-118"}
    )
    assert [s["id"] for s in listed.json()["items"]] == [sig["id"]]
    async with h.db("auth").transaction() as s:
        audit = (
            await s.execute(text("SELECT actor, entity_id FROM audit_log WHERE action = 'record.signed'"))
        ).all()
        topics = list(
            (
                await s.execute(text("SELECT topic FROM outbox WHERE topic = 'auth.record_signed.v1'"))
            ).scalars()
        )
        try:
            async with s.begin_nested():
                await s.execute(text("UPDATE signatures SET meaning = 'approved'"))
            tampered = True
        except Exception:
            tampered = False
    assert audit == [("quinn", "B-2026-118")] and topics == ["auth.record_signed.v1"]
    assert not tampered, "signatures are append-only"


async def test_first_signing_needs_name_and_password_later_ones_the_password_until_timeout(
    auth_harness: AuthHarness, make_user: MakeUser
) -> None:
    h = auth_harness
    await make_user("quinn", "quality")
    quinn = await h.login("quinn", USER_PASSWORD)
    r = await _sign(h, quinn)  # no user name on the first signing of the session
    assert r.status_code == 422 and r.json()["code"] == "signature_username_required"
    assert (await _sign(h, quinn, username="quinn")).status_code == 201
    assert (await _sign(h, quinn, meaning="approved")).status_code == 201  # password alone now

    # a new sign-in is a new session: both again
    other_session = await h.login("quinn", USER_PASSWORD)
    assert (await _sign(h, other_session)).status_code == 422

    # the session's last signing is longer ago than the signing idle time: both again
    async with h.db("auth").transaction() as s:
        await s.execute(text("UPDATE token_families SET last_signed_at = now() - interval '31 minutes'"))
    r = await _sign(h, quinn)
    assert r.status_code == 422 and r.json()["code"] == "signature_username_required"
    assert (await _sign(h, quinn, username="quinn")).status_code == 201


async def test_someone_elses_credentials_or_a_wrong_password_are_refused_and_audited(
    auth_harness: AuthHarness, make_user: MakeUser
) -> None:
    h = auth_harness
    await make_user("quinn", "quality")
    await make_user("olaf", "operator", password="lathe-turns-at-seven")
    olaf = await h.login("olaf", "lathe-turns-at-seven")
    # olaf knows quinn's password and tries to release the batch as quinn
    r = await _sign(h, olaf, username="quinn")
    assert r.status_code == 403 and r.json()["code"] == "signature_refused"
    r = await _sign(h, olaf, username="olaf", password="not-olafs-password")
    assert r.status_code == 403 and r.json()["code"] == "signature_refused"
    async with h.db("auth").transaction() as s:
        count = await s.scalar(text("SELECT count(*) FROM signatures"))
        refused = (
            await s.execute(
                text(
                    "SELECT actor, new->>'reason' FROM audit_log WHERE action = 'signature.refused' ORDER BY id"
                )
            )
        ).all()
        failed = list(
            (
                await s.execute(
                    text("SELECT entity_id FROM audit_log WHERE action = 'sign_in.failed' ORDER BY id")
                )
            ).scalars()
        )
    assert count == 0
    assert refused == [("olaf", "not_own_credentials"), ("olaf", "wrong_password")]
    assert failed == ["quinn", "olaf"]  # counted towards each named account's lockout
    # a viewer may read signatures but not sign
    await make_user("vera", "viewer")
    vera = await h.login("vera", USER_PASSWORD)
    assert (await _sign(h, vera, username="vera")).status_code == 403
    r = await h.client.get(f"{A}/signatures", headers=vera, params={"record_type": "batch_record"})
    assert r.status_code == 200 and r.json()["total"] == 0


async def test_a_signature_refused_because_the_account_is_locked_is_on_the_records_audit(
    auth_harness: AuthHarness, make_user: MakeUser
) -> None:
    """Issue 10.4: refusals of e-signatures are part of the record an auditor asks for; a
    signature refused by the lockout was audited against the account only, not the record."""
    h = auth_harness
    await make_user("quinn", "quality")
    quinn = await h.login("quinn", USER_PASSWORD)
    for _ in range(5):  # someone guesses quinn's password at the login: the account locks
        await h.client.post(f"{A}/login", json={"username": "quinn", "password": "not-the-password-at-all"})
    r = await _sign(h, quinn, username="quinn")
    assert r.status_code == 429 and r.json()["code"] == "sign_in_locked", r.text
    async with h.db("auth").transaction() as s:
        count = await s.scalar(text("SELECT count(*) FROM signatures"))
        refused = (
            await s.execute(
                text(
                    "SELECT actor, entity_type, entity_id, new->>'reason', new->>'meaning' FROM audit_log"
                    " WHERE action = 'signature.refused' ORDER BY id"
                )
            )
        ).all()
    assert count == 0
    assert refused == [("quinn", "batch_record", "B-2026-118", "locked", "released")]
