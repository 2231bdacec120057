"""The `mes` command: up (embedded), serve (one service), migrate, relay, backup and restore."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import getpass
import os
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from mes.platform.registry import SERVICES, service_info

if TYPE_CHECKING:
    from collections.abc import Callable

    from mes.platform.app import ServiceSpec
    from mes.platform.settings import Settings


def _say(msg: str) -> None:
    print(f"mes: {msg}", flush=True)


def _settings() -> Settings:
    from mes.platform.settings import get_settings

    return get_settings()


def _serve_uvicorn(app: object, host: str, port: int, log_level: str) -> None:
    import uvicorn

    config = uvicorn.Config(
        app,  # type: ignore[arg-type]
        host=host,
        port=port,
        lifespan="on",
        access_log=False,
        log_level=log_level.lower(),
        loop="uvloop",
        http="httptools",
        proxy_headers=True,
    )
    uvicorn.Server(config).run()


def cmd_up(args: argparse.Namespace) -> int:
    from mes.platform.embedded import EmbeddedPostgres, build_embedded_app, port_is_free
    from mes.platform.migrations import ensure_database, migrate
    from mes.platform.observability import configure_logging
    from mes.platform.settings import replace_database
    from mes.platform.tracing import configure_tracing, shutdown_tracing
    from mes.services import all_specs

    settings = _settings()
    host = args.host or settings.host
    port = args.port or settings.port
    if not port_is_free(host, port):
        _say(
            f"port {port} on {host} is already in use (another `mes up`?). "
            f"Stop that process or choose another port: mes up --port 8090 (or MES_PORT=8090)."
        )
        return 2
    configure_logging(settings.log_level, json_logs=settings.log_json)
    data_dir = Path(args.data_dir or settings.data_dir)
    # what the services keep in the data directory (integration's seal key) follows --data-dir
    os.environ["MES_DATA_DIR"] = str(data_dir)
    pg = EmbeddedPostgres(data_dir)
    # SIGTERM (a service manager, a test's terminate()) or Ctrl-C while starting: PostgreSQL and
    # the migration under way finish, then everything stops; nothing is cut off half-way
    stop_asked: list[int] = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda signum, _frame: stop_asked.append(signum))
    try:
        _say(f"starting PostgreSQL (embedded) with data in {pg.pgdata} ...")
        server_url = pg.start()
        specs = all_specs()
        urls: dict[str, str] = {}

        async def prepare_one(spec: ServiceSpec) -> None:
            if stop_asked:
                return
            url = replace_database(server_url, spec.info.database)
            created = await ensure_database(server_url, spec.info.database)
            migrated = await migrate(url, spec.migrations)
            urls[spec.info.name] = url
            done = ("created and migrated" if created else "migrated") if migrated else "already up to date"
            _say(f"{spec.info.name:<13} database {spec.info.database:<17} {done}")

        async def prepare() -> None:
            # the eight databases side by side (ADR 47): each its own connections and history
            await asyncio.gather(*(prepare_one(spec) for spec in specs))

        asyncio.run(prepare())
        if not stop_asked:
            refusal = asyncio.run(_first_admin(urls["auth"]))
            if refusal:
                _say(refusal)
                return 2
        if stop_asked:
            return 0
        # from now on SIGTERM stops like Ctrl-C (uvicorn raises it again once it has stopped)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, _interrupt)
        ui_dir = Path(os.environ.get("MES_UI_DIR", "web/dist"))
        app = build_embedded_app(specs, settings, urls, ui_dir=ui_dir)
        configure_tracing(settings.otel_sample_ratio, settings.otel_endpoint, service="mes")
        _say(
            f"all {len(specs)} services on http://{host}:{port}/api/v1/<service> "
            f"(health: http://{host}:{port}/health); Ctrl-C stops everything"
        )
        _say(
            f"log in: POST http://{host}:{port}/api/v1/auth/login; the first administrator comes from "
            "MES_ADMIN_USERNAME/MES_ADMIN_PASSWORD at start, or `mes create-admin <name> --embedded`"
        )
        # Ctrl-C is the normal way to stop: shut down cleanly below
        with contextlib.suppress(KeyboardInterrupt):
            _serve_uvicorn(app, host, port, "warning")
    finally:
        shutdown_tracing()
        _say("stopping PostgreSQL ...")
        pg.stop()
        _say("stopped")
    return 0


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


async def _first_admin(auth_url: str) -> str | None:
    """MES_ADMIN_USERNAME/MES_ADMIN_PASSWORD: the first administrator, created before serving.
    Returns why it can't be created (the policy refused the name or the password), else None."""
    from mes.platform.db import Database
    from mes.platform.errors import DomainError
    from mes.services.auth.config import auth_settings
    from mes.services.auth.service.bootstrap import bootstrap_admin

    auth_settings.cache_clear()
    cfg = auth_settings()
    password = cfg.admin_password.get_secret_value()
    if not cfg.admin_username or not password:
        return None
    db = Database.from_url(auth_url, service="auth", pool_size=1)
    try:
        created = await bootstrap_admin(db, cfg.admin_username, password)
    except DomainError as e:
        return (
            f"not starting: the administrator {cfg.admin_username} from MES_ADMIN_USERNAME/"
            f"MES_ADMIN_PASSWORD can't be created: {e.detail} Choose another MES_ADMIN_PASSWORD "
            "and start again (nothing was served; the databases are kept)."
        )
    finally:
        await db.dispose()
    if created:
        _say(f"administrator {cfg.admin_username} created from MES_ADMIN_USERNAME/MES_ADMIN_PASSWORD")
    return None


