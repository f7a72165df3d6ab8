#!/usr/bin/env bash
# Every figure of BENCHMARKS.md in one command: the side-by-side run against the peers, the
# stage timings, detection and provenance accuracy with the reference checks, the harder
# scenarios, provenance at a million posts and outputs, the scam funnel figures, language
# detection, the bounded-memory runs (when root, which their cgroup needs) and the criterion
# micro-benchmarks. Takes hours at the default sizes (the peers are slow).
# Usage: bench/all.sh [SIZE...]   (sizes for bench/run.sh; default 100k 1m)
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(100k 1m)
bench/run.sh "${sizes[@]}"
# The 10M side by side, each peer step bounded (the toolkit's similarity network alone would
# run for hours): BENCHMARKS.md's session-5 10M table.
PEERS_AT_10M=1 PEER_TIMEOUT=900 PEER_MEMORY_MIB=12288 bench/run.sh 10m
if [ -s bench/runs/1m/sim/records.jsonl ]; then
  echo "== where the time goes (1m, five runs)"
  for _ in 1 2 3 4 5; do
    /usr/bin/time -f "whole run %e s, %U s user + %S s system, %M KiB peak" \
      target/release/disrupt scan bench/runs/1m/sim/records.jsonl --out bench/runs/1m/stages --verbose -q
  done
  cargo run --release -q -p disrupt-ingest --example ingest_speed -- bench/runs/1m/sim/records.jsonl
  cargo run --release -q -p disrupt-pipeline --example normalize_speed -- bench/runs/1m/sim/records.jsonl
fi
if command -v valgrind > /dev/null; then
  echo "== instructions of a whole scan at 100k (callgrind)"
  bench/instructions.sh
fi
echo "== accuracy"
bench/accuracy.sh
echo "== robustness"
bench/robustness.sh
echo "== provenance"
bench/provenance.sh 1000000
echo "== scam funnels"
bench/funnel.sh
echo "== language detection"
bench/language.sh
if [ "$(id -u)" = 0 ]; then
  # The limits BENCHMARKS.md quotes: the 4 GiB target down to half the input's size.
  for limit in 4096 2048 1536 1280; do
    echo "== bounded memory, ${limit} MiB"
    # A scan the kernel kills under a limit is a result to report, not the end of the run.
    bench/bounded.sh 10m "$limit" || echo "== bounded memory, ${limit} MiB: the scan did not finish"
  done
else
  echo "== bounded memory: skipped (needs root for its cgroup; run sudo bench/bounded.sh 10m LIMIT_MIB)"
fi
echo "== micro-benchmarks"
cargo bench -p disrupt-normalize --bench normalize -- --warm-up-time 1 --measurement-time 3
cargo bench -p disrupt-detect --bench detectors -- --warm-up-time 1 --measurement-time 3
cargo bench -p disrupt-networks --bench leiden -- --warm-up-time 1 --measurement-time 3
cargo bench -p disrupt-provenance --bench provenance -- --warm-up-time 1 --measurement-time 3
