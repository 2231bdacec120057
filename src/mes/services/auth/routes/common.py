"""What every route module of the auth service shares: first start, the shared dependencies."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request

from mes.platform.limits import Strikes
from mes.services.auth.service import bootstrap


async def first_start(request: Request) -> None:
    """MES_ADMIN_USERNAME/MES_ADMIN_PASSWORD: the first administrator, before the first request is served."""
    state = request.app.state
    if not getattr(state, "auth_bootstrapped", False):
        await bootstrap.bootstrap_from_environment(state.db)
        state.auth_bootstrapped = True


def problem_response(status: int, description: str) -> dict[int | str, dict[str, Any]]:
    return {status: {"description": description, "content": {"application/problem+json": {}}}}


def _strikes(request: Request) -> Strikes:
    strikes: Strikes = request.app.state.strikes
    return strikes


def _client(request: Request) -> str | None:
    return request.client.host if request.client else None


# `security: []` marks an operation that needs no token (OpenAPI's own way to say so)
PUBLIC: dict[str, Any] = {"security": []}
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}  # RFC 6749 5.1 for token responses
StrikesDep = Annotated[Strikes, Depends(_strikes)]
ClientDep = Annotated[str | None, Depends(_client)]
