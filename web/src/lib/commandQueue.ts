/**
 * Station commands, exactly once: each user action gets one Idempotency-Key, kept for every send
 * of it (a retry, a double tap, a replay after reconnect), and the commands that may wait for
 * the network (docs/adr/0027-offline-station.md) are kept in this browser while it is offline.
 *
 * A queued command is shown as pending; the operator may cancel it while it is pending (then it
 * is never sent). When the network is back the pending commands of the signed-in operator are
 * sent one at a time in the order they were made, each with its own key, and the server's
 * answer is kept with it: booked, or refused and why. A command is marked "sending" before it
 * goes out: a reload in the middle sends it again with the same key, and the server answers
 * with the first result instead of booking twice.
 */

export type CommandKind =
  | "start"
  | "pause"
  | "resume"
  | "yield"
  | "complete"
  | "consume"
  | "join"
  | "leave"
  | "state"
  | "classify";

/** What may wait for the network: facts of the floor that the server checks when they arrive (ADR 0027). */
export const QUEUEABLE: ReadonlySet<CommandKind> = new Set<CommandKind>(["yield", "consume"]);

export interface Command {
  /** the Idempotency-Key, made once per user action */
  key: string;
  kind: CommandKind;
  path: string;
  body: unknown;
  /** what it does, for the operator: "Report 3 good" */
  label: string;
  workOrder?: string;
  operation?: string;
}

export type EntryStatus = "pending" | "sending" | "accepted" | "refused" | "cancelled";

export interface Entry extends Command {
  status: EntryStatus;
  /** who made it: only they send it */
  user: string;
  createdAt: string;
  answeredAt?: string;
  /** the refusal, as the server said it */
  detail?: string;
  code?: string;
  httpStatus?: number;
}

/** The server's answer; the sender throws (a TypeError, as fetch does) when there is no network. */
export interface Answer {
  status: number;
  body: unknown;
}
export type Sender = (path: string, body: unknown, key: string) => Promise<Answer>;

/** Thrown by `run` for a refusal, or for a command that can't be sent now and may not wait. */
export class CommandRefused extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    message: string,
  ) {
    super(message);
    this.name = "CommandRefused";
  }
}

export type RunResult = { queued: false; body: unknown } | { queued: true };

const STORE_KEY = "mes.station.commands";
const KEEP_ANSWERED = 30;

/** Worth sending again later: no answer, an expired session, a busy or unavailable server. */
function transient(status: number): boolean {
  return status === 401 || status === 408 || status === 429 || status >= 500;
}

function detailOf(body: unknown, status: number): { detail: string; code?: string } {
  if (typeof body === "object" && body !== null) {
    const b = body as { detail?: unknown; code?: unknown };
    return {
      detail: typeof b.detail === "string" ? b.detail : `The server answered ${status}.`,
      code: typeof b.code === "string" ? b.code : undefined,
    };
  }
  return { detail: `The server answered ${status}.` };
}

