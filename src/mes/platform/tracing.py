"""OpenTelemetry traces across services (ADR 22): sampled, off by default, W3C trace context
through HTTP calls (ServiceClient) and through events (the outbox row's headers, the bus, the
consumer), so one user request, the calls it makes and the events it causes are one trace.

Off (MES_OTEL_SAMPLE_RATIO=0, the default) nothing is set up: every hook below returns after
one attribute check, no span, no context, no header. On, a parent-based ratio sampler decides
for new traces, a remote parent's decision is kept, and spans go to an OTLP/HTTP collector when
MES_OTEL_ENDPOINT is set.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.trace import Tracer

TRACE_HEADERS = ("traceparent", "tracestate")


class _State:
    provider: TracerProvider | None = None
    tracer: Tracer | None = None


_state = _State()


def enabled() -> bool:
    return _state.tracer is not None


def configure_tracing(sample_ratio: float, endpoint: str = "", *, service: str = "mes") -> bool:
    """Sets up this process's tracing from the settings; True when it is on. Called once by
    `mes up` / `mes serve`; a ratio of 0 leaves tracing off."""
    if sample_ratio <= 0:
        return False
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor
    from opentelemetry.sdk.trace.sampling import ParentBased, TraceIdRatioBased

    provider = TracerProvider(
        resource=Resource.create({"service.name": service}),
        sampler=ParentBased(TraceIdRatioBased(min(sample_ratio, 1.0))),
    )
    if endpoint:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint)))
    use_provider(provider)
    return True


def use_provider(provider: TracerProvider | None) -> None:
    """Traces go to `provider` from now on (None: tracing off). Tests give one with an
    in-memory exporter."""
    _state.provider = provider
    _state.tracer = provider.get_tracer("mes") if provider is not None else None


def shutdown_tracing() -> None:
    if _state.provider is not None:
        _state.provider.shutdown()
    use_provider(None)


def inject(headers: dict[str, str]) -> None:
    """Adds the current span's traceparent (and tracestate) to outgoing `headers`."""
    if _state.tracer is None:
        return
    from opentelemetry import propagate

    propagate.inject(headers)


def current_headers() -> dict[str, str]:
    """The current trace context as headers (for an event recorded now), empty when off."""
    headers: dict[str, str] = {}
    inject(headers)
    return headers


@contextlib.contextmanager
def span(
    name: str, carrier: Mapping[str, str] | None = None, *, kind: str = "internal", **attributes: Any
) -> Iterator[Any]:
    """A span named `name`, a child of the trace context in `carrier` (received headers) or of
    the current span; yields None when tracing is off."""
    tracer = _state.tracer
    if tracer is None:
        yield None
        return
    from opentelemetry import propagate, trace

    parent = propagate.extract(dict(carrier)) if carrier else None
    kinds = {
        "server": trace.SpanKind.SERVER,
        "consumer": trace.SpanKind.CONSUMER,
        "client": trace.SpanKind.CLIENT,
        "internal": trace.SpanKind.INTERNAL,
    }
    with tracer.start_as_current_span(name, context=parent, kind=kinds[kind], attributes=attributes) as s:
        yield s


class TracingMiddleware:
    """A server span per request, continuing the caller's `traceparent` when there is one."""

    def __init__(self, app: ASGIApp, *, service: str) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if _state.tracer is None or scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        carrier = {
            name.decode("latin-1"): value.decode("latin-1")
            for name, value in scope["headers"]
            if name in (b"traceparent", b"tracestate")
        }
        method: str = scope["method"]
        with span(
            f"{method} {scope['path']}",
            carrier,
            kind="server",
            **{"http.request.method": method, "url.path": scope["path"], "mes.service": self.service},
        ) as s:

            async def send_observed(message: Message) -> None:
                if message["type"] == "http.response.start" and s is not None:
                    s.set_attribute("http.response.status_code", message["status"])
                await send(message)

            await self.app(scope, receive, send_observed)
            route = getattr(scope.get("route"), "path", None)
            if route and s is not None:
                s.update_name(f"{method} {route}")
                s.set_attribute("http.route", route)
