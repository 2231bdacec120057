"""`mes up` as a newcomer runs it: embedded PostgreSQL, eight services on one port, clean stop."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil

from mes.platform.embedded import stop_postmaster
from mes.platform.registry import SERVICES
from mes.platform.testing import free_port

MES = str(Path(sys.executable).parent / "mes")


def _postgres_running(pgdata: Path) -> bool:
    for p in psutil.process_iter(["name", "cmdline"]):
        if p.info["name"] == "postgres" and str(pgdata) in " ".join(p.info["cmdline"] or []):
            return True
    return False


ADMIN = {"MES_ADMIN_USERNAME": "admin", "MES_ADMIN_PASSWORD": "first-shift-starts-at-six"}


def _demo_plant(base: str) -> None:
    """Work orders acceptance 5: `mes demo` on the empty embedded system, then its orders are there."""
    r = subprocess.run(
        [MES, "demo", "--base-url", base],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **ADMIN},
    )
    assert r.returncode == 0, r.stdout + r.stderr
    login = {"username": ADMIN["MES_ADMIN_USERNAME"], "password": ADMIN["MES_ADMIN_PASSWORD"]}
    token = httpx.post(f"{base}/api/v1/auth/login", json=login, timeout=30).json()["access_token"]
    orders = httpx.get(
        f"{base}/api/v1/workorders/orders",
        params={"limit": 500},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    ).json()["items"]
    states = {o["status"] for o in orders}
    assert {"planned", "released", "in_progress", "completed", "closed", "on_hold", "cancelled"} <= states


def test_mes_up_serves_every_service_and_stops_postgres_on_ctrl_c(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "MES_LOG_LEVEL": "WARNING", **ADMIN}
    proc = subprocess.Popen(
        [MES, "up", "--port", str(port), "--data-dir", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
        text=True,
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/ready", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
            assert time.monotonic() < deadline, "mes up did not become ready in 90 s"
            time.sleep(0.3)
        for s in SERVICES:
            r = httpx.get(f"http://127.0.0.1:{port}/api/v1/{s.prefix}/health")
            assert r.status_code == 200, s.name
            assert r.json() == {"status": "ok", "service": s.name}
            r = httpx.get(f"http://127.0.0.1:{port}/api/v1/{s.prefix}/ready")
            assert r.json()["checks"] == {"database": "ok", "bus": "ok"}
        r = httpx.get(f"http://127.0.0.1:{port}/no/such/page")
        assert r.status_code == 404
        assert r.headers["content-type"] == "application/problem+json"
        assert _postgres_running(tmp_path / "pgdata")
        _demo_plant(f"http://127.0.0.1:{port}")
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            out, _ = proc.communicate(timeout=60)
        finally:
            _leave_nothing_running(proc, tmp_path)
    assert proc.returncode == 0, out
    assert "starting PostgreSQL" in out
    assert "mes_work_order" in out
    assert "stopped" in out
    assert not _postgres_running(tmp_path / "pgdata")


def _leave_nothing_running(proc: subprocess.Popen[str], data: Path) -> None:
    if proc.poll() is None:
        proc.kill()
        proc.wait(10)
    stop_postmaster(data / "pgdata")


def _wait_ready(proc: subprocess.Popen[str], port: int) -> None:
    deadline = time.monotonic() + 90
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/ready", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
        assert time.monotonic() < deadline, "mes up did not become ready in 90 s"
        time.sleep(0.3)


def test_sigterm_stops_mes_up_and_its_postgres_while_serving_and_while_starting(tmp_path: Path) -> None:
    """What a service manager, or a test's terminate(), sends: PostgreSQL must not outlive `mes up`."""
    env = {**os.environ, "MES_LOG_LEVEL": "WARNING"}
    for when in ("serving", "starting"):
        port = free_port()
        data = tmp_path / when
        proc = subprocess.Popen(
            [MES, "up", "--port", str(port), "--data-dir", str(data)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=env,
            text=True,
        )
        try:
            if when == "serving":
                _wait_ready(proc, port)
            else:  # PostgreSQL runs, the databases are being migrated
                assert proc.stdout is not None
                while "migrated" not in proc.stdout.readline():
                    assert proc.poll() is None
            assert _postgres_running(data / "pgdata")
            proc.terminate()
            out, _ = proc.communicate(timeout=60)
            assert proc.returncode == 0, out
            assert "stopped" in out
            assert not _postgres_running(data / "pgdata"), when
        finally:
            _leave_nothing_running(proc, data)


def test_mes_up_refuses_to_start_when_the_admin_password_breaks_the_policy(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "MES_LOG_LEVEL": "WARNING",
        "MES_ADMIN_USERNAME": "admin",
        "MES_ADMIN_PASSWORD": "short",
    }
    proc = subprocess.Popen(
        [MES, "up", "--port", str(free_port()), "--data-dir", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
        text=True,
    )
    try:
        out, _ = proc.communicate(timeout=180)
    finally:
        _leave_nothing_running(proc, tmp_path)
    assert proc.returncode == 2, out
    assert "not starting: the administrator admin" in out
    assert "at least 12 characters" in out
    assert not _postgres_running(tmp_path / "pgdata")


def test_port_in_use_gets_a_clear_message(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        r = subprocess.run(
            [MES, "up", "--port", str(port), "--data-dir", str(tmp_path)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert r.returncode == 2
    assert f"port {port}" in r.stdout
    assert "already in use" in r.stdout


def test_migrate_create_db_creates_the_database_the_service_url_names() -> None:
    """`mes migrate --create-db` with MES_<SERVICE>_DATABASE_URL naming a database of its own (as
    deploy/start-all-services.sh does with a prefix) creates and migrates that one."""
    import asyncio
    import uuid

    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    from mes.platform.settings import replace_database
    from mes.platform.testservers import server_url, worker_suffix

    server = server_url()
    name = f"t_{worker_suffix()}_{uuid.uuid4().hex[:6]}_resource".lower()
    env = {
        **os.environ,
        "MES_DATABASE_URL": server,
        "MES_RESOURCE_DATABASE_URL": replace_database(server, name),
    }
    r = subprocess.run(
        [MES, "migrate", "resource", "--create-db"], capture_output=True, text=True, env=env, timeout=120
    )

    async def tables() -> list[str]:
        engine = create_async_engine(replace_database(server, name))
        try:
            async with engine.connect() as conn:
                rows = await conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))
                return [row[0] for row in rows]
        finally:
            await engine.dispose()

    async def drop() -> None:
        engine = create_async_engine(server, isolation_level="AUTOCOMMIT")
        async with engine.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await engine.dispose()

    try:
        assert r.returncode == 0, r.stdout + r.stderr
        assert {"equipment", "outbox", "inbox"} <= set(asyncio.run(tables()))
    finally:
        asyncio.run(drop())
