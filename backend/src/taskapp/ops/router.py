"""Liveness and readiness for load balancers and Kubernetes probes."""

from __future__ import annotations

import asyncio
from typing import Literal

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel
from sqlalchemy import text

from taskapp.deps import ServicesDep
from taskapp.errors import RETRY_AFTER_SECONDS, problem_response

router = APIRouter(tags=["operations"])
READY_TIMEOUT_SECONDS = 2.0


class Health(BaseModel):
    status: Literal["ok"] = "ok"


class Readiness(BaseModel):
    status: Literal["ready", "unavailable"]
    checks: dict[str, str]


@router.get("/metrics", include_in_schema=False)
async def metrics(services: ServicesDep) -> Response:
    return Response(generate_latest(services.registry), media_type=CONTENT_TYPE_LATEST)


@router.get("/health", response_model=Health, summary="Liveness: the process answers")
async def health() -> Health:
    return Health()


async def _check_database(services: ServicesDep) -> str:
    try:
        async with asyncio.timeout(READY_TIMEOUT_SECONDS), services.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except Exception as exc:
        return f"error: {type(exc).__name__}"
    return "ok"


@router.get(
    "/ready",
    response_model=Readiness,
    summary="Readiness: the database answers (the cache is reported, never required)",
    responses={503: {"description": "A required dependency is down", "model": Readiness}},
)
async def ready(request: Request, services: ServicesDep) -> JSONResponse:
    # The cache is optional: "degraded" is reported but never makes the service unready.
    checks = {"database": await _check_database(services), "cache": await services.cache.state()}
    if checks["database"] == "ok":
        return JSONResponse(Readiness(status="ready", checks=checks).model_dump())
    failing = [name for name, result in checks.items() if result.startswith("error")]
    return problem_response(
        request.url.path,
        503,
        f"Not ready: {', '.join(failing)} unavailable.",
        problem_type="urn:taskapp:problem:dependency-unavailable",
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        extensions={"checks": checks},
    )
