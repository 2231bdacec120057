"""Outbound HTTP to webhook receivers and ERP endpoints."""

from __future__ import annotations

import httpx


async def post(
    url: str, body: bytes, headers: dict[str, str], timeout_s: float
) -> tuple[int | None, str | None]:
    """(status, error): the receiver's status, or why there was none."""
    try:
        async with httpx.AsyncClient(timeout=timeout_s, follow_redirects=False) as client:
            resp = await client.post(url, content=body, headers=headers)
    except httpx.HTTPError as e:
        return None, f"{type(e).__name__}: {e}"[:500] or type(e).__name__
    if 200 <= resp.status_code < 300:
        return resp.status_code, None
    return resp.status_code, f"answered {resp.status_code}: {resp.text[:200]}"
