/** Permission strings as the auth service issues them in the token's `perms` claim. */
export const PERM = {
  materialRead: "material:read",
  lotHold: "material:lot:hold",
  lotConsume: "material:lot:consume",
  resourceRead: "resource:read",
  stateWrite: "resource:state:write",
  workorderRead: "workorder:read",
  workorderExecute: "workorder:execute",
  workorderRelease: "workorder:release",
  workorderWrite: "workorder:write",
  stationManage: "auth:station:manage",
  reportingRead: "reporting:read",
  qualityRead: "quality:read",
  integrationRead: "integration:read",
  traceabilityRead: "traceability:read",
  traceabilityRecall: "traceability:recall",
  // resource and administration screens (office-admin)
  equipmentWrite: "resource:equipment:write",
  maintenanceWrite: "resource:maintenance:write",
  downtimeWrite: "resource:downtime:write",
  userRead: "auth:user:read",
  userWrite: "auth:user:write",
  roleWrite: "auth:role:write",
  apiKeyManage: "auth:apikey:manage",
  authAuditRead: "auth:audit:read",
  signatureRead: "auth:signature:read",
} as const;

export type Permission = (typeof PERM)[keyof typeof PERM] | (string & {});

/** True when every one of `needs` is granted. */
export function hasAll(perms: readonly string[], needs: readonly string[]): boolean {
  const granted = new Set(perms);
  return needs.every((p) => granted.has(p));
}
