"""Lock order for online migrations on PostgreSQL.

A migration that touches `tasks` and `users` (an ALTER, or a new table with foreign keys to them)
takes ACCESS EXCLUSIVE on both up front. Writers of the running release lock both tables too, and
not all in one order: the ORM path locks the `tasks` row first, then the owner's `users` row (the
data-version bump); a one-statement write (a CTE that bumps `users` and inserts into `tasks`) takes
both tables' locks as the statement starts, `users` first in the previous releases. Whatever order
the migration picks, a writer holding one table while it waits for the other would deadlock with
it, and PostgreSQL would kill one of the two after `deadlock_timeout` (1 s): a failed request or a
failed deploy. So the migration never waits long while holding a lock: each try waits at most
`TRY_WAIT` (below `deadlock_timeout`, so the deadlock check never runs), and a try that times out
rolls back to its savepoint, which lets go of what it took, and tries again shortly after. Each
migration runs in its own transaction (env.py, transaction_per_migration), so the locks end with it.
"""

from __future__ import annotations

import time

from alembic import op
from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

# The order the tables are asked for; any order is safe with the retries below.
WRITERS_ORDER = ("tasks", "users")
TRY_WAIT = "200ms"
LATER_WAIT = "5s"
LOCK_NOT_AVAILABLE = "55P03"  # SQLSTATE of a lock_timeout


class LocksBusyError(RuntimeError):
    """The tables stayed busy for the whole budget: the deploy fails and is retried."""


def _lock_not_available(error: DBAPIError) -> bool:
    return getattr(error.orig, "sqlstate", None) == LOCK_NOT_AVAILABLE


def take_writers_locks(connection: Connection, *, budget_seconds: float = 30.0) -> int:
    """ACCESS EXCLUSIVE on `tasks` and `users` in the connection's transaction, in short tries;
    answers how many tries it took. No-op (0) on SQLite."""
    if connection.dialect.name != "postgresql":
        return 0
    connection.execute(text(f"SET LOCAL lock_timeout = '{TRY_WAIT}'"))
    deadline = time.monotonic() + budget_seconds
    tries = 0
    while True:
        tries += 1
        try:
            with connection.begin_nested():
                connection.execute(
                    text(f"LOCK TABLE {', '.join(WRITERS_ORDER)} IN ACCESS EXCLUSIVE MODE")
                )
        except DBAPIError as error:
            if not _lock_not_available(error):
                raise
            if time.monotonic() >= deadline:
                raise LocksBusyError(
                    f"tasks and users stayed locked by others for {budget_seconds:.0f} s"
                    f" ({tries} tries)"
                ) from error
            time.sleep(0.1)  # the writers that queued behind our try go first
        else:
            # The migration's later statements: bounded as before (the deploy retries).
            connection.execute(text(f"SET LOCAL lock_timeout = '{LATER_WAIT}'"))
            return tries


def lock_in_writers_order(*, budget_seconds: float = 30.0) -> None:
    """Take ACCESS EXCLUSIVE on tasks and users before anything else (see the module's doc)."""
    take_writers_locks(op.get_bind(), budget_seconds=budget_seconds)
