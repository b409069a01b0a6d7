#!/usr/bin/env python3
"""Reads product status documents (GET /admin/products/<id>, one JSON per file) and prints, on one line:
<count> <median s> <max s> <server span s>
where a product's latency is the time from its first history entry (Queued) to its first Registered entry, and the
server span is the first Queued to the last Registered over all products. Products never Registered are skipped."""
import json
import re
import statistics
import sys
from datetime import datetime


def parse(text):
    # .NET writes up to 7 fraction digits; Python takes 6.
    return datetime.fromisoformat(re.sub(r"(\.\d{6})\d+", r"\1", text))


latencies, starts, ends = [], [], []
for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as f:
        history = json.load(f).get("history") or []
    registered = [parse(h["time"]) for h in history if h.get("stage") == "Registered"]
    if not history or not registered:
        continue
    start = parse(history[0]["time"])
    latencies.append((registered[0] - start).total_seconds())
    starts.append(start)
    ends.append(registered[0])

if not latencies:
    print("0 nan nan nan")
else:
    span = (max(ends) - min(starts)).total_seconds()
    print(f"{len(latencies)} {statistics.median(latencies):.3f} {max(latencies):.3f} {span:.3f}")
