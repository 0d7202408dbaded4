"""Lock order for online migrations on PostgreSQL.

Every task write of the running release takes its locks in one order: the `tasks` row (and with
it the table's ROW EXCLUSIVE lock) first, then the owner's `users` row (the data-version bump).
A migration that touches both tables (an ALTER, or a new table with foreign keys to them) must
take their table locks in that same order, up front, or it can hold `users` while a writer holds
`tasks` and each waits for the other: PostgreSQL then kills one of them ("deadlock detected"),
a failed deploy or a failed request. Each migration runs in its own transaction
(env.py, transaction_per_migration), so the locks end with it.
"""

from __future__ import annotations

from alembic import op

# Writers' order; a migration locks every table in it that it touches, before anything else.
WRITERS_ORDER = ("tasks", "users")


def lock_in_writers_order(*, timeout: str = "5s") -> None:
    """Take ACCESS EXCLUSIVE on tasks, then users, giving up after `timeout` (the deploy retries)
    rather than queueing every request behind a long transaction. No-op on SQLite."""
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"SET LOCAL lock_timeout = '{timeout}'")
    op.execute(f"LOCK TABLE {', '.join(WRITERS_ORDER)} IN ACCESS EXCLUSIVE MODE")
