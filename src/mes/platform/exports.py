"""Exports each service's OpenAPI and every event contract's JSON Schema to committed files.

`python -m mes.platform.exports` writes them; `--check` fails when a committed file is stale, so
that a change to an API or a contract shows in review (docs/architecture.md §3.4).
"""

from __future__ import annotations

import argparse
import json
import sys
from importlib import import_module
from pathlib import Path
from typing import Any

OUT = Path("docs/reference")


def _dump(data: Any) -> str:
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def rendered() -> dict[Path, str]:
    """Every exported file and its content, computed from the code."""
    import mes.contracts  # noqa: F401  (registers every contract)
    from mes.platform.app import build_service_app
    from mes.platform.events import CONTRACTS
    from mes.platform.registry import SERVICES
    from mes.platform.settings import Settings

    files: dict[Path, str] = {}
    settings = Settings()
    for info in SERVICES:
        spec = import_module(f"mes.services.{info.package}.app").spec
        app = build_service_app(spec, settings)
        files[OUT / "openapi" / f"{info.name}.json"] = _dump(app.openapi())
    for topic, cls in sorted(CONTRACTS.items()):
        if topic.startswith("test."):
            continue
        schema = cls.model_json_schema()
        schema["x-topic"] = topic
        files[OUT / "events" / f"{topic}.json"] = _dump(schema)
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if committed files are stale")
    args = parser.parse_args(argv)
    files = rendered()
    stale = [p for p, text in files.items() if not p.exists() or p.read_text() != text]
    extra = [p for d in ("openapi", "events") for p in (OUT / d).glob("*.json") if p not in files]
    if args.check:
        for p in stale + extra:
            print(f"stale: {p} (run `make schemas`)", file=sys.stderr)
        return 1 if stale or extra else 0
    for p in extra:
        p.unlink()
    for p, text in files.items():
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    print(f"wrote {len(files)} files under {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
