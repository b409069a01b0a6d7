#!/usr/bin/env bash
# End-to-end ingest throughput of the gateway (silo co-hosted, Release build) for a batch of small generated products,
# in both profiles, plus the raw conversion floor for reference:
#   - products: one MERIS sample package at 25 % size, copied N times with its own name and eop:identifier (BENCH_0001…)
#   - gdal:     gdal_translate -of COG -co COMPRESS=DEFLATE -co BLOCKSIZE=256 -co OVERVIEWS=AUTO on the N rasters, one
#               after the other
#   - embedded: POST /admin/ingest (octet-stream) for each package; clock from the first submission until every
#               product is Registered (GET /admin/products, polled)
#   - cluster:  packages uploaded to a fresh input bucket on s3rver first, then one LPUSH of all paths onto
#               preprocess_queue; clock from the LPUSH until every id is in register-success_set (fresh database,
#               queue names and buckets of its own, on the services of scripts/services.sh)
# Prints products/s, the median per-product latency (Queued → Registered, from the products' histories) and the
# ratio of ingest time to gdal time. Everything it starts or creates is removed on exit.
# Usage: bench/ingest-bench.sh [--n N] [--profile embedded|cluster|both] [--timeout SECONDS]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/bench/lib.sh"
DATA=${PRISM_SHARED_DATA:-$(cd "$ROOT/.." && pwd)/shared/data}
N=50
PROFILE=both
TIMEOUT=150  # per profile, for all products to be registered
PG_PORT=${PRISM_PG_PORT:-55432}; REDIS_PORT=${PRISM_REDIS_PORT:-56379}; S3_PORT=${PRISM_S3_PORT:-54569}
S3="http://127.0.0.1:$S3_PORT"
while [ $# -gt 0 ]; do
  case "$1" in
    --n) N=$2; shift 2 ;;
    --profile) PROFILE=$2; shift 2 ;;
    --timeout) TIMEOUT=$2; shift 2 ;;
    *) echo "usage: $0 [--n N] [--profile embedded|cluster|both] [--timeout SECONDS]" >&2; exit 2 ;;
  esac
done
case "$PROFILE" in embedded|cluster|both) ;; *) echo "unknown profile '$PROFILE'" >&2; exit 2 ;; esac
[[ "$N" =~ ^[1-9][0-9]{0,3}$ ]] || { echo "--n must be 1..9999" >&2; exit 2; }

RUN=b$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
TOKEN=bench-$RUN
WORK=$(mktemp -d /tmp/ingest-bench.XXXXXX)
GW_PID=""
DB=""
BUCKETS=()

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
psql_admin() { psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -qtA -c "$1"; }
rcli() { redis-cli -p "$REDIS_PORT" "$@"; }

