"""Tables of the reporting service (database mes_reporting)."""

from mes.platform.db import new_metadata
from mes.platform.migrations import platform_tables_v1

metadata = new_metadata()
platform_tables_v1(metadata)
