"""What every benchmark shares: servers in their own processes, rounds, medians, a ratio."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from mes.platform.testing import TestKeys, serve_jwks
from mes.platform.testservers import recreate_database, server_url

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    """A server process on a free port; stopped by `stop()`."""

    argv: Sequence[str]
    env: dict[str, str] = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None

    def start(self, ready_path: str = "/", timeout_s: float = 60) -> Server:
        argv = [a.replace("{port}", str(self.port)) for a in self.argv]
        self.proc = subprocess.Popen(
            argv,
            cwd=ROOT,
            env={**os.environ, **self.env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {' '.join(argv)}")
            try:
                httpx.get(f"http://127.0.0.1:{self.port}{ready_path}", timeout=1)
                return self
            except httpx.TransportError:
                time.sleep(0.1)
        raise RuntimeError(f"server did not start: {' '.join(argv)}")

    def cpu_s(self) -> float:
        """CPU seconds (user + system) the server process has used so far: divided by the requests
        of a run, its cost per request, which the machine's other load barely moves."""
        assert self.proc is not None
        with open(f"/proc/{self.proc.pid}/stat") as f:
            fields = f.read().rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(30)
            self.proc = None


def uvicorn_argv(app: str, *extra: str) -> list[str]:
    """The same server settings for every contender: uvloop, httptools, no access log."""
    return [
        str(BIN / "uvicorn"),
        app,
        "--port",
        "{port}",
        "--loop",
        "uvloop",
        "--http",
        "httptools",
        "--no-access-log",
        "--log-level",
        "warning",
        *extra,
    ]


def load(
    port: int, path: str, seconds: float, connections: int, headers: Sequence[str] = (), *options: str
) -> dict[str, float]:
    """Runs bench.load in its own process; `options` are its flags (--method, --body, ...)."""
    return run_json(
        [
            sys.executable,
            "-m",
            "bench.load",
            "127.0.0.1",
            str(port),
            path,
            str(seconds),
            str(connections),
            *headers,
            *options,
        ],
        f"port {port}",
    )


def run_json(argv: Sequence[str], what: str) -> dict[str, float]:
    """A load runner's one JSON line; any error response fails the benchmark."""
    out = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, check=True).stdout
    result: dict[str, float] = json.loads(out)
    if result["errors"]:
        raise RuntimeError(f"{result['errors']} error responses from {what}")
    return result


def options(doc: str | None, *switches: str) -> argparse.Namespace:
    """--seconds, --rounds and --connections, the same for every benchmark; `switches` adds a
    benchmark's own on/off flags (`"gateway"` gives `--gateway`)."""
    p = argparse.ArgumentParser(description=doc)
    p.add_argument("--seconds", type=float, default=5.0)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--connections", type=int, default=16)
    for name in switches:
        p.add_argument(f"--{name}", action="store_true")
    return p.parse_args()


def bench_database(name: str) -> str:
    """A benchmark's database name, suffixed with MES_TEST_TAG when set, so that two sessions
    benchmarking on one PostgreSQL don't drop each other's database."""
    tag = os.environ.get("MES_TEST_TAG", "")
    return f"{name}_{tag}" if tag else name


def serve(service: str, keys: TestKeys, database: str, **env: str) -> Server:
    """`mes serve <service>` on a fresh database `database`, trusting `keys`, logging as in production
    (`env`: more settings, e.g. MES_SERVICE_URLS for the services it calls)."""
    url = asyncio.run(recreate_database(server_url(), bench_database(database)))
    env_key = service.upper().replace("-", "_")
    return Server(
        [str(BIN / "mes"), "serve", service, "--port", "{port}"],
        env={
            f"MES_{env_key}_DATABASE_URL": url,
            "MES_JWKS_URL": serve_jwks(keys)[0],
            "MES_LOG_LEVEL": "INFO",
            "MES_LOG_JSON": "true",
            # one client at full speed measures the service, not the request rate limiter (ADR 22)
            "MES_RATE_LIMITS_ENABLED": "false",
            **env,
        },
    ).start("/health")


def median_of(results: list[dict[str, float]], key: str) -> float:
    return statistics.median(r[key] for r in results)


def table(rows: list[tuple[str, list[dict[str, float]]]]) -> str:
    lines = [f"{'contender':<42} {'req/s (median)':>15} {'p50 ms':>8} {'p99 ms':>8}"]
    for name, results in rows:
        lines.append(
            f"{name:<42} {median_of(results, 'rps'):>15.0f} {median_of(results, 'p50_ms'):>8.2f} "
            f"{median_of(results, 'p99_ms'):>8.2f}"
        )
    return "\n".join(lines)
