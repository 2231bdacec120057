"""The fixed service map of docs/architecture.md §1: one place that names every service."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ServiceInfo:
    name: str  # command-line and config name, e.g. "work-orders"
    package: str  # python package under mes.services
    port: int
    prefix: str  # API prefix under /api/v1
    database: str

    @property
    def api_root(self) -> str:
        return f"/api/v1/{self.prefix}"

    @property
    def env_key(self) -> str:
        return self.package.upper()


SERVICES: tuple[ServiceInfo, ...] = (
    ServiceInfo("auth", "auth", 3008, "auth", "mes_auth"),
    ServiceInfo("work-orders", "work_orders", 3009, "workorders", "mes_work_order"),
    ServiceInfo("quality", "quality", 3010, "quality", "mes_quality"),
    ServiceInfo("material", "material", 3011, "material", "mes_material"),
    ServiceInfo("traceability", "traceability", 3012, "traceability", "mes_traceability"),
    ServiceInfo("resource", "resource", 3013, "resource", "mes_resource"),
    ServiceInfo("reporting", "reporting", 3014, "reporting", "mes_reporting"),
    ServiceInfo("integration", "integration", 3015, "integration", "mes_integration"),
)

BY_NAME: dict[str, ServiceInfo] = {s.name: s for s in SERVICES} | {s.package: s for s in SERVICES}


def service_info(name: str) -> ServiceInfo:
    try:
        return BY_NAME[name]
    except KeyError:
        known = ", ".join(s.name for s in SERVICES)
        raise SystemExit(f"unknown service {name!r}; known services: {known}") from None
