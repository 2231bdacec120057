import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, call } from "./client";
import type { components } from "./generated/auth";

export type Station = components["schemas"]["StationRead"];
export type StationCreated = components["schemas"]["StationCreated"];
export type StationCreate = components["schemas"]["StationCreate"];

const stationKeys = { all: ["auth", "stations"] as const };

export function useStations(enabled = true) {
  return useQuery({
    queryKey: stationKeys.all,
    enabled,
    queryFn: () => call(api.GET("/api/v1/auth/stations")),
  });
}

/** Registers a terminal; the answer carries the station key, this once. */
export function useRegisterStation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: StationCreate) => call(api.POST("/api/v1/auth/stations", { body })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: stationKeys.all }),
  });
}

/** Takes a terminal out of service (lost, replaced, moved): its key no longer signs anyone in. */
export function useDeactivateStation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ code, reason }: { code: string; reason: string }) =>
      call(api.POST("/api/v1/auth/stations/{code}/deactivate", { params: { path: { code } }, body: { reason } })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: stationKeys.all }),
  });
}

/** Enrols a user's badge and PIN for sign-in at registered stations. */
export function useSetBadge() {
  return useMutation({
    mutationFn: ({ username, badge, pin }: { username: string; badge: string; pin: string }) =>
      call(
        api.PUT("/api/v1/auth/users/{username}/badge", {
          params: { path: { username } },
          body: { badge, pin },
        }),
      ),
  });
}
