/** What the station reads besides the order: units, consumptions, lots, machine state and reasons. */
import { useQuery } from "@tanstack/react-query";
import { api, call } from "../api/client";
import type { components as M } from "../api/generated/material";

export type Unit = M["schemas"]["UnitRead"];
export type ConsumptionLine = M["schemas"]["ConsumptionLine"];

export function useUnits() {
  return useQuery({
    queryKey: ["material", "units"],
    staleTime: 3_600_000,
    queryFn: () => call(api.GET("/api/v1/material/units")),
  });
}

/** The decimals of a unit (0 for pcs); 6, the ledger's precision, while unknown. */
export function unitDecimals(units: readonly Pick<Unit, "code" | "decimals">[] | undefined, code: string | null | undefined): number {
  return units?.find((u) => u.code === code)?.decimals ?? 6;
}

export function useOrderConsumptions(workOrder: string) {
  return useQuery({
    queryKey: ["material", "consumptions", workOrder],
    queryFn: () =>
      call(api.GET("/api/v1/material/consumptions", { params: { query: { work_order: workOrder, limit: 500 } } })),
  });
}

export function useEquipmentState(code: string | null | undefined) {
  return useQuery({
    queryKey: ["resource", "state", code ?? ""],
    enabled: !!code,
    refetchInterval: 15_000,
    queryFn: () =>
      call(api.GET("/api/v1/resource/equipment/{code}/state", { params: { path: { code: code ?? "" } } })),
  });
}

/** The reason codes of the site a machine belongs to (its path names the site). */
export function useSiteReasons(path: string | null | undefined) {
  const sites = useQuery({
    queryKey: ["resource", "equipment", "site"],
    staleTime: 600_000,
    queryFn: () => call(api.GET("/api/v1/resource/equipment", { params: { query: { level: "site", limit: 500 } } })),
  });
  const segments = (path ?? "").split("/");
  const site = sites.data?.items.find((s) => segments.includes(s.code))?.code;
  return useQuery({
    queryKey: ["resource", "reasons", site ?? ""],
    enabled: !!site,
    staleTime: 600_000,
    queryFn: () => call(api.GET("/api/v1/resource/sites/{code}/reason-codes", { params: { path: { code: site ?? "" } } })),
  });
}

