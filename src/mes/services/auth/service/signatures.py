"""Electronic signatures (21 CFR 11.50, 11.70, 11.100, 11.200).

A signed-in user signs a record by entering their password again. The signature keeps the printed
name, the time, the meaning and the SHA-256 of the record's canonical JSON, so it verifies only
against exactly the content that was signed. Within one continuous session (the sign-in's token
family), the first signing needs user name and password and later ones the password only, as long
as the previous one is at most `auth_signing_idle_s` old; after that, both again. Credentials of
anyone but the signed-in user are refused and audited, and count towards that account's lockout.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from mes.contracts.auth import RecordSigned
from mes.platform.audit import append_audit, record_hash
from mes.platform.auth import Principal
from mes.platform.events import record_event
from mes.platform.limits import Strikes
from mes.services.auth.config import auth_settings
from mes.services.auth.errors import (
    SignatureNotFound,
    SignatureRefused,
    SignatureUsernameRequired,
)
from mes.services.auth.models import Signature, TokenFamily, User
from mes.services.auth.schemas import SignatureCreate, SignatureRead, SignatureVerification
from mes.services.auth.service import guard, passwords
from mes.services.auth.service.guard import Attempt


def signature_read(s: Signature) -> SignatureRead:
    return SignatureRead(
        id=s.id,
        record_type=s.record_type,
        record_id=s.record_id,
        record_hash=s.record_hash,
        meaning=s.meaning,
        username=s.username,
        printed_name=s.printed_name,
        signed_at=s.signed_at,
        comment=s.comment,
    )


async def _session_of(session: AsyncSession, who: Principal) -> TokenFamily | None:
    if who.session_id is None:  # an API key's token has no session: user name always needed
        return None
    try:
        return await session.get(TokenFamily, uuid.UUID(who.session_id), with_for_update=True)
    except ValueError:
        return None


async def _refuse(
    session: AsyncSession,
    strikes: Strikes,
    attempt: Attempt,
    who: Principal,
    data: SignatureCreate,
    reason: str,
) -> None:
    """Audited on the record, then counted against the named account (which may lock it)."""
    await append_audit(
        session,
        actor=who.subject,
        action="signature.refused",
        entity_type=data.record_type,
        entity_id=data.record_id,
        new={"reason": reason, "meaning": data.meaning},
    )
    await guard.failed(session, strikes, attempt, reason)


async def sign(
    session: AsyncSession, strikes: Strikes, who: Principal, data: SignatureCreate, client: str | None
) -> SignatureRead:
    now = datetime.now(UTC)
    family = await _session_of(session, who)
    idle = timedelta(seconds=auth_settings().auth_signing_idle_s)
    if data.username is None and not (family and family.continues_signing(now, idle)):
        raise SignatureUsernameRequired(
            "This is the first signature of your session (or it timed out): enter your user name and password.",
        )
    typed = (data.username or who.subject).strip().lower()
    user = await session.scalar(select(User).where(User.username == typed))
    attempt = Attempt("signature", typed, client, user.username if user else None)
    await guard.refuse_if_locked(session, strikes, attempt)
    if typed != who.subject:
        await _refuse(session, strikes, attempt, who, data, "not_own_credentials")
        raise SignatureRefused("You can only sign with your own user name and password.")
    ok, _ = await passwords.verify_password(
        user.password_hash if user else None, data.password.get_secret_value()
    )
    if user is None or not ok or not user.active:
        await _refuse(session, strikes, attempt, who, data, "wrong_password")
        raise SignatureRefused("The password is wrong; the record was not signed.")
    await guard.succeeded(strikes, attempt)
    sig = Signature(
        user_id=user.id,
        username=user.username,
        printed_name=user.display_name,
        meaning=data.meaning,
        record_type=data.record_type,
        record_id=data.record_id,
        record_hash=record_hash(data.content),
        signed_at=now,
        session_id=family.id if family else None,
        comment=data.comment,
    )
    session.add(sig)
    if family is not None and family.revoked_at is None:
        family.last_signed_at = now
    await session.flush()
    read = signature_read(sig)
    await append_audit(
        session,
        actor=user.username,
        action="record.signed",
        entity_type=data.record_type,
        entity_id=data.record_id,
        new=read.model_dump(mode="json", exclude={"record_type", "record_id"}),
        reason=data.comment,
    )
    await record_event(
        session,
        RecordSigned(
            signature_id=sig.id,
            record_type=sig.record_type,
            record_id=sig.record_id,
            record_hash=sig.record_hash,
            username=sig.username,
            printed_name=sig.printed_name,
            meaning=sig.meaning,
            signed_at=now,
        ),
    )
    return read


async def get(session: AsyncSession, signature_id: uuid.UUID) -> Signature:
    sig = await session.get(Signature, signature_id)
    if sig is None:
        raise SignatureNotFound(f"No signature {signature_id}.")
    return sig


async def verify(
    session: AsyncSession, signature_id: uuid.UUID, content: dict[str, object]
) -> SignatureVerification:
    sig = await get(session, signature_id)
    valid = record_hash(content) == sig.record_hash
    return SignatureVerification(
        valid=valid, reason=None if valid else "content_changed", signature=signature_read(sig)
    )


async def for_record(
    session: AsyncSession, record_type: str, record_id: str | None, limit: int, offset: int
) -> tuple[list[SignatureRead], int]:
    query = select(Signature).where(Signature.record_type == record_type)
    if record_id is not None:
        query = query.where(Signature.record_id == record_id)
    total = await session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = await session.scalars(
        query.order_by(Signature.signed_at, Signature.id).limit(limit).offset(offset)
    )
    return [signature_read(s) for s in rows], total
