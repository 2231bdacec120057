"""The typed vocabulary (ADR 35): mypy, as `make typecheck` runs it, refuses a misspelt state,
action or kind, and a handler registered for an event class it does not take."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
from mypy import api

ROOT = Path(__file__).resolve().parents[2]

RIGHT = """
from sqlalchemy.ext.asyncio import AsyncSession

from mes.contracts.work_orders import WorkOrderCompleted
from mes.platform.app import handlers, on
from mes.services.material.models import Lot
from mes.services.quality.models import Ncr, Task
from mes.services.reporting.models import ProductionHour, StateInterval
from mes.services.resource.models import MaintenanceOrder
from mes.services.traceability.models import Edge, Node
from mes.services.work_orders.models import Operation, WorkOrder


def fine(
    order: WorkOrder,
    op: Operation,
    lot: Lot,
    mo: MaintenanceOrder,
    node: Node,
    edge: Edge,
    ncr: Ncr,
    task: Task,
    hour: ProductionHour,
    interval: StateInterval,
) -> bool:
    order.transition("release")
    op.status = "completed"
    mo.advance("in_progress")
    node.origin = "received"
    task.status = "waived"
    hour.source = "machine"
    if interval.element == "ADOT":
        return True
    return lot.status == "on_hold" and op.origin == "rework" and edge.kind == "consumed" and ncr.status == "open"


async def finished(session: AsyncSession, event: WorkOrderCompleted) -> None:
    return None


HANDLERS = handlers(on(WorkOrderCompleted, finished))
"""

# each line marked `# E: <what mypy says>` must be refused, with that in its message
WRONG = """
from sqlalchemy.ext.asyncio import AsyncSession

from mes.contracts.quality import LotHoldRequested
from mes.contracts.work_orders import WorkOrderCompleted
from mes.platform.app import handlers, on
from mes.services.auth.models import Signature
from mes.services.integration.models import Delivery
from mes.services.material.models import Lot
from mes.services.quality.models import Ncr, Task
from mes.services.reporting.models import ProductionHour, StateInterval
from mes.services.resource.models import Equipment, MaintenanceOrder
from mes.services.traceability.models import Edge, Node
from mes.services.work_orders.models import Operation, WorkOrder


def typos(
    order: WorkOrder,
    op: Operation,
    lot: Lot,
    mo: MaintenanceOrder,
    eq: Equipment,
    s: Signature,
    d: Delivery,
    node: Node,
    edge: Edge,
    ncr: Ncr,
    task: Task,
    hour: ProductionHour,
    interval: StateInterval,
) -> bool:
    order.transition("relase")  # E: incompatible type "Literal['relase']"
    op.status = "complete"  # E: Incompatible types in assignment
    mo.advance("done")  # E: incompatible type "Literal['done']"
    node.origin = "recieved"  # E: Incompatible types in assignment
    task.status = "pass"  # E: Incompatible types in assignment
    hour.source = "machin"  # E: Incompatible types in assignment
    checks = [
        eq.level == "workcenter",  # E: Non-overlapping equality check
        s.meaning == "approve",  # E: Non-overlapping equality check
        d.status == "delivred",  # E: Non-overlapping equality check
        lot.status == "held",  # E: Non-overlapping equality check
        edge.kind == "consume",  # E: Non-overlapping equality check
        ncr.status == "disposed",  # E: Non-overlapping equality check
        interval.element == "APD",  # E: Non-overlapping equality check
    ]
    return any(checks)


async def finished(session: AsyncSession, event: WorkOrderCompleted) -> None:
    return None


HANDLERS = handlers(on(LotHoldRequested, finished))  # E: Argument 2 to "on" has incompatible type
"""


@pytest.fixture(scope="module")
def mypy_output(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("vocabulary")
    for name, text in (("right.py", RIGHT), ("wrong.py", WRONG)):
        (folder / name).write_text(textwrap.dedent(text).lstrip())
    import os

    old = os.environ.get("MYPYPATH")
    os.environ["MYPYPATH"] = str(ROOT / "src")  # the sources, not an installed copy
    try:
        stdout, stderr, _ = api.run(
            [
                "--config-file",
                str(ROOT / "pyproject.toml"),
                "--cache-dir",
                str(folder / "cache"),
                "--no-error-summary",
                "--hide-error-context",
                str(folder / "right.py"),
                str(folder / "wrong.py"),
            ]
        )
    finally:
        if old is None:
            del os.environ["MYPYPATH"]
        else:
            os.environ["MYPYPATH"] = old
    assert not stderr, stderr
    return stdout


def _errors(output: str, file: str) -> dict[int, str]:
    found: dict[int, str] = {}
    for line in output.splitlines():
        m = re.match(rf".*{file}:(\d+): error: (.*)", line)
        if m:
            found[int(m.group(1))] = found.get(int(m.group(1)), "") + m.group(2)
    return found


def test_the_right_words_pass(mypy_output: str) -> None:
    assert _errors(mypy_output, "right.py") == {}, mypy_output


def test_each_misspelt_word_and_the_wrong_handler_are_refused(mypy_output: str) -> None:
    lines = textwrap.dedent(WRONG).lstrip().splitlines()
    expected = {n: line.split("# E: ", 1)[1] for n, line in enumerate(lines, 1) if "# E: " in line}
    found = _errors(mypy_output, "wrong.py")
    assert len(expected) == 14
    for number, what in expected.items():
        assert what in found.get(number, ""), (number, lines[number - 1], mypy_output)
    assert set(found) == set(expected), mypy_output  # nothing else is refused
