"""Keep the cyclic garbage collector off the objects a served process builds at start-up.

Why: a page read allocates thousands of container objects (rows, UUIDs, datetimes, dicts), so
CPython's collector runs often, and its older generations walk every object still alive: the
imported modules, FastAPI's routes and Pydantic's schemas, all built once and kept for the life of
the process. A py-spy profile of `GET /tasks` (cache off, under wrk) put 22% of the request thread
in `gc_collect_main`. `gc.freeze()` moves everything alive after start-up into a generation the
collector ignores; objects made later are collected as before (docs/adr/0006 has the figures).

Only `taskapp serve` does this (main.create_served_app): an app built by the tests is garbage
when its test ends, and frozen it would stay in memory for the rest of the run.

Upstream change that lets this go: none expected; CPython documents `gc.freeze()` for exactly
this (a long-lived heap built before serving). Python 3.14's incremental collector may make the
difference small enough to drop it: measure with `make bench` then.
"""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI


def freeze_after_start(app: FastAPI) -> FastAPI:
    """Run the app's lifespan start-up, then collect once and freeze what is left."""
    started = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(application: FastAPI) -> AsyncIterator[Any]:
        async with started(application) as state:
            gc.collect()  # start-up's own garbage is freed, not frozen for good
            gc.freeze()
            try:
                yield state
            finally:
                gc.unfreeze()  # shutdown's garbage (pools, clients) is collectable again

    app.router.lifespan_context = lifespan
    return app
