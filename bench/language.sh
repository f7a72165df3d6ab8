#!/usr/bin/env bash
# Language detection on its own line (BENCHMARKS.md): the 100k simulated posts with every
# `lang` removed, scanned with language detection (the default: only the posts of flagged
# accounts are detected) and without it (`--no-detect-language`), three runs each, then the
# per-sentence cost of whatlang (criterion).
# Usage: bench/language.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q
bin=$PWD/target/release/disrupt
d=bench/runs/language
mkdir -p "$d"
[ -s "$d/sim/records.jsonl" ] || $bin simulate --scale 7000 --seed 42 --out "$d/sim" > /dev/null
python3 - "$d/sim/records.jsonl" "$d/no_lang.jsonl" <<'PY'
import json, sys
with open(sys.argv[1]) as src, open(sys.argv[2], "w") as dst:
    for line in src:
        record = json.loads(line)
        record.pop("lang", None)
        dst.write(json.dumps(record, ensure_ascii=False) + "\n")
PY
for run in 1 2 3; do
  for mode in detect no-detect; do
    flag=""
    [ "$mode" = no-detect ] && flag=--no-detect-language
    /usr/bin/time -f "$mode run $run: whole scan %e s, %M KiB peak" \
      $bin scan "$d/no_lang.jsonl" --out "$d/out-$mode" -q --verbose $flag 2>&1 | grep -E "whole scan|^  (ingest|languages) "
  done
done
cargo bench -q -p disrupt-normalize --bench normalize -- --warm-up-time 1 --measurement-time 3 language 2>&1 \
  | grep -E "^normalize/detect_language|time: +\[[0-9.]+ .s"
