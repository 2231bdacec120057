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

/** Records a task's results; `key` is the Idempotency-Key of the operator's one action (a double
 * tap or a retry sends the same key and the results are recorded once, ADR 0045). */
export function useRecordResults(task: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ body, key }: { body: components["schemas"]["ResultsRecord"]; key: string }) =>
      call(
        api.POST("/api/v1/quality/tasks/{number}/results", {
          params: { path: { number: task }, header: { "Idempotency-Key": key } },
          body,
        }),
      ),
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
      reworkOperation?: string;
      reworkQuantity?: string;
      supplier?: string;
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
            ...(d.disposition === "rework"
              ? { rework_operation: d.reworkOperation, ...(d.reworkQuantity ? { rework_quantity: d.reworkQuantity } : {}) }
              : {}),
            ...(d.disposition === "return_to_supplier" && d.supplier ? { supplier: d.supplier } : {}),
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

export type Capa = components["schemas"]["CapaRead"];
export type CapaCreate = components["schemas"]["CapaCreate"];

export const capaKeys = {
  list: (filter: Record<string, string | boolean | undefined>) => ["quality", "capas", filter] as const,
  one: (number: string) => ["quality", "capa", number] as const,
};

export function useCapas(filter: { status?: "open" | "closed"; ncr?: string; overdue?: boolean }) {
  return useQuery({
    queryKey: capaKeys.list(filter),
    queryFn: () => call(api.GET("/api/v1/quality/capas", { params: { query: { limit: 100, ...filter } } })),
  });
}

export function useCapa(number: string | undefined) {
  return useQuery({
    queryKey: capaKeys.one(number ?? ""),
    enabled: !!number,
    queryFn: () => call(api.GET("/api/v1/quality/capas/{number}", { params: { path: { number: number ?? "" } } })),
  });
}

export function useOpenCapa() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: CapaCreate) => call(api.POST("/api/v1/quality/capas", { body })),
    onSuccess: () => void client.invalidateQueries({ queryKey: ["quality", "capas"] }),
  });
}

/** Every change of a CAPA answers with the CAPA; the page shows it at once. */
export function useCapaChange(number: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (
      change:
        | { kind: "action"; description: string; owner: string; due_on: string }
        | { kind: "done"; position: number; note: string }
        | { kind: "effectiveness"; effective: boolean; note: string },
    ) => {
      const path = { number };
      if (change.kind === "action")
        return call(
          api.POST("/api/v1/quality/capas/{number}/actions", {
            params: { path },
            body: { description: change.description, owner: change.owner, due_on: change.due_on },
          }),
        );
      if (change.kind === "done")
        return call(
          api.POST("/api/v1/quality/capas/{number}/actions/{position}/done", {
            params: { path: { number, position: change.position } },
            body: { note: change.note },
          }),
        );
      return call(
        api.POST("/api/v1/quality/capas/{number}/effectiveness", {
          params: { path },
          body: { effective: change.effective, note: change.note },
        }),
      );
    },
    onSuccess: (updated) => {
      client.setQueryData(capaKeys.one(number), updated);
      void client.invalidateQueries({ queryKey: ["quality", "capas"] });
    },
  });
}

/** Sign the CAPA's content with auth, then close it with that signature. */
export function useSignedCapaClosure(capa: Capa) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (d: { reason: string; username: string; password: string }) => {
      const signature = await call(
        api.POST("/api/v1/auth/signatures", {
          body: {
            record_type: "quality.capa",
            record_id: capa.number,
            content: capa.content,
            meaning: "approved",
            username: d.username,
            password: d.password,
            comment: "CAPA closure",
          },
        }),
      );
      return call(
        api.POST("/api/v1/quality/capas/{number}/close", {
          params: { path: { number: capa.number } },
          body: { signature_id: signature.id, reason: d.reason },
        }),
      );
    },
    onSuccess: (updated) => {
      client.setQueryData(capaKeys.one(capa.number), updated);
      void client.invalidateQueries({ queryKey: ["quality", "capas"] });
    },
  });
}
