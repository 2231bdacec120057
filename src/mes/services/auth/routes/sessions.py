"""Public routes of the auth service: how one gets a token (password, badge and PIN at a station,
API key), refreshes and ends it, and the keys that verify it. They need no token themselves."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from mes.platform.db import SessionDep
from mes.platform.errors import problem
from mes.services.auth.errors import InvalidRefreshToken
from mes.services.auth.routes.common import NO_STORE, PUBLIC, ClientDep, StrikesDep, first_start
from mes.services.auth.routes.common import problem_response as _problem
from mes.services.auth.schemas import (
    AccessToken,
    ApiKeyExchange,
    Jwks,
    LoginRequest,
    RefreshRequest,
    ServiceTokenRequest,
    StationLogin,
    TokenPair,
)
from mes.services.auth.service import keys, sessions

public = APIRouter(tags=["auth: sessions"], dependencies=[Depends(first_start)])
_LOCKED = _problem(429, "Too many failed attempts: locked for a while (Retry-After)")


@public.post(
    "/login",
    response_model=TokenPair,
    openapi_extra=PUBLIC,
    responses={
        **_problem(401, "Wrong user name or password"),
        **_LOCKED,
        **_problem(503, "Signing key unavailable"),
    },
)
async def login(
    body: LoginRequest, session: SessionDep, strikes: StrikesDep, client: ClientDep, response: Response
) -> TokenPair:
    """After repeated failures the account (and the client address) is locked for a while; each
    further lockout within a day lasts twice as long."""
    response.headers.update(NO_STORE)
    return await sessions.login(session, strikes, body.username, body.password.get_secret_value(), client)


@public.post(
    "/stations/login",
    response_model=TokenPair,
    openapi_extra=PUBLIC,
    responses={
        **_problem(401, "Station not registered, or wrong badge or PIN"),
        **_LOCKED,
        **_problem(503, "Signing key unavailable"),
    },
)
async def station_login(
    body: StationLogin, session: SessionDep, strikes: StrikesDep, client: ClientDep, response: Response
) -> TokenPair:
    """Badge and PIN at a registered shared terminal: a short session with operator permissions
    only, whatever else the person may do elsewhere. A few wrong PINs lock the badge."""
    response.headers.update(NO_STORE)
    return await sessions.station_login(
        session,
        strikes,
        body.station_key.get_secret_value(),
        body.badge,
        body.pin.get_secret_value(),
        client,
    )


@public.post(
    "/api-keys/token",
    response_model=AccessToken,
    openapi_extra=PUBLIC,
    responses={**_problem(401, "API key invalid, expired or revoked"), **_LOCKED},
)
async def api_key_token(
    body: ApiKeyExchange, session: SessionDep, strikes: StrikesDep, client: ClientDep, response: Response
) -> AccessToken:
    """Exchanges an API key for a short-lived access token carrying the key's permissions (those
    its owner still holds); every service verifies it like any other token."""
    response.headers.update(NO_STORE)
    return await sessions.api_key_token(session, strikes, body.api_key.get_secret_value(), client)


@public.post(
    "/service-token",
    response_model=AccessToken,
    openapi_extra=PUBLIC,
    responses=_problem(401, "Unknown service or wrong credential"),
)
async def service_token(body: ServiceTokenRequest, session: SessionDep, response: Response) -> AccessToken:
    """A service's own short-lived token for background work (ADR 44), with only the permissions
    auth grants that service; the service proves itself with its credential."""
    response.headers.update(NO_STORE)
    return await sessions.service_token(session, body.service, body.credential.get_secret_value())


@public.post(
    "/refresh",
    response_model=TokenPair,
    openapi_extra=PUBLIC,
    responses={
        **_problem(401, "Refresh token invalid, used, expired or revoked"),
        **_problem(503, "Signing key unavailable"),
    },
)
async def refresh(request: Request, body: RefreshRequest, session: SessionDep, response: Response) -> Any:
    pair = await sessions.refresh(session, body.refresh_token.get_secret_value())
    if pair is None:
        # answered, not raised: a revocation made while refusing (reuse detected) must be committed
        err = InvalidRefreshToken()
        return problem(
            err.status,
            err.code,
            err.detail,
            title=err.title,
            instance=request.url.path,
            headers={"WWW-Authenticate": "Bearer", **NO_STORE},
            request_id=getattr(request.state, "request_id", None),
        )
    response.headers.update(NO_STORE)
    return pair


@public.post("/logout", status_code=204, openapi_extra=PUBLIC, response_class=Response)
async def logout(body: RefreshRequest, session: SessionDep) -> Response:
    """Ends the session the refresh token belongs to; answers 204 whatever the token."""
    await sessions.logout(session, body.refresh_token.get_secret_value())
    return Response(status_code=204)


@public.get("/.well-known/jwks.json", response_model=Jwks, openapi_extra=PUBLIC)
async def jwks(session: SessionDep) -> Jwks:
    """Public keys that verify access tokens: the active key and recently retired ones."""
    return Jwks.model_validate({"keys": [keys.jwk(k) for k in await keys.published(session)]})
