"""The deployment files: generated ones current, Compose files valid for the Compose CLI, the
Kubernetes manifests valid against the Kubernetes schemas (kubernetes-validate), nginx's
configuration accepted by nginx itself."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import kubernetes_validate
import pytest
import yaml

from mes.platform.ratelimit import Rate
from mes.platform.registry import SERVICES
from mes.platform.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "k8s"
COMPOSE_FILES = [DEPLOY / "docker-compose.databases.yml", DEPLOY / "docker-compose.services.yml"]
K8S_VERSION = "1.37.0"


def test_generated_files_are_current() -> None:
    r = subprocess.run(
        [sys.executable, str(DEPLOY / "generate.py"), "--check"], capture_output=True, text=True, check=False
    )
    assert r.returncode == 0, r.stderr


def _compose() -> list[str]:
    """`docker compose` (the v2 plugin) where it is installed, else Debian's `docker-compose`."""
    docker = shutil.which("docker")
    if (
        docker
        and subprocess.run([docker, "compose", "version"], capture_output=True, check=False).returncode == 0
    ):
        return [docker, "compose"]
    standalone = shutil.which("docker-compose")
    assert standalone, "the Compose CLI is needed: apt-get install docker-compose (.ci/run installs it)"
    return [standalone]


def _compose_config(*args: str, profiles: str = "") -> dict[str, Any]:
    env = {
        **os.environ,
        "MES_AUTH_KEY_SECRET": "test-only-secret",
        "MES_INTEGRATION_SEAL_KEY": "test-only-key",
        "MES_SERVICE_SECRET": "test-only-service-secret",
        "MES_WORK_ORDERS_SERVICE_CREDENTIAL": "test-only-credential",
        "COMPOSE_PROFILES": profiles,
    }
    files = [a for f in COMPOSE_FILES for a in ("-f", str(f))]
    r = subprocess.run(
        [*_compose(), *files, "config", *args], capture_output=True, text=True, env=env, cwd=ROOT, check=False
    )
    assert r.returncode == 0, r.stderr
    return dict(yaml.safe_load(r.stdout)) if r.stdout.strip() else {}


def test_compose_config_validates_both_files() -> None:
    config = _compose_config()
    services = config["services"]
    assert {"postgres", "redis", "nats", "migrations", "gateway"} <= set(services)
    # Kafka only under its profile (Compose v2 leaves it out of the config, v1 shows it with the profile)
    assert services.get("kafka", {"profiles": ["kafka"]})["profiles"] == ["kafka"]
    for s in SERVICES:
        svc = services[s.name]
        assert svc["command"] == ["serve", s.name, "--port", str(s.port)]
        assert "/ready" in " ".join(svc["healthcheck"]["test"])
        assert svc["environment"]["MES_REDIS_URL"] == "redis://redis:6379/0"
        assert svc["depends_on"]["migrations"]["condition"] == "service_completed_successfully"
    assert services["gateway"]["depends_on"].keys() == {s.name for s in SERVICES}
    # ADR 44: only auth holds the service secret; the work orders service only its own credential
    assert [n for n, svc in services.items() if "MES_SERVICE_SECRET" in svc.get("environment", {})] == [
        "auth"
    ]
    assert services["work-orders"]["environment"]["MES_SERVICE_CREDENTIAL"] == "test-only-credential"


def test_compose_with_kafka_in_kraft_mode() -> None:
    config = _compose_config(profiles="kafka")
    kafka = config["services"]["kafka"]
    assert kafka["environment"]["KAFKA_PROCESS_ROLES"] == "broker,controller"


def test_compose_refuses_to_run_without_the_secrets() -> None:
    env = {
        k: v for k, v in os.environ.items() if k not in ("MES_AUTH_KEY_SECRET", "MES_INTEGRATION_SEAL_KEY")
    }
    files = [a for f in COMPOSE_FILES for a in ("-f", str(f))]
    r = subprocess.run(
        [*_compose(), *files, "config"], capture_output=True, text=True, env=env, cwd=ROOT, check=False
    )
    assert r.returncode != 0
    assert "MES_AUTH_KEY_SECRET" in r.stderr


