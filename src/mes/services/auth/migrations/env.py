from mes.platform.migrations import run_env
from mes.services.auth.models import metadata

run_env(metadata)
