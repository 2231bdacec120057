"""The quality engineer's rework disposition calls work orders' rework command, which needs
workorder:dispatch (ADR 40).

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

GRANTS = {"quality": ["workorder:dispatch"]}


def upgrade() -> None:
    grants = sa.table("role_permissions", sa.column("role"), sa.column("permission"))
    op.bulk_insert(grants, [{"role": r, "permission": p} for r, ps in GRANTS.items() for p in ps])


def downgrade() -> None:
    op.execute("DELETE FROM role_permissions WHERE role = 'quality' AND permission = 'workorder:dispatch'")
