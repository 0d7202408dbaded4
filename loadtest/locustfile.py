"""taskapp load test: realistic user flows against the live API (Locust).

Each virtual user registers its own account through the API when it starts, logs in, seeds a
few tasks of its own, then loops over weighted flows: list with filters and pages, open a task,
create (some due on a day), change status, delete, read stats, Today and Upcoming. Tokens are
refreshed when they near expiry. No two users touch the same data, so there are no cross-user
conflicts.

Run through `make load PROFILE=smoke|load|stress|spike [TARGET=url]` (scripts/load.sh), which
picks the shape (LOAD_PROFILE), writes the Markdown + CSV summary and exits non-zero when the
profile's thresholds are broken.
"""

from __future__ import annotations

import os
import random
import secrets
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from locust import HttpUser, between, events, task
from locust.env import Environment

sys.path.insert(0, str(Path(__file__).parent))
from report import write_summary
from shapes import SHAPES

PROFILE = os.environ.get("LOAD_PROFILE", "smoke")
if PROFILE not in SHAPES:
    raise SystemExit(f"LOAD_PROFILE must be one of {', '.join(SHAPES)}, not {PROFILE!r}")
# Locust uses the one LoadTestShape subclass it finds in this module: only the chosen one.
Shape = SHAPES[PROFILE]

API = "/api/v1"
STATUSES = ("pending", "in_progress", "done")
PRIORITIES = ("low", "medium", "high", "urgent")
LABELS = ("home", "work", "errand", "urgent", "later")
REFRESH_MARGIN_SECONDS = 60


