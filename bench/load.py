"""A small keep-alive HTTP/1.1 load generator (its own process, so it never shares the server's loop).

    python -m bench.load HOST PORT PATH SECONDS CONNECTIONS [HEADER ...]

Prints one JSON line: requests, errors, requests per second, latency percentiles in ms.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import time


async def _connection(
    host: str, port: int, request: bytes, until: float, latencies: list[float], errors: list[int]
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while time.perf_counter() < until:
            start = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head[9:12])
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - start)
            if status != 200:
                errors.append(status)
    finally:
        writer.close()


async def run(
    host: str, port: int, path: str, seconds: float, connections: int, headers: list[str]
) -> dict[str, float]:
    extra = "".join(f"{h}\r\n" for h in headers)
    request = f"GET {path} HTTP/1.1\r\nHost: {host}\r\n{extra}\r\n".encode()
    latencies: list[float] = []
    errors: list[int] = []
    until = time.perf_counter() + seconds
    started = time.perf_counter()
    await asyncio.gather(
        *(_connection(host, port, request, until, latencies, errors) for _ in range(connections))
    )
    elapsed = time.perf_counter() - started
    q = statistics.quantiles(latencies, n=100) if len(latencies) > 100 else [0.0] * 99
    return {
        "requests": len(latencies),
        "errors": len(errors),
        "rps": len(latencies) / elapsed,
        "p50_ms": q[49] * 1000,
        "p99_ms": q[98] * 1000,
    }


def main() -> None:
    host, port, path, seconds, connections, *headers = sys.argv[1:]
    result = asyncio.run(run(host, int(port), path, float(seconds), int(connections), headers))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
