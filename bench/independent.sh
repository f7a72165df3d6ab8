#!/bin/bash
# Accuracy on data disrupt did not generate (BENCHMARKS.md, "Data disrupt did not
# generate"): independent scenarios of bench/scenario.py and their day-shift placebos, the
# real IRA windows mixed with the real airline tweets, organic news bursts, CooRTweet's
# German election data; each scanned at default settings with three calibration runs, and
# scored where there is truth. Data beside the repository (../shared/data) is read in
# place, never copied; without it those rows are skipped.
#
# Usage: bench/independent.sh [WORK_DIR]   (default: a temporary folder)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
shared="$repo/../shared/data"
work=${1:-$(mktemp -d)}
mkdir -p "$work"
step() { printf '%s  %s\n' "$(date +%T)" "$*" >&2; }
step "building"
cargo build --release --quiet --manifest-path "$repo/Cargo.toml"
B="$repo/target/release/disrupt"
row() {
    local name=$1 records=$2 labels=$3
    step "$name"
    "$B" scan "$records" --out "$work/$name.out" -q --calibrate 3 > /dev/null
    "$B" eval --truth "$labels" "$work/$name.out" --json > "$work/$name.eval.json"
    python3 - "$name" "$work/$name.out/networks.json" "$work/$name.eval.json" <<'PY'
import json, sys
name, doc, ev = sys.argv[1], json.load(open(sys.argv[2])), json.load(open(sys.argv[3]))
c = doc.get("calibration") or {}
ops = ev["operations"]
print(f"| {name} | {ev['recall']:.3f} | {ev['f1']:.3f} | {ev['false_positives']} of {ev['organic_accounts']} | "
      f"{c.get('expected_false_accounts', float('nan')):.1f} | {min([o['jaccard'] for o in ops] or [0]):.2f} |")
PY
}
echo "| data | recall | F1 | organic flagged | calibration estimate | worst operation's Jaccard |"
echo "|---|---|---|---|---|---|"
for spec in "1 1.0" "2 1.5" "4 11"; do
    set -- $spec
    dir="$work/scenario-$1"
    if [ ! -f "$dir/labels.jsonl" ]; then
        step "scenario seed $1 at scale $2"
        python3 "$here/scenario.py" --out "$dir" --seed "$1" --scale "$2" >&2
        python3 "$here/placebo.py" "$dir/records.jsonl" > "$dir/placebo.jsonl"
    fi
    row "scenario-seed$1" "$dir/records.jsonl" "$dir/labels.jsonl"
    row "scenario-seed$1-placebo" "$dir/placebo.jsonl" "$dir/labels.jsonl"
done
row fixture "$repo/tests/fixtures/independent-scenario/records.jsonl.gz" "$repo/tests/fixtures/independent-scenario/labels.jsonl"
if [ -d "$shared/ira-troll-tweets-dev" ]; then
    for window in 2016-11-01_2016-11-14 2017-08-10_2017-08-20; do
        [ -f "$work/ira-$window/labels.jsonl" ] || python3 "$here/ira_mix.py" "$shared/ira-troll-tweets-dev/ira_tweets_$window.csv" "$work/ira-$window" 2>&1 >&2
        row "ira-$window" "$work/ira-$window/records.jsonl" "$work/ira-$window/labels.jsonl"
    done
else
    step "skipped: the IRA windows are not redistributable and ../shared/data is not beside the repository"
fi
step "news bursts"
python3 "$here/news_bursts.py" > "$work/news.jsonl"
"$B" scan "$work/news.jsonl" --out "$work/news.out" -q --calibrate 3 > /dev/null
python3 -c "
import json; d = json.load(open('$work/news.out/networks.json'))
print('news bursts: %d accounts flagged of 5000 organic; calibration %.1f' % (sum(len(n['accounts']) for n in d['networks']), d['calibration']['expected_false_accounts']))"
if [ -f "$shared/coortweet/german_elections.csv" ]; then
    step "CooRTweet German elections"
    python3 "$here/coortweet_german.py" "$shared/coortweet/german_elections.csv" > "$work/german.jsonl"
    "$B" scan "$work/german.jsonl" --out "$work/german.out" -q --calibrate 3 > /dev/null
    python3 -c "
import json; d = json.load(open('$work/german.out/networks.json')); c = d['calibration']
print('German elections: %d networks, %d accounts flagged; calibration %.1f accounts in %.1f networks' % (len(d['networks']), sum(len(n['accounts']) for n in d['networks']), c['expected_false_accounts'], c['expected_false_networks']))"
fi
