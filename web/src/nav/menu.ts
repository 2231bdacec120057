import { hasAll, PERM } from "../auth/permissions";

export interface MenuItem {
  path: string;
  label: string;
  description: string;
  /** every one of these permissions is needed to see the entry (the API checks again) */
  needs: readonly string[];
  /** entries with the same group are shown together under its name in the menu */
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

/** The entries in menu order, those of a group together where its first entry is ("" = no group). */
export function menuGroups(items: readonly MenuItem[]): [string, MenuItem[]][] {
  const out: [string, MenuItem[]][] = [];
  for (const item of items) {
    const found = item.group ? out.find(([g]) => g === item.group) : undefined;
    if (found) found[1].push(item);
    else out.push([item.group ?? "", [item]]);
  }
  return out;
}
