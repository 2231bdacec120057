import { useEffect } from "react";
import { session } from "../auth/session";

const ACTIVITY = ["pointerdown", "keydown", "wheel", "touchstart"] as const;

/** Shared terminals: sign the user out after `ms` without a touch, a key or a scan. */
export function useIdleSignOut(ms: number): void {
  useEffect(() => {
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
  }, [ms]);
}
