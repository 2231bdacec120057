"""API keys, registered stations with badges and PINs, electronic signatures, and their permissions.

The permission seed is frozen as of this revision (see 0002).

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

PERMISSIONS = {
    "auth:apikey:manage": "Create, list and revoke API keys of integration clients and machines",
    "auth:station:manage": "Register shop-floor terminals and enrol operators' badges and PINs",
    "auth:signature:sign": "Sign records electronically (re-entering the password)",
    "auth:signature:read": "See electronic signatures and verify them against a record",
}
GRANTS = {
    "admin": list(PERMISSIONS),
    "planner": ["auth:signature:sign", "auth:signature:read"],
    "supervisor": ["auth:signature:sign", "auth:signature:read"],
    "operator": ["auth:signature:sign", "auth:signature:read"],
    "quality": ["auth:signature:sign", "auth:signature:read"],
    "maintenance": ["auth:signature:sign", "auth:signature:read"],
    "viewer": ["auth:signature:read"],
    "integration": ["auth:signature:read"],
}


def _ts(name: str, nullable: bool = True) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.add_column("users", sa.Column("badge", sa.String(64)))
    op.add_column("users", sa.Column("pin_hash", sa.String(255)))
    op.create_unique_constraint("uq_users_badge", "users", ["badge"])
    op.add_column("token_families", sa.Column("station_code", sa.String(64)))
    op.add_column("token_families", _ts("last_signed_at"))
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Uuid, nullable=False),
        sa.Column("key_id", sa.String(16), nullable=False),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("owner_id", sa.Uuid, nullable=False),
        sa.Column("permissions", ARRAY(sa.String(100)), nullable=False),
        _ts("created_at", False),
        sa.Column("created_by", sa.String(200), nullable=False),
        _ts("expires_at"),
        _ts("last_used_at"),
        _ts("revoked_at"),
        sa.Column("revoked_by", sa.String(200)),
        sa.Column("revoked_reason", sa.String(500)),
        sa.PrimaryKeyConstraint("id", name="pk_api_keys"),
        sa.UniqueConstraint("key_id", name="uq_api_keys_key_id"),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], name="fk_api_keys_owner_id_users"),
    )
    op.create_index("ix_api_keys_owner_id", "api_keys", ["owner_id"])
    op.create_table(
        "stations",
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("work_center", sa.String(64)),
        sa.Column("key_id", sa.String(16), nullable=False),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        _ts("created_at", False),
        sa.Column("created_by", sa.String(200), nullable=False),
        _ts("deactivated_at"),
        sa.PrimaryKeyConstraint("code", name="pk_stations"),
        sa.UniqueConstraint("key_id", name="uq_stations_key_id"),
    )
    op.create_table(
        "signatures",
        sa.Column("id", sa.Uuid, nullable=False),
        sa.Column("user_id", sa.Uuid, nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("printed_name", sa.String(200), nullable=False),
        sa.Column("meaning", sa.String(20), nullable=False),
        sa.Column("record_type", sa.String(100), nullable=False),
        sa.Column("record_id", sa.String(200), nullable=False),
        sa.Column("record_hash", sa.String(64), nullable=False),
        _ts("signed_at", False),
        sa.Column("session_id", sa.Uuid),
        sa.Column("comment", sa.Text),
        sa.PrimaryKeyConstraint("id", name="pk_signatures"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_signatures_user_id_users"),
    )
    op.create_index("ix_signatures_user_id", "signatures", ["user_id"])
    op.create_index("ix_signatures_record", "signatures", ["record_type", "record_id"])
    # a signature is a record itself: never changed, never removed
    op.execute(
        "CREATE OR REPLACE FUNCTION signatures_append_only() RETURNS trigger AS $$"
        " BEGIN RAISE EXCEPTION 'signatures are append-only'; END; $$ LANGUAGE plpgsql"
    )
    op.execute(
        "CREATE TRIGGER signatures_no_update BEFORE UPDATE OR DELETE OR TRUNCATE ON signatures"
        " FOR EACH STATEMENT EXECUTE FUNCTION signatures_append_only()"
    )
    permissions = sa.table("permissions", sa.column("name"), sa.column("description"))
    op.bulk_insert(permissions, [{"name": k, "description": v} for k, v in PERMISSIONS.items()])
    grants = sa.table("role_permissions", sa.column("role"), sa.column("permission"))
    op.bulk_insert(grants, [{"role": r, "permission": p} for r, ps in GRANTS.items() for p in ps])


def downgrade() -> None:
    names = ", ".join(f"'{p}'" for p in PERMISSIONS)  # constants of this file, not input
    op.execute(f"DELETE FROM role_permissions WHERE permission IN ({names})")
    op.execute(f"DELETE FROM permissions WHERE name IN ({names})")
    op.execute("DROP TABLE IF EXISTS signatures, stations, api_keys")
    op.execute("DROP FUNCTION IF EXISTS signatures_append_only()")
    op.drop_column("token_families", "last_signed_at")
    op.drop_column("token_families", "station_code")
    op.drop_constraint("uq_users_badge", "users")
    op.drop_column("users", "pin_hash")
    op.drop_column("users", "badge")
