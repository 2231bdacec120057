from mes.platform.migrations import run_env
from mes.services.resource.models import metadata

run_env(metadata)
