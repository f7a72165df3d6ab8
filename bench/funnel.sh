#!/usr/bin/env bash
# Scam-funnel figures of BENCHMARKS.md: stage accuracy on the hand-written labelled set, lure
# detection on the public SMS/phishing corpora in ../shared/data (tuned on even rows, reported
# on odd rows), and the time to stage a million messages.
# Usage: bench/funnel.sh [DATA_DIR]  (default ../shared/data)
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-../shared/data}
cargo test --release -q -p disrupt-funnel --test labelled_set -- --nocapture 2>&1 | grep "stage accuracy"
cargo run --release -q -p disrupt-funnel --example lure_eval -- "$data"
cargo run --release -q -p disrupt-funnel --example stage_speed -- 1000000

# Simulated scam operations (ads, Indonesian chats, escalating requests) and their look-alikes,
# at the default scale and ten times it: stage accuracy, whether each operation sits whole in
# one scam network, look-alikes flagged, and the funnel stage's time within a scan.
cargo build --release -q
for run in "5000 11" "50000 12"; do
  set -- $run
  d=$(bench/simulated.sh "$1" "$2")
  grep -E "^  (funnel|networks) " "$d/stages.txt"
  echo "scale $1 seed $2:"
  grep -E "scam-|message stages|true \\\\|^  (ping|zing|sting|other) |scam_target|legit_seller|shop_|friend_loan|couple" "$d/eval.txt"
done
