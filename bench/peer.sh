#!/usr/bin/env bash
# Runs one peer step under the optional bounds of bench/run.sh: PEER_TIMEOUT (seconds, then
# the step is killed) and PEER_MEMORY_MIB (address space; Python raises MemoryError past it).
set -euo pipefail
if [ -n "${PEER_MEMORY_MIB:-}" ]; then
  ulimit -v $((PEER_MEMORY_MIB * 1024))
fi
if [ -n "${PEER_TIMEOUT:-}" ]; then
  exec timeout --signal=KILL "$PEER_TIMEOUT" "$@"
fi
exec "$@"
