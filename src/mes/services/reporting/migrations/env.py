from mes.platform.migrations import run_env
from mes.services.reporting.models import metadata

run_env(metadata)
