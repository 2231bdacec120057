import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, call } from "./client";
import type { components } from "./generated/traceability";
import { ApiError, toProblem } from "./problem";
import { session } from "../auth/session";

export type Trace = components["schemas"]["TraceRead"];
export type TraceNode = components["schemas"]["NodeRead"];
export type TraceEdge = components["schemas"]["EdgeRead"];
export type Recall = components["schemas"]["RecallRead"];
export type AffectedLot = components["schemas"]["AffectedLot"];
export type HoldAll = components["schemas"]["HoldAllRead"];
export type AsBuilt = components["schemas"]["AsBuiltRead"];
export type Direction = "backward" | "forward";

export const traceKeys = {
  trace: (code: string, direction: Direction, depth: number) => ["traceability", "trace", code, direction, depth] as const,
  recall: (id: string) => ["traceability", "recall", id] as const,
  asBuilt: (code: string) => ["traceability", "as-built", code] as const,
};

export function useAsBuilt(code: string, enabled: boolean) {
  return useQuery({
    queryKey: traceKeys.asBuilt(code),
    enabled,
    queryFn: () => call(api.GET("/api/v1/traceability/as-built/{code}", { params: { path: { code } } })),
  });
}

export function useTrace(code: string | undefined, direction: Direction, depth: number) {
  return useQuery({
    queryKey: traceKeys.trace(code ?? "", direction, depth),
    enabled: !!code,
    queryFn: () =>
      call(
        direction === "backward"
          ? api.GET("/api/v1/traceability/trace/{code}/backward", {
              params: { path: { code: code ?? "" }, query: { depth } },
            })
          : api.GET("/api/v1/traceability/trace/{code}/forward", {
              params: { path: { code: code ?? "" }, query: { depth } },
            }),
      ),
  });
}

export function useStartRecall() {
  return useMutation({
    mutationFn: (body: { lot: string; reason: string }) => call(api.POST("/api/v1/traceability/recalls", { body })),
  });
}

export function useRecall(id: string | undefined) {
  return useQuery({
    queryKey: traceKeys.recall(id ?? ""),
    enabled: !!id,
    queryFn: () =>
      call(api.GET("/api/v1/traceability/recalls/{recall_id}", { params: { path: { recall_id: id ?? "" } } })),
  });
}

/** Hold every affected lot still in stock; the recall is read again afterwards. */
export function useHoldAll(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () =>
      call(api.POST("/api/v1/traceability/recalls/{recall_id}/hold-all", { params: { path: { recall_id: id } } })),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: traceKeys.recall(id) });
      void client.invalidateQueries({ queryKey: ["material"] });
    },
  });
}

/** Download the recall's table (CSV or XLSX) with the session's token, as a file. */
export async function downloadRecall(id: string, format: "csv" | "xlsx"): Promise<void> {
  const url = `/api/v1/traceability/recalls/${encodeURIComponent(id)}/export?format=${format}`;
  const response = await session.fetch(new Request(url));
  if (!response.ok) throw new ApiError(toProblem(response.status, await response.json().catch(() => null)));
  const blob = await response.blob();
  const name = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") ?? "")?.[1] ?? `recall.${format}`;
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}
