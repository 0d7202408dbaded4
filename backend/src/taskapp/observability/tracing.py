"""OpenTelemetry tracing: off unless OTEL_EXPORTER_OTLP_ENDPOINT is set (or a test passes an
exporter). Spans for each request, each SQL statement and each Redis call, one trace per request.
"""

from __future__ import annotations

import os
from typing import Any

from fastapi import FastAPI
from opentelemetry import trace
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.instrumentation.redis import RedisInstrumentor
from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor, SpanExporter
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine
from structlog.types import EventDict

from taskapp import __version__

SERVICE_NAME = "taskapp-backend"
# Probes and scrapes would drown the interesting traces.
EXCLUDED_URLS = "/health,/ready,/metrics"


def tracing_enabled() -> bool:
    return bool(os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT"))


def setup_tracing(
    app: FastAPI,
    engine: AsyncEngine,
    redis: Redis | None,
    exporter: SpanExporter | None = None,
) -> TracerProvider | None:
    if exporter is None and not tracing_enabled():
        return None
    provider = TracerProvider(
        resource=Resource.create({"service.name": SERVICE_NAME, "service.version": __version__})
    )
    if exporter is None:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import (  # noqa: PLC0415
            OTLPSpanExporter,
        )

        # The exporter reads OTEL_EXPORTER_OTLP_* itself (endpoint, headers, timeout).
        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    else:
        provider.add_span_processor(SimpleSpanProcessor(exporter))
    FastAPIInstrumentor.instrument_app(app, tracer_provider=provider, excluded_urls=EXCLUDED_URLS)
    # The instrumentation declares "sqlalchemy < 2.1" and, without skip_dep_check, silently
    # instruments nothing on 2.1; tests/test_tracing.py proves the SQL spans do come out.
    SQLAlchemyInstrumentor().instrument(
        engine=engine.sync_engine, tracer_provider=provider, skip_dep_check=True
    )
    if redis is not None:
        RedisInstrumentor.instrument_client(redis, tracer_provider=provider)
    return provider


def stop_tracing(provider: TracerProvider) -> None:
    """Flush the last spans; release the process-wide SQLAlchemy hook for the next app."""
    SQLAlchemyInstrumentor().uninstrument()
    provider.shutdown()


def add_trace_ids(_logger: Any, _name: str, event_dict: EventDict) -> EventDict:
    """structlog processor: the current span's ids, so a log line leads to its trace."""
    context = trace.get_current_span().get_span_context()
    if context.is_valid:
        event_dict.setdefault("trace_id", format(context.trace_id, "032x"))
        event_dict.setdefault("span_id", format(context.span_id, "016x"))
    return event_dict
