"""Turns one size's timings and flagged-account lists into a Markdown table: wall time,
peak RSS, recall of planted operation accounts and organic accounts flagged."""
import json
import sys

d, posts, times = sys.argv[1], int(sys.argv[2]), sys.argv[3]
labels = {}
for line in open(f"{d}/sim/labels.jsonl"):
    r = json.loads(line)
    labels[r["account"]] = r["operation"] != "organic"
ops = sum(labels.values())
organic = len(labels) - ops

def score(flagged):
    tp = sum(1 for a in flagged if labels.get(a))
    fp = sum(1 for a in flagged if a in labels and not labels[a])
    return f"{tp / ops:.3f}", f"{fp}"

measured = {}
for line in open(times):
    label, secs, kib = line.split()
    measured[label] = (float(secs), int(kib))

rows = []
ev = json.load(open(f"{d}/disrupt-eval.json"))
s, k = measured["disrupt_scan"]
rows.append(("disrupt scan (all six signals, networks, outputs)", s, k, f"{ev['recall']:.3f}", str(ev["false_positives"])))
s, k = measured["toolkit_preprocess"]
rows.append(("toolkit preprocess", s, k, "", ""))
for net in ["co_tweet", "co_similar_tweet", "co_retweet", "co_link", "co_link_fixed"]:
    s, k = measured[f"toolkit_{net}"]
    flagged = json.load(open(f"{d}/toolkit-{net}.json"))["flagged"]
    r, f = score(flagged)
    name = "co_link with the empty-URL fix" if net == "co_link_fixed" else net
    rows.append((f"toolkit {name}", s, k, r, f))
total = sum(measured[k][0] for k in ["toolkit_preprocess", "toolkit_co_tweet", "toolkit_co_similar_tweet", "toolkit_co_retweet", "toolkit_co_link"])
rows.append(("toolkit preprocess + four networks", total, max(measured[k][1] for k in measured if k.startswith("toolkit")), "", ""))
s, k = measured["datasketch_lsh"]
r, f = score(json.load(open(f"{d}/datasketch.json"))["flagged"])
rows.append(("datasketch MinHashLSH near-duplicates (no time window)", s, k, r, f))

print(f"\n### {posts:,} posts ({len(labels):,} accounts, {ops} in planted operations)\n")
print("| run | wall time (s) | peak RSS (MiB) | recall of operation accounts | organic accounts flagged |")
print("|---|---|---|---|---|")
for name, s, k, r, f in rows:
    print(f"| {name} | {s:.2f} | {k / 1024:.0f} | {r} | {f} |")
