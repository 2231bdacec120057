/** Server-Sent Events over fetch: EventSource can't send the Authorization header the API needs. */

export interface SseEvent {
  event: string;
  data: string;
  id?: string;
}

/**
 * An incremental parser of the text/event-stream format (WHATWG HTML, 9.2): feed it chunks as they
 * arrive, get whole events back; comments (keepalives) and `retry:` lines are dropped.
 */
export class SseParser {
  private buffer = "";
  private data: string[] = [];
  private event = "";
  private id: string | undefined;

  feed(chunk: string): SseEvent[] {
    this.buffer += chunk;
    const out: SseEvent[] = [];
    let nl: number;
    while ((nl = this.buffer.search(/\r\n|\r|\n/)) >= 0) {
      const line = this.buffer.slice(0, nl);
      const sep = this.buffer.startsWith("\r\n", nl) ? 2 : 1;
      // a lone \r at the end of a chunk may be the first half of \r\n: wait for more
      if (sep === 1 && this.buffer[nl] === "\r" && nl === this.buffer.length - 1) break;
      this.buffer = this.buffer.slice(nl + sep);
      if (line === "") {
        if (this.data.length) out.push({ event: this.event || "message", data: this.data.join("\n"), id: this.id });
        this.data = [];
        this.event = "";
        continue;
      }
      if (line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? "" : line.slice(colon + 1);
      if (value.startsWith(" ")) value = value.slice(1);
      if (field === "data") this.data.push(value);
      else if (field === "event") this.event = value;
      else if (field === "id") this.id = value;
    }
    return out;
  }
}

export type StreamStatus = "connecting" | "live" | "reconnecting";

/**
 * Follows an event stream until `signal` aborts: reconnects after a drop (the server's snapshot
 * on reconnect brings the client up to date), with a growing pause up to 10 s.
 */
export async function followEventStream(
  url: string,
  fetcher: (request: Request) => Promise<Response>,
  handlers: {
    onEvent: (e: SseEvent) => void;
    onStatus: (s: StreamStatus, error?: string) => void;
  },
  signal: AbortSignal,
): Promise<void> {
  let attempt = 0;
  while (!signal.aborted) {
    handlers.onStatus(attempt === 0 ? "connecting" : "reconnecting");
    let error: string | undefined;
    try {
      const response = await fetcher(new Request(url, { headers: { accept: "text/event-stream" }, signal }));
      if (!response.ok || !response.body) {
        const body = await response.text().catch(() => "");
        let detail = `The live feed answered ${response.status}.`;
        try {
          const p = JSON.parse(body) as { detail?: string };
          if (p.detail) detail = p.detail;
        } catch {
          // not problem+json
        }
        error = detail;
        if (response.status >= 400 && response.status < 500 && response.status !== 401 && response.status !== 429) {
          handlers.onStatus("reconnecting", detail);
          return; // asking again will not help (404, 403, 422)
        }
      } else {
        const parser = new SseParser();
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let first = true;
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          for (const e of parser.feed(value)) {
            if (first) {
              first = false;
              attempt = 0;
              handlers.onStatus("live");
            }
            handlers.onEvent(e);
          }
        }
      }
    } catch (e) {
      if (signal.aborted) return;
      error = e instanceof Error ? e.message : String(e);
    }
    if (signal.aborted) return;
    attempt += 1;
    handlers.onStatus("reconnecting", error);
    const pause = Math.min(10_000, 500 * 2 ** Math.min(attempt, 5));
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, pause);
      signal.addEventListener("abort", () => {
        clearTimeout(t);
        resolve();
      });
    });
  }
}
