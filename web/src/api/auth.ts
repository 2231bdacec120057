import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, call } from "./client";
import type { components } from "./generated/auth";

export type Station = components["schemas"]["StationRead"];
export type StationCreated = components["schemas"]["StationCreated"];
export type StationCreate = components["schemas"]["StationCreate"];
export type Badge = components["schemas"]["BadgeRead"];

const stationKeys = { all: ["auth", "stations"] as const };
const badgeKeys = { all: ["auth", "badges"] as const };

export function useBadges() {
  return useQuery({ queryKey: badgeKeys.all, queryFn: () => call(api.GET("/api/v1/auth/badges")) });
}

/** A lost or returned badge: it signs nobody in any more, and its open terminal sessions end. */
export function useRemoveBadge() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ username, reason }: { username: string; reason: string }) =>
      call(
        api.DELETE("/api/v1/auth/users/{username}/badge", {
          params: { path: { username }, query: { reason } },
        }),
      ),
    onSuccess: () => void qc.invalidateQueries({ queryKey: badgeKeys.all }),
  });
}

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
  const qc = useQueryClient();
  return useMutation({
    onSuccess: () => void qc.invalidateQueries({ queryKey: badgeKeys.all }),
    mutationFn: ({ username, badge, pin }: { username: string; badge: string; pin: string }) =>
      call(
        api.PUT("/api/v1/auth/users/{username}/badge", {
          params: { path: { username } },
          body: { badge, pin },
        }),
      ),
  });
}
