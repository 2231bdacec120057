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
  workorderDispatch: "workorder:dispatch",
  stationManage: "auth:station:manage",
  reportingRead: "reporting:read",
  qualityRead: "quality:read",
  integrationRead: "integration:read",
  traceabilityRead: "traceability:read",
  traceabilityRecall: "traceability:recall",
  // master data and warehouse actions (office-master)
  materialMasterWrite: "material:master:write",
  lotReceive: "material:lot:receive",
  lotMove: "material:lot:move",
  lotAdjust: "material:lot:adjust",
  routingWrite: "workorder:routing:write",
  downtimeWrite: "resource:downtime:write",
  qualityPlanWrite: "quality:plan:write",
  // resource and administration screens (office-admin)
  equipmentWrite: "resource:equipment:write",
  maintenanceWrite: "resource:maintenance:write",
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
