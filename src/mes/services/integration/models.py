"""Tables of the integration service (database mes_integration)."""

from mes.platform.db import new_metadata
from mes.platform.migrations import platform_tables_v1

metadata = new_metadata()
platform_tables_v1(metadata)
