"""taskapp load test: realistic user flows against the live API (Locust).

Each virtual user registers its own account through the API when it starts, logs in, seeds a
few tasks of its own, then loops over weighted flows: list with filters and pages, open a task,
create, change status, delete, read stats. Tokens are refreshed when they near expiry. No two
users touch the same data, so there are no cross-user conflicts.

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
        with self.client.post(
            f"{API}/auth/register",
            json={"email": self.email, "password": self.password, "full_name": "Load Tester"},
            name="POST /auth/register",
            catch_response=True,
        ) as response:
            if response.status_code != 201:
                response.failure(f"register: {response.status_code}")
                return
        self._login()
        for _ in range(5):
            self.create_task()

    # -- auth -----------------------------------------------------------------------------
    def _store_tokens(self, body: dict[str, Any]) -> None:
        self.access_token = body["access_token"]
        self.refresh_token = body["refresh_token"]
        self.expires_at = time.monotonic() + float(body["expires_in"])

    def _login(self) -> None:
        with self.client.post(
            f"{API}/auth/login",
            json={"email": self.email, "password": self.password},
            name="POST /auth/login",
            catch_response=True,
        ) as response:
            if response.status_code == 200:
                self._store_tokens(response.json())
            else:
                response.failure(f"login: {response.status_code}")

    def _headers(self) -> dict[str, str]:
        if self.refresh_token and time.monotonic() > self.expires_at - REFRESH_MARGIN_SECONDS:
            with self.client.post(
                f"{API}/auth/refresh",
                json={"refresh_token": self.refresh_token},
                name="POST /auth/refresh",
                catch_response=True,
            ) as response:
                if response.status_code == 200:
                    self._store_tokens(response.json())
                else:
                    response.failure(f"refresh: {response.status_code}")
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
        pages = 0
        while pages < 3:  # follow the cursor for a page or two, as a person scrolling would
            with self.client.get(
                f"{API}/tasks",
                params=params,
                headers=self._headers(),
                name="GET /tasks",
                catch_response=True,
            ) as response:
                if response.status_code != 200:
                    response.failure(f"list: {response.status_code}")
                    return
                cursor = response.json()["next_cursor"]
            pages += 1
            if not cursor or random.random() < 0.5:
                return
            params["cursor"] = cursor

    @task(3)
    def open_task(self) -> None:
        if not self.task_ids:
            self.create_task()
            return
        task_id = random.choice(self.task_ids)
        with self.client.get(
            f"{API}/tasks/{task_id}",
            headers=self._headers(),
            name="GET /tasks/{task_id}",
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"get: {response.status_code}")

    @task(2)
    def create_task(self) -> None:
        body = {
            "title": f"Task {secrets.token_hex(4)}",
            "description": "Created by the load test",
            "priority": random.choice(PRIORITIES),
            "labels": random.sample(LABELS, k=random.randint(0, 2)),
        }
        if random.random() < 0.5:
            body["due_date"] = f"2027-0{random.randint(1, 9)}-1{random.randint(0, 9)}T12:00:00Z"
        with self.client.post(
            f"{API}/tasks",
            json=body,
            headers=self._headers(),
            name="POST /tasks",
            catch_response=True,
        ) as response:
            if response.status_code != 201:
                response.failure(f"create: {response.status_code}")
                return
            self.task_ids.append(response.json()["id"])

    @task(2)
    def update_status(self) -> None:
        if not self.task_ids:
            return
        task_id = random.choice(self.task_ids)
        with self.client.patch(
            f"{API}/tasks/{task_id}",
            json={"status": random.choice(STATUSES)},
            headers=self._headers(),
            name="PATCH /tasks/{task_id}",
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"update: {response.status_code}")

    @task(1)
    def delete_task(self) -> None:
        if len(self.task_ids) < 3:  # keep a few to read
            return
        task_id = self.task_ids.pop(random.randrange(len(self.task_ids)))
        with self.client.delete(
            f"{API}/tasks/{task_id}",
            headers=self._headers(),
            name="DELETE /tasks/{task_id}",
            catch_response=True,
        ) as response:
            if response.status_code != 204:
                response.failure(f"delete: {response.status_code}")

    @task(1)
    def stats(self) -> None:
        with self.client.get(
            f"{API}/tasks/stats",
            headers=self._headers(),
            name="GET /tasks/stats",
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"stats: {response.status_code}")


@events.quitting.add_listener
def _judge(environment: Environment, **_kwargs: Any) -> None:
    out = Path(os.environ.get("LOAD_REPORT_DIR", "artifacts/load")) / PROFILE
    broken = write_summary(environment, PROFILE, Shape, out)
    environment.process_exit_code = 1 if broken else 0
