import { useSyncExternalStore } from "react";
import { hasAll } from "./permissions";
import { session, type SessionState } from "./session";

export interface SessionView extends SessionState {
  perms: readonly string[];
  can: (...needs: string[]) => boolean;
}

const NONE: readonly string[] = [];

export function useSession(): SessionView {
  const state = useSyncExternalStore(session.subscribe, session.getState);
  const perms = state.claims?.perms ?? NONE;
  return { ...state, perms, can: (...needs: string[]) => hasAll(perms, needs) };
}
