import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, call, callPage } from "./client";
import type { components, operations } from "./generated/resource";

export type Equipment = components["schemas"]["EquipmentRead"];
export type Level = Equipment["level"];
export type StateChange = components["schemas"]["StateChange"];
export type EquipmentState = NonNullable<StateChange["state"]>;

/** One entry of the live board (the stream's `snapshot` items; BoardEntry in the resource service). */
export interface BoardEntry {
  equipment_code: string;
  name: string;
  level: string;
  path: string;
  state: EquipmentState | null;
  since: string | null;
  available: boolean;
}

/** A `state` event of the stream (fields of the resource service's equipment state change). */
export interface StateEvent {
  equipment_code: string;
  path: string;
  state: EquipmentState;
  previous_state?: string | null;
  started_at: string;
  ended_at?: string | null;
  source?: string;
  reason_code?: string | null;
  available: boolean;
}

export function useEquipment(level: Level, enabled = true) {
  return useQuery({
    queryKey: ["resource", "equipment", level],
    enabled,
    staleTime: 60_000,
    queryFn: () => call(api.GET("/api/v1/resource/equipment", { params: { query: { level, limit: 500 } } })),
  });
}

// ---- the office screens: plant model, calendars, people, maintenance, downtime

export type EquipmentDetail = components["schemas"]["EquipmentDetail"];
export type EquipmentAttributes = components["schemas"]["EquipmentAttributes"];
export type EquipmentCreate = components["schemas"]["EquipmentCreate"];
export type Calendar = components["schemas"]["CalendarRead"];
export type ShiftPattern = components["schemas"]["ShiftPatternIn"];
export type CalendarException = components["schemas"]["ExceptionRead"];
export type ExceptionCreate = components["schemas"]["ExceptionCreate"];
export type PlannedWindow = components["schemas"]["PlannedWindow"];
export type Person = components["schemas"]["PersonRead"];
export type Qualification = components["schemas"]["QualificationRead"];
export type Skill = components["schemas"]["SkillRead"];
export type MaintenancePlan = components["schemas"]["PlanRead"];
export type PlanCreate = components["schemas"]["PlanCreate"];
export type MaintenanceOrder = components["schemas"]["OrderRead"];
export type MaintenanceStatus = "open" | "assigned" | "in_progress" | "completed";
export type Downtime = components["schemas"]["DowntimeRead"];
export type ReasonCode = components["schemas"]["ReasonCodeRead"];
export type CurrentState = components["schemas"]["CurrentState"];

const R = ["resource"] as const;

function useResourceMutation<V, T>(fn: (v: V) => Promise<T>, ...keys: string[]) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => {
      for (const k of keys) void qc.invalidateQueries({ queryKey: [...R, k] });
    },
  });
}

/** A page of the plant model, one level or all (the API pages and keeps the hierarchy's order). */
type SortOf<Op extends keyof operations> = NonNullable<
  NonNullable<operations[Op]["parameters"]["query"]> extends { sort?: infer S } ? S : never
>;
export type EquipmentSort = SortOf<"list_equipment_api_v1_resource_equipment_get">;
export type PersonSort = SortOf<"list_persons_api_v1_resource_persons_get">;
export type MaintenanceOrderSort = SortOf<"list_orders_api_v1_resource_maintenance_orders_get">;
export type MaintenancePlanSort = SortOf<"list_plans_api_v1_resource_maintenance_plans_get">;
export type DowntimeSort = SortOf<"list_downtimes_api_v1_resource_equipment__code__downtimes_get">;

export function useEquipmentPage(q: { level?: Level; sort?: EquipmentSort; limit: number; offset: number }) {
  return useQuery({
    queryKey: [...R, "equipment", "page", q],
    placeholderData: (previous) => previous,
    queryFn: () => call(api.GET("/api/v1/resource/equipment", { params: { query: q } })),
  });
}

/** The whole plant model (every level) for trees and pickers; a plant has hundreds, not thousands. */
export function useAllEquipment() {
  return useQuery({
    queryKey: [...R, "equipment", "all"],
    staleTime: 30_000,
    queryFn: async () => {
      const items: Equipment[] = [];
      for (let offset = 0; ; offset += 500) {
        const page = await call(api.GET("/api/v1/resource/equipment", { params: { query: { limit: 500, offset } } }));
        items.push(...page.items);
        if (items.length >= page.total || page.items.length === 0) return items;
      }
    },
  });
}

