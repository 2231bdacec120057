import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, call } from "./client";
import type { components, operations } from "./generated/work-orders";

export type WorkOrder = components["schemas"]["WorkOrderRead"];
export type Operation = components["schemas"]["OperationRead"];
export type DispatchItem = components["schemas"]["DispatchItem"];
export type OrderStatus = WorkOrder["status"];
export type WorkCenter = components["schemas"]["WorkCenterRead"];

export const woKeys = {
  all: ["workorders"] as const,
  list: () => ["workorders", "orders"] as const,
  order: (n: string) => ["workorders", "order", n] as const,
  dispatch: (wc: string) => ["workorders", "dispatch", wc] as const,
  workCenters: () => ["workorders", "work-centers"] as const,
};

export function useWorkOrders(refetchMs = 10_000) {
  return useQuery({
    queryKey: woKeys.list(),
    refetchInterval: refetchMs,
    queryFn: () => call(api.GET("/api/v1/workorders/orders", { params: { query: { limit: 100 } } })),
  });
}

export function useWorkOrder(number: string | undefined) {
  return useQuery({
    queryKey: woKeys.order(number ?? ""),
    enabled: !!number,
    queryFn: () =>
      call(api.GET("/api/v1/workorders/orders/{number}", { params: { path: { number: number ?? "" } } })),
  });
}

export function useWorkCenters() {
  return useQuery({
    queryKey: woKeys.workCenters(),
    staleTime: 60_000,
    queryFn: () => call(api.GET("/api/v1/workorders/work-centers", { params: { query: { limit: 500 } } })),
  });
}

export function useDispatchList(workCenter: string | undefined) {
  return useQuery({
    queryKey: woKeys.dispatch(workCenter ?? ""),
    enabled: !!workCenter,
    refetchInterval: 15_000,
    queryFn: () =>
      call(api.GET("/api/v1/workorders/dispatch", { params: { query: { work_center: workCenter ?? "" } } })),
  });
}

export type OrderAction = "release" | "hold" | "resume" | "close" | "cancel";

/** Release, hold (reason required), resume, close or cancel (reason required) a work order. */
export function useOrderAction() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ number, action, reason }: { number: string; action: OrderAction; reason?: string }) => {
      const params = { path: { number } };
      const body = reason ? { reason } : {};
      switch (action) {
        case "hold":
          return call(api.POST("/api/v1/workorders/orders/{number}/hold", { params, body: { reason: reason ?? "" } }));
        case "cancel":
          return call(api.POST("/api/v1/workorders/orders/{number}/cancel", { params, body: { reason: reason ?? "" } }));
        case "release":
          return call(api.POST("/api/v1/workorders/orders/{number}/release", { params, body }));
        case "resume":
          return call(api.POST("/api/v1/workorders/orders/{number}/resume", { params, body }));
        case "close":
          return call(api.POST("/api/v1/workorders/orders/{number}/close", { params, body }));
      }
    },
    onSuccess: (order) => {
      client.setQueryData(woKeys.order(order.number), order);
      void client.invalidateQueries({ queryKey: woKeys.all });
    },
  });
}

export type OpAction =
  | { action: "start"; equipment?: string }
  | { action: "pause"; reason: string }
  | { action: "resume" }
  | { action: "yield"; good: string; scrap: { quantity: string; reason: string }[] }
  | { action: "complete" };

