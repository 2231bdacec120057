from mes.platform.migrations import run_env
from mes.services.integration.models import metadata

run_env(metadata)
