"""Converts disrupt canonical JSONL posts to the coordination-network-toolkit CSV
(message_id,user_id,username,repost_id,reply_id,message,timestamp,urls), the same bytes
both tools then read. URLs are extracted from the text (space-separated in the CSV)."""
import csv
import json
import re
import sys
from datetime import datetime

URL = re.compile(r"https?://\S+")
src, dst = sys.argv[1], sys.argv[2]
with open(src, encoding="utf-8") as f, open(dst, "w", newline="", encoding="utf-8") as out:
    w = csv.writer(out)
    w.writerow(["message_id", "user_id", "username", "repost_id", "reply_id", "message", "timestamp", "urls"])
    for line in f:
        r = json.loads(line)
        if r.get("kind") != "post":
            continue
        ts = int(datetime.fromisoformat(r["created_at"].replace("Z", "+00:00")).timestamp())
        urls = " ".join(u.rstrip(".,;)") for u in URL.findall(r["text"]))
        w.writerow([r["id"], r["account"], r["account"], r.get("repost_of", ""), r.get("reply_to", ""), r["text"], ts, urls])
