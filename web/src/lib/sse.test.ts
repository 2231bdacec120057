import { describe, expect, it } from "vitest";
import { SseParser } from "./sse";

describe("SseParser", () => {
  it("reads the resource board's stream: retry, snapshot, keepalive, state", () => {
    const p = new SseParser();
    const text =
      'retry: 3000\nevent: snapshot\ndata: {"under":"WC-1","items":[]}\n\n' +
      ": keepalive\n\n" +
      'event: state\ndata: {"equipment_code":"IMM-1","state":"down"}\n\n';
    expect(p.feed(text)).toEqual([
      { event: "snapshot", data: '{"under":"WC-1","items":[]}', id: undefined },
      { event: "state", data: '{"equipment_code":"IMM-1","state":"down"}', id: undefined },
    ]);
  });

  it("joins events split across chunks anywhere, CRLF included", () => {
    const p = new SseParser();
    const whole = "event: state\r\ndata: a\r\ndata: b\r\n\r\nevent: state\ndata: c\n\n";
    const out = [];
    for (const ch of whole) out.push(...p.feed(ch));
    expect(out.map((e) => e.data)).toEqual(["a\nb", "c"]);
  });

  it("defaults the event name to message and ignores a block without data", () => {
    const p = new SseParser();
    expect(p.feed("event: ping\n\ndata: x\n\n")).toEqual([{ event: "message", data: "x", id: undefined }]);
  });
});
