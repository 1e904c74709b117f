#!/usr/bin/env bash
# Runs the gateway in a loop, for users who start it from cron instead of
# systemd (deploy/crontab). Restarts it when it exits, waiting 5 s after the
# first failure and doubling up to 10 min; a run that lasted over 10 min
# resets the wait. Appends the gateway's output to $LOG, keeping one older
# file once it passes $LOG_MAX_BYTES. SIGTERM/SIGINT stop the gateway
# (it flushes within 5 s) and then the loop.
#
# Environment (all optional):
#   GATEWAY_HOME   where the package is installed    (/opt/espnow-gateway)
#   GATEWAY_CONFIG the config file                    (/etc/espnow-gateway/gateway.yaml)
#   LOG            log file                           (/var/lib/espnow-gateway/gateway.log)
#   LOG_MAX_BYTES  rotate past this size              (10485760)
#   NODE           node binary                        (node on PATH)
#   RESTART_MIN_WAIT_S, RESTART_MAX_WAIT_S  back-off bounds in s (5, 600)
set -uo pipefail

home=${GATEWAY_HOME:-/opt/espnow-gateway}
config=${GATEWAY_CONFIG:-/etc/espnow-gateway/gateway.yaml}
log=${LOG:-/var/lib/espnow-gateway/gateway.log}
log_max=${LOG_MAX_BYTES:-10485760}
node=${NODE:-node}
min_wait=${RESTART_MIN_WAIT_S:-5} max_wait=${RESTART_MAX_WAIT_S:-600} healthy_after=600

child=''
stopping=0
stop() {
  stopping=1
  [[ -n "$child" ]] && kill -TERM "$child" 2>/dev/null
}
trap stop TERM INT

note() { printf '%s run-forever: %s\n' "$(date -Is)" "$*" >>"$log"; }

rotate() {
  local size
  size=$(stat -c %s "$log" 2>/dev/null || echo 0)
  if ((size > log_max)); then mv -f "$log" "$log.1"; fi
}

wait_s=$min_wait
while ((stopping == 0)); do
  rotate
  started=$SECONDS
  note "starting the gateway"
  MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=131072 MALLOC_TRIM_THRESHOLD_=131072 "$node" --max-semi-space-size=1 --heap-growing-percent=25 "$home/bin/espnow-gateway.js" run --config "$config" >>"$log" 2>&1 &
  child=$!
  # `wait` returns early when a trapped signal arrives; wait again for the exit.
  wait "$child"; code=$?
  while kill -0 "$child" 2>/dev/null; do wait "$child"; code=$?; done
  child=''
  ((stopping == 1)) && { note "stopped"; break; }
  if ((SECONDS - started >= healthy_after)); then wait_s=$min_wait; fi
  note "gateway exited with status $code; restarting in ${wait_s}s"
  sleep "$wait_s" & sleeper=$!
  wait "$sleeper" 2>/dev/null || kill "$sleeper" 2>/dev/null
  wait_s=$((wait_s * 2 > max_wait ? max_wait : wait_s * 2))
done
