"""Brute-force protection for every way of proving who one is: password, PIN, API key, signature.

Failures are counted per account (or badge) and per client address in the platform's `Strikes`
store (Redis when replicas share it, memory when embedded). Reaching the limit locks the key, and
each further lockout within a day doubles (backoff). A locked account is refused even with the
right password. Every failure and every lockout is audited and raises a security event; the
refusal errors keep their transaction, so that record is committed with the 401/429.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from mes.contracts.auth import SignInFailed, SignInLocked
from mes.platform.audit import append_audit
from mes.platform.events import record_event
from mes.platform.limits import Policy, Strike, Strikes
from mes.services.auth import errors
from mes.services.auth.config import auth_settings
from mes.services.auth.vocabulary import Channel, LockScope

log = structlog.get_logger("mes.auth")
E = TypeVar("E", SignInFailed, SignInLocked)

# password and signature failures count against the same account: a signature form must not be
# a way around the login lockout
_SCOPE = {"password": "account", "signature": "account", "pin": "badge", "api_key": "api_key"}


@dataclass(frozen=True)
class Attempt:
    channel: Channel
    name: str  # what was typed or scanned (user name, badge, key id); hashed before it is stored
    client: str | None
    username: str | None = None  # set only when `name` belongs to an account


def _policies() -> tuple[Policy, Policy, Policy]:
    cfg = auth_settings()
    account = Policy(
        cfg.auth_lockout_failures, cfg.auth_lockout_window_s, cfg.auth_lockout_s, cfg.auth_lockout_max_s
    )
    client = Policy(
        cfg.auth_client_failures, cfg.auth_lockout_window_s, cfg.auth_lockout_s, cfg.auth_lockout_max_s
    )
    badge = Policy(
        cfg.auth_pin_failures, cfg.auth_lockout_window_s, cfg.auth_lockout_s, cfg.auth_lockout_max_s
    )
    return account, client, badge


def _minutes(seconds: int) -> str:
    minutes = max(1, -(-seconds // 60))
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


async def _audit(session: AsyncSession, attempt: Attempt, action: str, new: dict[str, object]) -> None:
    await append_audit(
        session,
        actor=attempt.username or "anonymous",
        action=action,
        entity_type="user" if attempt.username else "client",
        entity_id=attempt.username or attempt.client or "unknown",
        new={"channel": attempt.channel, "client": attempt.client, **new},
    )


def _event(event: type[E], attempt: Attempt, **fields: Any) -> E:
    """A security event about `attempt`: who (the account, else the client address), how, from where."""
    return event(
        subject=attempt.username or attempt.client or "unknown",
        channel=attempt.channel,
        username=attempt.username,
        client=attempt.client,
        **fields,
    )


async def refuse_if_locked(session: AsyncSession, strikes: Strikes, attempt: Attempt) -> None:
    """Raises SignInLocked (audited) when the account/badge or the client is locked."""
    scope = _SCOPE[attempt.channel]
    seconds = await strikes.locked_for(scope, attempt.name.lower())
    if attempt.client and not seconds:
        seconds = await strikes.locked_for("client", attempt.client)
    if not seconds:
        return
    await _audit(session, attempt, "sign_in.refused_locked", {"retry_after_s": seconds})
    await record_event(
        session,
        _event(
            SignInFailed,
            attempt,
            reason="locked",
            failures=0,
        ),
    )
    log.info("sign_in_refused_locked", channel=attempt.channel, username=attempt.username)
    raise errors.SignInLocked(
        f"Too many failed attempts. Try again in {_minutes(seconds)}.", retry_after_s=seconds
    )


async def failed(session: AsyncSession, strikes: Strikes, attempt: Attempt, reason: str) -> None:
    """Counts, audits and publishes a failure; raises SignInLocked when it locked something."""
    account, client, badge = _policies()
    scope = _SCOPE[attempt.channel]
    strike = Strike(0, 0)
    if attempt.name:  # nameless (e.g. an unregistered terminal): only the client is counted
        strike = await strikes.strike(scope, attempt.name.lower(), badge if scope == "badge" else account)
    locked_scope: LockScope = "badge" if scope == "badge" else "account"
    locked_s = strike.locked_s
    by_client = Strike(0, 0)
    if attempt.client:
        by_client = await strikes.strike("client", attempt.client, client)
        if by_client.locked_s and not locked_s:
            locked_scope, locked_s = "client", by_client.locked_s
    failures = strike.failures or (account.limit if scope != "badge" else badge.limit)
    if not attempt.name:
        failures = by_client.failures or client.limit
    await _audit(session, attempt, "sign_in.failed", {"reason": reason, "failures": failures})
    await record_event(
        session,
        _event(
            SignInFailed,
            attempt,
            reason=reason,
            failures=failures,
        ),
    )
    log.info("sign_in_failed", channel=attempt.channel, username=attempt.username, reason=reason)
    if not locked_s:
        return
    until = datetime.now(UTC) + timedelta(seconds=locked_s)
    await _audit(
        session, attempt, "sign_in.locked", {"scope": locked_scope, "locked_until": until.isoformat()}
    )
    await record_event(
        session,
        _event(
            SignInLocked,
            attempt,
            scope=locked_scope,
            locked_until=until,
        ),
    )
    log.warning("sign_in_locked", channel=attempt.channel, username=attempt.username, scope=locked_scope)
    raise errors.SignInLocked(
        f"Too many failed attempts: locked for {_minutes(locked_s)}.", retry_after_s=locked_s
    )


async def succeeded(strikes: Strikes, attempt: Attempt) -> None:
    """The account's failures are forgotten; the client's stay (one good account must not reset
    an address that is guessing others)."""
    await strikes.clear(_SCOPE[attempt.channel], attempt.name.lower())
