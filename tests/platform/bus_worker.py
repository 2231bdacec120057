"""A separate process for the conformance tests: the outbox relay, the consumer, or both.

    python bus_worker.py --db URL --bus memory://|nats://... [--stream S] --role relay|consumer|both

With the in-process bus, relay and consumer must share the process (role both).
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import buskit

from mes.platform.app import ServiceRuntime
from mes.platform.bus import make_bus
from mes.platform.db import Database


async def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--db", required=True)
    p.add_argument("--bus", required=True)
    p.add_argument("--stream", default="MES")
    p.add_argument("--role", choices=["relay", "consumer", "both"], default="both")
    p.add_argument("--batch", type=int, default=100)
    args = p.parse_args()

    spec = buskit.spec()
    if args.role == "relay":
        spec = type(spec)(info=spec.info, description=spec.description, migrations=spec.migrations)
    db = Database.from_url(args.db, service="bus-test", pool_size=4)
    bus = make_bus(args.bus, stream=args.stream)
    await bus.connect()
    runtime = ServiceRuntime(
        spec, db, bus, relay=args.role != "consumer", relay_poll_s=0.1, relay_batch=args.batch
    )
    await runtime.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    print("ready", flush=True)
    await stop.wait()
    await runtime.stop()
    await bus.close()
    await db.dispose()


if __name__ == "__main__":
    asyncio.run(main())
