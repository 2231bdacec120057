"""The Grafana dashboard shipped in deploy/grafana queries only metrics the services expose."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from prometheus_client.parser import text_string_to_metric_families

from mes.platform.testing import Harness

DASHBOARD = Path(__file__).resolve().parents[2] / "deploy" / "grafana" / "mes-dashboard.json"
METRIC = re.compile(r"\b(mes_[a-z_]+)\b")


def queries(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["expr"]] if isinstance(node.get("expr"), str) else []
        return found + [q for value in node.values() for q in queries(value)]
    if isinstance(node, list):
        return [q for value in node for q in queries(value)]
    return []


async def test_every_metric_the_dashboard_queries_is_in_the_metrics_output(harness: Harness) -> None:
    dashboard = json.loads(DASHBOARD.read_text())
    assert dashboard["uid"] and dashboard["title"] and dashboard["panels"]
    exprs = queries(dashboard["panels"])
    assert len(exprs) >= 10
    wanted = {name for expr in exprs for name in METRIC.findall(expr)}
    wanted |= set(METRIC.findall(json.dumps(dashboard["templating"])))
    # traffic of every kind the dashboard shows: requests, an event through outbox, relay and consumer
    write = harness.auth("resource:equipment:write", "resource:read")
    r = await harness.client.post(
        "/api/v1/resource/equipment",
        json={"code": "DASH-ENT", "name": "Dashboard", "level": "enterprise"},
        headers=write,
    )
    assert r.status_code == 201, r.text
    assert await harness.deliver() >= 1
    for r in harness.runtimes.values():
        if r.relay is not None:
            await r.relay.prune_once(7 * 24 * 3600, 30 * 24 * 3600)
    metrics = await harness.client.get("/api/v1/resource/metrics")
    assert metrics.status_code == 200
    exposed = {
        sample.name for family in text_string_to_metric_families(metrics.text) for sample in family.samples
    }
    missing = sorted(name for name in wanted if name not in exposed)
    assert not missing, f"the dashboard queries metrics no service exposes: {missing}"
    # every panel has a title, a place and a Prometheus query
    for panel in dashboard["panels"]:
        assert panel["title"] and panel["gridPos"]
        if panel["type"] != "row":
            assert panel["targets"] and all(t["expr"] for t in panel["targets"])
