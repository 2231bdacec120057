"""Settings of the work orders service (read when used, never at import)."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_ATTACHMENT_MAX_BYTES = 1024 * 1024  # as MES_MAX_BODY_BYTES, which bounds every request too


def attachment_dir() -> Path | None:
    """Where attachments are kept on disk (MES_WORK_ORDERS_ATTACHMENT_DIR); unset: in PostgreSQL."""
    raw = os.environ.get("MES_WORK_ORDERS_ATTACHMENT_DIR", "").strip()
    return Path(raw) if raw else None


def attachment_max_bytes() -> int:
    """The largest attachment accepted (MES_WORK_ORDERS_ATTACHMENT_MAX_BYTES, default 1 MiB);
    a larger one also needs MES_MAX_BODY_BYTES raised."""
    raw = os.environ.get("MES_WORK_ORDERS_ATTACHMENT_MAX_BYTES", "").strip()
    return int(raw) if raw else DEFAULT_ATTACHMENT_MAX_BYTES
