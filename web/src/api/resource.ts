import { useQuery } from "@tanstack/react-query";
import { api, call } from "./client";
import type { components } from "./generated/resource";

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
