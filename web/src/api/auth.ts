import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, call, callPage } from "./client";
import type { components, operations } from "./generated/auth";

export type Station = components["schemas"]["StationRead"];
export type StationCreated = components["schemas"]["StationCreated"];
export type StationCreate = components["schemas"]["StationCreate"];
export type Badge = components["schemas"]["BadgeRead"];

const stationKeys = { all: ["auth", "stations"] as const };
const badgeKeys = { all: ["auth", "badges"] as const };

export function useBadges() {
  return useQuery({ queryKey: badgeKeys.all, queryFn: () => call(api.GET("/api/v1/auth/badges")) });
}

/** A lost or returned badge: it signs nobody in any more, and its open terminal sessions end. */
export function useRemoveBadge() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ username, reason }: { username: string; reason: string }) =>
      call(
        api.DELETE("/api/v1/auth/users/{username}/badge", {
          params: { path: { username }, query: { reason } },
        }),
      ),
    onSuccess: () => void qc.invalidateQueries({ queryKey: badgeKeys.all }),
  });
}

export function useStations(enabled = true) {
  return useQuery({
    queryKey: stationKeys.all,
    enabled,
    queryFn: () => call(api.GET("/api/v1/auth/stations")),
  });
}

/** Registers a terminal; the answer carries the station key, this once. */
export function useRegisterStation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: StationCreate) => call(api.POST("/api/v1/auth/stations", { body })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: stationKeys.all }),
  });
}

/** Takes a terminal out of service (lost, replaced, moved): its key no longer signs anyone in. */
export function useDeactivateStation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ code, reason }: { code: string; reason: string }) =>
      call(api.POST("/api/v1/auth/stations/{code}/deactivate", { params: { path: { code } }, body: { reason } })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: stationKeys.all }),
  });
}

/** Enrols a user's badge and PIN for sign-in at registered stations. */
export function useSetBadge() {
  const qc = useQueryClient();
  return useMutation({
    onSuccess: () => void qc.invalidateQueries({ queryKey: badgeKeys.all }),
    mutationFn: ({ username, badge, pin }: { username: string; badge: string; pin: string }) =>
      call(
        api.PUT("/api/v1/auth/users/{username}/badge", {
          params: { path: { username } },
          body: { badge, pin },
        }),
      ),
  });
}

// ---- administration: users, roles, permissions, API keys, signatures, audit trails

export type User = components["schemas"]["UserRead"];
export type UserCreate = components["schemas"]["UserCreate"];
export type UserUpdate = components["schemas"]["UserUpdate"];
export type Role = components["schemas"]["RoleRead"];
export type PermissionInfo = components["schemas"]["PermissionRead"];
export type ApiKey = components["schemas"]["ApiKeyRead"];
export type ApiKeyCreate = components["schemas"]["ApiKeyCreate"];
export type ApiKeyCreated = components["schemas"]["ApiKeyCreated"];
export type Signature = components["schemas"]["SignatureRead"];
export type SignatureVerification = components["schemas"]["SignatureVerification"];
export type AuditEntry = components["schemas"]["AuditEntryRead"];
export type AuditPage = components["schemas"]["AuditPage"];
export type AuditVerification = components["schemas"]["AuditVerification"];

const adminKeys = {
  users: ["auth", "users"] as const,
  roles: ["auth", "roles"] as const,
  permissions: ["auth", "permissions"] as const,
  apiKeys: ["auth", "api-keys"] as const,
  signatures: ["auth", "signatures"] as const,
};

export type UserSort = NonNullable<NonNullable<operations["list_users_api_v1_auth_users_get"]["parameters"]["query"]>["sort"]>;

export interface UserQuery {
  active?: boolean;
  role?: string;
  /** a column the API sorts by, `-` first for descending */
  sort?: UserSort;
  limit: number;
  offset: number;
}

export function useUsers(q: UserQuery) {
  return useQuery({
    queryKey: [...adminKeys.users, q],
    placeholderData: (previous) => previous,
    queryFn: () => call(api.GET("/api/v1/auth/users", { params: { query: q } })),
  });
}

export function useUser(username: string | null) {
  return useQuery({
    queryKey: [...adminKeys.users, "one", username],
    enabled: !!username,
    queryFn: () => call(api.GET("/api/v1/auth/users/{username}", { params: { path: { username: username ?? "" } } })),
  });
}

function useAdminMutation<V, R>(fn: (v: V) => Promise<R>, key: readonly string[] = adminKeys.users) {
  const qc = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: () => void qc.invalidateQueries({ queryKey: key }) });
}

export function useCreateUser() {
  return useAdminMutation((body: UserCreate) => call(api.POST("/api/v1/auth/users", { body })));
}

export function useUpdateUser() {
  return useAdminMutation(({ username, body }: { username: string; body: UserUpdate }) =>
    call(api.PATCH("/api/v1/auth/users/{username}", { params: { path: { username } }, body })),
  );
}

export function useSetUserActive() {
  return useAdminMutation(({ username, active, reason }: { username: string; active: boolean; reason: string }) =>
    active
      ? call(api.POST("/api/v1/auth/users/{username}/reactivate", { params: { path: { username } }, body: { reason } }))
      : call(api.POST("/api/v1/auth/users/{username}/deactivate", { params: { path: { username } }, body: { reason } })),
  );
}

