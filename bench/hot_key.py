#!/usr/bin/env python3
"""A hot key: one hashtag (or one reposted post) used RATE times a minute for MINUTES
minutes by accounts drawn from a pool, with heavy-tailed activity, as a trend is. Nothing in
it is coordinated (a scan should flag no one, in bounded memory and near-linear time)
unless --ring N adds N accounts that post on the key together in 12 bursts, 20 s apart,
hidden in the trend: those, and only those, should be flagged.

Usage: bench/hot_key.py [--posts N] [--rate PER_MINUTE] [--accounts N] [--kind hashtag|repost]
       [--ring N] [--seed S] > hot.jsonl
"""
import argparse
import json
import random
import sys
from datetime import datetime, timedelta, timezone

WORDS = ("the a to of and in is it you that for on with this was are be at not have but my so "
         "what all just they we do if about up out like can one people time good now know get "
         "today vote game news love day tonight rain city team watch again never new best").split()

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--posts", type=int, default=54000)
    ap.add_argument("--rate", type=float, default=300.0, help="posts a minute on the hot key")
    ap.add_argument("--accounts", type=int, default=20000)
    ap.add_argument("--kind", choices=("hashtag", "repost"), default="hashtag")
    ap.add_argument("--ring", type=int, default=0, help="coordinated accounts hidden in the trend")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    start = datetime(2026, 5, 1, 12, tzinfo=timezone.utc)
    span_ms = args.posts / args.rate * 60_000
    # Heavy-tailed activity: a few accounts post often, most once or twice.
    weights = [1.0 / (i + 1) ** 0.8 for i in range(args.accounts)]
    accounts = rng.choices(range(args.accounts), weights=weights, k=args.posts)
    out = sys.stdout
    if args.kind == "repost":
        t = start.isoformat(timespec="milliseconds").replace("+00:00", "Z")
        out.write(json.dumps({"kind": "post", "id": "x:viral", "account": "x:origin", "platform": "x",
                              "created_at": t, "text": "Breaking: the bridge is closed tonight"}) + "\n")
    def emit(post_id, account, at_ms):
        t = start + timedelta(milliseconds=at_ms)
        record = {"kind": "post", "id": post_id, "account": account, "platform": "x",
                  "created_at": t.isoformat(timespec="milliseconds").replace("+00:00", "Z")}
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 16)))
        if args.kind == "hashtag":
            record["text"] = f"{words} #trend"
        else:
            record["text"] = ""
            record["repost_of"] = "x:viral"
        out.write(json.dumps(record) + "\n")

    for i, a in enumerate(accounts):
        emit(f"x:h{i}", f"x:a{a}", rng.uniform(0, span_ms))
    for burst in range(12 if args.ring else 0):
        at = rng.uniform(0, max(span_ms - 60_000, 0))
        for member in range(args.ring):
            emit(f"x:ring{burst}-{member}", f"x:ring{member}", at + rng.uniform(0, 20_000))

if __name__ == "__main__":
    main()
