"""Reads the accounts of a coordination-network-toolkit network from its SQLite database
(its CSV export crashes in 1.5.2). Prints one JSON line with the flagged accounts."""
import json
import sqlite3
import sys

db, table, min_weight = sys.argv[1], sys.argv[2], float(sys.argv[3])
con = sqlite3.connect(db)
accounts = set()
for u1, u2 in con.execute(f"select user_1, user_2 from {table} where weight >= ? and user_1 != user_2", (min_weight,)):
    accounts.add(u1)
    accounts.add(u2)
print(json.dumps({"flagged": sorted(accounts)}))
