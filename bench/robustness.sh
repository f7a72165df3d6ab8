#!/usr/bin/env bash
# Detection accuracy under harder operation behaviour than the simulator's defaults.
# Usage: bench/robustness.sh [WORKDIR]   (builds disrupt in release mode first)
# Prints one Markdown table row per scenario: the simulate options, then eval's figures.
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-bench/runs/robustness}
mkdir -p "$work"
cargo build --release -q
bin=target/release/disrupt

scenarios=(
  "default|--seed 3"
  "bursts spread over 5 min|--seed 3 --burst-seconds 300"
  "bursts spread over 15 min|--seed 3 --burst-seconds 900"
  "half of members per burst|--seed 3 --participation 0.5"
  "4-6 messages per operation|--seed 3 --messages 4-6"
  "3 messages per operation|--seed 3 --messages 3-3"
  "3 messages, seed 4|--seed 4 --messages 3-3"
  "4 messages, 70% participation|--seed 5 --messages 4-4 --participation 0.7"
  "4-8 messages, 60%, 4-min bursts|--seed 3 --messages 4-8 --participation 0.6 --burst-seconds 240"
  "20,000 organic, 4-6 messages|--seed 9 --scale 20000 --messages 4-6"
)

echo "| scenario | simulate options | F1 | precision | recall | organic flagged | operations recovered | lowest recall by perturbation |"
echo "|---|---|---|---|---|---|---|---|"
i=0
for s in "${scenarios[@]}"; do
  name=${s%%|*}; opts=${s#*|}
  dir="$work/s$i"; i=$((i+1))
  rm -rf "$dir"
  # shellcheck disable=SC2086
  $bin simulate --out "$dir/data" $opts > /dev/null
  $bin scan "$dir/data/records.jsonl" --out "$dir/out" -q
  $bin eval --truth "$dir/data/labels.jsonl" "$dir/out" --json > "$dir/eval.json"
  python3 - "$dir/eval.json" "$name" "$opts" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
low = min(r["recall_by_perturbation"], key=lambda g: g["rate"])
print(f"| {sys.argv[2]} | `{sys.argv[3]}` | {r['f1']:.3f} | {r['precision']:.3f} | {r['recall']:.3f} | "
      f"{r['false_positives']} of {r['organic_accounts']} | {r['operations_recovered']} of {len(r['operations'])} | "
      f"{low['rate']:.2f} ({low['name']}) |")
PY
done