cleanup() {
  stop_gateway
  if [ -n "$DB" ]; then psql_admin "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" >/dev/null 2>&1 || true; fi
  for b in "${BUCKETS[@]}"; do delete_bucket "$b"; done
  if [ "${#BUCKETS[@]}" -gt 0 ]; then
    rcli --scan --pattern "$RUN:*" 2>/dev/null | xargs -r -n 100 redis-cli -p "$REDIS_PORT" DEL >/dev/null 2>&1 || true
    rcli DEL "prism:consumer:consumer-$RUN" >/dev/null 2>&1 || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- build once ---------------------------------------------------------------------------------------------------
BUILD_OUT=$(dotnet build "$ROOT/Gateway/Gateway.csproj" -c Release -nologo -v quiet 2>&1) \
  || { grep -E "error|warn" <<< "$BUILD_OUT" | sort -u | head -20 >&2; echo "build failed" >&2; exit 1; }
BIN="$ROOT/Gateway/bin/Release/net10.0"
[ -f "$BIN/Prism.Gateway.dll" ] || { echo "no $BIN/Prism.Gateway.dll" >&2; exit 1; }

# --- products -----------------------------------------------------------------------------------------------------
SAMPLE=$(find "$DATA/products" -maxdepth 1 -name 'MER_FRS_1P_*.tar' | sort | head -1)
[ -n "$SAMPLE" ] || { echo "no MER_FRS_1P_*.tar under $DATA/products" >&2; exit 1; }
mkdir -p "$WORK/sample" "$WORK/pkg" "$WORK/tars" "$WORK/cog"
tar -xf "$SAMPLE" -C "$WORK/sample"
SRC_TIF=$(find "$WORK/sample" -name '*.tif' | head -1)
SRC_XML=$(find "$WORK/sample" -name '*.xml' | head -1)
ORIG_ID=$(grep -o '<eop:identifier>[^<]*' "$SRC_XML" | head -1 | sed 's/<eop:identifier>//')
[ -n "$ORIG_ID" ] || { echo "no eop:identifier in $SRC_XML" >&2; exit 1; }
gdal_translate -q -outsize 25% 25% "$SRC_TIF" "$WORK/small.tif"
SIZE=$(gdalinfo "$WORK/small.tif" | sed -n 's/^Size is \([0-9]*\), \([0-9]*\)$/\1x\2/p')
NAMES=()
for i in $(seq 1 "$N"); do
  name=$(printf 'BENCH_%04d' "$i"); NAMES+=("$name")
  mkdir -p "$WORK/pkg/$name"
  cp "$WORK/small.tif" "$WORK/pkg/$name/$name.tif"
  # The sample's identifier is also the suffix of every gml:id, so this makes both unique.
  sed "s/$ORIG_ID/$name/g" "$SRC_XML" > "$WORK/pkg/$name/$name.xml"
  tar -cf "$WORK/tars/$name.tar" -C "$WORK/pkg/$name" .
done
PKG_KB=$(( $(stat -c %s "$WORK/tars/${NAMES[0]}.tar") / 1024 ))
echo "products: $N x $SIZE px ($(basename "$SAMPLE") at 25%), $PKG_KB KiB per package"

# --- the raw conversion floor -------------------------------------------------------------------------------------
t0=$(now)
for name in "${NAMES[@]}"; do
  gdal_translate -q -of COG -co COMPRESS=DEFLATE -co BLOCKSIZE=256 -co OVERVIEWS=AUTO \
    "$WORK/pkg/$name/$name.tif" "$WORK/cog/$name.tif"
done
GDAL_S=$(elapsed "$t0" "$(now)")
printf 'gdal_translate -of COG (sequential): %d rasters in %s s = %s rasters/s\n' "$N" "$GDAL_S" \
  "$(awk -v n="$N" -v s="$GDAL_S" 'BEGIN { printf "%.1f", n / s }')"

# --- gateway ------------------------------------------------------------------------------------------------------
HTTP_PORT=""
start_gateway() {  # start_gateway LOG VAR=VALUE...
  local log=$1; shift
  HTTP_PORT=$(free_port)
  ( cd "$BIN" && exec env ASPNETCORE_URLS="http://127.0.0.1:$HTTP_PORT" Logging__LogLevel__Default=Warning \
      Prism__AdminToken="$TOKEN" Prism__IngestDemoProduct=false \
      Prism__SiloPort="$(free_port)" Prism__GatewayPort="$(free_port)" "$@" dotnet Prism.Gateway.dll ) >"$log" 2>&1 &
  GW_PID=$!
  for _ in $(seq 300); do  # 60 s
    if ! kill -0 "$GW_PID" 2>/dev/null; then echo "gateway exited:" >&2; tail -30 "$log" >&2; exit 1; fi
    curl -s --max-time 2 -o /dev/null "http://127.0.0.1:$HTTP_PORT/healthz" && return 0
    sleep 0.2
  done
  echo "gateway did not answer /healthz in 60 s:" >&2; tail -30 "$log" >&2; exit 1
}
admin() { curl -s --max-time 10 -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$HTTP_PORT$1"; }

# Prints "<N> <median> <max> <span>" from the products' histories (see bench/ingest/latency.py).
latencies() {
  local dir=$1; mkdir -p "$dir"
  for name in "${NAMES[@]}"; do admin "/admin/products/$name" > "$dir/$name.json" || true; done
  python3 "$ROOT/bench/ingest/latency.py" "$dir"/*.json
}

report() {  # report PROFILE SECONDS STATSDIR
  local profile=$1 secs=$2 count median max span
  read -r count median max span <<< "$(latencies "$3")"
  printf '%-8s %d products in %s s = %s products/s; latency Queued->Registered median %s s, max %s s (%d of %d); ratio ingest/gdal %s\n' \
    "$profile:" "$N" "$secs" "$(awk -v n="$N" -v s="$secs" 'BEGIN { printf "%.2f", n / s }')" \
    "$median" "$max" "$count" "$N" "$(awk -v a="$secs" -v b="$GDAL_S" 'BEGIN { printf "%.1f", a / b }')"
}

fail_run() {  # fail_run PROFILE LOG MESSAGE
  echo "$1: $3" >&2
  admin "/admin/products?state=Failed&limit=5" | head -c 2000 >&2 || true; echo >&2
  tail -20 "$2" >&2
  exit 1
}

# --- embedded -----------------------------------------------------------------------------------------------------
run_embedded() {
  local dir="$WORK/embedded" log="$WORK/embedded.log" t0 t1 code body registered failed
  start_gateway "$log" Prism__Profile=Embedded Prism__DataDir="$dir"
  t0=$(now)
  for name in "${NAMES[@]}"; do
    code=$(curl -s --max-time 30 -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $TOKEN" \
      -H 'Content-Type: application/octet-stream' --data-binary "@$WORK/tars/$name.tar" \
      "http://127.0.0.1:$HTTP_PORT/admin/ingest?name=$name.tar" || true)
    [ "$code" = 202 ] || fail_run embedded "$log" "POST /admin/ingest?name=$name.tar answered $code"
  done
  local deadline=$(( SECONDS + TIMEOUT ))
  while :; do
    body=$(admin "/admin/products?limit=1000" || true); [ -n "$body" ] || body='{}'
    registered=$(jq '[.products[]? | select(.state == "Registered" or .state == "Seeding" or .state == "Seeded")] | length' <<< "$body" 2>/dev/null || echo 0)
    [ "$registered" -ge "$N" ] && break
    failed=$(jq '[.products[]? | select(.state == "Failed")] | length' <<< "$body" 2>/dev/null || echo 0)
    [ "$failed" -eq 0 ] || fail_run embedded "$log" "$failed product(s) failed"
    [ "$SECONDS" -lt "$deadline" ] || fail_run embedded "$log" "only $registered of $N registered after $TIMEOUT s"
    sleep 0.2
  done
  t1=$(now)
  report embedded "$(elapsed "$t0" "$t1")" "$WORK/status-embedded"
  stop_gateway
}

# --- cluster ------------------------------------------------------------------------------------------------------
run_cluster() {
  local log="$WORK/cluster.log" in="in-$RUN" out="out-$RUN" code t0 t1 done_ failed
  local q="$RUN:"
  psql_admin 'select 1' >/dev/null || { echo "PostgreSQL is not answering on 127.0.0.1:$PG_PORT: scripts/services.sh start" >&2; exit 1; }
  rcli ping >/dev/null || { echo "Redis is not answering on 127.0.0.1:$REDIS_PORT: scripts/services.sh start" >&2; exit 1; }
  curl -s --max-time 5 -o /dev/null "$S3/" || { echo "s3rver is not answering on $S3: scripts/services.sh start" >&2; exit 1; }
  DB="prism_bench_$RUN"
  psql_admin "CREATE DATABASE \"$DB\"" >/dev/null
  BUCKETS=("$in" "$out")
  code=$(curl -s --max-time 10 -o /dev/null -w '%{http_code}' -X PUT "$S3/$in" || true)
  [ "$code" = 200 ] || { echo "cannot create bucket $in on $S3 ($code)" >&2; exit 1; }
  for name in "${NAMES[@]}"; do
    code=$(curl -s --max-time 30 -o /dev/null -w '%{http_code}' -X PUT --data-binary "@$WORK/tars/$name.tar" "$S3/$in/bench/$name.tar" || true)
    [ "$code" = 200 ] || { echo "upload of bench/$name.tar to $in answered $code" >&2; exit 1; }
  done
  start_gateway "$log" Prism__Profile=Cluster \
    ConnectionStrings__Postgres="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=$DB" \
    Prism__DataDir="$WORK/cluster" Prism__ClusterId="$RUN" Prism__ServiceId="$RUN" \
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
    Prism__Storage__Input__Kind=S3 Prism__Storage__Input__Bucket="$in" Prism__Storage__Input__ServiceUrl="$S3" \
    Prism__Storage__Input__AccessKey=S3RVER Prism__Storage__Input__SecretKey=S3RVER \
    Prism__Storage__Output__Kind=S3 Prism__Storage__Output__Bucket="$out" Prism__Storage__Output__ServiceUrl="$S3" \
    Prism__Storage__Output__AccessKey=S3RVER Prism__Storage__Output__SecretKey=S3RVER \
    Prism__Storage__Output__CreateBucket=true
  local paths=()
  for name in "${NAMES[@]}"; do paths+=("bench/$name.tar"); done
  t0=$(now)
  rcli LPUSH "${q}preprocess_queue" "${paths[@]}" >/dev/null
  local deadline=$(( SECONDS + TIMEOUT ))
  while :; do
    done_=$(rcli SCARD "${q}register-success_set")
    [ "$done_" -ge "$N" ] && break
    failed=$(( $(rcli SCARD "${q}preprocess-failure_set") + $(rcli SCARD "${q}register-failure_set") ))
    [ "$failed" -eq 0 ] || fail_run cluster "$log" "$failed product(s) in the failure sets"
    [ "$SECONDS" -lt "$deadline" ] || fail_run cluster "$log" "only $done_ of $N in register-success_set after $TIMEOUT s"
    sleep 0.2
  done
  t1=$(now)
  report cluster "$(elapsed "$t0" "$t1")" "$WORK/status-cluster"
  stop_gateway
}

if [ "$PROFILE" != cluster ]; then run_embedded; fi
if [ "$PROFILE" != embedded ]; then run_cluster; fi
