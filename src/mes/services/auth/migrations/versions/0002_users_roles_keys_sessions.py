"""Users, roles and permissions (with the default matrix), signing keys, refresh-token families.

The seed below is a frozen copy of mes.services.auth.models.permissions as of this revision: a migration
must do the same thing whenever it runs, so later catalog changes come with their own revision.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

PERMISSIONS = {
    "auth:user:read": "See users, roles and permissions",
    "auth:user:write": "Create, update, deactivate users and reset their passwords",
    "auth:role:write": "Create roles and change the permissions of a role",
    "auth:key:rotate": "See and rotate the token signing keys",
    "auth:audit:read": "Read the auth audit trail",
    "resource:read": "See equipment, states, downtime, shifts and qualifications",
    "resource:equipment:write": "Register and change equipment in the plant model",
    "resource:state:write": "Record equipment states",
    "resource:downtime:write": "Record and classify downtime",
    "resource:shift:write": "Plan shifts and calendars",
    "resource:personnel:write": "Record personnel qualifications",
    "resource:maintenance:write": "Plan and record maintenance",
    "workorder:read": "See work orders, routings and dispatch lists",
    "workorder:write": "Create and change work orders",
    "workorder:routing:write": "Create and change routings",
    "workorder:release": "Release work orders to the shop floor",
    "workorder:dispatch": "Dispatch and sequence operations",
    "workorder:execute": "Start, pause and complete operations",
    "material:read": "See items, BOMs, lots, locations and stock",
    "material:master:write": "Maintain items, units, locations and BOMs",
    "material:lot:receive": "Receive lots",
    "material:lot:consume": "Consume lots into operations",
    "material:lot:move": "Move, split and produce lots",
    "material:lot:adjust": "Adjust and scrap lot quantities",
    "material:lot:hold": "Put lots on hold and release them",
    "quality:read": "See inspection plans, results, SPC and non-conformances",
    "quality:plan:write": "Maintain inspection plans",
    "quality:inspection:record": "Record inspection results",
    "quality:nc:write": "Raise and update non-conformances",
    "quality:nc:disposition": "Decide the disposition of a non-conformance",
    "quality:capa:write": "Manage corrective and preventive actions",
    "traceability:read": "Trace lots and serials, see as-built records",
    "traceability:recall": "Run recall queries and export their results",
    "reporting:read": "See OEE, throughput, yield and WIP reports",
    "integration:read": "See ERP exchanges, machine connections and webhooks",
    "integration:write": "Configure ERP exchange, machine connections and webhooks",
}
ROLES = {
    "admin": ("Everything, including users, roles and keys", tuple(PERMISSIONS)),
    "planner": (
        "Plans production: work orders, routings, master data",
        (
            "resource:read",
            "workorder:read",
            "material:read",
            "quality:read",
            "traceability:read",
            "reporting:read",
            "workorder:write",
            "workorder:routing:write",
            "workorder:release",
            "workorder:dispatch",
            "material:master:write",
            "resource:shift:write",
        ),
    ),
    "supervisor": (
        "Runs a shift: releases and dispatches work, books material, manages the crew",
        (
            "resource:read",
            "workorder:read",
            "material:read",
            "quality:read",
            "traceability:read",
            "reporting:read",
            "workorder:release",
            "workorder:dispatch",
            "workorder:execute",
            "material:lot:receive",
            "material:lot:consume",
            "material:lot:move",
            "material:lot:adjust",
            "resource:state:write",
            "resource:downtime:write",
            "resource:shift:write",
            "resource:personnel:write",
            "quality:inspection:record",
            "quality:nc:write",
            "auth:user:read",
        ),
    ),
    "operator": (
        "Works at a station: executes operations, books material, records states and checks",
        (
            "resource:read",
            "workorder:read",
            "material:read",
            "quality:read",
            "workorder:execute",
            "material:lot:consume",
            "material:lot:move",
            "resource:state:write",
            "resource:downtime:write",
            "quality:inspection:record",
            "quality:nc:write",
        ),
    ),
    "quality": (
        "Quality engineer: plans, results, holds, non-conformances, recalls, audit review",
        (
            "resource:read",
            "workorder:read",
            "material:read",
            "quality:read",
            "traceability:read",
            "reporting:read",
            "quality:plan:write",
            "quality:inspection:record",
            "quality:nc:write",
            "quality:nc:disposition",
            "quality:capa:write",
            "material:lot:hold",
            "traceability:recall",
            "auth:audit:read",
        ),
    ),
    "maintenance": (
        "Maintenance technician: equipment, states, downtime and maintenance work",
        (
            "resource:read",
            "workorder:read",
            "material:read",
            "reporting:read",
            "resource:equipment:write",
            "resource:state:write",
            "resource:downtime:write",
            "resource:maintenance:write",
        ),
    ),
    "viewer": (
        "Reads everything on the shop floor, changes nothing",
        (
            "resource:read",
            "workorder:read",
            "material:read",
            "quality:read",
            "traceability:read",
            "reporting:read",
        ),
    ),
    "integration": (
        "Machine account for ERP and machine connectivity",
        (
            "resource:read",
            "workorder:read",
            "material:read",
            "quality:read",
            "traceability:read",
            "reporting:read",
            "workorder:write",
            "material:master:write",
            "material:lot:receive",
            "material:lot:consume",
            "material:lot:move",
            "resource:state:write",
            "resource:downtime:write",
            "quality:inspection:record",
            "integration:read",
        ),
    ),
}


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Uuid, nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column(
            "password_changed_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.Column("deactivated_at", sa.DateTime(timezone=True)),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("username", name="uq_users_username"),
    )
    roles = op.create_table(
        "roles",
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("description", sa.String(500), nullable=False),
        sa.Column("builtin", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("name", name="pk_roles"),
    )
    permissions = op.create_table(
        "permissions",
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("description", sa.String(500), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_permissions"),
    )
    role_permissions = op.create_table(
        "role_permissions",
        sa.Column("role", sa.String(64), nullable=False),
        sa.Column("permission", sa.String(100), nullable=False),
        sa.PrimaryKeyConstraint("role", "permission", name="pk_role_permissions"),
        sa.ForeignKeyConstraint(["role"], ["roles.name"], name="fk_role_permissions_role_roles"),
        sa.ForeignKeyConstraint(
            ["permission"], ["permissions.name"], name="fk_role_permissions_permission_permissions"
        ),
    )
    op.create_table(
        "user_roles",
        sa.Column("user_id", sa.Uuid, nullable=False),
        sa.Column("role", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("user_id", "role", name="pk_user_roles"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_user_roles_user_id_users"),
        sa.ForeignKeyConstraint(["role"], ["roles.name"], name="fk_user_roles_role_roles"),
    )
    op.create_index("ix_user_roles_role", "user_roles", ["role"])
    op.create_table(
        "signing_keys",
        sa.Column("kid", sa.String(64), nullable=False),
        sa.Column("algorithm", sa.String(16), nullable=False),
        sa.Column("public_key", sa.LargeBinary, nullable=False),
        sa.Column("private_key", sa.LargeBinary, nullable=False),
        sa.Column("encryption", sa.String(20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True)),
        sa.PrimaryKeyConstraint("kid", name="pk_signing_keys"),
    )
    op.create_table(
        "token_families",
        sa.Column("id", sa.Uuid, nullable=False),
        sa.Column("user_id", sa.Uuid, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True)),
        sa.Column("revoked_reason", sa.String(50)),
        sa.PrimaryKeyConstraint("id", name="pk_token_families"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_token_families_user_id_users"),
    )
    op.create_index("ix_token_families_user_id", "token_families", ["user_id"])
    op.create_table(
        "refresh_tokens",
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("family_id", sa.Uuid, nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True)),
        sa.PrimaryKeyConstraint("token_hash", name="pk_refresh_tokens"),
        sa.ForeignKeyConstraint(
            ["family_id"], ["token_families.id"], name="fk_refresh_tokens_family_id_token_families"
        ),
    )
    op.create_index("ix_refresh_tokens_family_id", "refresh_tokens", ["family_id"])

    op.bulk_insert(permissions, [{"name": k, "description": v} for k, v in PERMISSIONS.items()])
    op.bulk_insert(roles, [{"name": k, "description": d, "builtin": True} for k, (d, _) in ROLES.items()])
    op.bulk_insert(
        role_permissions,
        [{"role": r, "permission": p} for r, (_, perms) in ROLES.items() for p in perms],
    )


def downgrade() -> None:
    op.execute(
        "DROP TABLE IF EXISTS refresh_tokens, token_families, signing_keys, user_roles,"
        " role_permissions, permissions, roles, users"
    )
