"""The deployment files: generated ones current, Compose files valid for the Compose CLI, the
Kubernetes manifests valid against the Kubernetes schemas (kubernetes-validate), nginx's
configuration accepted by nginx itself."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from mes.platform.registry import SERVICES

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
