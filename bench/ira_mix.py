#!/usr/bin/env python3
"""Real data for the accuracy bench: one IRA troll window (../shared/data/ira-troll-tweets-dev;
every author an operator) mixed with the real organic airline tweets
(../shared/data/organic-airline-tweets), shifted so their week starts where the window does.
Writes canonical JSON Lines and labels (IRA authors: operation "IRA"; airline users: organic).
The files may not be redistributed: they are read from beside the repository, never copied in.

Usage: bench/ira_mix.py WINDOW.csv OUT_DIR
"""
import csv
import json
import os
import sys
from datetime import datetime, timedelta, timezone

csv.field_size_limit(1 << 24)


def stamp(t):
    return t.isoformat(timespec="seconds").replace("+00:00", "Z")


def main():
    window, out_dir = sys.argv[1], sys.argv[2]
    shared = os.path.dirname(os.path.dirname(os.path.abspath(window)))
    airline = os.path.join(shared, "organic-airline-tweets", "airline_tweets.csv")
    os.makedirs(out_dir, exist_ok=True)
    records = open(os.path.join(out_dir, "records.jsonl"), "w", encoding="utf-8")
    labels = open(os.path.join(out_dir, "labels.jsonl"), "w", encoding="utf-8")
    authors, first = set(), None
    with open(window, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            t = datetime.strptime(row["publish_date"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=timezone.utc)
            first = t if first is None or t < first else first
            account = f"x:{row['author_id']}"
            authors.add(account)
            post = {"kind": "post", "id": f"x:{row['row_id']}", "account": account, "platform": "x",
                    "created_at": stamp(t), "text": row["content"]}
            records.write(json.dumps(post, ensure_ascii=False) + "\n")
    organic, airline_first, rows = set(), None, []
    with open(airline, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            t = datetime.strptime(row["created_at"], "%Y-%m-%d %H:%M").replace(tzinfo=timezone.utc)
            airline_first = t if airline_first is None or t < airline_first else airline_first
            rows.append((t, row))
    shift = first - airline_first
    for t, row in rows:
        account = f"x:airline-{row['user_name']}"
        organic.add(account)
        post = {"kind": "post", "id": f"x:airline-{row['tweet_id']}", "account": account, "platform": "x",
                "created_at": stamp(t + shift), "text": row["text"]}
        records.write(json.dumps(post, ensure_ascii=False) + "\n")
    for a in sorted(authors):
        labels.write(json.dumps({"kind": "label", "account": a, "operation": "IRA", "type": "influence"}) + "\n")
    for a in sorted(organic - authors):
        labels.write(json.dumps({"kind": "label", "account": a, "operation": "organic", "type": "organic"}) + "\n")
    print(f"ira_mix: {len(authors)} IRA authors, {len(organic)} organic accounts", file=sys.stderr)


if __name__ == "__main__":
    main()
