#!/bin/sh
# Run `kommissorium tick` once a minute until stopped (SIGTERM/SIGINT ends it at once).
#
# `tick` decides what is due (agendas to send, reminders, overdue minutes) and writes it to
# the outbox; it is idempotent, so a tick run twice, or by two schedulers, sends nothing
# twice. A failed tick is logged and retried on the next minute. Used by compose's `tick`
# service and by `make prod-run`; Kubernetes uses a CronJob instead.
#   TICK_INTERVAL  seconds between ticks (default 60)
#   KOMMISSORIUM   the command (default: kommissorium on PATH)
set -u
interval="${TICK_INTERVAL:-60}"
cmd="${KOMMISSORIUM:-kommissorium}"
sleeper=""
trap 'echo "tick-loop: stopping"; [ -n "$sleeper" ] && kill "$sleeper" 2>/dev/null; exit 0' TERM INT
echo "tick-loop: every ${interval}s"
while :; do
    "$cmd" tick
    status=$?
    if [ "$status" -ne 0 ]; then
        echo "tick-loop: tick failed (exit $status); next try in ${interval}s" >&2
    fi
    sleep "$interval" &
    sleeper=$!
    wait "$sleeper"
    sleeper=""
done
