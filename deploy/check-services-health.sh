#!/usr/bin/env bash
# Asks every process deploy/start-all-services.sh started for /ready, directly and through nginx;
# prints one line each and exits 1 when any is not ready (0 when all are).
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
RUN_DIR="${MES_RUN_DIR:-var/run}"
GATEWAY="http://127.0.0.1:${MES_GATEWAY_PORT:-8080}"
[ -f "$RUN_DIR/services" ] || { echo "check: no services started from $RUN_DIR"; exit 1; }

unhealthy=0
probe() { # LABEL URL
  local code
  code="$(curl -skL -o /dev/null -w '%{http_code}' --max-time 5 "$2")"
  if [ "$code" = 200 ]; then
    printf '%-22s ready      %s\n' "$1" "$2"
  else
    printf '%-22s NOT READY  %s (%s)\n' "$1" "$2" "${code/000/no answer}"
    unhealthy=$((unhealthy + 1))
  fi
}
declare -A prefixes=()
while read -r instance _ prefix port; do
  probe "$instance" "http://127.0.0.1:$port/ready"
  prefixes[$prefix]=1
done <"$RUN_DIR/services"
for prefix in "${!prefixes[@]}"; do
  probe "nginx /api/v1/$prefix" "$GATEWAY/api/v1/$prefix/ready"
done
if [ "$unhealthy" -gt 0 ]; then
  echo "check: $unhealthy not ready"
  exit 1
fi
echo "check: all ready"
