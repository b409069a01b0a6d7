#!/usr/bin/env python3
"""Catalog search latency: raw SQL (psql) vs OpenSearch JSON/Atom and STAC search over HTTP, same queries, same DB.

Queries: seeded RNG, 10x10 deg bbox + 1-month window + one collection, count/limit = 100; 60% on the dense European
collection BENCH_S2, 20% each on BENCH_L8 and BENCH_ENV (see generate.sql), box centres inside the collection's area.
Every method gets the same filter: bbox intersects, time intersects [start, end], that collection, first 100 in
(begin_time, identifier) order.
Raw SQL = the catalog's main search statement only (products JOIN product_types, every product column with the
footprint as WKT text, the collection test on
products.collection_ids, ORDER BY begin_time, identifier COLLATE "C" LIMIT 100), run by one
psql session per pass with \\timing (client-side: send, execute, receive every row; output to /dev/null). It does
not count the total, nor load collections/coverages/browses, nor encode; the HTTP endpoints do what they need of that
(OpenSearch: collection check + count(*) + search + child rows + encoding; STAC: search of limit+1 + child rows).
HTTP: one keep-alive connection (http.client), time from request to the last body byte.
A warm-up pass also checks that each method returns the same identifiers as the raw SQL, in order.
Then PASSES passes, each running every method over all queries in turn (raw, os-json, os-atom, stac).
"""
import argparse, http.client, json, random, re, statistics, subprocess, sys, time
import xml.etree.ElementTree as ET
from datetime import date

AREAS = {  # collection -> (lon0, lon1, lat0, lat1) of the footprint centres
    "BENCH_S2": (-10, 30, 36, 60), "BENCH_L8": (-175, 175, -75, 75), "BENCH_ENV": (-165, 165, -70, 70)}


def make_queries(n, seed):
    rng = random.Random(seed)
    out = []
    for i in range(n):
        coll = "BENCH_S2" if i % 5 < 3 else ("BENCH_L8" if i % 5 == 3 else "BENCH_ENV")
        lon0, lon1, lat0, lat1 = AREAS[coll]
        cx = rng.uniform(max(lon0, -175), min(lon1, 175)); cy = rng.uniform(max(lat0, -80), min(lat1, 80))
        bbox = (round(cx - 5, 3), round(cy - 5, 3), round(cx + 5, 3), round(cy + 5, 3))
        m = rng.randrange(60)  # months of 2019 .. 2023
        y, mo = 2019 + m // 12, m % 12 + 1
        start = f"{y}-{mo:02d}-01T00:00:00Z"
        ny, nmo = (y + 1, 1) if mo == 12 else (y, mo + 1)
        end = f"{ny}-{nmo:02d}-01T00:00:00Z"  # inclusive bound, as OpenSearch end / STAC datetime interval
        out.append({"coll": coll, "bbox": bbox, "start": start, "end": end})
    return out


def raw_sql(q, columns="*"):
    x0, y0, x1, y1 = q["bbox"]
    inner = f"""SELECT p.id, p.identifier, t.name, p.begin_time, p.end_time, ST_AsText(p.footprint), p.platform,
 p.instrument, p.sensor_type, p.cloud_cover, p.orbit_number, p.orbit_direction, p.acquisition_type,
 p.processing_center, p.status, p.properties::text, p.raw_metadata, p.prefix, p.updated_at
FROM products p JOIN product_types t ON t.id = p.product_type_id
WHERE ST_Intersects(p.footprint, ST_MakeEnvelope({x0}, {y0}, {x1}, {y1}, 4326))
 AND p.end_time >= '{q["start"]}' AND p.begin_time <= '{q["end"]}'
 AND p.collection_ids && ARRAY(SELECT id FROM collections WHERE identifier = ANY('{{{q["coll"]}}}'))
ORDER BY p.begin_time, p.identifier COLLATE "C" LIMIT 100"""
    return inner if columns == "*" else f"SELECT {columns} FROM ({inner}) s"


def psql(conninfo, script):
    r = subprocess.run(["psql", "-X", "-q", "-tA", "-v", "ON_ERROR_STOP=1", "-d", conninfo],
                       input=script, capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        sys.exit(f"psql failed: {r.stderr[-2000:]}")
    return r.stdout


def raw_identifiers(conninfo, queries):
    script = "".join(f"\\echo @@{i}\n{raw_sql(q, 'identifier')};\n" for i, q in enumerate(queries))
    ids, cur = {}, None
    for line in psql(conninfo, script).splitlines():
        if line.startswith("@@"): cur = int(line[2:]); ids[cur] = []
        elif line: ids[cur].append(line)
    return [ids.get(i, []) for i in range(len(queries))]


COLLECTIONS_SQL = """SELECT c.identifier, count(p.id), min(p.begin_time), max(p.end_time) FROM collections c
 LEFT JOIN product_collections pc ON pc.collection_id = c.id LEFT JOIN products p ON p.id = pc.product_id
 GROUP BY c.id, c.identifier ORDER BY c.identifier COLLATE "C\""""


def count_sql(q):
    return re.sub(r"^SELECT .*?\nFROM products p JOIN product_types t ON t.id = p.product_type_id",
                  "SELECT count(*) FROM products p", raw_sql(q), flags=re.S).replace(
        '\nORDER BY p.begin_time, p.identifier COLLATE "C" LIMIT 100', "")


def raw_pass(conninfo, queries, sql=raw_sql):
    script = "\\timing on\n\\o /dev/null\n" + "".join(sql(q) + ";\n" for q in queries)
    times = [float(t) for t in re.findall(r"^Time: ([0-9.]+) ms", psql(conninfo, script), re.M)]
    if len(times) != len(queries): sys.exit(f"psql printed {len(times)} timings for {len(queries)} queries")
    return times


def url(method, q):
    bbox = ",".join(str(v) for v in q["bbox"])
    if method == "stac":
        return f"/stac/search?bbox={bbox}&datetime={q['start']}/{q['end']}&collections={q['coll']}&limit=100"
    fmt = "json" if method == "os-json" else "atom"
    return f"/opensearch/collections/{q['coll']}/{fmt}/?bbox={bbox}&start={q['start']}&end={q['end']}&count=100"


class Http:
    def __init__(self, port): self.port = port; self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def get(self, path):
        for attempt in (0, 1):
            try:
                t0 = time.perf_counter()
                self.conn.request("GET", path)
                r = self.conn.getresponse(); body = r.read()
                return time.perf_counter() - t0, r.status, body
            except (http.client.HTTPException, ConnectionError):
                if attempt: raise
                self.conn.close(); self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)