def _manifests() -> list[tuple[str, dict[str, Any]]]:
    docs = []
    for path in sorted(K8S.glob("*.yaml")):
        if path.name == "kustomization.yaml":
            continue
        docs += [(path.name, d) for d in yaml.safe_load_all(path.read_text()) if d]
    return docs


@pytest.mark.parametrize(("file", "doc"), _manifests(), ids=lambda v: v if isinstance(v, str) else v["kind"])
def test_kubernetes_manifest_validates(file: str, doc: dict[str, Any]) -> None:
    kubernetes_validate.validate(doc, K8S_VERSION, strict=True)


def test_every_service_has_its_kubernetes_objects() -> None:
    kinds: dict[str, set[str]] = {}
    for _, doc in _manifests():
        kinds.setdefault(doc["metadata"]["name"], set()).add(doc["kind"])
    for s in SERVICES:
        assert {"Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget"} <= kinds[s.name]
        assert kinds[f"{s.name}-migrate"] == {"Job"}
        assert kinds[f"mes-{s.name}-database"] == {"Secret"}
    deployments = {d["metadata"]["name"]: d for _, d in _manifests() if d["kind"] == "Deployment"}
    for s in SERVICES:
        container = deployments[s.name]["spec"]["template"]["spec"]["containers"][0]
        assert container["readinessProbe"]["httpGet"]["path"] == "/ready"
        assert container["livenessProbe"]["httpGet"]["path"] == "/health"
        assert {"configMapRef"} <= {k for e in container["envFrom"] for k in e}
        assert container["resources"]["limits"]["memory"]
    ingress = next(d for _, d in _manifests() if d["kind"] == "Ingress")
    paths = {p["path"] for p in ingress["spec"]["rules"][0]["http"]["paths"]}
    assert paths == {s.api_root for s in SERVICES} | {"/"}
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    assert sorted(kustomization["resources"]) == sorted(
        p.name for p in K8S.glob("*.yaml") if p.name != "kustomization.yaml"
    )


def test_the_secrets_hold_placeholders_only() -> None:
    for _, doc in _manifests():
        if doc["kind"] == "Secret":
            values = " ".join(doc["stringData"].values())
            assert "REPLACE-ME" in values, doc["metadata"]["name"]


def test_nginx_accepts_the_gateway_configuration(tmp_path: Path) -> None:
    """The gateway image's nginx.conf with its snippets, as nginx -t sees it (the compose service
    names resolved to this host, a throwaway certificate in place of the mounted one)."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    assert Path(nginx).exists(), "nginx is needed: apt-get install nginx (.ci/run installs it)"
    for name in ("common.conf", "api-routes.conf", "ui.conf", "ui-headers.conf", "tls.conf", "web.conf"):
        shutil.copy(DEPLOY / "nginx" / name, tmp_path / name)
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=mes-test",
         "-keyout", str(tmp_path / "tls.key"), "-out", str(tmp_path / "tls.crt")],
        capture_output=True, check=True,
    )  # fmt: skip
    conf = (DEPLOY / "nginx" / "mes.conf").read_text()
    for s in SERVICES:
        conf = conf.replace(f"server {s.name}:{s.port}", f"server 127.0.0.1:{s.port}")
    (tmp_path / "nginx.conf").write_text(conf)
    for main in ("nginx.conf", "web.conf"):
        text = (tmp_path / main).read_text().replace(" /tmp/", f" {tmp_path}/")
        (tmp_path / main).write_text(text.replace("/etc/nginx/tls/", f"{tmp_path}/"))
        r = subprocess.run(
            [nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / main), "-e", str(tmp_path / "error.log")],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert r.returncode == 0, r.stderr


def _gate_rates() -> dict[str, float]:
    """The gateway's rates per second, by zone, as common.conf sets them."""
    text = (DEPLOY / "nginx" / "common.conf").read_text()
    found = re.findall(r"limit_req_zone \S+ zone=(\w+):\S+ rate=(\d+)r/s;", text)
    return {zone: float(rate) for zone, rate in found}


