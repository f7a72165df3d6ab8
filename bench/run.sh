#!/usr/bin/env bash
# The side-by-side benchmark: disrupt, coordination-network-toolkit 1.5.2 and datasketch on
# the same simulated posts. Usage: bench/run.sh [SIZE...] with SIZE in 100k, 1m, 10m
# (default: 100k 1m). Writes bench/runs/results.md; BENCHMARKS.md quotes it.
# At 10m the peers are skipped unless PEERS_AT_10M=1: the toolkit's co_similar_tweet alone took
# 13 minutes at 897k posts and grows faster than linearly. PEER_TIMEOUT=SECONDS and
# PEER_MEMORY_MIB=MIB bound each peer step; one that passes a bound is reported as such.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("${@:-100k 1m}")
[ $# -eq 0 ] && sizes=(100k 1m)
work=bench/runs
mkdir -p "$work"
cargo build --release -q
bin=$PWD/target/release/disrupt
if [ ! -x bench/.venv/bin/compute_networks ]; then
  python3 -m venv bench/.venv
  bench/.venv/bin/pip install -q coordination-network-toolkit==1.5.2 datasketch==2.0.0
fi
py=bench/.venv/bin/python
command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time; }

# measure LABEL CMD...: appends "label seconds peak_kib status" to $work/times.txt, where
# status is ok, timeout (past PEER_TIMEOUT seconds) or oom (past PEER_MEMORY_MIB). A peer
# that does not finish is a result, not an error; disrupt must finish.
measure() {
  local label=$1; shift
  local status=ok rc=0
  /usr/bin/time -f "%e %M" -o "$work/.t" "$@" > "$work/.out" 2> "$work/.err" || rc=$?
  if [ $rc -ne 0 ]; then
    if [ -n "${PEER_TIMEOUT:-}" ] && [ $rc -eq 137 ]; then
      status=timeout
    elif grep -q "MemoryError\|Cannot allocate memory\|out of memory" "$work/.err"; then
      status=oom
    else
      cat "$work/.err"; exit 1
    fi
  fi
  echo "$label $(tail -1 "$work/.t") $status" >> "$work/times.txt"
  [ $status = ok ]
}

for size in "${sizes[@]}"; do
  case $size in
    100k) scale=7000 ;;
    1m) scale=70000 ;;
    10m) scale=700000 ;;
    *) echo "unknown size $size"; exit 2 ;;
  esac
  d=$work/$size
  rm -rf "$d"; mkdir -p "$d"
  : > "$work/times.txt"
  $bin simulate --scale $scale --seed 42 --out "$d/sim" > /dev/null

  measure "disrupt_scan" $bin scan "$d/sim/records.jsonl" --out "$d/disrupt" -q
  $bin eval --truth "$d/sim/labels.jsonl" "$d/disrupt" --json > "$d/disrupt-eval.json"
  if [ "$size" = 10m ] && [ "${PEERS_AT_10M:-0}" != 1 ]; then
    echo "10m: disrupt $(grep disrupt_scan "$work/times.txt")" | tee "$d/results.md"
    continue
  fi

  $py bench/to_toolkit_csv.py "$d/sim/records.jsonl" "$d/toolkit.csv"
  posts=$(($(wc -l < "$d/toolkit.csv") - 1))
  db=$d/toolkit.db
  measure "toolkit_preprocess" bench/peer.sh bench/.venv/bin/compute_networks "$db" preprocess --format csv "$d/toolkit.csv"
  for net in co_tweet co_similar_tweet co_retweet co_link; do
    if measure "toolkit_$net" bench/peer.sh bench/.venv/bin/compute_networks "$db" compute $net --time_window 60 --min_edge_weight 2; then
      $py bench/toolkit_networks.py "$db" "${net}_network" 2 > "$d/toolkit-$net.json"
    fi
  done
  # The empty-URL bug (#46): every post without a link shares the URL ''. Fixed run:
  sqlite3_fix="delete from message_url where url = ''; drop table if exists co_link_network;"
  $py -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.executescript(sys.argv[2]); c.commit()" "$db" "$sqlite3_fix"
  if measure "toolkit_co_link_fixed" bench/peer.sh bench/.venv/bin/compute_networks "$db" compute co_link --time_window 60 --min_edge_weight 2; then
    $py bench/toolkit_networks.py "$db" co_link_network 2 > "$d/toolkit-co_link_fixed.json"
  fi

  if measure "datasketch_lsh" bench/peer.sh $py bench/datasketch_near_dup.py "$d/sim/records.jsonl"; then
    cp "$work/.out" "$d/datasketch.json"
  fi

  $py bench/score.py "$d" "$posts" "$work/times.txt" > "$d/results.md"
  cat "$d/results.md"
done
cat "$work"/*/results.md > "$work/results.md"
