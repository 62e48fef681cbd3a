#!/usr/bin/env bash
# Runs one control-plane process and guarantees it dies with the test runner:
# it is killed when WATCH_PID (the runner) disappears, even after a SIGKILL of the runner.
"$@" &
child=$!
trap 'kill -TERM "$child" 2>/dev/null; wait "$child"; exit 0' TERM INT HUP
while kill -0 "$WATCH_PID" 2>/dev/null && kill -0 "$child" 2>/dev/null; do
  sleep 0.5 & wait $!
done
kill -TERM "$child" 2>/dev/null
wait "$child"
