#!/usr/bin/env bash
# Bounded memory: `disrupt scan` on simulated posts under a hard memory limit well below the
# input's size (a cgroup: the kernel kills the scan if it goes over, so finishing is the proof).
# Usage: sudo bench/bounded.sh [SIZE] [LIMIT_MIB]   (SIZE in 1m, 10m; default 10m and 1280)
# Needs root for the cgroup (v2, or v1's memory controller). Reuses bench/runs/SIZE/sim made
# by bench/run.sh when present. Prints wall time, peak usage of the cgroup and the accuracy.
set -uo pipefail
cd "$(dirname "$0")/.."
size=${1:-10m}
limit_mib=${2:-1280}
case $size in
  1m) scale=70000 ;;
  10m) scale=700000 ;;
  *) echo "unknown size $size"; exit 2 ;;
esac
[ -n "${DISRUPT_BIN:-}" ] || cargo build --release -q
bin=${DISRUPT_BIN:-$PWD/target/release/disrupt}
d=bench/runs/$size
[ -s "$d/sim/records.jsonl" ] || $bin simulate --scale $scale --seed 42 --out "$d/sim" > /dev/null
input_bytes=$(stat -c %s "$d/sim/records.jsonl")
limit=$((limit_mib * 1024 * 1024))

if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
  cg=/sys/fs/cgroup/disrupt-bounded
  mkdir -p "$cg"
  echo "$limit" > "$cg/memory.max"
  echo 0 > "$cg/memory.swap.max" 2>/dev/null || true
  peak_file=$cg/memory.peak
else
  cg=/sys/fs/cgroup/memory/disrupt-bounded
  mkdir -p "$cg"
  echo "$limit" > "$cg/memory.limit_in_bytes"
  echo 0 > "$cg/memory.max_usage_in_bytes"
  peak_file=$cg/memory.max_usage_in_bytes
fi
out=$d/bounded
rm -rf "$out"
start=$(date +%s.%N)
# The scan's default budget (`--memory-budget auto`) reads the cgroup's limit.
( echo $BASHPID > "$cg/cgroup.procs"; exec $bin scan "$d/sim/records.jsonl" --out "$out" --verbose -q )
status=$?
end=$(date +%s.%N)
peak=$(cat "$peak_file" 2>/dev/null || echo 0)
$bin eval --truth "$d/sim/labels.jsonl" "$out" --json > "$d/bounded-eval.json"
python3 - "$d/bounded-eval.json" "$input_bytes" "$limit" "$peak" "$start" "$end" "$status" <<'PY'
import json, sys
ev = json.load(open(sys.argv[1]))
inp, limit, peak, start, end, status = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6]), sys.argv[7]
m = ev
print(f"input {inp/2**20:.0f} MiB; memory limit {limit/2**20:.0f} MiB ({limit/inp:.0%} of the input); "
      f"cgroup peak {peak/2**20:.0f} MiB (page cache included); wall {end-start:.1f} s; exit {status}; "
      f"precision {m.get('precision')} recall {m.get('recall')}")
PY
