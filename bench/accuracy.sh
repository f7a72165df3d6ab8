#!/usr/bin/env bash
# Accuracy figures of BENCHMARKS.md: detection and provenance on simulated data at the default
# scale and ten times it (simulate, scan, eval), the real organic airline tweets (networks
# found: none expected), and the reference checks against leidenalg and datasketch.
# Usage: bench/accuracy.sh [DATA_DIR]  (default ../shared/data)
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-../shared/data}
cargo build --release -q
bin=target/release/disrupt
work=bench/runs/accuracy
mkdir -p "$work"

for run in "5000 11" "50000 12"; do
  set -- $run
  d=$(bench/simulated.sh "$1" "$2")
  cat "$d/time.txt"
  echo "== detection and provenance, simulate --scale $1 --seed $2"
  cat "$d/eval.txt"
done

echo "== real organic tweets (../shared/data/organic-airline-tweets)"
$bin scan "$data/organic-airline-tweets/airline_tweets.csv" \
  --columns id=tweet_id,account=user_name,text=text,created_at=created_at \
  --timezone=-08:00 --out "$work/airline" -q
python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print("posts read", d["inputs"]["by_kind"].get("post", 0), "networks", len(d["networks"]))' \
  "$work/airline/networks.json"

echo "== reference checks"
cargo test --release -q -p disrupt-networks --test leiden_reference -- --nocapture 2>&1 | grep "ours"
cargo test --release -q -p disrupt-detect --test minhash_reference -- --nocapture 2>&1 | grep "ours"
