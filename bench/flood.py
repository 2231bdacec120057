"""Floods (issue 19 §6): other users' p99 of a normal GET, quiet and while one client floods over
its request rate and a sign-in flood runs from one address.

The server is the resource service as `mes serve` runs it, with its request rate limits on (ADR
22): reads per token, and the sign-in class (requests without credentials) per client address.
The other users are paced clients, each with its own token, well under their rate; the flooders
are closed-loop load generators (their own processes) as fast as the server answers them: one
token's reads against resource, and wrong-password sign-ins from one address against the auth
service (`mes serve auth`, on the same machine). They get 429 problem+json;
what is measured is what the others see. Target: flood p99 within 2x of quiet p99.

    python -m bench.flood [--seconds 10] [--rounds 3] [--connections 8]
"""

from __future__ import annotations

import asyncio
import json
import statistics
import subprocess
import sys
import time

import httpx

from bench.harness import BIN, ROOT, Server, options
from mes.platform.testing import TestKeys, serve_jwks
from mes.platform.testservers import recreate_database, server_url

DB = "bench_mes_flood"
PATH = "/api/v1/resource/equipment/ACME"
USERS = 8  # other users, each one request every 250 ms (4/s, under the 10/s of their token)
PACE_S = 0.25
READS = "600/60"  # a bucket of 600, refilled at 10 requests per second per token
SIGNIN = "120/60"  # the default: a bucket of 120, refilled at 2 per second per address
LOGIN = json.dumps({"username": "nobody", "password": "not-the-password-2026"})


async def _user(base: str, token: str, seconds: float, latencies: list[float], statuses: list[int]) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base, timeout=30) as c:
        until = time.perf_counter() + seconds
        next_at = time.perf_counter()
        while time.perf_counter() < until:
            started = time.perf_counter()
            r = await c.get(PATH, headers=headers)
            latencies.append(time.perf_counter() - started)
            statuses.append(r.status_code)
            next_at += PACE_S
            await asyncio.sleep(max(0.0, next_at - time.perf_counter()))


async def _users(base: str, tokens: list[str], seconds: float) -> tuple[float, int, list[int]]:
    latencies: list[float] = []
    statuses: list[int] = []
    await asyncio.gather(*(_user(base, t, seconds, latencies, statuses) for t in tokens))
    p99 = statistics.quantiles(latencies, n=100)[98] * 1000
    return p99, len(latencies), statuses


def _flooder(port: int, path: str, seconds: float, connections: int, *extra: str) -> subprocess.Popen[str]:
    argv = [sys.executable, "-m", "bench.load", "127.0.0.1", str(port), path, str(seconds), str(connections)]
    return subprocess.Popen([*argv, *extra], cwd=ROOT, stdout=subprocess.PIPE, text=True)


def _serve(service: str, keys: TestKeys, database: str, jwks: str) -> Server:
    url = asyncio.run(recreate_database(server_url(), database))
    return Server(
        [str(BIN / "mes"), "serve", service, "--port", "{port}"],
        env={
            f"MES_{service.upper()}_DATABASE_URL": url,
            "MES_JWKS_URL": jwks,
            "MES_LOG_LEVEL": "INFO",
            "MES_LOG_JSON": "true",
            "MES_RATE_LIMITS_ENABLED": "true",
            "MES_RATE_LIMIT_READS": READS,
            "MES_RATE_LIMIT_SIGNIN": SIGNIN,
        },
    ).start("/health")


def main() -> None:
    args = options(__doc__)
    keys = TestKeys()
    jwks = serve_jwks(keys)[0]
    server = _serve("resource", keys, DB, jwks)
    auth = _serve("auth", keys, DB + "_auth", jwks)  # the sign-in flood's target, on the same machine
    quiet, flood, refused, sent, user_statuses = [], [], 0, 0, []
    try:
        base = f"http://127.0.0.1:{server.port}"
        write = {"Authorization": f"Bearer {keys.token('resource:equipment:write', ttl_s=3600)}"}
        httpx.post(
            f"{base}/api/v1/resource/equipment",
            headers=write,
            json={"code": "ACME", "name": "Acme Manufacturing", "level": "enterprise"},
        ).raise_for_status()
        tokens = [keys.token("resource:read", sub=f"user-{i}", ttl_s=3600) for i in range(USERS)]
        flooder = f"Authorization: Bearer {keys.token('resource:read', sub='flooder', ttl_s=3600)}"
        for _ in range(args.rounds):  # interleaved, so drift hits both alike
            p99, _, statuses = asyncio.run(_users(base, tokens, args.seconds))
            quiet.append(p99)
            user_statuses += statuses
            floods = [
                _flooder(server.port, PATH, args.seconds + 1, args.connections, flooder),
                _flooder(
                    auth.port,
                    "/api/v1/auth/login",
                    args.seconds + 1,
                    max(1, args.connections // 2),
                    "--method",
                    "POST",
                    "--body",
                    LOGIN,
                ),
            ]
            time.sleep(0.5)  # the flooders are at full speed before the users start
            p99, _, statuses = asyncio.run(_users(base, tokens, args.seconds))
            flood.append(p99)
            user_statuses += statuses
            for f in floods:
                out, _ = f.communicate(timeout=120)
                result = json.loads(out)
                refused += int(result["refused_429"])
                sent += int(result["requests"])
    finally:
        server.stop()
        auth.stop()
    q, f = statistics.median(quiet), statistics.median(flood)
    print(
        f"Floods: GET {PATH}, {USERS} users at {1 / PACE_S:.0f}/s each, {args.rounds} rounds x {args.seconds:g} s"
    )
    print(f"  flooders: one token with {args.connections} connections (reads {READS}),")
    print(
        f"            wrong-password sign-ins from one address with {max(1, args.connections // 2)} (sign-in {SIGNIN})"
    )
    print(f"  flooders' requests: {sent}, answered 429: {refused} ({100 * refused / max(sent, 1):.1f} %)")
    print(
        f"  other users' answers: {len(user_statuses)}, not 200: {sum(1 for s in user_statuses if s != 200)}"
    )
    print(f"  other users' p99 quiet  {q:8.2f} ms   (rounds: {', '.join(f'{x:.1f}' for x in quiet)})")
    print(f"  other users' p99 flood  {f:8.2f} ms   (rounds: {', '.join(f'{x:.1f}' for x in flood)})")
    print(f"  ratio flood/quiet       {f / q:8.2f} x  (target <= 2)")


if __name__ == "__main__":
    main()
