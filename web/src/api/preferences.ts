import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, call } from "./client";
import type { components } from "./generated/auth";

export type Preferences = components["schemas"]["Preferences"];

const keys = { me: (subject: string) => ["auth", "me", "preferences", subject] as const };

/** The signed-in person's own preferences (their UI language), kept on the server. */
export function usePreferences(subject: string | undefined) {
  return useQuery({
    queryKey: keys.me(subject ?? ""),
    enabled: !!subject,
    staleTime: 60_000,
    queryFn: () => call(api.GET("/api/v1/auth/me/preferences")),
  });
}

export function useSetPreferences(subject: string | undefined) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: components["schemas"]["PreferencesUpdate"]) =>
      call(api.PUT("/api/v1/auth/me/preferences", { body })),
    onSuccess: (data) => qc.setQueryData(keys.me(subject ?? ""), data),
  });
}