def cmd_serve(args: argparse.Namespace) -> int:
    from mes.platform.app import create_standalone_app
    from mes.platform.embedded import port_is_free
    from mes.platform.observability import configure_logging
    from mes.platform.tracing import configure_tracing, shutdown_tracing
    from mes.services import load_spec

    settings = _settings()
    spec = load_spec(args.service)
    host = args.host or settings.host
    port = args.port or spec.info.port
    if not port_is_free(host, port):
        _say(f"port {port} on {host} is already in use; choose another with --port.")
        return 2
    configure_logging(settings.log_level, json_logs=settings.log_json)
    configure_tracing(settings.otel_sample_ratio, settings.otel_endpoint, service=f"mes-{spec.info.name}")
    _say(f"{spec.info.name} on http://{host}:{port}{spec.info.api_root} (bus {settings.bus_url})")
    try:
        _serve_uvicorn(create_standalone_app(spec, settings), host, port, "warning")
    finally:
        shutdown_tracing()
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    from mes.platform.migrations import ensure_database, migrate
    from mes.services import load_spec

    settings = _settings()
    names = [args.service] if args.service else [s.name for s in SERVICES]

    async def run() -> None:
        for name in names:
            spec = load_spec(name)
            url = settings.database_url_for(spec.info)
            if args.create_db:
                from sqlalchemy.engine import make_url

                # the database the URL names (MES_<SERVICE>_DATABASE_URL may name another than the default)
                target = make_url(url)
                server = target.set(database="postgres").render_as_string(hide_password=False)
                await ensure_database(server, target.database or spec.info.database)
            await migrate(url, spec.migrations, args.revision)
            _say(f"{spec.info.name}: migrated to {args.revision}")

    asyncio.run(run())
    return 0


def cmd_create_admin(args: argparse.Namespace) -> int:
    """The first administrator (idempotent): password from MES_ADMIN_PASSWORD or asked for."""
    from mes.platform.db import Database
    from mes.platform.embedded import EmbeddedPostgres
    from mes.platform.errors import DomainError
    from mes.platform.migrations import ensure_database, migrate
    from mes.platform.settings import replace_database
    from mes.services import load_spec
    from mes.services.auth.service.bootstrap import bootstrap_admin

    settings = _settings()
    spec = load_spec("auth")
    password = os.environ.get("MES_ADMIN_PASSWORD") or getpass.getpass(f"password for {args.username}: ")
    pg = EmbeddedPostgres(Path(args.data_dir or settings.data_dir)) if args.embedded else None
    url = settings.database_url_for(spec.info)

    async def run(url: str) -> bool:
        if pg is not None:
            await ensure_database(url, spec.info.database)
            url = replace_database(url, spec.info.database)
        await migrate(url, spec.migrations)
        db = Database.from_url(url, service="auth", pool_size=1)
        try:
            return await bootstrap_admin(db, args.username, password)
        finally:
            await db.dispose()

    try:
        created = asyncio.run(run(pg.start() if pg is not None else url))
    except DomainError as e:
        _say(f"administrator not created: {e.detail}")
        return 2
    finally:
        if pg is not None:
            pg.stop()
    _say(f"administrator {args.username} created" if created else f"{args.username} exists; nothing changed")
    return 0


