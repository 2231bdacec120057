import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, call } from "./client";
import type { components } from "./generated/quality";

export type Task = components["schemas"]["TaskRead"];
export type Characteristic = components["schemas"]["CharacteristicRead"];
export type Verdict = components["schemas"]["Verdict"];
export type Ncr = components["schemas"]["NcrRead"];
export type Chart = components["schemas"]["ChartRead"];
export type ResultIn = components["schemas"]["ResultIn"];
export type Disposition = components["schemas"]["DispositionIn"]["disposition"];

export const qualityKeys = {
  tasks: (filter: Record<string, string | undefined>) => ["quality", "tasks", filter] as const,
  ncr: (number: string) => ["quality", "ncr", number] as const,
  ncrs: (status?: string) => ["quality", "ncrs", status ?? "all"] as const,
  chart: (plan: string, characteristic: string) => ["quality", "chart", plan, characteristic] as const,
};

type TaskFilter = { status?: "due" | "passed" | "failed" | "waived"; work_order?: string; operation?: string; kind?: "incoming" | "in_process" | "final" };

export function useTasks(filter: TaskFilter, enabled = true) {
  return useQuery({
    queryKey: qualityKeys.tasks(filter),
    enabled,
    refetchInterval: 10_000,
    queryFn: () => call(api.GET("/api/v1/quality/tasks", { params: { query: { limit: 100, ...filter } } })),
  });
}

export function useRecordResults(task: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: components["schemas"]["ResultsRecord"]) =>
      call(api.POST("/api/v1/quality/tasks/{number}/results", { params: { path: { number: task } }, body })),
    onSuccess: () => void client.invalidateQueries({ queryKey: ["quality"] }),
  });
}

export function useGauges() {
  return useQuery({ queryKey: ["quality", "gauges"], queryFn: () => call(api.GET("/api/v1/quality/gauges")) });
}

export function useNcrs(status?: "open" | "dispositioned" | "closed") {
  return useQuery({
    queryKey: qualityKeys.ncrs(status),
    queryFn: () => call(api.GET("/api/v1/quality/ncrs", { params: { query: { limit: 100, ...(status ? { status } : {}) } } })),
  });
}

export function useNcr(number: string | undefined) {
  return useQuery({
    queryKey: qualityKeys.ncr(number ?? ""),
    enabled: !!number,
    queryFn: () => call(api.GET("/api/v1/quality/ncrs/{number}", { params: { path: { number: number ?? "" } } })),
  });
}

/** Sign the NCR's content with auth (user, password, meaning), then send the disposition with that signature. */
export function useSignedDisposition(ncr: Ncr) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (d: {
      disposition: Disposition;
      reason: string;
      username: string;
      password: string;
      lot?: string;
      scrapQuantity?: string;
    }) => {
      const signature = await call(
        api.POST("/api/v1/auth/signatures", {
          body: {
            record_type: "quality.ncr",
            record_id: ncr.number,
            content: ncr.content,
            meaning: "approved",
            username: d.username,
            password: d.password,
            comment: `Disposition: ${d.disposition}`,
          },
        }),
      );
      return call(
        api.POST("/api/v1/quality/ncrs/{number}/disposition", {
          params: { path: { number: ncr.number } },
          body: {
            disposition: d.disposition,
            reason: d.reason,
            signature_id: signature.id,
            ...(d.disposition === "partial" ? { lot: d.lot, scrap_quantity: d.scrapQuantity } : {}),
          },
        }),
      );
    },
    onSuccess: (updated) => {
      client.setQueryData(qualityKeys.ncr(ncr.number), updated);
      void client.invalidateQueries({ queryKey: ["quality", "ncrs"] });
      void client.invalidateQueries({ queryKey: ["material"] });
    },
  });
}

export function useChart(plan: string | undefined, characteristic: string | undefined) {
  return useQuery({
    queryKey: qualityKeys.chart(plan ?? "", characteristic ?? ""),
    enabled: !!plan && !!characteristic,
    queryFn: () =>
      call(
        api.GET("/api/v1/quality/plans/{code}/characteristics/{characteristic}/chart", {
          params: { path: { code: plan ?? "", characteristic: characteristic ?? "" } },
        }),
      ),
  });
}
