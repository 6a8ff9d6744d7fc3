#!/usr/bin/env bash
# Runs a native server so that it never outlives the JVM that started it (ParentWatchdog's rule for child JVMs):
# the JVM holds the only other end of this script's standard input, which the kernel closes when the JVM dies for
# any reason, even SIGKILL; the JVM's PID is checked as well. Then the server gets SIGTERM, 5 s, and SIGKILL, and
# the folder named by ORPHAN_DIR, if set, is deleted (no one else is left to delete it).
# Usage: orphan-guard.sh PARENT_PID PROGRAM [ARGS...]
parent=$1
shift
"$@" < /dev/null &
child=$!
trap 'kill -TERM "$child" 2> /dev/null' TERM INT
while kill -0 "$child" 2> /dev/null; do
  read -r -t 1 _
  status=$?
  # 0: a byte (ignored), >128: a quiet second; 1: end of input, the parent is gone
  if [ "$status" -eq 1 ] || ! kill -0 "$parent" 2> /dev/null; then
    echo "[orphan-guard] parent JVM $parent vanished: stopping $1" >&2
    kill -TERM "$child" 2> /dev/null
    for _ in $(seq 50); do
      kill -0 "$child" 2> /dev/null || break
      sleep 0.1
    done
    kill -KILL "$child" 2> /dev/null
    wait "$child" 2> /dev/null
    [ -n "${ORPHAN_DIR:-}" ] && rm -rf "$ORPHAN_DIR"
    exit 3
  fi
done
wait "$child"
