import type { BoardEntry, StateEvent } from "../api/resource";

export interface BoardState {
  under: string | null;
  entries: BoardEntry[];
  /** false until the first snapshot arrived */
  loaded: boolean;
}

export type BoardAction =
  | { type: "snapshot"; under: string | null; items: BoardEntry[] }
  | { type: "state"; change: StateEvent }
  | { type: "reset" };

export const EMPTY_BOARD: BoardState = { under: null, entries: [], loaded: false };

/** The live board: a snapshot replaces everything, a state event updates its machine only. */
export function boardReducer(board: BoardState, action: BoardAction): BoardState {
  switch (action.type) {
    case "reset":
      return EMPTY_BOARD;
    case "snapshot":
      return { under: action.under, entries: action.items, loaded: true };
    case "state": {
      const c = action.change;
      // a late report can land in the past: only the interval still open is the current state
      if (c.ended_at) return board;
      let found = false;
      const entries = board.entries.map((e) => {
        if (e.equipment_code !== c.equipment_code) return e;
        found = true;
        return { ...e, state: c.state, since: c.started_at, available: c.available };
      });
      return found ? { ...board, entries } : board;
    }
  }
}

/** The machines to show: equipment-level entries, else everything below the chosen node. */
export function machines(board: BoardState): BoardEntry[] {
  const eq = board.entries.filter((e) => e.level === "equipment");
  const shown = eq.length ? eq : board.entries.filter((e) => e.equipment_code !== board.under);
  return [...shown].sort((a, b) => a.path.localeCompare(b.path));
}