function newKey(): string {
  return globalThis.crypto?.randomUUID?.() ?? `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

/** Start, pause, resume, report yield or complete an operation; the order is refetched after. */
export function useOperationAction(number: string, key: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (a: OpAction) => {
      const path = { number, key };
      switch (a.action) {
        case "start":
          return call(
            api.POST("/api/v1/workorders/orders/{number}/operations/{key}/start", {
              params: { path },
              body: a.equipment ? { equipment: a.equipment } : {},
            }),
          );
        case "pause":
          return call(
            api.POST("/api/v1/workorders/orders/{number}/operations/{key}/pause", {
              params: { path },
              body: { reason: a.reason },
            }),
          );
        case "resume":
          return call(
            api.POST("/api/v1/workorders/orders/{number}/operations/{key}/resume", { params: { path }, body: {} }),
          );
        case "yield":
          return call(
            api.POST("/api/v1/workorders/orders/{number}/operations/{key}/yield", {
              params: { path },
              body: { good: a.good, scrap: a.scrap },
            }),
          );
        case "complete":
          return call(
            api.POST("/api/v1/workorders/orders/{number}/operations/{key}/complete", {
              params: { path, header: { "Idempotency-Key": newKey() } },
              // good and scrap were reported with "yield"; short completion is the supervisor's call
              body: { good: "0", scrap: [], accept_short: false },
            }),
          );
      }
    },
    onSettled: () => {
      void client.invalidateQueries({ queryKey: woKeys.all });
    },
  });
}

/** Consume a scanned lot into the operation; one Idempotency-Key per scan, so a retry books once. */
export function useConsume(number: string, key: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ lot, quantity }: { lot: string; quantity: string }) =>
      call(
        api.POST("/api/v1/workorders/orders/{number}/operations/{key}/consume", {
          params: { path: { number, key }, header: { "Idempotency-Key": newKey() } },
          body: { lot, quantity },
        }),
      ),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: woKeys.all });
    },
  });
}

// ---- the office's work order screens (issue 16) ----

export type OrderPage = components["schemas"]["Page_WorkOrderRead_"];
export type WorkOrderCreate = components["schemas"]["WorkOrderCreate"];
export type WorkOrderUpdate = components["schemas"]["WorkOrderUpdate"];
export type HistoryEntry = components["schemas"]["HistoryEntry"];
export type AsBuilt = components["schemas"]["AsBuiltRead"];
export type Schedule = components["schemas"]["ScheduleRead"];
export type ScheduleUnit = components["schemas"]["ScheduleUnit"];
export type ScheduledOrder = components["schemas"]["ScheduledOrder"];
export type OrderSort = NonNullable<
  NonNullable<operations["list_work_orders_api_v1_workorders_orders_get"]["parameters"]["query"]>["sort"]
>;

export interface OrderQuery {
  q?: string;
  status?: OrderStatus[];
  due_from?: string;
  due_to?: string;
  late?: boolean;
  sort?: OrderSort;
  limit: number;
  offset: number;
}

/** One page of the order list, searched, filtered and sorted by the server. */
export function useOrderPage(query: OrderQuery) {
  return useQuery({
    queryKey: [...woKeys.list(), "page", query] as const,
    placeholderData: (previous) => previous,
    queryFn: () =>
      call(
        api.GET("/api/v1/workorders/orders", {
          params: {
            query: {
              q: query.q || undefined,
              status: query.status?.length ? query.status : undefined,
              due_from: query.due_from || undefined,
              due_to: query.due_to || undefined,
              late: query.late,
              sort: query.sort,
              limit: query.limit,
              offset: query.offset,
            },
          },
        }),
      ),
  });
}

export function useOrderHistory(number: string) {
  return useQuery({
    queryKey: [...woKeys.order(number), "history"] as const,
    queryFn: () =>
      call(api.GET("/api/v1/workorders/orders/{number}/history", { params: { path: { number } } })),
  });
}

export function useAsBuilt(number: string) {
  return useQuery({
    queryKey: [...woKeys.order(number), "as-built"] as const,
    queryFn: () =>
      call(api.GET("/api/v1/workorders/orders/{number}/as-built", { params: { path: { number } } })),
  });
}

export function useProducts() {
  return useQuery({
    queryKey: ["workorders", "products"] as const,
    staleTime: 60_000,
    queryFn: () => call(api.GET("/api/v1/workorders/products", { params: { query: { limit: 500 } } })),
  });
}

export function useRoutings(product: string | undefined) {
  return useQuery({
    queryKey: ["workorders", "routings", product ?? ""] as const,
    enabled: !!product,
    queryFn: () =>
      call(
        api.GET("/api/v1/workorders/products/{code}/routings", { params: { path: { code: product ?? "" } } }),
      ),
  });
}

export function useCreateOrder() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: WorkOrderCreate) => call(api.POST("/api/v1/workorders/orders", { body })),
    onSuccess: () => void client.invalidateQueries({ queryKey: woKeys.all }),
  });
}

export function useUpdateOrder(number: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: WorkOrderUpdate) =>
      call(api.PATCH("/api/v1/workorders/orders/{number}", { params: { path: { number } }, body })),
    onSuccess: (order) => {
      client.setQueryData(woKeys.order(order.number), order);
      void client.invalidateQueries({ queryKey: woKeys.all });
    },
  });
}

export type FloorChange =
  | { kind: "skip"; key: string; reason: string }
  | { kind: "split"; key: string; reason: string; parts: { quantity: string; equipment?: string | null }[] }
  | { kind: "rework"; key: string; reason: string; to_operation: string; quantity: string }
  | {
      kind: "insert";
      key: string;
      reason: string;
      name: string;
      work_center: string;
      setup_minutes: string;
      run_minutes_per_unit: string;
    };

/** A supervisor's change to the plan of a released order: skip, split, rework or insert. */
export function useFloorChange(number: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (c: FloorChange) => {
      const path = { number, key: c.key };
      switch (c.kind) {
        case "skip":
          return call(
            api.POST("/api/v1/workorders/orders/{number}/operations/{key}/skip", {
              params: { path },
              body: { reason: c.reason },
            }),
          );
        case "split":
          return call(
            api.POST("/api/v1/workorders/orders/{number}/operations/{key}/split", {
              params: { path },
              body: { reason: c.reason, parts: c.parts },
            }),
          );
        case "rework":
          return call(
            api.POST("/api/v1/workorders/orders/{number}/operations/{key}/rework", {
              params: { path },
              body: { reason: c.reason, to_operation: c.to_operation, quantity: c.quantity },
            }),
          );
        case "insert":
          return call(
            api.POST("/api/v1/workorders/orders/{number}/operations", {
              params: { path: { number } },
              body: {
                after: c.key,
                reason: c.reason,
                name: c.name,
                work_center: c.work_center,
                setup_minutes: c.setup_minutes,
                run_minutes_per_unit: c.run_minutes_per_unit,
                skills: [],
              },
            }),
          );
      }
    },
    onSuccess: (order) => {
      client.setQueryData(woKeys.order(order.number), order);
      void client.invalidateQueries({ queryKey: woKeys.all });
    },
  });
}

/** A supervisor completes the order's last operation short of its quantity, with a reason. */
export function useCompleteShort(number: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ key, good, reason }: { key: string; good: string; reason: string }) =>
      call(
        api.POST("/api/v1/workorders/orders/{number}/operations/{key}/complete", {
          params: { path: { number, key }, header: { "Idempotency-Key": newKey() } },
          body: { good, scrap: [], accept_short: true, reason },
        }),
      ),
    onSettled: () => void client.invalidateQueries({ queryKey: woKeys.all }),
  });
}

export const scheduleKey = ["workorders", "schedule"] as const;

export function useSchedule() {
  return useQuery({
    queryKey: scheduleKey,
    // while stale, the worker replans within seconds: look again soon
    refetchInterval: (q) => (q.state.data?.stale ? 3_000 : 30_000),
    queryFn: () => call(api.GET("/api/v1/workorders/schedule")),
  });
}

export function useRecompute() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => call(api.POST("/api/v1/workorders/schedule/recompute", { body: { horizon_days: 28 } })),
    onSuccess: (schedule) => {
      client.setQueryData(scheduleKey, schedule);
      void client.invalidateQueries({ queryKey: woKeys.all });
    },
  });
}
