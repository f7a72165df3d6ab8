#!/usr/bin/env python3
"""Organic news bursts: ARTICLES news links a day for DAYS days, each shared by accounts
within minutes of its publication (delays drawn from an exponential of mean 4 minutes),
the sharers drawn by heavy-tailed activity (a few news junkies share most articles). No
one coordinates: whatever a scan flags here is false. The shape behind an independent
1M-post set's 58 heaviest posters flagged as one "spam" network.

Usage: bench/news_bursts.py [--days 7] [--articles 150] [--accounts 5000] [--seed 1] > news.jsonl
"""
import argparse
import json
import random
from datetime import datetime, timedelta, timezone

WORDS = ("breaking report officials say new study shows city council vote market shares fall storm "
         "warning election results court ruling minister resigns price rise strike talks").split()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--days", type=int, default=7)
    ap.add_argument("--articles", type=int, default=150)
    ap.add_argument("--accounts", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    start = datetime(2026, 6, 1, tzinfo=timezone.utc)
    weights = [1.0 / (i + 1) ** 1.1 for i in range(args.accounts)]
    n = 0
    for day in range(args.days):
        for a in range(args.articles):
            published = start + timedelta(days=day, seconds=rng.uniform(6 * 3600, 23 * 3600))
            url = f"https://news{a % 12}.example.com/{day}/{a}/story"
            sharers = set(rng.choices(range(args.accounts), weights=weights, k=rng.randint(5, 60)))
            for s in sharers:
                t = published + timedelta(seconds=rng.expovariate(1 / 240))
                title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 10)))
                print(json.dumps({"kind": "post", "id": f"x:n{n}", "account": f"x:u{s}", "platform": "x",
                                  "created_at": t.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
                                  "text": f"{title} {url}"}))
                n += 1
        # Everyday chatter, so accounts have a life besides the news.
        for _ in range(args.accounts // 2):
            s = rng.choices(range(args.accounts), weights=weights)[0]
            t = start + timedelta(days=day, seconds=rng.uniform(0, 86400))
            print(json.dumps({"kind": "post", "id": f"x:n{n}", "account": f"x:u{s}", "platform": "x",
                              "created_at": t.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
                              "text": " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 12)))}))
            n += 1


if __name__ == "__main__":
    main()
