"""Closing a CAPA under an e-signature is its own permission, held by the quality engineer.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

PERMISSIONS = {"quality:capa:close": "Close a corrective and preventive action under an e-signature"}
GRANTS = {"admin": list(PERMISSIONS), "quality": list(PERMISSIONS)}


def upgrade() -> None:
    permissions = sa.table("permissions", sa.column("name"), sa.column("description"))
    op.bulk_insert(permissions, [{"name": k, "description": v} for k, v in PERMISSIONS.items()])
    grants = sa.table("role_permissions", sa.column("role"), sa.column("permission"))
    op.bulk_insert(grants, [{"role": r, "permission": p} for r, ps in GRANTS.items() for p in ps])


def downgrade() -> None:
    op.execute("DELETE FROM role_permissions WHERE permission = 'quality:capa:close'")
    op.execute("DELETE FROM permissions WHERE name = 'quality:capa:close'")
