"""B9: `mes up` from nothing to every service ready, and again on the same data, and its memory.

First start: an empty data directory, so PostgreSQL's initdb, eight databases created and
migrated, eight services wired, the UI mounted; measured until `GET /ready` answers 200. Restart:
the same data directory again (nothing to create or migrate). The ceiling, in the same run, is
the embedded PostgreSQL alone (initdb and start; then start on the existing data) plus a Python
interpreter importing the `mes` package: what `mes up` cannot do without. Memory is the
proportional set size (PSS, shared pages split among their users) of `mes up` and every
PostgreSQL process it started, once ready and idle.

    python -m bench.startup [--rounds 5]
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bench.harness import BIN, ROOT, free_port


def _wait_ready(url: str, proc: subprocess.Popen[bytes], timeout_s: float = 180) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("mes up exited before it was ready")
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.02)
    raise RuntimeError("mes up was not ready in time")


def _pss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _tree(pid: int) -> list[int]:
    """`pid` and its descendants (PostgreSQL's postmaster is a grandchild: the wheel starts it)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def _postgres_pids(data_dir: Path) -> list[int]:
    """The PostgreSQL of `data_dir`: its postmaster (from postmaster.pid) and its children."""
    pidfile = data_dir / "pgdata" / "postmaster.pid"
    if not pidfile.exists():
        return []
    return _tree(int(pidfile.read_text().split()[0]))


def mes_up(data_dir: Path) -> tuple[float, int]:
    """Seconds from launch to ready, and the PSS (KiB) of everything it runs, then stops it."""
    port = free_port()
    env = {**os.environ, "MES_LOG_LEVEL": "WARNING", "MES_ADMIN_USERNAME": "", "MES_ADMIN_PASSWORD": ""}
    started = time.perf_counter()
    proc = subprocess.Popen(
        [str(BIN / "mes"), "up", "--port", str(port), "--data-dir", str(data_dir)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_ready(f"http://127.0.0.1:{port}/ready", proc)
        elapsed = time.perf_counter() - started
        time.sleep(1.0)  # idle: the relays' and workers' first rounds are done
        pids = set(_tree(proc.pid)) | set(_postgres_pids(data_dir))
        pss = sum(_pss_kib(p) for p in pids)
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return elapsed, pss


_CEILING = """
import sys, time
t = time.perf_counter()
from pathlib import Path
import mes.platform.embedded as e
pg = e.EmbeddedPostgres(Path(sys.argv[1]))
pg.start()
print(time.perf_counter() - t)
pg.stop()
"""


def ceiling(data_dir: Path) -> float:
    """Seconds for a Python process to import mes and start the embedded PostgreSQL (and stop)."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", _CEILING, str(data_dir)], cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--rounds", type=int, default=5)
    args = p.parse_args()
    runs: dict[str, list[float]] = {"first": [], "restart": [], "pg_first": [], "pg_restart": []}
    pss: list[int] = []
    for _ in range(args.rounds):  # interleaved, so drift hits all alike
        with tempfile.TemporaryDirectory(prefix="mes-bench-up-") as tmp:
            first, restart = Path(tmp) / "mes", Path(tmp) / "pg"
            t, _ = mes_up(first)
            runs["first"].append(t)
            t, kib = mes_up(first)
            runs["restart"].append(t)
            pss.append(kib)
            runs["pg_first"].append(ceiling(restart))
            runs["pg_restart"].append(ceiling(restart))
            shutil.rmtree(tmp, ignore_errors=True)

    def med(key: str) -> float:
        return statistics.median(runs[key])

    print(f"B9 start-up: mes up to every service ready, {args.rounds} rounds (medians)")
    print(f"{'contender':<52} {'first s':>8} {'restart s':>10}")
    print(
        f"{'PostgreSQL from the wheel + import mes (ceiling)':<52} {med('pg_first'):>8.2f} {med('pg_restart'):>10.2f}"
    )
    print(
        f"{'mes up (8 databases, migrations, 8 services, UI)':<52} {med('first'):>8.2f} {med('restart'):>10.2f}"
    )
    print(
        f"ratio ceiling/mes up = {med('pg_first') / med('first'):.2f} first start, "
        f"{med('pg_restart') / med('restart'):.2f} restart (targets: first < 3 s, restart < 2 s)"
    )
    print(
        f"memory of mes up and its PostgreSQL, idle (PSS): {statistics.median(pss) / 1024:.0f} MiB (target < 300)"
    )


if __name__ == "__main__":
    main()
