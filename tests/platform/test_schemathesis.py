"""A schemathesis run over every service's OpenAPI, against `mes up` over real HTTP: no 5xx, no
undocumented status code, responses matching their schemas."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from mes.platform.auth import DECLARED_PERMISSIONS
from mes.platform.embedded import stop_postmaster
from mes.platform.registry import SERVICES
from mes.platform.testing import TestKeys, free_port
from mes.services import all_specs

BIN = Path(sys.executable).parent
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"


@pytest.fixture(scope="module")
def system(tmp_path_factory: pytest.TempPathFactory, jwks_url: str) -> Iterator[str]:
    port = free_port()
    data = tmp_path_factory.mktemp("schemathesis")
    env = {**os.environ, "MES_JWKS_URL": jwks_url, "MES_LOG_LEVEL": "WARNING"}
    proc = subprocess.Popen(
        [BIN / "mes", "up", "--port", str(port), "--data-dir", str(data)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 240  # a shared, loaded machine can take minutes
        while True:
            try:
                if httpx.get(base + "/ready", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert proc.poll() is None and time.monotonic() < deadline, "mes up did not start"
            time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(60)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(10)
            # whatever became of `mes up`, its PostgreSQL must not outlive the test
            stop_postmaster(data / "pgdata")


@pytest.mark.parametrize("service", [s for s in SERVICES], ids=lambda s: s.name)
def test_no_server_errors_and_no_undocumented_status(system: str, test_keys: TestKeys, service) -> None:  # type: ignore[no-untyped-def]
    all_specs()  # every route declared, so the token can hold every permission
    token = test_keys.token(*sorted(DECLARED_PERMISSIONS), ttl_s=3600)
    r = subprocess.run(
        [
            BIN / "st",
            "run",
            f"{system}{service.api_root}/openapi.json",
            "-c",
            CHECKS,
            "-n",
            "40",
            "--seed",
            "4711",
            "-H",
            f"Authorization: Bearer {token}",
            "--no-color",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-2000:]
    assert "passed" in r.stdout
