import { describe, expect, it } from "vitest";
import { CommandQueue, CommandRefused, type Answer, type Command } from "./commandQueue";

class MemoryStorage {
  data = new Map<string, string>();
  getItem(k: string): string | null {
    return this.data.get(k) ?? null;
  }
  setItem(k: string, v: string): void {
    this.data.set(k, v);
  }
  removeItem(k: string): void {
    this.data.delete(k);
  }
}

/** A server that books each key once and answers a replay with the first answer. */
function fakeServer() {
  const booked: { path: string; key: string; body: unknown }[] = [];
  const answers = new Map<string, Answer>();
  let reachable = true;
  let refuse: ((path: string) => Answer | null) | null = null;
  const send = async (path: string, body: unknown, key: string): Promise<Answer> => {
    await Promise.resolve();
    if (!reachable) throw new TypeError("Failed to fetch");
    const first = answers.get(key);
    if (first) return first;
    const refusal = refuse?.(path) ?? null;
    if (refusal) return refusal;
    booked.push({ path, key, body });
    const answer = { status: 200, body: { ok: booked.length } };
    answers.set(key, answer);
    return answer;
  };
  return {
    send,
    booked,
    setReachable: (r: boolean) => (reachable = r),
    setRefuse: (f: typeof refuse) => (refuse = f),
  };
}

const report = (key: string, good = "1"): Command => ({
  key,
  kind: "yield",
  path: "/api/v1/workorders/orders/WO-1/operations/10/yield",
  body: { good, scrap: [] },
  label: `Report ${good} good`,
});
const consume = (key: string): Command => ({
  key,
  kind: "consume",
  path: "/api/v1/workorders/orders/WO-1/operations/10/consume",
  body: { lot: "R-1", quantity: "3" },
  label: "Consume 3 kg from R-1",
});

function setup() {
  const server = fakeServer();
  const storage = new MemoryStorage();
  let online = true;
  let user: string | null = "ana";
  const make = () => new CommandQueue(storage as unknown as Storage, server.send, () => online, () => user);
  return {
    server,
    storage,
    make,
    setOnline: (o: boolean) => {
      online = o;
      server.setReachable(o);
    },
    setUser: (u: string | null) => (user = u),
  };
}

describe("station commands, exactly once", () => {
  it("a double tap sends one key twice and books once", async () => {
    const { server, make } = setup();
    const q = make();
    const [a, b] = await Promise.all([q.run(report("k1")), q.run(report("k1"))]);
    expect(a).toEqual(b);
    expect(server.booked).toHaveLength(1);
    expect(q.entries()).toEqual([]);
  });

  it("queues what may wait while offline, and refuses the rest without ever sending it", async () => {
    const { server, make, setOnline } = setup();
    const q = make();
    setOnline(false);
    expect(await q.run(report("k1", "2"))).toEqual({ queued: true });
    expect(await q.run(report("k1", "2"))).toEqual({ queued: true }); // a double tap queues once
    await expect(q.run({ ...report("k2"), kind: "pause", label: "Pause" })).rejects.toBeInstanceOf(CommandRefused);
    expect(q.entries().map((e) => [e.key, e.status])).toEqual([["k1", "pending"]]);
    setOnline(true);
    await q.flush();
    expect(server.booked.map((b) => b.key)).toEqual(["k1"]);
  });

  it("queues when the network fails under a send", async () => {
    const { server, make } = setup();
    const q = make();
    server.setReachable(false);
    expect(await q.run(consume("c1"))).toEqual({ queued: true });
    expect(q.entries()[0]?.status).toBe("pending");
  });

  it("sends in order after a reconnect, never a cancelled one, and keeps each answer", async () => {
    const { server, make, setOnline } = setup();
    const q = make();
    const accepted: string[] = [];
    q.onAccepted = (e) => accepted.push(e.key);
    setOnline(false);
    await q.run(report("r1", "2"));
    await q.run(consume("c1"));
    await q.run(report("r2", "5"));
    expect(q.cancel("r1")).toBe(true);
    server.setRefuse((path) =>
      path.endsWith("/yield") ? { status: 422, body: { code: "exceeds_predecessor", detail: "Too many." } } : null,
    );
    setOnline(true);
    await q.flush();
    await q.flush(); // nothing left to send
    expect(server.booked.map((b) => b.key)).toEqual(["c1"]);
    expect(accepted).toEqual(["c1"]);
    expect(q.entries().map((e) => [e.key, e.status, e.code ?? null])).toEqual([
      ["r1", "cancelled", null],
      ["c1", "accepted", null],
      ["r2", "refused", "exceeds_predecessor"],
    ]);
    expect(q.entries()[2]?.detail).toBe("Too many.");
    expect(q.cancel("c1")).toBe(false); // answered: too late to cancel
  });

  it("survives a reload, and one caught mid-send goes again with its key, booked once", async () => {
    const { server, storage, make, setOnline } = setup();
    const q = make();
    setOnline(false);
    await q.run(consume("c1"));
    // it went out, the server booked it, the page died before the answer was kept
    server.setReachable(true);
    await server.send("/api/v1/workorders/orders/WO-1/operations/10/consume", {}, "c1");
    const raw = JSON.parse(storage.getItem("mes.station.commands") ?? "[]") as { status: string }[];
    raw[0]!.status = "sending";
    storage.setItem("mes.station.commands", JSON.stringify(raw));
    const again = make();
    expect(again.entries().map((e) => e.status)).toEqual(["sending"]);
    setOnline(true);
    await again.flush();
    expect(server.booked).toHaveLength(1);
    expect(again.entries()[0]?.status).toBe("accepted");
  });

  it("sends only the signed-in operator's commands, and waits out an expired session", async () => {
    const { server, make, setOnline, setUser } = setup();
    const q = make();
    setOnline(false);
    await q.run(report("ana-1"));
    setUser("ben");
    await q.run(report("ben-1"));
    setOnline(true);
    server.setRefuse(() => ({ status: 401, body: { code: "unauthorized" } }));
    await q.flush();
    expect(q.entries().map((e) => e.status)).toEqual(["pending", "pending"]);
    server.setRefuse(null);
    await q.flush();
    expect(server.booked.map((b) => b.key)).toEqual(["ben-1"]);
    setUser("ana");
    await q.flush();
    expect(server.booked.map((b) => b.key)).toEqual(["ben-1", "ana-1"]);
  });
});
