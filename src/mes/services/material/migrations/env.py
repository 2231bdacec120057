from mes.platform.migrations import run_env
from mes.services.material.models import metadata

run_env(metadata)
