import { hasAll, PERM } from "../auth/permissions";

export interface MenuItem {
  path: string;
  label: string;
  description: string;
  /** every one of these permissions is needed to see the entry (the API checks again) */
  needs: readonly string[];
  /** the menu's section ("Planning", "Master data", "Resources", "Administration"); none: at the top */
  group?: string;
}

/** The screens, in menu order. */
export const MENU: readonly MenuItem[] = [
  {
    path: "/station",
    label: "Operator station",
    description: "Run operations: start, pause, consume scanned lots, report good and scrap, complete.",
    needs: [PERM.workorderRead, PERM.workorderExecute],
  },
  {
    path: "/board",
    label: "Supervisor board",
    description: "Every machine of a line, its state and for how long, live; work orders, release and hold.",
    needs: [PERM.resourceRead],
  },
  {
    path: "/reporting",
    label: "OEE dashboard",
    description: "OEE, availability, performance and quality per shift and day; losses, Paretos, drill-down to the stops.",
    needs: [PERM.reportingRead, PERM.resourceRead],
  },
  {
    path: "/material/lots",
    label: "Material lots",
    description: "Find a lot by scanning; status, quantity, location, history; hold and release.",
    needs: [PERM.materialRead],
  },
  {
    path: "/quality",
    label: "Quality workbench",
    description: "Inspections due, overdue and failed, incoming lots waiting, non-conformances, SPC.",
    needs: [PERM.qualityRead],
  },
  {
    path: "/integration",
    label: "Integration",
    description: "Machine connections (MQTT, OPC UA) and their status, dead letters with replay, webhooks.",
    needs: [PERM.integrationRead],
  },
  {
    path: "/traceability",
    label: "Trace",
    description: "Scan a lot or serial: what it was made from, where it went, as a graph; recalls with mass balance.",
    needs: [PERM.traceabilityRead],
  },
  // Planning (issue 16): planners and supervisors
  {
    path: "/workorders",
    label: "Work orders",
    description: "Every work order in every state: search, create, edit, release, hold, close; operations and history.",
    needs: [PERM.workorderRead],
    group: "Planning",
  },
  {
    path: "/schedule",
    label: "Schedule",
    description: "The finite-capacity schedule as a Gantt per work center and per machine; late orders; recompute.",
    needs: [PERM.workorderRead, PERM.resourceRead],
    group: "Planning",
  },
  {
    path: "/admin/stations",
    label: "Station terminals",
    description: "Register shared shop-floor terminals, set this browser up as one, enrol badges and PINs.",
    needs: [PERM.stationManage],
  },
  // Master data (office-master): shown to whoever may maintain it; the pages read with read access only
  {
    path: "/master/items",
    label: "Items and BOMs",
    description: "Items with unit, tracking and shelf life; BOM versions, alternates, scrap; multi-level explosion.",
    needs: [PERM.materialRead, PERM.materialMasterWrite],
    group: "Master data",
  },
  {
    path: "/master/locations",
    label: "Locations",
    description: "Warehouses, line sides, WIP and quarantine locations.",
    needs: [PERM.materialRead, PERM.materialMasterWrite],
    group: "Master data",
  },
  {
    path: "/master/products",
    label: "Products and routings",
    description: "Products and their routing versions: operations, work centers, times, skills and materials.",
    needs: [PERM.workorderRead, PERM.routingWrite],
    group: "Master data",
  },
  {
    path: "/master/reason-codes",
    label: "Reason codes",
    description: "Each site's tree of stop reasons.",
    needs: [PERM.resourceRead, PERM.downtimeWrite],
    group: "Master data",
  },
  {
    path: "/master/defect-codes",
    label: "Defect codes",
    description: "The defect codes inspections and non-conformances use.",
    needs: [PERM.qualityRead, PERM.qualityPlanWrite],
    group: "Master data",
  },
  // Resources
  {
    path: "/resource/equipment",
    label: "Equipment",
    description: "The plant model: site, area, line, work center and machine, with their attributes and state.",
    needs: [PERM.resourceRead],
    group: "Resources",
  },
  {
    path: "/resource/calendars",
    label: "Shift calendars",
    description: "A week of planned production per site, line or machine; shifts, holidays and other exceptions.",
    needs: [PERM.resourceRead],
    group: "Resources",
  },
  {
    path: "/resource/people",
    label: "People and skills",
    description: "Who holds which skill at which level; certifications expired or expiring soon.",
    needs: [PERM.resourceRead],
    group: "Resources",
  },
  {
    path: "/resource/maintenance",
    label: "Maintenance",
    description: "Maintenance orders due and overdue: assign, start, complete; the plans that raise them.",
    needs: [PERM.resourceRead],
    group: "Resources",
  },
  {
    path: "/resource/downtime",
    label: "Downtime",
    description: "A machine's stops: classify with a reason, split in two, comment.",
    needs: [PERM.resourceRead],
    group: "Resources",
  },
  // Administration
  {
    path: "/admin/users",
    label: "Users",
    description: "Create, edit, deactivate and reactivate users, give roles, reset passwords.",
    needs: [PERM.userRead],
    group: "Administration",
  },
  {
    path: "/admin/roles",
    label: "Roles",
    description: "Roles and the permissions each one grants.",
    needs: [PERM.userRead],
    group: "Administration",
  },
  {
    path: "/admin/api-keys",
    label: "API keys",
    description: "Keys of integration clients and machines: create, see when used, revoke.",
    needs: [PERM.apiKeyManage],
    group: "Administration",
  },
  {
    path: "/admin/audit",
    label: "Audit trail",
    description: "Every service's hash-chained audit trail: who did what, when and why; verify the chain.",
    needs: [PERM.authAuditRead],
    group: "Administration",
  },
  {
    path: "/admin/signatures",
    label: "E-signatures",
    description: "Electronic signatures of a record: who signed, when, with which meaning; verify them.",
    needs: [PERM.signatureRead],
    group: "Administration",
  },
];

/** The menu entries a user with `perms` may see. */
export function visibleMenu(perms: readonly string[], menu: readonly MenuItem[] = MENU): MenuItem[] {
  return menu.filter((item) => hasAll(perms, item.needs));
}

/** The entry a path belongs to (longest prefix), for route guards and the active link. */
export function menuItemFor(pathname: string, menu: readonly MenuItem[] = MENU): MenuItem | undefined {
  return [...menu]
    .sort((a, b) => b.path.length - a.path.length)
    .find((item) => pathname === item.path || pathname.startsWith(`${item.path}/`));
}

/** The entries by section, in menu order: those without a group first, then each group. */
export function menuSections(items: readonly MenuItem[]): [string | undefined, MenuItem[]][] {
  const sections = new Map<string | undefined, MenuItem[]>([[undefined, []]]);
  for (const item of items) sections.set(item.group, [...(sections.get(item.group) ?? []), item]);
  return [...sections.entries()].filter(([, entries]) => entries.length > 0);
}
