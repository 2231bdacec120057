"""Which outbound HTTP targets (webhook receivers, ERP endpoints) the service may reach.

By default only public addresses: loopback, link-local (169.254.0.0/16 with the cloud metadata
address, fe80::/10), private (10/8, 172.16/12, 192.168/16, fc00::/7), shared (100.64/10),
unspecified, multicast and reserved addresses are refused, also when written as an IPv4-mapped
IPv6 address. `MES_INTEGRATION_ALLOW_PRIVATE_TARGETS=true` allows them all;
`MES_INTEGRATION_ALLOWED_TARGETS` (comma-separated host names and CIDRs) allows some (ADR 29).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def refused_kind(ip: Address) -> str | None:
    """Why an address is not a public one (None when it is)."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return refused_kind(ip.ipv4_mapped)
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link-local"
    if ip.is_unspecified:
        return "unspecified"
    if ip.is_multicast:
        return "multicast"
    if ip.is_private or not ip.is_global:
        return "private"
    if ip.is_reserved:
        return "reserved"
    return None


@dataclass(frozen=True)
class TargetPolicy:
    allow_private: bool = False
    hosts: frozenset[str] = frozenset()
    networks: tuple[Network, ...] = ()

    @classmethod
    def parse(cls, allow_private: bool, allowed: str) -> TargetPolicy:
        hosts: set[str] = set()
        nets: list[Network] = []
        for raw in allowed.split(","):
            entry = raw.strip()
            if not entry:
                continue
            try:
                nets.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                hosts.add(entry.lower().rstrip("."))
        return cls(allow_private, frozenset(hosts), tuple(nets))

    def refusal(self, host: str, ip: Address) -> str | None:
        """None when `host` resolved to `ip` may be reached, else the reason it may not."""
        if self.allow_private or host.lower().rstrip(".") in self.hosts:
            return None
        if any(ip in n for n in self.networks if n.version == ip.version):
            return None
        kind = refused_kind(ip)
        if kind is None:
            return None
        shown = f"{host} ({ip})" if host != str(ip) else str(ip)
        return (
            f"{shown} is a {kind} address; outbound targets must be public unless allowed by "
            "MES_INTEGRATION_ALLOWED_TARGETS or MES_INTEGRATION_ALLOW_PRIVATE_TARGETS"
        )
