"""Published projects, for anyone holding the link: GET /p/{token} (an HTML page) and
GET /api/v1/public/projects/{token} (the same as JSON). No sign-in; a revoked or unknown token
is 404, and so is anything that is not shaped like a token (no lookup for it)."""

from __future__ import annotations

import re

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, JSONResponse

from taskapp.deps import SessionDep
from taskapp.errors import not_found
from taskapp.openapi import API_PREFIX, problem_responses
from taskapp.projects import page, service
from taskapp.projects.router import PUBLIC_PAGE_ROUTE
from taskapp.projects.schemas import PublicProject, PublicTask
from taskapp.tasks.interface import open_tasks

router = APIRouter(tags=["public"])
# secrets.token_urlsafe(32): 43 characters of the URL-safe base64 alphabet.
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{43}$")
MAX_TASKS = 500


async def _published(session: SessionDep, token: str) -> PublicProject:
    if not _TOKEN.match(token):
        raise not_found("page")
    project = await service.published(session, token)
    tasks = await open_tasks(await session.connection(), project.owner_id, project.id, MAX_TASKS)
    return PublicProject(
        name=project.name,
        colour=project.colour,  # stored from the Colour literal
        description=project.description,
        tasks=[PublicTask.model_validate(task, from_attributes=True) for task in tasks],
    )


@router.get(
    "/p/{token}",
    name=PUBLIC_PAGE_ROUTE,
    response_class=HTMLResponse,
    responses={200: {"content": {"text/html": {}}}, **problem_responses(404)},
    description="A published project's read-only page (sanitized Markdown, its open tasks).",
)
async def public_project_page(token: str, session: SessionDep) -> HTMLResponse:
    return HTMLResponse(page.render(await _published(session, token)), headers=page.HEADERS)


@router.get(
    f"{API_PREFIX}/public/projects/{{token}}",
    response_model=PublicProject,
    responses=problem_responses(404),
    description="A published project as JSON: what its page shows.",
)
async def public_project(token: str, session: SessionDep) -> JSONResponse:
    found = await _published(session, token)
    headers = {"X-Robots-Tag": "noindex", "Cache-Control": "no-store"}
    return JSONResponse(found.model_dump(mode="json"), headers=headers)
