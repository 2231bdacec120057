"""Tables of the traceability service (database mes_traceability)."""

from mes.platform.db import new_metadata
from mes.platform.migrations import platform_tables

metadata = new_metadata()
platform_tables(metadata)
