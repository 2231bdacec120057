import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, call } from "./client";
import type { components } from "./generated/integration";

export type Connector = components["schemas"]["ConnectorRead"];
export type DeadLetter = components["schemas"]["MessageDeadLetterRead"];
export type Subscription = components["schemas"]["SubscriptionRead"];
export type LetterStatus = "open" | "replayed" | "discarded";

export const integrationKeys = {
  connectors: ["integration", "connectors"] as const,
  letters: (status: LetterStatus) => ["integration", "letters", status] as const,
  subscriptions: ["integration", "subscriptions"] as const,
};

/** Connectors with their live status; refreshed every few seconds, as the worker updates it. */
export function useConnectors() {
  return useQuery({
    queryKey: integrationKeys.connectors,
    refetchInterval: 3000,
    queryFn: () => call(api.GET("/api/v1/integration/connectors", { params: { query: { limit: 200 } } })),
  });
}

export function useDeadLetters(status: LetterStatus) {
  return useQuery({
    queryKey: integrationKeys.letters(status),
    refetchInterval: 5000,
    queryFn: () =>
      call(api.GET("/api/v1/integration/message-dead-letters", { params: { query: { status, limit: 100 } } })),
  });
}

export function useSubscriptions() {
  return useQuery({
    queryKey: integrationKeys.subscriptions,
    queryFn: () => call(api.GET("/api/v1/integration/subscriptions", { params: { query: { limit: 200 } } })),
  });
}

/** Replay (webhook deliveries, ERP messages) or discard a dead letter. */
export function useLetterAction() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, action }: { id: string; action: "replay" | "discard" }) =>
      call(
        action === "replay"
          ? api.POST("/api/v1/integration/message-dead-letters/{letter_id}/replay", {
              params: { path: { letter_id: id } },
            })
          : api.POST("/api/v1/integration/message-dead-letters/{letter_id}/discard", {
              params: { path: { letter_id: id } },
            }),
      ),
    onSettled: () => void client.invalidateQueries({ queryKey: ["integration", "letters"] }),
  });
}