export function useEquipmentDetail(code: string | null) {
  return useQuery({
    queryKey: [...R, "equipment", "detail", code],
    enabled: !!code,
    queryFn: () => call(api.GET("/api/v1/resource/equipment/{code}/details", { params: { path: { code: code ?? "" } } })),
  });
}

export function useCurrentState(code: string | null) {
  return useQuery({
    queryKey: [...R, "state", code],
    enabled: !!code,
    queryFn: () => call(api.GET("/api/v1/resource/equipment/{code}/state", { params: { path: { code: code ?? "" } } })),
  });
}

export function useRegisterEquipment() {
  return useResourceMutation(
    (body: EquipmentCreate) => call(api.POST("/api/v1/resource/equipment", { body })),
    "equipment",
  );
}

export function useSetAttributes() {
  return useResourceMutation(
    ({ code, body }: { code: string; body: EquipmentAttributes }) =>
      call(api.PATCH("/api/v1/resource/equipment/{code}", { params: { path: { code } }, body })),
    "equipment",
  );
}

/** The calendar set on this equipment itself (404 when it inherits one from above). */
export function useCalendar(code: string | null) {
  return useQuery({
    queryKey: [...R, "calendar", code],
    enabled: !!code,
    retry: false,
    queryFn: () => call(api.GET("/api/v1/resource/equipment/{code}/calendar", { params: { path: { code: code ?? "" } } })),
  });
}

export function useSetCalendar() {
  return useResourceMutation(
    ({ code, patterns, timeZone }: { code: string; patterns: ShiftPattern[]; timeZone?: string | null }) =>
      call(
        api.PUT("/api/v1/resource/equipment/{code}/calendar", {
          params: { path: { code } },
          body: { patterns, time_zone: timeZone ?? null },
        }),
      ),
    "calendar",
    "windows",
  );
}

export function useCalendarExceptions(code: string | null) {
  return useQuery({
    queryKey: [...R, "calendar", "exceptions", code],
    enabled: !!code,
    queryFn: () =>
      call(api.GET("/api/v1/resource/equipment/{code}/calendar/exceptions", { params: { path: { code: code ?? "" } } })),
  });
}

export function useAddException() {
  return useResourceMutation(
    ({ code, body }: { code: string; body: ExceptionCreate }) =>
      call(api.POST("/api/v1/resource/equipment/{code}/calendar/exceptions", { params: { path: { code } }, body })),
    "calendar",
    "windows",
  );
}

/** Planned production windows in [start, end) from the nearest calendar, exceptions applied. */
export function usePlannedWindows(code: string | null, start: string, end: string) {
  return useQuery({
    queryKey: [...R, "windows", code, start, end],
    enabled: !!code,
    queryFn: () =>
      call(
        api.GET("/api/v1/resource/equipment/{code}/planned-windows", {
          params: { path: { code: code ?? "" }, query: { start, end } },
        }),
      ),
  });
}

export interface PersonQuery {
  active?: boolean;
  skill?: string;
  expiring_by?: string;
  sort?: PersonSort;
  limit: number;
  offset: number;
}

export function usePersons(q: PersonQuery) {
  return useQuery({
    queryKey: [...R, "persons", q],
    placeholderData: (previous) => previous,
    queryFn: () => call(api.GET("/api/v1/resource/persons", { params: { query: q } })),
  });
}

export function useSkills() {
  return useQuery({
    queryKey: [...R, "skills"],
    staleTime: 60_000,
    queryFn: () => call(api.GET("/api/v1/resource/skills")),
  });
}

export function useGrantQualification() {
  return useResourceMutation(
    ({ username, skill, level, expiresOn }: { username: string; skill: string; level: number; expiresOn: string | null }) =>
      call(
        api.POST("/api/v1/resource/persons/{username}/qualifications", {
          params: { path: { username } },
          body: { skill, level, expires_on: expiresOn },
        }),
      ),
    "persons",
  );
}

export function useRevokeQualification() {
  return useResourceMutation(
    ({ username, skill, reason }: { username: string; skill: string; reason: string }) =>
      call(
        api.DELETE("/api/v1/resource/persons/{username}/qualifications/{skill}", {
          params: { path: { username, skill }, query: { reason } },
        }),
      ),
    "persons",
  );
}