def test_the_gateway_limits_sit_above_the_services_own() -> None:
    """The gateway only stops floods: whatever a service's own limit (ADR 22) lets through by
    default, the gateway lets through too, so the services' RateLimit fields stay the answer."""
    rates = _gate_rates()
    settings = Settings()
    per_token = max(
        Rate.parse(settings.rate_limit_reads).per_s, Rate.parse(settings.rate_limit_commands).per_s
    )
    assert rates["mes_token"] >= per_token
    assert rates["mes_address"] >= Rate.parse(settings.rate_limit_signin).per_s
    routes = (DEPLOY / "nginx" / "api-routes.conf").read_text()
    for s in SERVICES:  # every service's routes, and nothing of the UI
        assert f"location {s.api_root}/ {{ limit_req zone=mes_token" in routes


class _Upstream(BaseHTTPRequestHandler):
    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        body = b'{"ok":true}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *args: Any) -> None:
        pass


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_the_gateway_refuses_a_flood_with_a_problem_and_serves_everyone_else(tmp_path: Path) -> None:
    """nginx with the shipped snippets in front of a stand-in upstream, its rates lowered to 5/s
    with a burst of 5 so that a test's requests exceed them for sure: the flooding token and the
    flooding address get 429 problem+json with Retry-After, another token is served."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    assert Path(nginx).exists(), "nginx is needed: apt-get install nginx (.ci/run installs it)"
    common = (DEPLOY / "nginx" / "common.conf").read_text()
    common = re.sub(r"rate=\d+r/s", "rate=5r/s", common)
    (tmp_path / "common.conf").write_text(common)
    routes = re.sub(r"burst=\d+", "burst=5", (DEPLOY / "nginx" / "api-routes.conf").read_text())
    (tmp_path / "api-routes.conf").write_text(routes)
    upstream = ThreadingHTTPServer(("127.0.0.1", 0), _Upstream)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    port = _free_port()
    upstreams = "\n".join(
        f"  upstream {s.prefix} {{ server 127.0.0.1:{upstream.server_port}; }}" for s in SERVICES
    )
    user = "user root;\n" if os.geteuid() == 0 else ""
    (tmp_path / "nginx.conf").write_text(
        f"{user}worker_processes 1;\npid {tmp_path}/nginx.pid;\nevents {{ worker_connections 256; }}\n"
        f"http {{\n  access_log off;\n{upstreams}\n  include common.conf;\n"
        f"  server {{\n    listen 127.0.0.1:{port};\n    include api-routes.conf;\n  }}\n}}\n"
    )
    proc = subprocess.Popen(
        [nginx, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"), "-e", str(tmp_path / "error.log"),
         "-g", "daemon off;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base, timeout=10) as c:
            for _ in range(100):
                try:
                    c.get("/api/v1/resource/health", headers={"Authorization": "Bearer ready"})
                    break
                except httpx.TransportError:
                    time.sleep(0.05)
            flood = [
                c.get("/api/v1/resource/equipment", headers={"Authorization": "Bearer A"}) for _ in range(40)
            ]
            refused = [r for r in flood if r.status_code == 429]
            assert refused and all(r.status_code in (200, 429) for r in flood)
            r = refused[0]
            assert r.headers["content-type"] == "application/problem+json"
            assert r.headers["retry-after"] == "1"
            assert r.json()["code"] == "rate_limited" and r.json()["status"] == 429
            assert (
                c.get("/api/v1/resource/equipment", headers={"Authorization": "Bearer B"}).status_code == 200
            )
            signins = [
                c.post("/api/v1/auth/login", json={"username": "x", "password": "y"}) for _ in range(40)
            ]
            assert any(s.status_code == 429 for s in signins)
            # the flooding address's requests with a token are counted by token, not refused with it
            assert (
                c.get("/api/v1/resource/equipment", headers={"Authorization": "Bearer C"}).status_code == 200
            )
    finally:
        proc.terminate()
        proc.wait(10)
        upstream.shutdown()
