"""Tables of the reporting service (database mes_reporting)."""

from mes.platform.db import new_metadata
from mes.platform.migrations import platform_tables

metadata = new_metadata()
platform_tables(metadata)
