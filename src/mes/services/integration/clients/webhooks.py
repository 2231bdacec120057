"""Outbound HTTP to webhook receivers and ERP endpoints, to checked addresses only.

The host is resolved, every address is checked against the target policy, and the request goes
to the checked address (the Host header and TLS server name stay the URL's), so a DNS answer that
changes between the check and the connection can't lead elsewhere. Redirects are never followed.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit, urlunsplit

import httpx

from mes.services.integration.models.targets import Address, TargetPolicy


class TargetRefused(Exception):
    """The URL's host can't be resolved or resolves to an address the policy refuses."""

    def __init__(self, reason: str, *, code: str = "target_refused") -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code


async def resolve(host: str, port: int) -> list[Address]:
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as e:
        raise TargetRefused(f"{host} can't be resolved: {e}", code="target_unresolvable") from None
    out: list[Address] = []
    for info in infos:
        ip = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if ip not in out:
            out.append(ip)
    if not out:
        raise TargetRefused(f"{host} has no address", code="target_unresolvable")
    return out


async def checked_address(url: str, policy: TargetPolicy) -> Address:
    """The address to connect to for `url`; raises TargetRefused when any address of its host
    is refused (a host with one refused address is refused as a whole)."""
    parts = urlsplit(url)
    host = parts.hostname
    if parts.scheme not in ("http", "https") or not host:
        raise TargetRefused(f"{url} is not an http(s) URL with a host")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:  # urlsplit reads the port only when asked: "host:abc" fails here
        raise TargetRefused(f"{url} has no valid port") from None
    addresses = await resolve(host, port)
    for ip in addresses:
        reason = policy.refusal(host, ip)
        if reason is not None:
            raise TargetRefused(reason)
    return addresses[0]


async def post(
    url: str, body: bytes, headers: dict[str, str], timeout_s: float, policy: TargetPolicy
) -> tuple[int | None, str | None]:
    """(status, error): the receiver's status, or why there was none."""
    try:
        ip = await checked_address(url, policy)
    except TargetRefused as e:
        return None, f"{e.code}: {e.reason}"[:500]
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"[{ip}]" if ip.version == 6 else str(ip)
    if parts.port is not None:
        netloc += f":{parts.port}"
    pinned = urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
    host_header = parts.netloc.rsplit("@", 1)[-1]
    extensions = {"sni_hostname": host} if parts.scheme == "https" else {}
    try:
        async with httpx.AsyncClient(timeout=timeout_s, follow_redirects=False) as client:
            resp = await client.post(
                pinned,
                content=body,
                headers={**headers, "host": host_header},
                extensions=extensions,
            )
    except httpx.HTTPError as e:
        return None, f"{type(e).__name__}: {e}"[:500] or type(e).__name__
    if 200 <= resp.status_code < 300:
        return resp.status_code, None
    if 300 <= resp.status_code < 400:
        return resp.status_code, f"answered {resp.status_code} (redirects are not followed)"
    return resp.status_code, f"answered {resp.status_code}: {resp.text[:200]}"
