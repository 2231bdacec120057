import { useSyncExternalStore } from "react";
import { sendCommand } from "../api/client";
import { session } from "../auth/session";
import { CommandQueue, type Entry } from "./commandQueue";

/** This tab's station commands (one queue, kept in localStorage, sent when the network is back). */
export const stationQueue = new CommandQueue(
  typeof localStorage !== "undefined" ? localStorage : null,
  sendCommand,
  () => navigator.onLine,
  () => session.getState().claims?.sub ?? null,
);

let started = false;

/** Sends what waits as soon as the network or a session is back, and every 15 s while something waits. */
export function startStationQueue(onAccepted: (entry: Entry, body: unknown) => void): void {
  stationQueue.onAccepted = onAccepted;
  if (started) return;
  started = true;
  const kick = () => void stationQueue.flush();
  window.addEventListener("online", kick);
  window.addEventListener("storage", (e) => {
    if (e.key === "mes.station.commands") stationQueue.reload();
  });
  session.subscribe(kick);
  setInterval(() => {
    if (stationQueue.entries().some((e) => e.status === "pending" || e.status === "sending")) kick();
  }, 15_000);
  kick();
}

export function useStationCommands(): Entry[] {
  return useSyncExternalStore(stationQueue.subscribe, stationQueue.entries, stationQueue.entries);
}
