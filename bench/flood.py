"""Floods (issue 19 §6): other users' p99 of a normal GET, quiet and while one client floods over
its request rate and a sign-in flood runs from one address.

The server is the resource service as `mes serve` runs it, with its request rate limits on (ADR
22): reads per token, and the sign-in class (requests without credentials) per client address.
The other users are paced clients, each with its own token, well under their rate; the flooders
are closed-loop load generators (their own processes) as fast as the server answers them: one
token's reads against resource, and wrong-password sign-ins from one address against the auth
service (`mes serve auth`, on the same machine). They get 429 problem+json;
what is measured is what the others see. Target: flood p99 within 2x of quiet p99, in the
sustained flood: a first round, while the flooders still spend the allowance their buckets hold
(requests the limits admit and serve in full), is printed apart.

With `--gateway`, everyone goes through nginx with the deployment's snippets
(deploy/nginx/common.conf and api-routes.conf, ADR 48), as in the distributed deployment: the
gateway's coarse per-token and per-address limits refuse most of a flood before a Python process
sees it, and the services' own limits refuse the rest.

With `--pin`, the flooders run on the first CPU and everything else on the others, standing in
for flooders on machines of their own (on a small machine their load generators would otherwise
take the servers' CPU, which no server-side measure can give back).

    python -m bench.flood [--seconds 10] [--rounds 3] [--connections 8] [--gateway] [--pin]
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bench.harness import BIN, ROOT, Server, free_port, options
from mes.platform.registry import SERVICES
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


def _flooder(
    port: int, path: str, seconds: float, connections: int, *extra: str, cpus: set[int] | None = None
) -> subprocess.Popen[str]:
    argv = [sys.executable, "-m", "bench.load", "127.0.0.1", str(port), path, str(seconds), str(connections)]
    pin = (lambda: os.sched_setaffinity(0, cpus)) if cpus else None
    return subprocess.Popen([*argv, *extra], cwd=ROOT, stdout=subprocess.PIPE, text=True, preexec_fn=pin)


def _split_cpus(pin: bool) -> set[int] | None:
    """With --pin: the flooders on the first CPU (standing in for clients on other machines),
    this process, the servers, nginx and the other users on the rest. None without it."""
    cpus = sorted(os.sched_getaffinity(0))
    if not pin or len(cpus) < 2:
        return None
    os.sched_setaffinity(0, set(cpus[1:]))  # inherited by the servers and nginx started after
    return {cpus[0]}


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


def _gateway(resource_port: int, auth_port: int, workdir: Path) -> tuple[subprocess.Popen[bytes], int]:
    """nginx with the deployment's snippets: auth's prefix to auth, every other one to resource."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    for name in ("common.conf", "api-routes.conf"):
        shutil.copy(ROOT / "deploy" / "nginx" / name, workdir / name)
    upstreams = "\n".join(
        f"  upstream {s.prefix} {{ server 127.0.0.1:{auth_port if s.prefix == 'auth' else resource_port}; keepalive 16; }}"
        for s in SERVICES
    )
    port = free_port()
    user = "user root;\n" if os.geteuid() == 0 else ""
    (workdir / "nginx.conf").write_text(
        f"{user}worker_processes 1;\npid {workdir}/nginx.pid;\nevents {{ worker_connections 1024; }}\n"
        f"http {{\n  access_log off;\n{upstreams}\n  include common.conf;\n"
        f"  server {{\n    listen 127.0.0.1:{port};\n    include api-routes.conf;\n  }}\n}}\n"
    )
    argv = [nginx, "-p", str(workdir), "-c", str(workdir / "nginx.conf"), "-e", str(workdir / "error.log")]
    proc = subprocess.Popen(
        [*argv, "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    for _ in range(100):
        try:
            httpx.get(f"http://127.0.0.1:{port}/api/v1/resource/health", timeout=1)
            return proc, port
        except httpx.TransportError:
            time.sleep(0.05)
    proc.terminate()
    raise RuntimeError("nginx did not start")


def main() -> None:
    args = options(__doc__, "gateway", "pin")
    flooder_cpus = _split_cpus(args.pin)
    keys = TestKeys()
    jwks = serve_jwks(keys)[0]
    server = _serve("resource", keys, DB, jwks)
    auth = _serve("auth", keys, DB + "_auth", jwks)  # the sign-in flood's target, on the same machine
    quiet, flood, refused, sent, user_statuses = [], [], 0, 0, []
    gateway: subprocess.Popen[bytes] | None = None
    workdir = tempfile.TemporaryDirectory(prefix="mes-flood-")
    try:
        read_port, signin_port = server.port, auth.port
        if args.gateway:
            gateway, read_port = _gateway(server.port, auth.port, Path(workdir.name))
            signin_port = read_port
        base = f"http://127.0.0.1:{read_port}"
        write = {"Authorization": f"Bearer {keys.token('resource:equipment:write', ttl_s=3600)}"}
        httpx.post(
            f"{base}/api/v1/resource/equipment",
            headers=write,
            json={"code": "ACME", "name": "Acme Manufacturing", "level": "enterprise"},
        ).raise_for_status()
        tokens = [keys.token("resource:read", sub=f"user-{i}", ttl_s=3600) for i in range(USERS)]
        flooder = f"Authorization: Bearer {keys.token('resource:read', sub='flooder', ttl_s=3600)}"
        burst: list[float] = []
        # round 0 meets the flooders' full buckets (600 reads, 120 sign-ins: requests the limits are
        # set to admit, served in full), rounds 1.. the sustained flood, once the buckets are spent
        for n in range(args.rounds + 1):  # interleaved, so drift hits both alike
            p99, _, statuses = asyncio.run(_users(base, tokens, args.seconds))
            if n:
                quiet.append(p99)
            user_statuses += statuses
            floods = [
                _flooder(read_port, PATH, args.seconds + 1, args.connections, flooder, cpus=flooder_cpus),
                _flooder(
                    signin_port,
                    "/api/v1/auth/login",
                    args.seconds + 1,
                    max(1, args.connections // 2),
                    "--method",
                    "POST",
                    "--body",
                    LOGIN,
                    cpus=flooder_cpus,
                ),
            ]
            time.sleep(0.5)  # the flooders are at full speed before the users start
            p99, _, statuses = asyncio.run(_users(base, tokens, args.seconds))
            (flood if n else burst).append(p99)
            user_statuses += statuses
            for f in floods:
                out, _ = f.communicate(timeout=120)
                result = json.loads(out)
                refused += int(result["refused_429"])
                sent += int(result["requests"])
    finally:
        if gateway is not None:
            gateway.terminate()
            gateway.wait(10)
        workdir.cleanup()
        server.stop()
        auth.stop()
    q, f = statistics.median(quiet), statistics.median(flood)
    print(
        f"Floods: GET {PATH}, {USERS} users at {1 / PACE_S:.0f}/s each, {args.rounds} rounds x {args.seconds:g} s"
        + (", through the nginx gateway" if args.gateway else ", straight to the services")
        + (f"; flooders on CPU {sorted(flooder_cpus)}, the rest on the others" if flooder_cpus else "")
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
    print(f"  round 0, the flooders' buckets still full: p99 {burst[0]:.2f} ms ({burst[0] / q:.2f} x quiet)")


if __name__ == "__main__":
    main()
