"""What every benchmark shares: servers in their own processes, rounds, medians, a ratio."""

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from mes.platform.testing import TestKeys

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


def serve_jwks(keys: TestKeys) -> str:
    """The test keys' JWKS on a local HTTP server (a thread), as the auth service would publish it."""
    body = json.dumps(keys.jwks()).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/jwks.json"


def postgres_server() -> str:
    return os.environ.get("MES_TEST_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres")


async def fresh_database(server_url: str, name: str) -> str:
    """An empty database `name` on the server (dropped first if there); its URL."""
    engine = create_async_engine(server_url, isolation_level="AUTOCOMMIT")
    async with engine.connect() as conn:
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await conn.execute(text(f'CREATE DATABASE "{name}"'))
    await engine.dispose()
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def median_of(results: list[dict[str, float]], key: str) -> float:
    return statistics.median(r[key] for r in results)


def table(rows: list[tuple[str, list[dict[str, float]]]]) -> str:
    lines = [f"{'contender':<34} {'req/s (median)':>15} {'p50 ms':>8} {'p99 ms':>8}"]
    for name, results in rows:
        lines.append(
            f"{name:<34} {median_of(results, 'rps'):>15.0f} {median_of(results, 'p50_ms'):>8.2f} "
            f"{median_of(results, 'p99_ms'):>8.2f}"
        )
    return "\n".join(lines)
