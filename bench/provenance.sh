#!/usr/bin/env bash
# Provenance matching at scale: N generation outputs (batches of five) and N posts, a tenth of
# them disguised copies of an output (bench/provenance_data.py). Runs `disrupt scan --verbose`
# and prints the link stage's index build and matching times, then precision and recall
# against the true links, per disguise. Usage: bench/provenance.sh [N]  (default 1000000)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
cargo build --release -q
d=bench/runs/provenance-$n
[ -s "$d/records.jsonl" ] || python3 bench/provenance_data.py "$n" "$d"
./target/release/disrupt scan "$d/records.jsonl" --out "$d/out" --verbose -q 2>&1 | grep -E "ingest|provenance|peak RSS" | head -8
python3 - "$d/provenance_truth.jsonl" "$d/out/provenance.jsonl" <<'PY'
import json, sys
from collections import Counter
truth = {}
for l in open(sys.argv[1]):
    v = json.loads(l); truth[v["post"]] = (v["generation"], v["output"], v["perturbation"])
found = {}
for l in open(sys.argv[2]):
    v = json.loads(l); found[v["post"]] = (v["generation"], v["output"])
ok = sum(1 for p, k in found.items() if p in truth and truth[p][:2] == k)
print(f"links found {len(found)}, true {len(truth)}, correct {ok}: precision {ok / max(1, len(found)):.4f} recall {ok / len(truth):.4f}")
c, h = Counter(), Counter()
for p, (g, o, d) in truth.items():
    c[d] += 1
    h[d] += found.get(p) == (g, o)
print("  " + "  ".join(f"{d} {h[d] / c[d]:.3f}" for d in c))
PY