export function newKey(): string {
  return globalThis.crypto?.randomUUID?.() ?? `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

export class CommandQueue {
  private list: Entry[];
  private listeners = new Set<() => void>();
  private flushing: Promise<void> | null = null;
  /** called with each command the server accepted (to refetch what it changed) */
  onAccepted: (entry: Entry, body: unknown) => void = () => undefined;

  constructor(
    private readonly storage: Storage | null,
    private readonly send: Sender,
    private readonly online: () => boolean,
    private readonly user: () => string | null,
  ) {
    this.list = this.load();
  }

  private load(): Entry[] {
    try {
      const raw = this.storage?.getItem(STORE_KEY);
      const parsed: unknown = raw ? JSON.parse(raw) : [];
      return Array.isArray(parsed) ? (parsed as Entry[]) : [];
    } catch {
      return [];
    }
  }

  private save(): void {
    const open = this.list.filter((e) => e.status === "pending" || e.status === "sending");
    const answered = this.list.filter((e) => e.status !== "pending" && e.status !== "sending").slice(-KEEP_ANSWERED);
    this.list = this.list.filter((e) => open.includes(e) || answered.includes(e));
    this.storage?.setItem(STORE_KEY, JSON.stringify(this.list));
    for (const l of this.listeners) l();
  }

  private update(key: string, change: Partial<Entry>): void {
    this.list = this.list.map((e) => (e.key === key ? { ...e, ...change } : e));
    this.save();
  }

  /** Read the kept commands again (another tab of this browser changed them). */
  reload(): void {
    this.list = this.load();
    for (const l of this.listeners) l();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Every kept command, oldest first (a new array after each change, for React). */
  entries = (): Entry[] => this.list;

  /**
   * Send a command now. Offline (or when the network fails under it), a command that may wait is
   * queued and `{queued: true}` returned; any other throws CommandRefused saying it was not sent.
   * The same key again while it is queued queues nothing more.
   */
  async run(cmd: Command): Promise<RunResult> {
    const user = this.user() ?? "";
    const known = this.list.find((e) => e.key === cmd.key);
    if (known && (known.status === "pending" || known.status === "sending")) return { queued: true };
    const mayWait = QUEUEABLE.has(cmd.kind);
    if (!this.online()) {
      if (!mayWait) throw this.notSent(cmd);
      this.list = [...this.list, { ...cmd, user, status: "pending", createdAt: new Date().toISOString() }];
      this.save();
      return { queued: true };
    }
    let answer: Answer;
    try {
      answer = await this.send(cmd.path, cmd.body, cmd.key);
    } catch {
      if (!mayWait) throw this.notSent(cmd);
      this.list = [...this.list, { ...cmd, user, status: "pending", createdAt: new Date().toISOString() }];
      this.save();
      return { queued: true };
    }
    if (answer.status >= 200 && answer.status < 300) return { queued: false, body: answer.body };
    throw new CommandRefused(answer.status, answer.body, detailOf(answer.body, answer.status).detail);
  }

  private notSent(cmd: Command): CommandRefused {
    return new CommandRefused(
      0,
      { code: "offline", detail: `Offline: "${cmd.label}" was not sent and will not be sent later. Do it again when the network is back.` },
      `Offline: "${cmd.label}" was not sent and will not be sent later. Do it again when the network is back.`,
    );
  }

  /** A pending command is dropped and never sent; false when it is already on its way or answered. */
  cancel(key: string): boolean {
    const entry = this.list.find((e) => e.key === key);
    if (!entry || entry.status !== "pending") return false;
    this.update(key, { status: "cancelled", answeredAt: new Date().toISOString() });
    return true;
  }

  /** Forget an answered or cancelled command. */
  dismiss(key: string): void {
    const entry = this.list.find((e) => e.key === key);
    if (!entry || entry.status === "pending" || entry.status === "sending") return;
    this.list = this.list.filter((e) => e.key !== key);
    this.save();
  }

  /** Send the signed-in operator's pending commands in order, one at a time (never two flushes at once). */
  flush(): Promise<void> {
    if (!this.flushing) {
      this.flushing = this.doFlush().finally(() => {
        this.flushing = null;
      });
    }
    return this.flushing;
  }

  private async doFlush(): Promise<void> {
    const user = this.user();
    if (!user) return;
    for (;;) {
      if (!this.online()) return;
      // read again each time: a cancel while the previous one was sent counts
      const next = this.list.find((e) => (e.status === "pending" || e.status === "sending") && e.user === user);
      if (!next) return;
      this.update(next.key, { status: "sending" });
      let answer: Answer;
      try {
        answer = await this.send(next.path, next.body, next.key);
      } catch {
        this.update(next.key, { status: "pending" });
        return;
      }
      if (answer.status >= 200 && answer.status < 300) {
        this.update(next.key, { status: "accepted", answeredAt: new Date().toISOString(), httpStatus: answer.status });
        this.onAccepted(next, answer.body);
      } else if (transient(answer.status)) {
        this.update(next.key, { status: "pending" });
        return;
      } else {
        const { detail, code } = detailOf(answer.body, answer.status);
        this.update(next.key, {
          status: "refused",
          answeredAt: new Date().toISOString(),
          httpStatus: answer.status,
          detail,
          code,
        });
      }
    }
  }
}
