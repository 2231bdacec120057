import { useQuery } from "@tanstack/react-query";
import { api, call } from "./client";
import type { components } from "./generated/reporting";

export type OeeRow = components["schemas"]["OeeRow"];
export type ParetoRow = components["schemas"]["ParetoRow"];
export type StopRow = components["schemas"]["StopRow"];
export type BoardTile = components["schemas"]["BoardTile"];
type OeePage = components["schemas"]["OeePage"];
type ParetoPage = components["schemas"]["ParetoPage"];
type StopPage = components["schemas"]["StopPage"];
export type Grain = "total" | "shift" | "day" | "week" | "month";
export type Group = "scope" | "children" | "equipment";

export interface Interval {
  start: string;
  end: string;
}

/** The last `hours` up to the next full hour, so repeated renders ask for the same interval. */
export function lastHours(hours: number, now = Date.now()): Interval {
  const end = new Date(Math.ceil(now / 3_600_000) * 3_600_000);
  return { start: new Date(end.getTime() - hours * 3_600_000).toISOString(), end: end.toISOString() };
}

export function useOee(scope: string | null, iv: Interval, grain: Grain, group: Group) {
  return useQuery({
    queryKey: ["reporting", "oee", scope, iv, grain, group],
    enabled: !!scope,
    refetchInterval: 60_000,
    queryFn: () =>
      call(
        api.GET("/api/v1/reporting/oee", {
          params: { query: { scope: scope ?? "", ...iv, grain, group, limit: 1000 } },
        }),
      ) as Promise<OeePage>, // JSON unless format=csv
  });
}

export function useScrapPareto(scope: string | null, iv: Interval) {
  return useQuery({
    queryKey: ["reporting", "scrap", scope, iv],
    enabled: !!scope,
    queryFn: () =>
      call(api.GET("/api/v1/reporting/paretos/scrap", { params: { query: { scope: scope ?? "", ...iv } } })) as Promise<ParetoPage>,
  });
}

export function useDowntimePareto(scope: string | null, iv: Interval, by: "reason" | "equipment") {
  return useQuery({
    queryKey: ["reporting", "downtime", scope, iv, by],
    enabled: !!scope,
    queryFn: () =>
      call(
        api.GET("/api/v1/reporting/paretos/downtime", { params: { query: { scope: scope ?? "", ...iv, by } } }),
      ) as Promise<ParetoPage>,
  });
}

export function useStops(scope: string | null, iv: Interval) {
  return useQuery({
    queryKey: ["reporting", "stops", scope, iv],
    enabled: !!scope,
    queryFn: () =>
      call(
        api.GET("/api/v1/reporting/stops", { params: { query: { scope: scope ?? "", ...iv, limit: 50 } } }),
      ) as Promise<StopPage>,
  });
}

/** Per machine now: good and scrap this shift against target, and a stopped machine's reason. */
export function useBoardCounts(scope: string | null) {
  return useQuery({
    queryKey: ["reporting", "board", scope],
    enabled: !!scope,
    refetchInterval: 30_000,
    queryFn: () => call(api.GET("/api/v1/reporting/board", { params: { query: { scope: scope ?? "" } } })),
  });
}

/** A ratio in percent, one decimal, or a dash. */
export function pct(x: number | null | undefined): string {
  return x === null || x === undefined ? "—" : `${x.toFixed(1)} %`;
}

/** The waterfall of the loss tree: from planned operation time down to fully productive time. */
export function waterfall(
  losses: Record<string, number>,
): { key: string; name: string; base: number; value: number; kind: string }[] {
  const steps: [string, string, "total" | "loss"][] = [
    ["planned_operation_time", "Planned operation", "total"],
    ["planned_downtime", "Planned downtime", "loss"],
    ["availability_loss_down", "Down", "loss"],
    ["availability_loss_setup", "Setup", "loss"],
    ["availability_loss_delay", "Idle", "loss"],
    ["availability_loss_no_data", "No data", "loss"],
    ["actual_production_time", "Production time", "total"],
    ["performance_loss_micro_stops", "Micro-stops", "loss"],
    ["performance_loss_speed", "Speed loss", "loss"],
    ["quality_loss", "Quality loss", "loss"],
    ["fully_productive_time", "Fully productive", "total"],
  ];
  const out = [];
  let level = 0;
  for (const [key, name, kind] of steps) {
    const v = Math.max(losses[key] ?? 0, 0);
    if (kind === "total") {
      level = v;
      out.push({ key, name, base: 0, value: v, kind });
    } else {
      level -= v;
      out.push({ key, name, base: Math.max(level, 0), value: v, kind });
    }
  }
  return out;
}

export type ScheduleReport = components["schemas"]["ScheduleReport"];
export type ShiftRecord = components["schemas"]["ShiftRecord"];

/** On-time completion and schedule start adherence over an interval (all work centers). */
export function useSchedule(iv: Interval, toleranceMin = 15) {
  return useQuery({
    queryKey: ["reporting", "schedule", iv, toleranceMin],
    queryFn: () =>
      call(api.GET("/api/v1/reporting/schedule", { params: { query: { ...iv, tolerance_min: toleranceMin } } })),
  });
}

/** A past shift replayed: figures now, at its end, and the late data that changed them. */
export function useShiftRecord(scope: string | null, shift: Interval | null) {
  return useQuery({
    queryKey: ["reporting", "shift-record", scope, shift],
    enabled: !!scope && !!shift,
    queryFn: () =>
      call(
        api.GET("/api/v1/reporting/shift-record", {
          params: { query: { scope: scope ?? "", start: shift?.start ?? "", end: shift?.end ?? "" } },
        }),
      ),
  });
}

export type LabourReport = components["schemas"]["LabourReport"];

/** Labour efficiency (earned standard minutes / actual labour minutes) of the operations completed in an interval. */
export function useLabourEfficiency(iv: Interval, by: "work_center" | "equipment" | "operator" = "work_center") {
  return useQuery({
    queryKey: ["reporting", "labour-efficiency", iv, by],
    queryFn: () =>
      call(api.GET("/api/v1/reporting/labour-efficiency", { params: { query: { ...iv, by } } })) as Promise<LabourReport>,
  });
}
