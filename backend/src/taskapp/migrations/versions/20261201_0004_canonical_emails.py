"""users.email in its canonical form (Unicode NFKC + case folding), as the API now stores it

Accounts registered before were only lower-cased; the API now looks addresses up in canonical
form, so such an account (full-width letters, "ß") would no longer be found. An address whose
canonical form another account already holds (or an older account took here) is left as it is
and logged: that account then signs in only after an operator renames one of the two.
A data migration only; the downgrade leaves the canonical addresses in place.

Revision ID: 0004
Revises: 0002
Create Date: 2026-12-01
"""

import logging
import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

log = logging.getLogger("alembic.runtime.migration")


def _canonical(email: str) -> str:
    # Frozen here (a copy of taskapp.text.canonical_email as of this revision).
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", email).casefold())


def upgrade() -> None:
    users = sa.table(
        "users", sa.column("id", sa.Uuid()), sa.column("email"), sa.column("created_at")
    )
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(users.c.id, users.c.email).order_by(users.c.created_at, users.c.id)
    ).all()
    taken = {email for _, email in rows}
    for user_id, email in rows:
        canonical = _canonical(email)
        if canonical == email:
            continue
        if canonical in taken:
            log.warning(
                "users.email %r left as it is: %r belongs to another account", email, canonical
            )
            continue
        conn.execute(sa.update(users).where(users.c.id == user_id).values(email=canonical))
        taken.add(canonical)


def downgrade() -> None:
    pass  # canonical addresses are valid lower-case addresses too
