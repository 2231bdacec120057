from mes.platform.migrations import run_env
from mes.services.traceability.models import metadata

run_env(metadata)
