"""Tracing: a request produces request, SQL and cache spans in one trace; logs carry its ids."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from asgi_lifespan import LifespanManager
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from taskapp.main import create_app
from taskapp.observability.tracing import stop_tracing, tracing_enabled
from taskapp.settings import Settings
from tests.conftest import (
    PRODUCTION_SECRET,
    RedisServer,
    client_for,
    register_and_login,
)


def descends_from(span: ReadableSpan, root: ReadableSpan, spans: list[ReadableSpan]) -> bool:
    by_id = {s.context.span_id: s for s in spans}
    current: ReadableSpan | None = span
    while current is not None and current.parent is not None:
        if current.parent.span_id == root.context.span_id:
            return True
        current = by_id.get(current.parent.span_id)
    return False


async def test_a_request_produces_linked_request_sql_and_cache_spans(
    make_settings: Callable[..., Settings],
    redis_server: RedisServer,
    capsys: pytest.CaptureFixture[str],
) -> None:
    exporter = InMemorySpanExporter()
    app = create_app(
        make_settings(redis_url=redis_server.url, env="production", secret_key=PRODUCTION_SECRET),
        span_exporter=exporter,
    )
    async with client_for(app) as http:
        account = await register_and_login(http)
        exporter.clear()
        capsys.readouterr()
        response = await http.get("/api/v1/tasks", headers=account.headers)
        assert response.status_code == 200
    spans = list(exporter.get_finished_spans())
    server = [s for s in spans if s.kind == SpanKind.SERVER]
    assert len(server) == 1
    request_span = server[0]
    assert request_span.name == "GET /api/v1/tasks"
    assert request_span.resource.attributes["service.name"] == "taskapp-backend"

    def attrs(span: ReadableSpan) -> dict[str, object]:
        return dict(span.attributes or {})

    cache = [
        s for s in spans if "redis" in {attrs(s).get("db.system"), attrs(s).get("db.system.name")}
    ]
    # Redis spans carry a db.statement too ("GET ?"): SQL spans are the others that do.
    sql = [
        s for s in spans if {"db.statement", "db.query.text"} & attrs(s).keys() and s not in cache
    ]
    assert sql, [s.name for s in spans]
    statements = [str(attrs(s).get("db.statement", attrs(s).get("db.query.text"))) for s in sql]
    # Both queries of a cache miss: the session lookup (on asyncpg directly in the PostgreSQL
    # run, with its own span) and the page itself.
    assert any("auth_sessions" in statement for statement in statements), statements
    assert any("FROM tasks" in statement for statement in statements), statements
    assert cache, [s.name for s in spans]
    trace_ids = {s.context.trace_id for s in spans}
    assert trace_ids == {request_span.context.trace_id}
    for span in sql + cache:
        assert descends_from(span, request_span, spans), span.name

    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]
    access = next(line for line in lines if line.get("event") == "request")
    assert access["trace_id"] == format(request_span.context.trace_id, "032x")
    assert len(access["span_id"]) == 16
    stop_tracing(app.state.tracer_provider)
    await app.state.services.cache.close()
    await app.state.services.engine.dispose()


def test_tracing_is_off_unless_an_endpoint_is_configured(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("OTEL_EXPORTER_OTLP_ENDPOINT", raising=False)
    assert not tracing_enabled()
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318")
    assert tracing_enabled()


async def test_with_an_endpoint_the_otlp_exporter_is_used(
    make_settings: Callable[..., Settings], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A closed local port: export fails quietly in the background, requests are unaffected.
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_TIMEOUT", "1")
    app = create_app(make_settings())
    async with LifespanManager(app), client_for(app) as http:
        assert (await http.get("/api/v1/tasks")).status_code == 401
    processors = app.state.tracer_provider._active_span_processor._span_processors
    assert type(processors[0].span_exporter).__name__ == "OTLPSpanExporter"