def identifiers(method, body):
    if method == "os-atom":
        ns = {"a": "http://www.w3.org/2005/Atom", "dc": "http://purl.org/dc/elements/1.1/"}
        root = ET.fromstring(body)
        out = []
        for e in root.findall("a:entry", ns):
            ident = e.find("dc:identifier", ns)
            out.append(ident.text if ident is not None else e.findtext("a:title", namespaces=ns))
        return out
    doc = json.loads(body)
    return [f.get("id") if method == "stac" else (f.get("properties", {}).get("identifier") or f.get("id"))
            for f in doc["features"]]


def pct(xs, p):
    xs = sorted(xs); k = (len(xs) - 1) * p / 100; lo = int(k); hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True); ap.add_argument("--db", required=True)
    ap.add_argument("--queries", type=int, default=50); ap.add_argument("--passes", type=int, default=3)
    ap.add_argument("--seed", type=int, default=4)
    a = ap.parse_args()
    queries = make_queries(a.queries, a.seed)
    http_ = Http(a.port)
    methods = ["os-json", "os-atom", "stac"]

    # warm-up + correctness
    expected = raw_identifiers(a.db, queries)
    raw_pass(a.db, queries)
    mismatches = []
    for i, q in enumerate(queries):
        for m in methods:
            _, status, body = http_.get(url(m, q))
            if status != 200: sys.exit(f"{m} {url(m, q)} answered {status}: {body[:500]!r}")
            got = identifiers(m, body)
            if got != expected[i]: mismatches.append((m, i, len(got), len(expected[i])))
    hits = [len(e) for e in expected]
    print(f"queries: {len(queries)} (seed {a.seed}; 30 BENCH_S2 / 10 BENCH_L8 / 10 BENCH_ENV), hits per query: "
          f"min {min(hits)}, median {statistics.median(hits):g}, max {max(hits)}, {sum(h == 100 for h in hits)} full pages of 100")
    if mismatches:
        for m, i, g, e in mismatches[:10]: print(f"  MISMATCH {m} query {i}: {g} identifiers vs raw {e} (or order differs)")
        sys.exit("results differ from the raw SQL")
    print("check: every method returned exactly the raw SQL identifiers, in the same order")

    samples = {m: [] for m in ["raw-sql"] + methods}
    for _ in range(a.passes):
        samples["raw-sql"] += raw_pass(a.db, queries)
        for m in methods:
            for q in queries:
                dt, status, _ = http_.get(url(m, q))
                if status != 200: sys.exit(f"{m} answered {status}")
                samples[m].append(dt * 1000)
    base = pct(samples["raw-sql"], 50)
    print(f"{'method':<22}{'n':>5}{'p50 ms':>10}{'p90 ms':>10}{'p50/raw':>10}{'p90/raw p50':>13}")
    names = {"raw-sql": "raw SQL (psql)", "os-json": "OpenSearch JSON", "os-atom": "OpenSearch Atom", "stac": "STAC /search GET"}
    for m, xs in samples.items():
        p50, p90 = pct(xs, 50), pct(xs, 90)
        print(f"{names[m]:<22}{len(xs):>5}{p50:>10.2f}{p90:>10.2f}{p50 / base:>9.2f}x{p90 / base:>12.2f}x")
    # Where the endpoints' time goes: the other statements they run per request, timed the same way.
    count_ms = pct(raw_pass(a.db, queries, count_sql), 50)
    coll_ms = pct(raw_pass(a.db, queries, lambda q: COLLECTIONS_SQL), 50)
    print(f"breakdown (psql, 1 pass, p50): count(*) with the same filter {count_ms:.2f} ms (OpenSearch totalResults); "
          f"collection summary (GetCollectionsAsync, aggregates every product; OpenSearch runs it per request "
          f"to check the collection) {coll_ms:.2f} ms")
    worst = max(pct(samples[m], 50) / base for m in methods)
    print(f"goal p50 <= 2x raw SQL: {'met' if worst <= 2 else 'NOT met'} (worst {worst:.2f}x)")


if __name__ == "__main__":
    main()
