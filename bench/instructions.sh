#!/usr/bin/env bash
# Instructions a whole `disrupt scan` executes on the 100k harness file, counted by
# valgrind's callgrind. Nearly deterministic (repeated counts of one build differ by about
# 0.3%, as rayon's idle threads spin a variable while) where wall time on a shared two-core
# machine drifts by 10-30%, so it is how BENCHMARKS.md compares one build with the next.
# Usage: bench/instructions.sh [BIN...]   (default: this checkout's release build)
# Needs valgrind (apt-get install valgrind) and bench/runs/100k/sim from bench/run.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind > /dev/null || { echo "valgrind is not installed (apt-get install valgrind)"; exit 2; }
input=bench/runs/100k/sim/records.jsonl
[ -s "$input" ] || { echo "no $input: run bench/run.sh 100k first"; exit 2; }
bins=("$@")
if [ ${#bins[@]} -eq 0 ]; then
  cargo build --release -q
  bins=("$PWD/target/release/disrupt")
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for bin in "${bins[@]}"; do
  valgrind --tool=callgrind --callgrind-out-file="$work/callgrind.out" "$bin" scan "$input" --out "$work/out" -q \
    > /dev/null 2> "$work/log"
  count=$(grep -o 'Collected : [0-9]*' "$work/log" | grep -o '[0-9]*$')
  printf '%s: %s instructions\n' "$bin" "$count"
done
