#!/usr/bin/env bash
# Catalog search latency at 100 000 products (issue 4): OpenSearch JSON, OpenSearch Atom and STAC /search over HTTP
# vs the raw SQL search statement on the same PostgreSQL database, printed as ratios to the raw SQL p50 (goal <= 2x).
#   1. A fresh database on the PostgreSQL of scripts/services.sh; the gateway (Release build, cluster profile: that
#      database, Redis queue names and s3rver buckets of its own, logging Warning) applies the migrations at start.
#   2. bench/search/generate.sql inserts 100 000 products (3 collections) with INSERT ... SELECT generate_series; ANALYZE.
#   3. bench/search/run.py: 50 seeded bbox (10x10 deg) + 1-month + collection queries, count/limit 100; a warm-up pass
#      checks that every method returns the raw SQL's identifiers in order, then 3 timed passes; p50/p90 per method.
#      What the raw SQL statement includes (and leaves out) is described at the top of run.py.
# Prints the results and saves them as bench/results/search-<date>.txt. Everything it creates is removed on exit.
# Usage: bench/search-bench.sh [--queries 50] [--passes 3] [--seed 4]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/bench/lib.sh"
PG_PORT=${PG_PORT:-55432} REDIS_PORT=${REDIS_PORT:-56379} S3=${S3_ENDPOINT:-http://127.0.0.1:54569}
QUERIES=50 PASSES=3 SEED=4
while [ $# -gt 0 ]; do
  case "$1" in
    --queries) QUERIES=$2; shift 2 ;;
    --passes) PASSES=$2; shift 2 ;;
    --seed) SEED=$2; shift 2 ;;
    *) echo "usage: $0 [--queries N] [--passes N] [--seed N]" >&2; exit 2 ;;
  esac
done

RUN=s$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
WORK=$(mktemp -d /tmp/search-bench.XXXXXX)
DB="prism_bench_$RUN"
IN="in-$RUN" OUT_BUCKET="out-$RUN"
GW_PID="" DB_CREATED=0 HTTP_PORT=""
DATE=$(date +%Y%m%d-%H%M%S)
OUT=$ROOT/bench/results/search-$DATE.txt

