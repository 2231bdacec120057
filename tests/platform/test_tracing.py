"""OpenTelemetry traces across services (ADR 22): one user request, the HTTP call it makes to
another service, the event it records and that event's consumer are one trace."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from sqlalchemy import text

from mes.platform import tracing
from mes.platform.bus import make_bus
from mes.platform.events import Envelope
from mes.platform.testing import Harness, wait_until

M = "/api/v1/material"
Q = "/api/v1/quality"
TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracing.use_provider(provider)
    yield exporter
    tracing.use_provider(None)
    provider.shutdown()


async def stock(h: Harness, lot: str) -> None:
    admin = h.auth("material:master:write", "material:lot:receive", "material:read")
    for path, body in (
        ("/locations", {"code": "TR-WH", "name": "Trace warehouse", "kind": "warehouse"}),
        ("/items", {"code": "TR-RESIN", "name": "Traced resin", "kind": "raw", "uom": "kg"}),
        ("/lots", {"code": lot, "item": "TR-RESIN", "quantity": "25", "location": "TR-WH"}),
    ):
        r = await h.client.post(M + path, json=body, headers=admin)
        assert r.status_code == 201, r.text
    await h.deliver()


async def test_a_request_its_call_to_another_service_and_its_events_consumer_share_one_trace(
    harness: Harness, spans: InMemorySpanExporter
) -> None:
    await stock(harness, "TR-LOT-1")
    spans.clear()
    engineer = harness.auth("quality:nc:write", "quality:read", "material:read", sub="qe-tracy")
    # the caller (a browser, a gateway) already started the trace
    r = await harness.client.post(
        f"{Q}/ncrs",
        json={"title": "Contaminated resin", "lots": ["TR-LOT-1"]},
        headers={**engineer, "traceparent": TRACEPARENT},
    )
    assert r.status_code == 201, r.text
    # quality asked material over HTTP whether the lot exists, and recorded LotHoldRequested
    async with harness.db("quality").transaction() as s:
        stored = (
            await s.execute(text("SELECT headers FROM outbox WHERE topic = 'quality.lot_hold_requested.v1'"))
        ).scalar_one()
    assert stored["traceparent"].split("-")[1] == TRACEPARENT.split("-")[1]
    await harness.deliver()  # the relay publishes; material's consumer holds the lot
    lot = await harness.client.get(f"{M}/lots/TR-LOT-1", headers=engineer)
    assert lot.json()["status"] == "on_hold"

    by_name: dict[str, ReadableSpan] = {}
    for (
        finished
    ) in spans.get_finished_spans():  # the first of a name: the later lot read is a trace of its own
        by_name.setdefault(finished.name, finished)
    request = by_name["POST /ncrs"]
    call = by_name["GET /lots/{code}"]
    consumer = by_name["consume quality.lot_hold_requested.v1"]
    trace_id = int(TRACEPARENT.split("-")[1], 16)
    assert {request.context.trace_id, call.context.trace_id, consumer.context.trace_id} == {trace_id}
    assert request.parent is not None and request.parent.span_id == int(TRACEPARENT.split("-")[2], 16)
    assert call.parent is not None and call.parent.span_id == request.context.span_id
    assert consumer.parent is not None and consumer.parent.span_id == request.context.span_id
    assert request.attributes is not None and request.attributes["http.response.status_code"] == 201
    assert consumer.attributes is not None and consumer.attributes["mes.service"] == "material"


async def test_a_request_without_a_caller_trace_starts_one_that_its_call_continues(
    harness: Harness, spans: InMemorySpanExporter
) -> None:
    await stock(harness, "TR-LOT-2")
    spans.clear()
    engineer = harness.auth("quality:nc:write", "quality:read", "material:read", sub="qe-tracy")
    r = await harness.client.post(f"{Q}/ncrs", json={"title": "Wet", "lots": ["TR-LOT-2"]}, headers=engineer)
    assert r.status_code == 201, r.text
    by_name = {s.name: s for s in spans.get_finished_spans()}
    request, call = by_name["POST /ncrs"], by_name["GET /lots/{code}"]
    assert request.parent is None
    assert call.context.trace_id == request.context.trace_id


async def test_tracing_off_adds_no_span_and_no_header(harness: Harness) -> None:
    assert not tracing.enabled()
    await stock(harness, "TR-LOT-3")
    async with harness.db("material").transaction() as s:
        headers = (await s.execute(text("SELECT headers FROM outbox"))).scalars().all()
    assert headers and all(h is None for h in headers)
    assert tracing.current_headers() == {}
    assert tracing.configure_tracing(0.0) is False


@pytest.mark.parametrize("broker", ["nats_server", "kafka_server"])
async def test_the_trace_context_travels_in_the_event_headers_over_the_bus(
    request: pytest.FixtureRequest, broker: str
) -> None:
    """Distributed mode: the consumer in another process gets the producer's traceparent from
    the JetStream message or Kafka record headers (the in-process bus hands the envelope itself)."""
    server = request.getfixturevalue(broker)
    stream = f"TRACE_{uuid.uuid4().hex[:8].upper()}"
    bus = make_bus(server.url, stream=stream)
    await bus.connect()
    got: list[Envelope] = []
    try:
        topic = f"tracing.test_{uuid.uuid4().hex[:6]}.v1"
        await bus.subscribe(f"trace-test-{uuid.uuid4().hex[:6]}", [topic], lambda env: _keep(got, env))
        sent = Envelope(
            event_id=str(uuid.uuid4()),
            topic=topic,
            aggregate_id="A-1",
            producer="quality",
            payload=b"{}",
            headers={"traceparent": TRACEPARENT, "tracestate": "mes=1", "x-other": "dropped"},
        )
        await bus.publish(sent)
        await wait_until(lambda: bool(got), timeout_s=20)
    finally:
        await bus.close()
    assert got[0].headers == {"traceparent": TRACEPARENT, "tracestate": "mes=1"}
    assert got[0].event_id == sent.event_id


async def _keep(into: list[Envelope], env: Envelope) -> None:
    into.append(env)


def test_sampled_spans_are_exported_over_otlp_http_to_the_configured_endpoint() -> None:
    """MES_OTEL_SAMPLE_RATIO and MES_OTEL_ENDPOINT as `mes serve` reads them: a collector (here a
    small HTTP server in the test) receives the spans as OTLP protobuf."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

    received: list[tuple[str, str, bytes]] = []

    class Collector(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["content-length"]))
            received.append((self.path, self.headers["content-type"], body))
            self.send_response(200)
            self.send_header("content-type", "application/x-protobuf")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Collector)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        endpoint = f"http://127.0.0.1:{server.server_address[1]}/v1/traces"
        assert tracing.configure_tracing(1.0, endpoint, service="mes-quality")
        with tracing.span("POST /ncrs", {"traceparent": TRACEPARENT}, kind="server"):
            headers = tracing.current_headers()
        tracing.shutdown_tracing()  # flushes the batch
    finally:
        server.shutdown()
        tracing.use_provider(None)
    assert headers["traceparent"].split("-")[1] == TRACEPARENT.split("-")[1]
    assert len(received) == 1
    path, content_type, body = received[0]
    assert path == "/v1/traces" and content_type == "application/x-protobuf"
    export = ExportTraceServiceRequest.FromString(body)
    resource_spans = export.resource_spans[0]
    names = {a.key: a.value.string_value for a in resource_spans.resource.attributes}
    assert names["service.name"] == "mes-quality"
    exported = resource_spans.scope_spans[0].spans[0]
    assert exported.name == "POST /ncrs"
    assert exported.trace_id.hex() == TRACEPARENT.split("-")[1]