/** A page of maintenance plans as the API sorts and pages them; `total` from X-Total-Count. */
export function useMaintenancePlans(q: { equipment?: string; sort?: MaintenancePlanSort; limit: number; offset: number }) {
  return useQuery({
    queryKey: [...R, "maintenance", "plans", q],
    placeholderData: (previous) => previous,
    queryFn: () => callPage(api.GET("/api/v1/resource/maintenance/plans", { params: { query: q } })),
  });
}

export function useCreatePlan() {
  return useResourceMutation(
    (body: PlanCreate) => call(api.POST("/api/v1/resource/maintenance/plans", { body })),
    "maintenance",
  );
}

export function useMaintenanceOrders(q: {
  equipment?: string;
  status?: MaintenanceStatus;
  sort?: MaintenanceOrderSort;
  limit?: number;
  offset?: number;
}) {
  return useQuery({
    queryKey: [...R, "maintenance", "orders", q],
    placeholderData: (previous) => previous,
    queryFn: () => call(api.GET("/api/v1/resource/maintenance/orders", { params: { query: q } })),
  });
}

export function useCreateMaintenanceOrder() {
  return useResourceMutation(
    (body: { equipment_code: string; description: string }) =>
      call(api.POST("/api/v1/resource/maintenance/orders", { body })),
    "maintenance",
  );
}

export type OrderStep =
  | { number: string; to: "assigned"; assignee: string }
  | { number: string; to: "in_progress" }
  | { number: string; to: "completed"; comment?: string };

/** Assign, start (the machine goes into maintenance) or complete (it becomes available again). */
export function useAdvanceOrder() {
  return useResourceMutation((step: OrderStep) => {
    const path = { number: step.number };
    if (step.to === "assigned")
      return call(
        api.POST("/api/v1/resource/maintenance/orders/{number}/assign", {
          params: { path },
          body: { assignee: step.assignee },
        }),
      );
    if (step.to === "in_progress")
      return call(api.POST("/api/v1/resource/maintenance/orders/{number}/start", { params: { path } }));
    return call(
      api.POST("/api/v1/resource/maintenance/orders/{number}/complete", {
        params: { path },
        body: { comment: step.comment || null },
      }),
    );
  }, "maintenance", "state");
}

/** A page of a machine's stops in [start, end), sorted, filtered and paged by the API. */
export function useDowntimes(
  code: string | null,
  q: { start: string; end: string; classified?: boolean; sort?: DowntimeSort; limit: number; offset: number },
) {
  return useQuery({
    queryKey: [...R, "downtimes", code, q],
    enabled: !!code,
    placeholderData: (previous) => previous,
    queryFn: () =>
      call(
        api.GET("/api/v1/resource/equipment/{code}/downtimes", {
          params: { path: { code: code ?? "" }, query: q },
        }),
      ),
  });
}

export function useReasonCodes(site: string | null) {
  return useQuery({
    queryKey: [...R, "reasons", site],
    enabled: !!site,
    staleTime: 60_000,
    queryFn: () =>
      call(api.GET("/api/v1/resource/sites/{code}/reason-codes", { params: { path: { code: site ?? "" } } })),
  });
}

export function useClassifyDowntime() {
  return useResourceMutation(
    ({ id, reasonCode, comment }: { id: string; reasonCode: string; comment?: string }) =>
      call(
        api.POST("/api/v1/resource/downtimes/{downtime_id}/classify", {
          params: { path: { downtime_id: id } },
          body: { reason_code: reasonCode, comment: comment || null },
        }),
      ),
    "downtimes",
  );
}

export function useCommentDowntime() {
  return useResourceMutation(
    ({ id, comment }: { id: string; comment: string }) =>
      call(
        api.POST("/api/v1/resource/downtimes/{downtime_id}/comment", {
          params: { path: { downtime_id: id } },
          body: { comment },
        }),
      ),
    "downtimes",
  );
}

export function useSplitDowntime() {
  return useResourceMutation(
    ({ id, at, reasonCode }: { id: string; at: string; reasonCode?: string | null }) =>
      call(
        api.POST("/api/v1/resource/downtimes/{downtime_id}/split", {
          params: { path: { downtime_id: id } },
          body: { at, reason_code: reasonCode || null },
        }),
      ),
    "downtimes",
  );
}
