"""The permission catalog and the default role matrix.

Permissions are `<service>:<object>:<action>` strings that routes declare with `require(...)`.
This catalog names every permission a route declares today plus the ones the services' issues
will need; migration 0002 seeded the database from a frozen copy of it. A permission a new route
declares needs an entry here and a migration that inserts it (a test checks both).
"""

from __future__ import annotations

PERMISSIONS: dict[str, str] = {
    # auth
    "auth:user:read": "See users, roles and permissions",
    "auth:user:write": "Create, update, deactivate users and reset their passwords",
    "auth:role:write": "Create roles and change the permissions of a role",
    "auth:key:rotate": "See and rotate the token signing keys",
    "auth:audit:read": "Read the auth audit trail",
    "auth:apikey:manage": "Create, list and revoke API keys of integration clients and machines",
    "auth:station:manage": "Register shop-floor terminals and enrol operators' badges and PINs",
    "auth:signature:sign": "Sign records electronically (re-entering the password)",
    "auth:signature:read": "See electronic signatures and verify them against a record",
    "auth:self:preferences": "Read and set one's own preferences (the UI language)",
    # resource
    "resource:read": "See equipment, states, downtime, shifts and qualifications",
    "resource:equipment:write": "Register and change equipment in the plant model",
    "resource:state:write": "Record equipment states",
    "resource:downtime:write": "Record and classify downtime",
    "resource:shift:write": "Plan shifts and calendars",
    "resource:personnel:write": "Record personnel qualifications",
    "resource:maintenance:write": "Plan and record maintenance",
    # work orders
    "workorder:read": "See work orders, routings and dispatch lists",
    "workorder:write": "Create and change work orders",
    "workorder:routing:write": "Create and change routings",
    "workorder:release": "Release work orders to the shop floor",
    "workorder:dispatch": "Dispatch and sequence operations",
    "workorder:execute": "Start, pause and complete operations",
    # material
    "material:read": "See items, BOMs, lots, locations and stock",
    "material:master:write": "Maintain items, units, locations and BOMs",
    "material:lot:receive": "Receive lots",
    "material:lot:consume": "Consume lots into operations",
    "material:lot:move": "Move, split and produce lots",
    "material:lot:adjust": "Adjust and scrap lot quantities",
    "material:lot:hold": "Put lots on hold and release them",
    # quality
    "quality:read": "See inspection plans, results, SPC and non-conformances",
    "quality:plan:write": "Maintain inspection plans",
    "quality:inspection:record": "Record inspection results",
    "quality:nc:write": "Raise and update non-conformances",
    "quality:nc:disposition": "Decide the disposition of a non-conformance",
    "quality:capa:write": "Manage corrective and preventive actions",
    "quality:inspection:waive": "Waive a due inspection, with a reason and an e-signature",
    "quality:gauge:write": "Register gauges and record their calibration",
    "quality:capa:close": "Close a corrective and preventive action under an e-signature",
    # traceability
    "traceability:read": "Trace lots and serials, see as-built records",
    "traceability:recall": "Run recall queries and export their results",
    # reporting
    "reporting:read": "See OEE, throughput, yield and WIP reports",
    "reporting:rebuild": "Rebuild the reporting read models from the event history",
    # integration
    "integration:read": "See ERP exchanges, machine connections and webhooks",
    "integration:write": "Configure ERP exchange, machine connections and webhooks",
    "integration:message:send": "Send ERP messages (B2MML or JSON) into the MES",
    # every service's failed events: list dead letters, replay them
    "platform:events:manage": "See and replay the events a service could not handle or publish (dead letters)",
    # every service's audit trail: read and verify its hash chain
    "workorder:audit:read": "Read and verify the work orders audit trail",
    "material:audit:read": "Read and verify the material audit trail",
    "resource:audit:read": "Read and verify the resource audit trail",
    "quality:audit:read": "Read and verify the quality audit trail",
    "traceability:audit:read": "Read and verify the traceability audit trail",
    "reporting:audit:read": "Read and verify the reporting audit trail",
    "integration:audit:read": "Read and verify the integration audit trail",
}
_AUDIT_READ = tuple(p for p in PERMISSIONS if p.endswith(":audit:read") and not p.startswith("auth:"))

_READ_ALL = (
    "auth:signature:read",
    "resource:read",
    "workorder:read",
    "material:read",
    "quality:read",
    "traceability:read",
    "reporting:read",
)

ROLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "admin": ("Everything, including users, roles and keys", tuple(PERMISSIONS)),
    "planner": (
        "Plans production: work orders, routings, master data",
        (
            "auth:signature:sign",
            *_READ_ALL,
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
            "auth:signature:sign",
            *_READ_ALL,
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
            "auth:signature:read",
            "auth:signature:sign",
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
            "auth:signature:sign",
            *_READ_ALL,
            "quality:plan:write",
            "quality:inspection:record",
            "quality:nc:write",
            "quality:nc:disposition",
            "quality:capa:write",
            "quality:capa:close",
            "quality:inspection:waive",
            "quality:gauge:write",
            "material:lot:hold",
            "material:lot:move",
            "material:lot:adjust",
            "workorder:dispatch",  # a rework disposition goes through work orders' rework (auth 0008)
            "traceability:recall",
            "auth:audit:read",
            *_AUDIT_READ,
        ),
    ),
    "maintenance": (
        "Maintenance technician: equipment, states, downtime and maintenance work",
        (
            "auth:signature:read",
            "auth:signature:sign",
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
    "viewer": ("Reads everything on the shop floor, changes nothing", _READ_ALL),
    "integration": (
        "Machine account for ERP and machine connectivity",
        (
            *_READ_ALL,
            "workorder:write",
            "material:master:write",
            "material:lot:receive",
            "material:lot:consume",
            "material:lot:move",
            "resource:state:write",
            "resource:downtime:write",
            "quality:inspection:record",
            "integration:read",
            "integration:message:send",
        ),
    ),
}

# every signed-in person chooses their own UI language, whatever their role (migration 0006)
SELF_PREFERENCES = "auth:self:preferences"
ROLES = {
    name: (description, granted if SELF_PREFERENCES in granted else (*granted, SELF_PREFERENCES))
    for name, (description, granted) in ROLES.items()
}

ADMIN_ROLE = "admin"
# a badge sign-in at a shared terminal gets at most this role's permissions
OPERATOR_ROLE = "operator"
# holding both keeps someone able to repair users and roles: the last such user can't be removed
ADMINISTRATION = ("auth:user:write", "auth:role:write")

# what a service may do on its own, in background work with no user behind it (ADR 44): the least
# its workers need. A service not named here gets no service token.
SERVICE_GRANTS: dict[str, tuple[str, ...]] = {
    # the schedule worker asks resource for shift windows and equipment states
    "work-orders": ("resource:read",),
}
