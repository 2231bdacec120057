import { useEffect } from "react";
import { session } from "../auth/session";

const ACTIVITY = ["pointerdown", "keydown", "wheel", "touchstart"] as const;

/** How long a shared terminal waits without a touch, key or scan before it signs the user out. */
export const STATION_IDLE_MS = Number(import.meta.env.VITE_STATION_IDLE_MIN ?? 10) * 60_000;

/** Shared terminals: sign the user out after `ms` without a touch, a key or a scan. */
export function useIdleSignOut(ms: number, enabled = true): void {
  useEffect(() => {
    if (!enabled) return;
    let timer: ReturnType<typeof setTimeout>;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        const minutes = Math.round(ms / 60_000);
        void session.signOut(`Signed out after ${minutes} minute${minutes === 1 ? "" : "s"} without activity.`);
      }, ms);
    };
    arm();
    for (const e of ACTIVITY) window.addEventListener(e, arm, { passive: true, capture: true });
    return () => {
      clearTimeout(timer);
      for (const e of ACTIVITY) window.removeEventListener(e, arm, { capture: true });
    };
  }, [ms, enabled]);
}
