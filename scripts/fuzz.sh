#!/usr/bin/env bash
# Runs every fuzz target (fuzz/fuzz_targets) for FUZZ_SECONDS each (60 by default), from
# the seeds in fuzz/seeds plus what earlier runs found (fuzz/corpus, not committed).
# Fails on the first crash; the input is left in fuzz/artifacts/TARGET/.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
seconds=${FUZZ_SECONDS:-60}
if ! command -v cargo-fuzz >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked --version 0.13.2 >/dev/null
fi
# The stable toolchain builds with the sanitizer flags cargo fuzz passes.
export RUSTC_BOOTSTRAP=1
started=$(date +%s)
cargo fuzz build -O
echo "fuzz: build took $(( $(date +%s) - started )) s"
for target in $(cargo fuzz list); do
  mkdir -p "corpus/$target" "seeds/$target"
  started=$(date +%s)
  # -rss_limit_mb: a reader that a small input makes allocate gigabytes is a bug too.
  log="artifacts/$target.log"
  mkdir -p artifacts
  status=0
  cargo fuzz run -O "$target" "corpus/$target" "seeds/$target" -- \
    -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=65536 >"$log" 2>&1 || status=$?
  if [ "$status" -ne 0 ]; then
    tail -n 40 "$log" >&2
    echo "fuzz: $target failed (exit $status); the input is in fuzz/artifacts/$target/" >&2
    exit 1
  fi
  runs=$(grep -oE "^#[0-9]+" "$log" | tail -n 1 || true)
  echo "fuzz: $target ran $(( $(date +%s) - started )) s (${runs#\#} inputs), no crash"
done
