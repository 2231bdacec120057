"""The eight services of docs/architecture.md §1; each exposes `spec` from its `app` module."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from mes.platform.registry import SERVICES, service_info

if TYPE_CHECKING:
    from mes.platform.app import ServiceSpec


def load_spec(name: str) -> ServiceSpec:
    info = service_info(name)
    module = importlib.import_module(f"mes.services.{info.package}.app")
    spec: ServiceSpec = module.spec
    return spec


def all_specs() -> list[ServiceSpec]:
    return [load_spec(s.name) for s in SERVICES]
