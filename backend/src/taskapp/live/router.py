"""GET /api/v1/events: the signed-in user's live-update stream (docs/adr/0019)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Request
from fastapi.responses import StreamingResponse

from taskapp.auth.interface import CurrentPrincipal, session_alive
from taskapp.deps import Services
from taskapp.live.stream import StreamTimings, Versions, events
from taskapp.openapi import API_PREFIX, problem_responses
from taskapp.tasks.interface import followed_versions

router = APIRouter(prefix=API_PREFIX, tags=["live"], responses=problem_responses(401, 422))

# Proxies must pass each event on as it is written (nginx buffers unless told), and nothing
# may cache or transform a stream.
STREAM_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


@router.get(
    "/events",
    summary="Live updates: a Server-Sent Events stream of changes the caller may see",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "`text/event-stream`: `retry:`, then `change` events "
            '(`{"owner_id", "data_version", "kind"}`), a `ready` event once caught up, '
            "`: heartbeat` comments, and `end` when the session has ended.",
            # One event as a parsed SSE block: `data` is JSON text (heartbeats are comments).
            "content": {
                "text/event-stream": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "event": {"type": "string", "enum": ["change", "ready", "end"]},
                            "id": {"type": "string"},
                            "data": {"type": "string"},
                            "retry": {"type": "integer", "minimum": 0},
                        },
                        "additionalProperties": False,
                    }
                }
            },
        }
    },
)
async def stream_events(
    request: Request,
    principal: CurrentPrincipal,
    last_event_id: Annotated[str | None, Header(max_length=8192)] = None,
) -> StreamingResponse:
    services: Services = request.app.state.services
    user_id, session_id = principal.user_id, principal.session_id

    async def read() -> Versions:
        # A short session per read: an open stream holds no pooled connection between them.
        async with services.session_factory() as session:
            return await followed_versions(session, user_id)

    async def alive() -> bool:
        return await session_alive(services.read_engine, services.tracer, session_id, user_id)

    settings = services.settings
    timings = StreamTimings(
        settings.events_heartbeat_seconds, settings.events_max_seconds, settings.events_retry_ms
    )
    return StreamingResponse(
        events(services.feed, user_id, last_event_id, read, alive, timings),
        media_type="text/event-stream",
        headers=STREAM_HEADERS,
    )
