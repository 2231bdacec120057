"""Typed calls to the auth service, made with the caller's own token.

Resource never reads auth's tables: whether a user name belongs to an account it asks auth over
HTTP, and a refusal auth answers (no permission to see users) reaches the caller unchanged.
"""

from __future__ import annotations

from urllib.parse import quote

from mes.platform.http import RemoteError, ServiceDirectory


async def user_exists(
    directory: ServiceDirectory, token: str | None, username: str, request_id: str | None
) -> bool:
    """True if auth knows `username` (active or not); False if it answers 404."""
    try:
        await directory.client("auth").request(
            "GET", f"/api/v1/auth/users/{quote(username, safe='')}", token=token, request_id=request_id
        )
    except RemoteError as e:
        if e.status == 404:
            return False
        raise
    return True
