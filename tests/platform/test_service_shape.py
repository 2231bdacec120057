"""Every service has the same file set (ADR 14), and every module of it sits in a layer."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from mes.platform.registry import SERVICES

ROOT = Path(__file__).resolve().parents[2]
SERVICES_DIR = ROOT / "src" / "mes" / "services"
# each layer may be a module (x.py) or a package (x/) of the same name
REQUIRED = {
    "app",
    "routes",
    "event_handlers",
    "service",
    "schemas",
    "models",
    "vocabulary",
    "errors",
    "migrations",
}
OPTIONAL = {"queries", "clients", "config"}
MODULE_ONLY = {"app", "errors", "config", "vocabulary"}


def _top_level(service_dir: Path) -> dict[str, Path]:
    names: dict[str, Path] = {}
    for entry in service_dir.iterdir():
        if entry.name in ("__pycache__", "__init__.py"):
            continue
        name = entry.stem if entry.suffix == ".py" else entry.name
        names[name] = entry
    return names


@pytest.mark.parametrize("package", [s.package for s in SERVICES])
def test_a_service_holds_exactly_the_file_set(package: str) -> None:
    service_dir = SERVICES_DIR / package
    names = _top_level(service_dir)
    assert (service_dir / "__init__.py").is_file()
    assert set(names) >= REQUIRED, f"{package} lacks {sorted(REQUIRED - set(names))}"
    unknown = set(names) - REQUIRED - OPTIONAL
    assert not unknown, f"{package} has {sorted(unknown)} outside the file set of ADR 14"
    for name in MODULE_ONLY & set(names):
        assert names[name].is_file(), f"{package}.{name} must stay a module"
    for name, path in names.items():
        if path.is_dir() and name != "migrations":
            assert (path / "__init__.py").is_file(), f"{package}.{name} is a folder but not a package"
    assert (service_dir / "migrations" / "env.py").is_file()


def test_the_layer_contract_names_every_layer_of_the_file_set() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    contracts = config["tool"]["importlinter"]["contracts"]
    layered = [c for c in contracts if c["type"] == "layers"]
    assert len(layered) == 1
    contract = layered[0]
    assert set(contract["containers"]) == {f"mes.services.{s.package}" for s in SERVICES}
    named = {
        part.strip().strip("()") for layer in contract["layers"] for part in layer.split("|") if part.strip()
    }
    assert named == REQUIRED | OPTIONAL
    assert not contract.get("ignore_imports"), "a layer exception hides a module outside its layer"


def test_nothing_in_the_repository_points_outside_it() -> None:
    """A clone elsewhere has no ../shared: no link, docstring or script may depend on it."""
    offenders = []
    for folder in ("src", "tests", "bench", "docs", "web/src", "web/e2e", "deploy", ".ci"):
        for path in (ROOT / folder).rglob("*"):
            if not path.is_file() or path.suffix in (".png", ".pyc") or "generated" in path.parts:
                continue
            text = path.read_text(errors="ignore")
            if any(marker in text for marker in ("../shared", "/work/shared", "DESIGN.md")):
                offenders.append(str(path.relative_to(ROOT)))
    for top in ("README.md", "Makefile", "pyproject.toml"):
        if any(m in (ROOT / top).read_text() for m in ("../shared", "DESIGN.md")):
            offenders.append(top)
    offenders = [o for o in offenders if o != "tests/platform/test_service_shape.py"]
    assert not offenders, offenders