export function useResetPassword() {
  return useAdminMutation(
    ({ username, password, reason }: { username: string; password: string; reason?: string }) =>
      call(
        api.POST("/api/v1/auth/users/{username}/reset-password", {
          params: { path: { username } },
          body: { new_password: password, reason: reason || null },
        }),
      ),
  );
}

export function useRoles(enabled = true) {
  return useQuery({
    queryKey: adminKeys.roles,
    enabled,
    queryFn: () => call(api.GET("/api/v1/auth/roles")),
  });
}

export function usePermissionCatalog(enabled = true) {
  return useQuery({
    queryKey: adminKeys.permissions,
    enabled,
    staleTime: 5 * 60_000,
    queryFn: () => call(api.GET("/api/v1/auth/permissions")),
  });
}

export function useCreateRole() {
  return useAdminMutation(
    (body: components["schemas"]["RoleCreate"]) => call(api.POST("/api/v1/auth/roles", { body })),
    adminKeys.roles,
  );
}

export function useSetRolePermissions() {
  return useAdminMutation(
    ({ name, permissions, reason }: { name: string; permissions: string[]; reason: string }) =>
      call(
        api.PUT("/api/v1/auth/roles/{name}/permissions", {
          params: { path: { name } },
          body: { permissions, reason },
        }),
      ),
    adminKeys.roles,
  );
}

export type ApiKeySort = NonNullable<NonNullable<operations["list_api_keys_api_v1_auth_api_keys_get"]["parameters"]["query"]>["sort"]>;

/** A page of API keys as the API sorts and pages them; `total` from the X-Total-Count header. */
export function useApiKeys(q: { owner?: string; sort?: ApiKeySort; limit: number; offset: number }) {
  return useQuery({
    queryKey: [...adminKeys.apiKeys, q],
    placeholderData: (previous) => previous,
    queryFn: () => callPage(api.GET("/api/v1/auth/api-keys", { params: { query: q } })),
  });
}

export function useCreateApiKey() {
  return useAdminMutation((body: ApiKeyCreate) => call(api.POST("/api/v1/auth/api-keys", { body })), adminKeys.apiKeys);
}

export function useRevokeApiKey() {
  return useAdminMutation(
    ({ id, reason }: { id: string; reason: string }) =>
      call(api.POST("/api/v1/auth/api-keys/{key_id}/revoke", { params: { path: { key_id: id } }, body: { reason } })),
    adminKeys.apiKeys,
  );
}

export interface SignatureQuery {
  record_type: string;
  record_id?: string;
  limit: number;
  offset: number;
}

export function useSignatures(q: SignatureQuery) {
  return useQuery({
    queryKey: [...adminKeys.signatures, q],
    enabled: !!q.record_type,
    placeholderData: (previous) => previous,
    queryFn: () => call(api.GET("/api/v1/auth/signatures", { params: { query: q } })),
  });
}

/** Does the signature still hold for this content of its record (the content hashed as when signed)? */
export function useVerifySignature() {
  return useMutation({
    mutationFn: ({ id, content }: { id: string; content: Record<string, unknown> }) =>
      call(
        api.POST("/api/v1/auth/signatures/{signature_id}/verify", {
          params: { path: { signature_id: id } },
          body: { content },
        }),
      ),
  });
}

/** Every service serves its trail from the same platform routes (ADR 26): one shape, eight prefixes. */
export const AUDITED_SERVICES = [
  { prefix: "auth", label: "Auth (users, roles, keys)", permission: "auth:audit:read" },
  { prefix: "workorders", label: "Work orders", permission: "workorder:audit:read" },
  { prefix: "material", label: "Material", permission: "material:audit:read" },
  { prefix: "resource", label: "Resource", permission: "resource:audit:read" },
  { prefix: "quality", label: "Quality", permission: "quality:audit:read" },
  { prefix: "traceability", label: "Traceability", permission: "traceability:audit:read" },
  { prefix: "reporting", label: "Reporting", permission: "reporting:audit:read" },
  { prefix: "integration", label: "Integration", permission: "integration:audit:read" },
] as const;

export type AuditedService = (typeof AUDITED_SERVICES)[number]["prefix"];

export interface AuditQuery {
  entity_type?: string;
  entity_id?: string;
  actor?: string;
  action?: string;
  since?: string;
  until?: string;
  order?: "newest" | "oldest";
  limit: number;
  offset: number;
}

// the same routes under each prefix; typed through auth's copy of them
const auditPath = (prefix: AuditedService) => `/api/v1/${prefix}/audit` as "/api/v1/auth/audit";
const verifyPath = (prefix: AuditedService) => `/api/v1/${prefix}/audit/verify` as "/api/v1/auth/audit/verify";

export function useAuditTrail(prefix: AuditedService, q: AuditQuery, enabled = true) {
  return useQuery({
    queryKey: ["audit", prefix, q],
    enabled,
    placeholderData: (previous) => previous,
    queryFn: () => call(api.GET(auditPath(prefix), { params: { query: q } })),
  });
}

export function useVerifyAudit() {
  return useMutation({
    mutationFn: (prefix: AuditedService) => call(api.GET(verifyPath(prefix))),
  });
}
