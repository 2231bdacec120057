"""Each user's own language for the UI (NULL: follow the browser), and the permission every
signed-in person holds to read and set their own preferences (docs/adr/0031-languages.md).

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

PERMISSION = "auth:self:preferences"
DESCRIPTION = "Read and set one's own preferences (the UI language)"
# every default role: a person signed in with any of them may choose their language
ROLES = ("admin", "planner", "supervisor", "operator", "quality", "maintenance", "viewer", "integration")


def upgrade() -> None:
    op.add_column("users", sa.Column("language", sa.String(8), nullable=True))
    permissions = sa.table("permissions", sa.column("name"), sa.column("description"))
    op.bulk_insert(permissions, [{"name": PERMISSION, "description": DESCRIPTION}])
    # only the roles that exist (an installation may have renamed or dropped a default one)
    names = ", ".join(f"'{r}'" for r in ROLES)  # constants of this file, not input
    op.execute(
        f"INSERT INTO role_permissions (role, permission) SELECT name, '{PERMISSION}' FROM roles"
        f" WHERE name IN ({names})"
    )


def downgrade() -> None:
    op.execute(f"DELETE FROM role_permissions WHERE permission = '{PERMISSION}'")
    op.execute(f"DELETE FROM permissions WHERE name = '{PERMISSION}'")
    op.drop_column("users", "language")
