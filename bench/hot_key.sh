#!/usr/bin/env bash
# A hot key: `disrupt scan` of POSTS posts on one hashtag (300 a minute, heavy-tailed
# accounts, bench/hot_key.py) with a ring of 8 accounts hidden in it, under a hard memory
# limit (a cgroup: the kernel kills the scan if it goes over, so finishing is the proof).
# The default budget (`--memory-budget auto`) takes a quarter of the limit.
# Usage: sudo bench/hot_key.sh [POSTS] [LIMIT_MIB] [KIND]  (default 1000000, 1024, hashtag)
# Without root (or a cgroup to write), runs with --memory-budget LIMIT/4 and no hard limit.
# Prints wall time, peak memory and which accounts were flagged (the ring's 8, and no other).
set -uo pipefail
cd "$(dirname "$0")/.."
posts=${1:-1000000}
limit_mib=${2:-1024}
kind=${3:-hashtag}
[ -n "${DISRUPT_BIN:-}" ] || cargo build --release -q
bin=${DISRUPT_BIN:-$PWD/target/release/disrupt}
d=bench/runs/hot-$kind-$posts
mkdir -p "$d"
[ -s "$d/records.jsonl" ] || python3 bench/hot_key.py --posts "$posts" --accounts $((posts / 5)) --kind "$kind" --ring 8 > "$d/records.jsonl"
limit=$((limit_mib * 1024 * 1024))
budget=()
cg=""
if [ -w /sys/fs/cgroup/memory ] || [ -w /sys/fs/cgroup/cgroup.subtree_control ]; then
  if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
    cg=/sys/fs/cgroup/disrupt-hot-key
    mkdir -p "$cg" && echo "$limit" > "$cg/memory.max" && peak_file=$cg/memory.peak
  else
    cg=/sys/fs/cgroup/memory/disrupt-hot-key
    mkdir -p "$cg" && echo "$limit" > "$cg/memory.limit_in_bytes" && echo 0 > "$cg/memory.max_usage_in_bytes"
    peak_file=$cg/memory.max_usage_in_bytes
  fi
else
  budget=(--memory-budget "$((limit_mib / 4))M")
fi
rm -rf "$d/out"
start=$(date +%s.%N)
if [ -n "$cg" ]; then
  ( echo $BASHPID > "$cg/cgroup.procs"; exec /usr/bin/time -f "%M" -o "$d/rss" "$bin" scan "$d/records.jsonl" --out "$d/out" --verbose -q )
else
  /usr/bin/time -f "%M" -o "$d/rss" "$bin" scan "$d/records.jsonl" --out "$d/out" --verbose -q "${budget[@]}"
fi
status=$?
end=$(date +%s.%N)
peak=$( [ -n "$cg" ] && cat "$peak_file" 2>/dev/null || echo 0)
python3 - "$d" "$status" "$start" "$end" "$limit" "$peak" "${cg:+cgroup}" <<'PY'
import json, sys
d, status, start, end, limit, peak, mode = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]), sys.argv[7]
rss = int(open(f"{d}/rss").read().split()[-1]) * 1024
flagged = sorted({a for n in json.load(open(f"{d}/out/networks.json"))["networks"] for a in n["accounts"]}) if status == "0" else []
ring = [a for a in flagged if a.startswith("x:ring")]
print(f"exit {status}; wall {end - start:.1f} s; peak RSS {rss / 2**20:.0f} MiB"
      + (f", cgroup peak {peak / 2**20:.0f} MiB under a {limit / 2**20:.0f} MiB limit" if mode else f" (budget {limit / 4 / 2**20:.0f} MiB, no hard limit)"))
print(f"flagged {len(flagged)} accounts: {len(ring)} of the ring's 8, {len(flagged) - len(ring)} others")
PY
[ -n "$cg" ] && rmdir "$cg" 2>/dev/null
exit $status
