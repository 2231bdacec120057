import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, call } from "./client";
import type { components } from "./generated/material";

export type Lot = components["schemas"]["LotRead"];
export type Movement = components["schemas"]["MovementRead"];
export type LotPage = components["schemas"]["Page_LotRead_"];
export type LotStatusFilter = NonNullable<Lot["status"]> | "all";

export const lotKeys = {
  lot: (code: string) => ["material", "lot", code] as const,
  movements: (code: string) => ["material", "lot", code, "movements"] as const,
  list: (status: LotStatusFilter) => ["material", "lots", status] as const,
};

export function useLot(code: string | undefined) {
  return useQuery({
    queryKey: lotKeys.lot(code ?? ""),
    enabled: !!code,
    queryFn: () => call(api.GET("/api/v1/material/lots/{code}", { params: { path: { code: code ?? "" } } })),
  });
}

export function useLotMovements(code: string | undefined, enabled: boolean) {
  return useQuery({
    queryKey: lotKeys.movements(code ?? ""),
    enabled: !!code && enabled,
    queryFn: () =>
      call(api.GET("/api/v1/material/lots/{code}/movements", { params: { path: { code: code ?? "" } } })),
  });
}

export function useLots(status: LotStatusFilter, location?: string) {
  return useQuery({
    queryKey: [...lotKeys.list(status), location ?? ""],
    queryFn: () =>
      call(
        api.GET("/api/v1/material/lots", {
          params: { query: { limit: 50, location, ...(status === "all" ? {} : { status }) } },
        }),
      ),
  });
}

/** Hold or release a lot with a reason; the answer replaces the cached lot. */
export function useLotStatusChange(code: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ action, reason }: { action: "hold" | "release"; reason: string }) =>
      call(
        action === "hold"
          ? api.POST("/api/v1/material/lots/{code}/hold", { params: { path: { code } }, body: { reason } })
          : api.POST("/api/v1/material/lots/{code}/release", { params: { path: { code } }, body: { reason } }),
      ),
    onSuccess: (lot) => {
      client.setQueryData(lotKeys.lot(code), lot);
      void client.invalidateQueries({ queryKey: lotKeys.movements(code) });
      void client.invalidateQueries({ queryKey: ["material", "lots"] });
    },
  });
}

// ------------------------------------------------------------------ warehouse actions (office-master)

export type LotReceive = components["schemas"]["LotReceive"];
export type Move = components["schemas"]["Move"];
export type Split = components["schemas"]["Split"];
export type Merge = components["schemas"]["Merge"];
export type Adjust = components["schemas"]["Adjust"];
export type Scrap = components["schemas"]["Scrap"];
export type Issue = components["schemas"]["Issue"];

export type WarehouseAction =
  | { action: "move"; body: Move }
  | { action: "split"; body: Split }
  | { action: "merge"; body: Merge }
  | { action: "adjust"; body: Adjust }
  | { action: "scrap"; body: Scrap }
  | { action: "issue"; body: Issue };

/** A key for one user action: a retry of the same action sends it again and is booked once. */
export function newIdempotencyKey(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes); // works without a secure context, unlike randomUUID
  return `ui-${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

async function runAction(code: string, a: WarehouseAction, key: string): Promise<Lot> {
  const params = { path: { code }, header: { "Idempotency-Key": key } };
  switch (a.action) {
    case "move":
      return call(api.POST("/api/v1/material/lots/{code}/move", { params, body: a.body }));
    case "split":
      return call(api.POST("/api/v1/material/lots/{code}/split", { params, body: a.body }));
    case "merge":
      return call(api.POST("/api/v1/material/lots/{code}/merge", { params, body: a.body }));
    case "adjust":
      return call(api.POST("/api/v1/material/lots/{code}/adjust", { params, body: a.body }));
    case "scrap":
      return call(api.POST("/api/v1/material/lots/{code}/scrap", { params, body: a.body }));
    case "issue":
      return call(api.POST("/api/v1/material/lots/{code}/issue", { params, body: a.body }));
  }
}

/**
 * Move, split, merge, adjust, scrap or issue to a work order, with the action's Idempotency-Key.
 * The answer is the lot the action made or changed: the split-off or issued part is a new lot.
 */
export function useWarehouseAction(code: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ action, key }: { action: WarehouseAction; key: string }) => runAction(code, action, key),
    onSuccess: (lot) => {
      if (lot.code === code) client.setQueryData(lotKeys.lot(code), lot);
      void client.invalidateQueries({ queryKey: ["material", "lot"] });
      void client.invalidateQueries({ queryKey: ["material", "lots"] });
    },
  });
}

export function useReceiveLot() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ body, key }: { body: LotReceive; key: string }) =>
      call(api.POST("/api/v1/material/lots", { params: { header: { "Idempotency-Key": key } }, body })),
    onSuccess: () => void client.invalidateQueries({ queryKey: ["material", "lots"] }),
  });
}

/** Orders stock can be issued to: released or in progress (the API checks again). */
export function useOpenOrderNumbers() {
  return useQuery({
    queryKey: ["workorders", "orders", "open-numbers"],
    staleTime: 30_000,
    queryFn: async () => {
      const page = await call(
        api.GET("/api/v1/workorders/orders", {
          params: { query: { status: ["released", "in_progress"], limit: 200 } },
        }),
      );
      return page.items.map((o) => ({ number: o.number, product: o.product }));
    },
  });
}
