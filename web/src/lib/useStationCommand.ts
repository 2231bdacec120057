import { useQueryClient, type QueryClient } from "@tanstack/react-query";
import { useCallback, useState } from "react";
import { ApiError, toProblem } from "../api/problem";
import { CommandRefused, type Command, type RunResult } from "./commandQueue";
import { stationQueue } from "./stationCommands";

/** After a booked command: what the station shows is read again. */
export function refreshStation(client: QueryClient): void {
  void client.invalidateQueries({ queryKey: ["workorders"] });
  void client.invalidateQueries({ queryKey: ["material"] });
  void client.invalidateQueries({ queryKey: ["resource"] });
}

/** Runs station commands through the queue; `error` is an ApiError a ProblemAlert shows. */
export function useStationCommand() {
  const client = useQueryClient();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const run = useCallback(
    async (cmd: Command): Promise<RunResult> => {
      setBusy(true);
      setError(null);
      try {
        const result = await stationQueue.run(cmd);
        if (!result.queued) refreshStation(client);
        return result;
      } catch (e) {
        const err = e instanceof CommandRefused ? new ApiError(toProblem(e.status, e.body)) : new ApiError(toProblem(0, null));
        setError(err);
        throw err;
      } finally {
        setBusy(false);
      }
    },
    [client],
  );
  return { run, busy, error, reset: () => setError(null) };
}

export const opPath = (number: string, key: string, action: string) =>
  `/api/v1/workorders/orders/${encodeURIComponent(number)}/operations/${encodeURIComponent(key)}/${action}`;
