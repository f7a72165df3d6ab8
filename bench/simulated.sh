#!/usr/bin/env bash
# One simulated data set, scanned and scored once for the scripts that report on it
# (bench/accuracy.sh, bench/funnel.sh): simulate, `disrupt scan --verbose`, `disrupt eval`.
# A run newer than the binary is reused, so bench/all.sh simulates and scans each scale once.
# Usage: bench/simulated.sh SCALE SEED   (needs the release build; prints the run's folder,
# which holds sim/, out/, time.txt, stages.txt and eval.txt)
set -euo pipefail
cd "$(dirname "$0")/.."
scale=$1
seed=$2
bin=target/release/disrupt
d=bench/runs/simulated/scale-$scale-seed-$seed
if [ ! "$d/eval.txt" -nt "$bin" ]; then
  rm -rf "$d"
  mkdir -p "$d"
  $bin simulate --scale "$scale" --seed "$seed" --out "$d/sim" > /dev/null
  /usr/bin/time -f "scan: %e s, %M KiB peak" -o "$d/time.txt" \
    $bin scan "$d/sim/records.jsonl" --out "$d/out" -q --verbose 2> "$d/stages.txt"
  $bin eval --truth "$d/sim/labels.jsonl" "$d/out" > "$d/eval.txt"
fi
echo "$d"
