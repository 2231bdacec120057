"""Platform tables, third revision: an outbox row keeps the headers of its event (the trace
context of the request that recorded it, ADR 22), so a consumer's span continues that trace.

Revision ID: p0003_outbox_headers
Revises: p0002
"""

from alembic import op

revision = "p0003_outbox_headers"
down_revision = "p0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE outbox ADD COLUMN headers JSONB")


def downgrade() -> None:
    op.execute("ALTER TABLE outbox DROP COLUMN headers")
