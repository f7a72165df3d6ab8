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
