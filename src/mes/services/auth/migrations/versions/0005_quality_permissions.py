"""The quality engineer carries out an NCR's disposition in material: splitting a lot
(material:lot:move) and scrapping it (material:lot:adjust), with the NCR as the reason.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

GRANTS = {"quality": ["material:lot:move", "material:lot:adjust"]}


def upgrade() -> None:
    grants = sa.table("role_permissions", sa.column("role"), sa.column("permission"))
    op.bulk_insert(grants, [{"role": r, "permission": p} for r, ps in GRANTS.items() for p in ps])


def downgrade() -> None:
    op.execute(
        "DELETE FROM role_permissions WHERE role = 'quality'"
        " AND permission IN ('material:lot:move', 'material:lot:adjust')"
    )