psql_admin() { psql -X -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -qtA -c "$1"; }
rcli() { redis-cli -p "$REDIS_PORT" "$@"; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

cleanup() {
  stop_gateway
  [ "$DB_CREATED" = 1 ] && { psql_admin "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" >/dev/null 2>&1 || true; }
  delete_bucket "$IN"; delete_bucket "$OUT_BUCKET"
  rcli --scan --pattern "$RUN:*" 2>/dev/null | xargs -r -n 100 redis-cli -p "$REDIS_PORT" DEL >/dev/null 2>&1 || true
  rcli DEL "prism:consumer:consumer-$RUN" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

psql_admin 'select 1' >/dev/null || { echo "PostgreSQL is not answering on 127.0.0.1:$PG_PORT: scripts/services.sh start" >&2; exit 1; }
rcli ping >/dev/null || { echo "Redis is not answering on 127.0.0.1:$REDIS_PORT: scripts/services.sh start" >&2; exit 1; }
curl -s --max-time 5 -o /dev/null "$S3/" || { echo "s3rver is not answering on $S3: scripts/services.sh start" >&2; exit 1; }

T_START=$(now)
echo "== build (Release)"
BUILD_OUT=$(dotnet build "$ROOT/Gateway/Gateway.csproj" -c Release -nologo -v quiet 2>&1) \
  || { grep -E "error|warn" <<< "$BUILD_OUT" | sort -u | head -20 >&2; echo "build failed" >&2; exit 1; }
BIN="$ROOT/Gateway/bin/Release/net10.0"
[ -f "$BIN/Prism.Gateway.dll" ] || { echo "no $BIN/Prism.Gateway.dll" >&2; exit 1; }

echo "== database $DB, gateway (cluster profile)"
psql_admin "CREATE DATABASE \"$DB\"" >/dev/null; DB_CREATED=1
CONN="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=$DB"
HTTP_PORT=$(free_port)
q="$RUN:"
( cd "$BIN" && exec env ASPNETCORE_URLS="http://127.0.0.1:$HTTP_PORT" Logging__LogLevel__Default=Warning \
    Prism__Profile=Cluster ConnectionStrings__Postgres="$CONN" Prism__DataDir="$WORK/data" \
    Prism__AdminToken="bench-$RUN" Prism__IngestDemoProduct=false \
    Prism__ClusterId="$RUN" Prism__ServiceId="$RUN" Prism__SiloPort="$(free_port)" Prism__GatewayPort="$(free_port)" \
    Prism__Gateway__ConsumerId="consumer-$RUN" \
    Prism__Queues__Kind=Redis Prism__Queues__Redis="127.0.0.1:$REDIS_PORT" \
    Prism__Queues__Names__Preprocess="${q}preprocess_queue" \
    Prism__Queues__Names__PreprocessMetadata="${q}preprocess-md_queue" \
    Prism__Queues__Names__Register="${q}register_queue" \
    Prism__Queues__Names__Seed="${q}seed_queue" \
    Prism__Queues__Names__Preprocessing="${q}preprocessing_set" \
    Prism__Queues__Names__PreprocessSuccess="${q}preprocess-success_set" \
    Prism__Queues__Names__PreprocessFailure="${q}preprocess-failure_set" \
    Prism__Queues__Names__Registering="${q}registering_set" \
    Prism__Queues__Names__RegisterSuccess="${q}register-success_set" \
    Prism__Queues__Names__RegisterFailure="${q}register-failure_set" \
    Prism__Storage__Input__Kind=S3 Prism__Storage__Input__Bucket="$IN" Prism__Storage__Input__ServiceUrl="$S3" \
    Prism__Storage__Input__AccessKey=S3RVER Prism__Storage__Input__SecretKey=S3RVER Prism__Storage__Input__CreateBucket=true \
    Prism__Storage__Output__Kind=S3 Prism__Storage__Output__Bucket="$OUT_BUCKET" Prism__Storage__Output__ServiceUrl="$S3" \
    Prism__Storage__Output__AccessKey=S3RVER Prism__Storage__Output__SecretKey=S3RVER Prism__Storage__Output__CreateBucket=true \
    dotnet Prism.Gateway.dll ) >"$WORK/gateway.log" 2>&1 &
GW_PID=$!
for _ in $(seq 300); do  # 60 s
  if ! kill -0 "$GW_PID" 2>/dev/null; then echo "gateway exited:" >&2; tail -30 "$WORK/gateway.log" >&2; exit 1; fi
  curl -s --max-time 2 -o /dev/null "http://127.0.0.1:$HTTP_PORT/healthz" && break
  sleep 0.2
done
curl -s --max-time 2 -o /dev/null "http://127.0.0.1:$HTTP_PORT/healthz" \
  || { echo "gateway did not answer /healthz in 60 s:" >&2; tail -30 "$WORK/gateway.log" >&2; exit 1; }
[ "$(psql_admin "SELECT count(*) FROM pg_database WHERE datname = '$DB'")" = 1 ] || exit 1
DBURI="postgresql://postgres@127.0.0.1:$PG_PORT/$DB"
[ "$(psql -X -qtA -d "$DBURI" -c "SELECT to_regclass('products') IS NOT NULL")" = t ] \
  || { echo "the gateway did not create the catalog schema" >&2; tail -30 "$WORK/gateway.log" >&2; exit 1; }

echo "== generate 100 000 products (bench/search/generate.sql)"
t0=$(now)
psql -X -q -tA -v ON_ERROR_STOP=1 -d "$DBURI" -f "$ROOT/bench/search/generate.sql" > "$WORK/generate.out"
GEN_S=$(elapsed "$t0" "$(now)")
NPROD=$(psql -X -qtA -d "$DBURI" -c "SELECT count(*) FROM products")
[ "$NPROD" = 100000 ] || { echo "generated $NPROD products, not 100000" >&2; exit 1; }

echo "== queries"
{
  echo "Catalog search latency, $(date -Is), commit $(git -C "$ROOT" rev-parse --short HEAD)"
  echo "machine: $(nproc) cores, load before the passes $(cut -d' ' -f1-3 /proc/loadavg); PostgreSQL $(psql -X -qtA -d "$DBURI" -c 'SHOW server_version'), PostGIS $(psql -X -qtA -d "$DBURI" -c 'SELECT postgis_lib_version()')"
  echo "catalog: $NPROD products generated in $GEN_S s ($(grep '|' "$WORK/generate.out" | tr '\n' ' ' | sed 's/ *$//')); gateway Release, cluster profile"
  python3 "$ROOT/bench/search/run.py" --port "$HTTP_PORT" --db "$DBURI" --queries "$QUERIES" --passes "$PASSES" --seed "$SEED"
  echo "load after the passes $(cut -d' ' -f1-3 /proc/loadavg); whole run $(elapsed "$T_START" "$(now)") s"
  echo "raw SQL = the catalog's search statement alone (products JOIN product_types, every column, footprint as WKT,"
  echo "  collection_ids overlap, ORDER BY begin_time, identifier LIMIT 100), psql \\timing incl. fetching the rows; the"
  echo "  endpoints also count (OpenSearch), check the collection, load collections/coverages/browses and encode."
} | tee "$WORK/results.txt"
mkdir -p "$ROOT/bench/results"
cp "$WORK/results.txt" "$OUT"
echo "saved $OUT"
