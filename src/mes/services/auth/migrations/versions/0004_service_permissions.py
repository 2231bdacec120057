"""Permissions of the quality, reporting and integration services, every service's audit read and
dead letters.

The permission seed is frozen as of this revision (see 0002).

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

PERMISSIONS = {
    "quality:inspection:waive": "Waive a due inspection, with a reason and an e-signature",
    "quality:gauge:write": "Register gauges and record their calibration",
    "reporting:rebuild": "Rebuild the reporting read models from the event history",
    "integration:message:send": "Send ERP messages (B2MML or JSON) into the MES",
    "platform:events:manage": "See and replay the events a service could not handle or publish (dead letters)",
    "workorder:audit:read": "Read and verify the work orders audit trail",
    "material:audit:read": "Read and verify the material audit trail",
    "resource:audit:read": "Read and verify the resource audit trail",
    "quality:audit:read": "Read and verify the quality audit trail",
    "traceability:audit:read": "Read and verify the traceability audit trail",
    "reporting:audit:read": "Read and verify the reporting audit trail",
    "integration:audit:read": "Read and verify the integration audit trail",
}
_AUDIT = [p for p in PERMISSIONS if p.endswith(":audit:read")]
GRANTS = {
    "admin": list(PERMISSIONS),
    "quality": ["quality:inspection:waive", "quality:gauge:write", *_AUDIT],
    "integration": ["integration:message:send"],
}


def upgrade() -> None:
    permissions = sa.table("permissions", sa.column("name"), sa.column("description"))
    op.bulk_insert(permissions, [{"name": k, "description": v} for k, v in PERMISSIONS.items()])
    grants = sa.table("role_permissions", sa.column("role"), sa.column("permission"))
    op.bulk_insert(grants, [{"role": r, "permission": p} for r, ps in GRANTS.items() for p in ps])


def downgrade() -> None:
    names = ", ".join(f"'{p}'" for p in PERMISSIONS)  # constants of this file, not input
    op.execute(f"DELETE FROM role_permissions WHERE permission IN ({names})")
    op.execute(f"DELETE FROM permissions WHERE name IN ({names})")