def _database_urls(args: argparse.Namespace, suffix: str = "") -> tuple[dict[str, str], Callable[[], None]]:
    """Each service's database URL (distributed: from MES_* settings; --embedded: the embedded
    server, started or joined), with `suffix` added to the database names; and how to let go."""
    from sqlalchemy.engine import make_url

    from mes.platform.settings import replace_database

    settings = _settings()
    if not args.embedded:
        urls = {s.name: settings.database_url_for(s) for s in SERVICES}
        return {
            n: replace_database(u, f"{make_url(u).database}{suffix}") for n, u in urls.items()
        }, lambda: None
    from mes.platform.embedded import EmbeddedPostgres

    pg = EmbeddedPostgres(Path(args.data_dir or settings.data_dir))
    server = pg.start(leave_running=True)  # a running `mes up` keeps its database
    return {s.name: replace_database(server, s.database + suffix) for s in SERVICES}, pg.stop


def cmd_backup(args: argparse.Namespace) -> int:
    from mes.platform.backup import BackupError, backup

    urls, done = _database_urls(args)
    try:
        manifest = asyncio.run(backup(urls, Path(args.directory)))
    except BackupError as e:
        _say(f"backup failed: {e}")
        return 2
    finally:
        done()
    for name, entry in manifest["services"].items():
        _say(f"{name:<13} {entry['database']:<17} audit chain {entry['audit_rows']} rows, verified")
    _say(f"backup in {args.directory}; restore it with: mes restore {args.directory}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from sqlalchemy.engine import make_url

    from mes.platform.backup import BackupError, restore

    targets, done = _database_urls(args, args.suffix)
    try:
        heads = asyncio.run(restore(Path(args.directory), targets, replace=args.replace))
    except BackupError as e:
        _say(f"restore failed: {e}")
        return 2
    finally:
        done()
    for name, head in heads.items():
        _say(f"{name:<13} {make_url(targets[name]).database:<25} audit chain {head.rows} rows, verified")
    return 0


def cmd_relay(args: argparse.Namespace) -> int:
    """Only the outbox relay of one service: a sidecar, or a separate process in tests."""
    from mes.platform.bus import make_bus
    from mes.platform.db import Database
    from mes.platform.observability import configure_logging
    from mes.platform.relay import OutboxRelay

    settings = _settings()
    info = service_info(args.service)
    configure_logging(settings.log_level, json_logs=settings.log_json)

    async def run() -> None:
        db = Database.from_url(settings.database_url_for(info), service=info.name, pool_size=2)
        bus = make_bus(settings.bus_url, stream=settings.bus_stream, retention_s=settings.bus_retention_s)
        await bus.connect()
        relay = OutboxRelay(
            db, bus, service=info.name, batch=settings.relay_batch, poll_s=settings.relay_poll_s
        )
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        relay.start()
        _say(f"relay for {info.name} running (bus {settings.bus_url})")
        await stop.wait()
        await relay.stop()
        await bus.close()
        await db.dispose()

    asyncio.run(run())
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """Seed a believable plant through the HTTP API of a running `mes up`."""
    import httpx

    from mes.demo import DemoError, seed

    username = args.username or os.environ.get("MES_ADMIN_USERNAME")
    password = os.environ.get("MES_ADMIN_PASSWORD") if args.password is None else args.password
    if not username or not password:
        _say(
            "demo: give the administrator with --username/--password or MES_ADMIN_USERNAME/MES_ADMIN_PASSWORD"
        )
        return 2

    async def run() -> dict[str, str]:
        async with httpx.AsyncClient(base_url=args.base_url, timeout=30) as client:
            return await seed(client, username, password, say=_say)

    try:
        asyncio.run(run())
    except httpx.TransportError as e:
        _say(f"demo: {args.base_url} is not reachable ({type(e).__name__}); start it with `mes up` first")
        return 2
    except DemoError as e:
        _say(f"demo: {e}")
        return 1
    _say(f"demo plant seeded on {args.base_url}")
    return 0


def cmd_simulate(args: argparse.Namespace) -> int:
    """Simulated machines beside `mes up`: a Sparkplug B edge node and an OPC UA server."""
    from mes.simulate import simulate

    host, _, port = args.broker.partition(":")
    _say(
        f"simulate: Sparkplug edge node DEMO/LINE-1 on mqtt://{args.broker} (IMM-11), "
        f"OPC UA server opc.tcp://127.0.0.1:{args.opcua_port}/mes/ (IMM-12); Ctrl-C stops"
    )
    asyncio.run(simulate((host, int(port or 1883)), args.opcua_port, args.every))
    return 0


def cmd_service_credential(args: argparse.Namespace) -> int:
    """Prints a service's credential for its own token (ADR 44), from MES_SERVICE_SECRET."""
    from mes.platform.identity import service_credential
    from mes.platform.settings import get_settings

    if not get_settings().service_secret.get_secret_value():
        print("set MES_SERVICE_SECRET (the secret the auth service holds) first", file=sys.stderr)
        return 2
    print(service_credential(args.service))
    return 0


def parser() -> argparse.ArgumentParser:
    names = [s.name for s in SERVICES]
    p = argparse.ArgumentParser(prog="mes", description="Manufacturing Execution System")
    sub = p.add_subparsers(dest="command", required=True)
    up = sub.add_parser("up", help="run everything in one process on an embedded PostgreSQL")
    up.add_argument("--host")
    up.add_argument("--port", type=int)
    up.add_argument("--data-dir", help="where PostgreSQL keeps its data (default ./var)")
    up.set_defaults(func=cmd_up)
    serve = sub.add_parser("serve", help="run one service on its own port (MES_<SERVICE>_DATABASE_URL)")
    serve.add_argument("service", choices=names + [s.package for s in SERVICES], metavar="service")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.set_defaults(func=cmd_serve)
    mig = sub.add_parser("migrate", help="apply database migrations (one service or all)")
    mig.add_argument("service", nargs="?", choices=names + [s.package for s in SERVICES], metavar="service")
    # "heads": a service's own history and the platform's branch of it (ADR 20) both to their tips
    mig.add_argument("--revision", default="heads")
    mig.add_argument("--create-db", action="store_true", help="create the database when missing")
    mig.set_defaults(func=cmd_migrate)
    admin = sub.add_parser(
        "create-admin", help="create the first administrator (MES_ADMIN_PASSWORD or prompt)"
    )
    admin.add_argument("username")
    admin.add_argument("--embedded", action="store_true", help="in the embedded PostgreSQL of `mes up`")
    admin.add_argument("--data-dir", help="embedded data directory (default ./var)")
    admin.set_defaults(func=cmd_create_admin)
    cred = sub.add_parser(
        "service-credential", help="print a service's MES_SERVICE_CREDENTIAL (from MES_SERVICE_SECRET)"
    )
    cred.add_argument("service", choices=names + [s.package for s in SERVICES], metavar="service")
    cred.set_defaults(func=cmd_service_credential)
    bk = sub.add_parser("backup", help="dump every service's database (pg_dump) and check its audit chain")
    bk.add_argument("directory", help="a new directory for the dumps and manifest.json")
    bk.add_argument("--embedded", action="store_true", help="the embedded PostgreSQL of `mes up`")
    bk.add_argument("--data-dir", help="embedded data directory (default ./var)")
    bk.set_defaults(func=cmd_backup)
    rs = sub.add_parser("restore", help="restore a backup and verify every audit chain against it")
    rs.add_argument("directory")
    rs.add_argument("--suffix", default="", help="restore into <database><suffix> (e.g. _restored)")
    rs.add_argument("--replace", action="store_true", help="drop existing databases first (services stopped)")
    rs.add_argument("--embedded", action="store_true", help="the embedded PostgreSQL of `mes up`")
    rs.add_argument("--data-dir", help="embedded data directory (default ./var)")
    rs.set_defaults(func=cmd_restore)
    relay = sub.add_parser("relay", help="run only the outbox relay of one service")
    relay.add_argument("service", choices=names + [s.package for s in SERVICES], metavar="service")
    relay.set_defaults(func=cmd_relay)
    demo = sub.add_parser("demo", help="seed a believable demo plant through the API of a running `mes up`")
    demo.add_argument("--base-url", default="http://127.0.0.1:8080")
    demo.add_argument("--username", help="an administrator (default MES_ADMIN_USERNAME)")
    demo.add_argument("--password", help="their password (default MES_ADMIN_PASSWORD)")
    demo.set_defaults(func=cmd_demo)
    sim = sub.add_parser(
        "simulate", help="simulated machines (Sparkplug B edge node, OPC UA server) for the demo line"
    )
    sim.add_argument("--broker", default="127.0.0.1:1883", help="MQTT broker host:port")
    sim.add_argument("--opcua-port", type=int, default=4840)
    sim.add_argument("--every", type=float, default=2.0, help="seconds between machine updates")
    sim.set_defaults(func=cmd_simulate)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
