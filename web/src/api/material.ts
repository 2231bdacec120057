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

export function useLots(status: LotStatusFilter) {
  return useQuery({
    queryKey: lotKeys.list(status),
    queryFn: () =>
      call(
        api.GET("/api/v1/material/lots", {
          params: { query: { limit: 50, ...(status === "all" ? {} : { status }) } },
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
