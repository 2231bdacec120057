"""Tables of the quality service (database mes_quality)."""

from mes.platform.db import new_metadata
from mes.platform.migrations import platform_tables

metadata = new_metadata()
platform_tables(metadata)
