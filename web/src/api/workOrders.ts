import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, call } from "./client";
import type { components } from "./generated/work-orders";

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