class TaskUser(HttpUser):
    wait_time = between(0.5, 2.0)

    def on_start(self) -> None:
        self.email = f"load-{secrets.token_hex(8)}@example.com"
        self.password = secrets.token_urlsafe(18)
        self.task_ids: list[str] = []
        self.access_token = ""
        self.refresh_token = ""
        self.expires_at = 0.0
        self.registered = False
        self._sign_in()
        for _ in range(5 if self.access_token else 0):
            self.create_task()

    def _call(
        self,
        method: str,
        path: str,
        name: str,
        expected: int,
        *,
        authorized: bool = True,
        **kwargs: Any,
    ) -> Any:
        """One request, counted under `name`: the decoded body when it answers `expected` (None
        for an empty one), else the sample is marked failed with the status and None returned."""
        if authorized:
            headers = self._headers()
            if not self.access_token:  # not signed in: that failure is counted already
                return None
            kwargs["headers"] = headers
        with self.client.request(
            method, f"{API}{path}", name=name, catch_response=True, **kwargs
        ) as response:
            if response.status_code != expected:
                response.failure(f"answered {response.status_code}")
                return None
            return response.json() if response.content else {}

    # -- auth -----------------------------------------------------------------------------
    def _store_tokens(self, body: dict[str, Any]) -> None:
        self.access_token = body["access_token"]
        self.refresh_token = body["refresh_token"]
        self.expires_at = time.monotonic() + float(body["expires_in"])

    def _sign_in(self) -> None:
        # A 503 (password hashing saturated) at sign-up or sign-in is retried on the next flow,
        # as a client would after Retry-After, instead of sending unauthenticated requests.
        if not self.registered:
            self.registered = (
                self._call(
                    "POST",
                    "/auth/register",
                    "POST /auth/register",
                    201,
                    authorized=False,
                    json={
                        "email": self.email,
                        "password": self.password,
                        "full_name": "Load Tester",
                    },
                )
                is not None
            )
        if self.registered:
            self._login()

    def _login(self) -> None:
        body = self._call(
            "POST",
            "/auth/login",
            "POST /auth/login",
            200,
            authorized=False,
            json={"email": self.email, "password": self.password},
        )
        if body is not None:
            self._store_tokens(body)

    def _headers(self) -> dict[str, str]:
        if not self.access_token:
            self._sign_in()
        elif self.refresh_token and time.monotonic() > self.expires_at - REFRESH_MARGIN_SECONDS:
            body = self._call(
                "POST",
                "/auth/refresh",
                "POST /auth/refresh",
                200,
                authorized=False,
                json={"refresh_token": self.refresh_token},
            )
            if body is not None:
                self._store_tokens(body)
            else:
                self.access_token = ""
                self._login()
        return {"Authorization": f"Bearer {self.access_token}"}

    # -- flows ----------------------------------------------------------------------------
    @task(5)
    def list_tasks(self) -> None:
        params: dict[str, Any] = {"limit": random.choice((10, 20, 50))}
        if random.random() < 0.5:
            params["status"] = random.sample(STATUSES, k=random.randint(1, 2))
        if random.random() < 0.3:
            params["priority"] = random.choice(PRIORITIES)
        if random.random() < 0.2:
            params["label"] = random.choice(LABELS)
        if random.random() < 0.2:
            params["sort"] = random.choice(("due_date", "-priority", "title", "-updated_at"))
        for _ in range(3):  # follow the cursor for a page or two, as a person scrolling would
            page = self._call("GET", "/tasks", "GET /tasks", 200, params=params)
            if page is None or not page["next_cursor"] or random.random() < 0.5:
                return
            params["cursor"] = page["next_cursor"]

    @task(3)
    def open_task(self) -> None:
        if not self.task_ids:
            self.create_task()
            return
        task_id = random.choice(self.task_ids)
        self._call("GET", f"/tasks/{task_id}", "GET /tasks/{task_id}", 200)

    @task(2)
    def create_task(self) -> None:
        body: dict[str, Any] = {
            "title": f"Task {secrets.token_hex(4)}",
            "description": "Created by the load test",
            "priority": random.choice(PRIORITIES),
            "labels": random.sample(LABELS, k=random.randint(0, 2)),
        }
        # The planner's two kinds of date: a due time, or a due day (all-day), near today so
        # that Today and Upcoming have work to show.
        when = date.today() + timedelta(days=random.randint(-2, 14))
        if random.random() < 0.3:
            body["due_date"] = f"{when.isoformat()}T12:00:00Z"
        elif random.random() < 0.5:
            body["due_on"] = when.isoformat()
        created = self._call("POST", "/tasks", "POST /tasks", 201, json=body)
        if created is not None:
            self.task_ids.append(created["id"])

    @task(2)
    def update_status(self) -> None:
        if not self.task_ids:
            return
        task_id = random.choice(self.task_ids)
        status = {"status": random.choice(STATUSES)}
        self._call("PATCH", f"/tasks/{task_id}", "PATCH /tasks/{task_id}", 200, json=status)

    @task(1)
    def delete_task(self) -> None:
        if len(self.task_ids) < 3:  # keep a few to read
            return
        task_id = self.task_ids.pop(random.randrange(len(self.task_ids)))
        self._call("DELETE", f"/tasks/{task_id}", "DELETE /tasks/{task_id}", 204)

    @task(1)
    def stats(self) -> None:
        self._call("GET", "/tasks/stats", "GET /tasks/stats", 200)

    @task(2)
    def today(self) -> None:
        self._call("GET", "/tasks/today", "GET /tasks/today", 200)

    @task(1)
    def upcoming(self) -> None:
        first = date.today() + timedelta(days=1)
        window = {"from": first.isoformat(), "to": (first + timedelta(days=13)).isoformat()}
        self._call("GET", "/tasks/agenda", "GET /tasks/agenda", 200, params=window)


@events.quitting.add_listener
def _judge(environment: Environment, **_kwargs: Any) -> None:
    out = Path(os.environ.get("LOAD_REPORT_DIR", "artifacts/load")) / PROFILE
    broken = write_summary(environment, PROFILE, Shape, out)
    environment.process_exit_code = 1 if broken else 0
