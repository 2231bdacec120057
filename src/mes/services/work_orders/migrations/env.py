from mes.platform.migrations import run_env
from mes.services.work_orders.models import metadata

run_env(metadata)
