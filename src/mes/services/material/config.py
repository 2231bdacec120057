"""Settings of the material service (read when used, never at import)."""

from __future__ import annotations

import os


def finished_location() -> str | None:
    """Where finished lots made on an order's completion go (MES_MATERIAL_FINISHED_LOCATION);
    unset: the first warehouse location by code."""
    raw = os.environ.get("MES_MATERIAL_FINISHED_LOCATION", "").strip()
    return raw or None


def printer_timeout_seconds() -> float:
    """How long a label printer may take to accept a label (MES_MATERIAL_PRINTER_TIMEOUT_S, default 5)."""
    return float(os.environ.get("MES_MATERIAL_PRINTER_TIMEOUT_S", "5"))
