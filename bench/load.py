"""A small keep-alive HTTP/1.1 load generator (its own process, so it never shares the server's loop).

    python -m bench.load HOST PORT PATH SECONDS CONNECTIONS [HEADER ...]
        [--method POST --body JSON] [--unique-header NAME] [--spread N]

`--unique-header` sends a value of its own with every request (an Idempotency-Key); with
`--spread N`, `{n}` in the path becomes the connection's number modulo N (e.g. one lot each).
Prints one JSON line: requests, errors, requests per second, latency percentiles in ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
import uuid
from dataclasses import dataclass


@dataclass(frozen=True)
class Shape:
    host: str
    path: str
    method: str
    headers: tuple[str, ...]
    body: bytes
    unique_header: str | None
    spread: int

    def request(self, connection: int, count: int, run: str) -> bytes:
        path = self.path.replace("{n}", str(connection % self.spread))
        lines = [f"{self.method} {path} HTTP/1.1", f"Host: {self.host}", *self.headers]
        if self.unique_header:
            lines.append(f"{self.unique_header}: {run}-{connection}-{count}")
        if self.body:
            lines += ["Content-Type: application/json", f"Content-Length: {len(self.body)}"]
        return ("\r\n".join(lines) + "\r\n\r\n").encode() + self.body


async def _connection(
    port: int, shape: Shape, n: int, run: str, until: float, latencies: list[float], errors: list[int]
) -> None:
    reader, writer = await asyncio.open_connection(shape.host, port)
    fixed = None if shape.unique_header else shape.request(n, 0, run)
    count = 0
    try:
        while time.perf_counter() < until:
            request = fixed or shape.request(n, count, run)
            count += 1
            start = time.perf_counter()
            try:
                writer.write(request)
                head = await reader.readuntil(b"\r\n\r\n")
            except (asyncio.IncompleteReadError, ConnectionError):
                # the server closed the connection between requests (nginx does after
                # `keepalive_requests`): open another one and send the request again, as a client does
                writer.close()
                reader, writer = await asyncio.open_connection(shape.host, port)
                writer.write(request)
                head = await reader.readuntil(b"\r\n\r\n")
            status = int(head[9:12])
            length = 0
            close = False
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
                elif line.lower() == b"connection: close":
                    close = True
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - start)
            if status != 200:
                errors.append(status)
            if close:
                writer.close()
                reader, writer = await asyncio.open_connection(shape.host, port)
    finally:
        writer.close()


async def run(port: int, shape: Shape, seconds: float, connections: int) -> dict[str, float]:
    latencies: list[float] = []
    errors: list[int] = []
    tag = uuid.uuid4().hex[:8]
    until = time.perf_counter() + seconds
    started = time.perf_counter()
    await asyncio.gather(
        *(_connection(port, shape, n, tag, until, latencies, errors) for n in range(connections))
    )
    result = summary(latencies, len(errors), time.perf_counter() - started)
    result["refused_429"] = errors.count(429)
    return result


def summary(latencies: list[float], errors: int, elapsed: float) -> dict[str, float]:
    """The one JSON line every load runner prints (seconds in, milliseconds out)."""
    q = statistics.quantiles(latencies, n=100) if len(latencies) > 100 else [0.0] * 99
    return {
        "requests": len(latencies),
        "errors": errors,
        "rps": len(latencies) / elapsed,
        "p50_ms": q[49] * 1000,
        "p99_ms": q[98] * 1000,
    }


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("host")
    p.add_argument("port", type=int)
    p.add_argument("path")
    p.add_argument("seconds", type=float)
    p.add_argument("connections", type=int)
    p.add_argument("headers", nargs="*", help='"Name: value"')
    p.add_argument("--method", default="GET")
    p.add_argument("--body", default="")
    p.add_argument("--unique-header")
    p.add_argument("--spread", type=int, default=1)
    a = p.parse_args(sys.argv[1:] if argv is None else argv)
    shape = Shape(
        a.host, a.path, a.method, tuple(a.headers), a.body.encode(), a.unique_header, max(1, a.spread)
    )
    print(json.dumps(asyncio.run(run(a.port, shape, a.seconds, a.connections))))


if __name__ == "__main__":
    main()
