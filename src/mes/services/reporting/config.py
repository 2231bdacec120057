"""Settings of the reporting service (read when used, never at import)."""

from __future__ import annotations

import os
from functools import cache

DEFAULT_PLANNED_REASONS = "PLANNED"


@cache
def planned_reason_prefixes() -> tuple[str, ...]:
    """Reason-tree roots of stops that were planned (MES_REPORTING_PLANNED_REASONS, comma separated).

    A stop classified under one (a changeover to plan, planned maintenance called as a stop)
    counts as planned downtime (PDOT), not as availability loss.
    """
    raw = os.environ.get("MES_REPORTING_PLANNED_REASONS", DEFAULT_PLANNED_REASONS)
    return tuple(p.strip() for p in raw.split(",") if p.strip())


def is_planned_reason(code: str | None) -> bool:
    return code is not None and any(code == p or code.startswith(p + ".") for p in planned_reason_prefixes())


DEFAULT_CACHE_TTL_S = 300.0


def cache_ttl_s() -> float:
    """How long resource's calendars, planned windows and cycle times stay cached across requests
    (MES_REPORTING_CACHE_TTL_S, default 300 s; 0 turns the cache off). Events invalidate entries
    at once (ADR 30); the time to live is the safety net for a missed invalidation."""
    raw = os.environ.get("MES_REPORTING_CACHE_TTL_S", "")
    try:
        return max(0.0, float(raw)) if raw.strip() else DEFAULT_CACHE_TTL_S
    except ValueError:
        return DEFAULT_CACHE_TTL_S
