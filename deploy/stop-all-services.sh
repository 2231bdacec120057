#!/usr/bin/env bash
# Stops what deploy/start-all-services.sh started (every pid file in the run dir): the services
# first, then nginx and the servers it started (NATS, Redis). SIGTERM, then SIGKILL after
# MES_STOP_TIMEOUT seconds [20]. The databases are kept.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
RUN_DIR="${MES_RUN_DIR:-var/run}"
TIMEOUT="${MES_STOP_TIMEOUT:-20}"
[ -d "$RUN_DIR/pids" ] || { echo "stop: nothing started from $RUN_DIR"; exit 0; }

# a process that has exited but was not reaped yet (a zombie) counts as stopped
alive() { kill -0 "$1" 2>/dev/null && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null; }

stop_group() { # pid files...
  local f pid pids=()
  for f in "$@"; do
    [ -f "$f" ] || continue
    pid="$(cat "$f")"
    if alive "$pid"; then
      kill -TERM "$pid" 2>/dev/null && pids+=("$pid")
    fi
  done
  local deadline=$((SECONDS + TIMEOUT))
  for pid in "${pids[@]}"; do
    while alive "$pid" && [ $SECONDS -lt $deadline ]; do sleep 0.1; done
    if alive "$pid"; then
      echo "stop: $pid did not stop in ${TIMEOUT}s; killing it"
      kill -KILL "$pid" 2>/dev/null
    fi
  done
  rm -f "$@"
}

services=()
for f in "$RUN_DIR"/pids/*.pid; do
  case "$(basename "$f" .pid)" in nginx | nats | redis) ;; *) [ -f "$f" ] && services+=("$f") ;; esac
done
stop_group "${services[@]}"
stop_group "$RUN_DIR/pids/nginx.pid"
stop_group "$RUN_DIR/pids/nats.pid" "$RUN_DIR/pids/redis.pid"
echo "stop: stopped (logs kept in $RUN_DIR/logs)"
