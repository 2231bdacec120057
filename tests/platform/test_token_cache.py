"""The verified-token cache: a token is checked in full once, then served from memory until its exp."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest

from mes.platform.auth import JwtVerifier, Principal
from mes.platform.errors import Unauthorized
from mes.platform.testing import AUDIENCE, ISSUER, TestKeys


class _Counting(JwtVerifier):
    decoded = 0

    async def _verify(self, token: str) -> tuple[Principal, float]:
        self.decoded += 1
        return await super()._verify(token)


def _verifier(keys: TestKeys, cache_size: int = 4096, clock: Callable[[], float] = time.time) -> _Counting:
    jwks = keys.jwks()

    async def fetch() -> dict[str, Any]:
        return jwks

    return _Counting(
        fetch, issuer=ISSUER, audience=AUDIENCE, min_refresh_s=0, cache_size=cache_size, clock=clock
    )


async def test_a_token_is_verified_once_and_then_served_from_memory() -> None:
    keys = TestKeys()
    verifier = _verifier(keys)
    token = keys.token("workorder:read", sub="op-17")
    first = await verifier.verify(token)
    for _ in range(50):
        assert await verifier.verify(token) == first
    assert verifier.decoded == 1
    assert first.subject == "op-17" and first.has("workorder:read")


async def test_a_remembered_token_is_let_go_at_its_exp() -> None:
    keys = TestKeys()
    now = [time.time()]
    verifier = _verifier(keys, clock=lambda: now[0])
    token = keys.token("workorder:read", ttl_s=60)
    await verifier.verify(token)
    await verifier.verify(token)
    assert verifier.decoded == 1
    now[0] += 61  # past its exp: not served from memory any more, checked in full again
    await verifier.verify(token)
    assert verifier.decoded == 2


async def test_a_forged_or_foreign_token_is_never_remembered() -> None:
    keys, other = TestKeys(), TestKeys()
    verifier = _verifier(keys)
    forged = other.token("admin:all", headers={"kid": keys.kid})
    for _ in range(3):
        with pytest.raises(Unauthorized):
            await verifier.verify(forged)
    assert verifier.decoded == 3 and forged not in verifier._verified


async def test_the_cache_is_bounded() -> None:
    keys = TestKeys()
    verifier = _verifier(keys, cache_size=3)
    tokens = [keys.token("workorder:read", sub=f"op-{i}") for i in range(5)]
    for t in tokens:
        await verifier.verify(t)
    assert len(verifier._verified) == 3
    await verifier.verify(tokens[0])  # fell out: checked again
    assert verifier.decoded == 6
