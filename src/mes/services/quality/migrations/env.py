from mes.platform.migrations import run_env
from mes.services.quality.models import metadata

run_env(metadata)
