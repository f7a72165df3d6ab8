#!/usr/bin/env python3
"""A placebo of a scan's input: every account's posts moved by its own whole number of days,
wrapping inside the data's span, so each account keeps its habits (hour of day, weekday
pattern within the shift, texts, links, hashtags) and each key keeps its popularity, while
coordination between accounts is destroyed. Generations and messages are dropped (they tie
accounts by content, not timing); accounts are kept. On a placebo, every flagged account is
a false one.

Usage: bench/placebo.py INPUT.jsonl[.gz] [--seed S] > placebo.jsonl
Reads canonical JSON Lines (`created_at` as RFC 3339 or Unix seconds/milliseconds).
"""
import argparse
import gzip
import json
import random
import sys
from datetime import datetime, timezone

DAY_MS = 86_400_000


def millis(v):
    if isinstance(v, (int, float)):
        return int(v * 1000) if v < 1e11 else int(v)
    return int(datetime.fromisoformat(v.replace("Z", "+00:00")).timestamp() * 1000)


def rfc3339(ms):
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("input")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    opener = gzip.open if args.input.endswith(".gz") else open
    posts, others = [], []
    with opener(args.input, "rt", encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            r = json.loads(line)
            if r.get("kind") == "post":
                r["_t"] = millis(r["created_at"])
                posts.append(r)
            elif r.get("kind") == "account":
                others.append(r)
    if not posts:
        sys.exit("no posts")
    first = min(p["_t"] for p in posts)
    days = max(1, (max(p["_t"] for p in posts) - first) // DAY_MS + 1)
    rng = random.Random(args.seed)
    shift = {}
    out = sys.stdout
    for r in others:
        out.write(json.dumps(r, ensure_ascii=False) + "\n")
    for p in posts:
        s = shift.setdefault(p["account"], rng.randrange(days))
        t = first + (p["_t"] - first + s * DAY_MS) % (days * DAY_MS)
        p["created_at"] = rfc3339(t)
        del p["_t"]
        # A repost or reply keeps its target: the target moves with its own account.
        out.write(json.dumps(p, ensure_ascii=False) + "\n")
    print(f"placebo: {len(posts)} posts of {len(shift)} accounts over {days} days", file=sys.stderr)


if __name__ == "__main__":
    main()
