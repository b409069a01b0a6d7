#!/usr/bin/env bash
# Map services against the reference peers of ../shared/peers (same machine, same COGs, same request lists), the
# comparisons of issue 3, ratios printed ours/peer:
#   1. WMS 1.3.0 GetMap (rendered on the fly) vs MapServer 8: synth (10k COG, UTM 33N -> 3857) and meris (MERIS
#      series, one TIME value), c=2 and c=8, both servers unpinned.
#   2. Seeding synth GoogleMapsCompatible z0-14: `mapcache_seed -n 2` (seed-bench.sh) vs POST /admin/seed (layer SYNTH,
#      that matrix set and zoom range only), tiles/s of each as each counts them.
#   3. WMTS REST GetTile cache hits vs MapCache (seeded): our server restarted pinned to cpu 1 (taskset -c 1) after a
#      warm-up pass over every URL, MapCache (Apache) pinned to cpu 1, wrk pinned to cpu 0.
#   4. The server's peak RSS under that load (bench-http.py samples and /proc VmHWM of each server instance).
# The gateway is the Release build, embedded profile, temp data folder, logging Warning; the same products as the
# peers (the sample packages via POST /admin/ingest as octet-stream, the synthetic COG packaged as product SYNTH_10K of
# type SYNTH, copied into the input store and ingested by path: the 250 MB upload exceeds Kestrel's 30 MB default
# request body limit, which /admin/ingest does not lift).
# Load figures come from ../shared/peers/bench-http.py (bounded wrk runs, server CPU-ms/request, contamination
# detection: a run during which other processes used > 0.5 cores is replaced, at most --retries times).
# Needs: ../shared/peers/setup.sh done and `prepare-data.sh --synthetic` in PEERS_WORK; MapServer/MapCache not running.
# Prints a summary table and saves it as bench/results/maps-<date>.txt. Everything it starts is stopped on exit.
# Usage: bench/maps-bench.sh [--duration 5] [--reps 2] [--retries 1] [--quiet-wait 5] [--no-seed] [--only wms|seed|wmts]
# (--only runs one of the three phases; the same-tile comparison needs all three and is then left out).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/bench/lib.sh"
PEERS=${PEERS_KIT:-$(cd "$ROOT/.." && pwd)/shared/peers}
DATA=${PRISM_SHARED_DATA:-$(cd "$ROOT/.." && pwd)/shared/data}
export PEERS_WORK=${PEERS_WORK:-${TMPDIR:-/tmp}/prism-peers}
DURATION=5 REPS=2 RETRIES=1 QUIET=5 SEED=1 ONLY=""
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) DURATION=$2; shift 2 ;;
    --reps) REPS=$2; shift 2 ;;
    --retries) RETRIES=$2; shift 2 ;;
    --quiet-wait) QUIET=$2; shift 2 ;;
    --no-seed) SEED=0; shift ;;
    --only) ONLY=$2; shift 2 ;;
    *) echo "usage: $0 [--duration S] [--reps N] [--retries N] [--quiet-wait S] [--no-seed] [--only wms|seed|wmts]" >&2; exit 2 ;;
  esac
done
case "$ONLY" in ""|wms|seed|wmts) ;; *) echo "--only takes wms, seed or wmts" >&2; exit 2 ;; esac
want() { [ -z "$ONLY" ] || [ "$ONLY" = "$1" ]; }
SYNTH_TIF=$PEERS_WORK/synthetic/synth_cog_deflate.tif
[ -f "$SYNTH_TIF" ] || { echo "no $SYNTH_TIF: run $PEERS/prepare-data.sh --synthetic" >&2; exit 1; }
[ -f "$PEERS_WORK/index/meris_time.shp" ] || { echo "no MERIS time index in $PEERS_WORK: run $PEERS/prepare-data.sh" >&2; exit 1; }
for pidf in lighttpd-mapserver apache-mapcache; do
  if [ -f "$PEERS_WORK/run/$pidf.pid" ] && kill -0 "$(cat "$PEERS_WORK/run/$pidf.pid")" 2>/dev/null; then
    echo "$pidf is already running (someone else's run?): not touching it" >&2; exit 1
  fi
done

WORK=$(mktemp -d /tmp/maps-bench.XXXXXX)
TOKEN=bench-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
RESULTS=$WORK/results           # bench-http.py JSON of this run only
FACTS=$WORK/facts.txt
U=$PEERS_WORK/urls
GW_PID="" HTTP_PORT="" MS_STARTED=0 MC_STARTED=0
DATE=$(date +%Y%m%d-%H%M%S)
OUT=$ROOT/bench/results/maps-$DATE.txt
mkdir -p "$RESULTS" "$ROOT/bench/results"

log() { printf '\n=== %s  (load %s)\n' "$*" "$(cut -d' ' -f1-3 /proc/loadavg)"; }
fact() { echo "$1=$2" >> "$FACTS"; }
now() { date +%s.%N; }

cleanup() {
  stop_gateway
  [ "$MC_STARTED" = 1 ] && { "$PEERS/stop-mapcache.sh" >/dev/null 2>&1 || true; }
  [ "$MS_STARTED" = 1 ] && { "$PEERS/stop-mapserver.sh" >/dev/null 2>&1 || true; }
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- build --------------------------------------------------------------------------------------------------------
log "build (Release)"
BUILD_OUT=$(dotnet build "$ROOT/Gateway/Gateway.csproj" -c Release -nologo -v quiet 2>&1) \
  || { grep -E "error|warn" <<< "$BUILD_OUT" | sort -u | head -20 >&2; echo "build failed" >&2; exit 1; }
BIN="$ROOT/Gateway/bin/Release/net10.0"
GC_SERVER=$(jq -r '.runtimeOptions.configProperties["System.GC.Server"] // false' "$BIN/Prism.Gateway.runtimeconfig.json")

# --- our server ---------------------------------------------------------------------------------------------------
start_gateway() {  # start_gateway LOG [CPUS]
  local log=$1 cpus=${2:-}
  HTTP_PORT=$(free_port)
  ( cd "$BIN" && exec ${cpus:+taskset -c "$cpus"} env ASPNETCORE_URLS="http://127.0.0.1:$HTTP_PORT" \
      Logging__LogLevel__Default=Warning Prism__AdminToken="$TOKEN" Prism__IngestDemoProduct=false \
      Prism__Profile=Embedded Prism__DataDir="$WORK/data" \
      Prism__SiloPort="$(free_port)" Prism__GatewayPort="$(free_port)" dotnet Prism.Gateway.dll ) >"$log" 2>&1 &
  GW_PID=$!
  for _ in $(seq 300); do  # 60 s
    if ! kill -0 "$GW_PID" 2>/dev/null; then echo "gateway exited:" >&2; tail -30 "$log" >&2; exit 1; fi
    curl -s --max-time 2 -o /dev/null "http://127.0.0.1:$HTTP_PORT/healthz" && return 0
    sleep 0.2
  done
  echo "gateway did not answer /healthz in 60 s:" >&2; tail -30 "$log" >&2; exit 1
}
vmhwm_mb() { awk '/^VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$GW_PID/status" 2>/dev/null || echo ""; }

fact date "$(date -Is)"
fact load "$(cut -d' ' -f1-3 /proc/loadavg)"
fact duration "$DURATION"; fact reps "$REPS"
log "packages (samples + SYNTH_10K from $SYNTH_TIF)"
mkdir -p "$WORK/pkg"
"$ROOT/bench/maps/synth-package.sh" "$SYNTH_TIF" "$WORK/pkg/SYNTH_10K.tar" SYNTH_10K SYNTH \
  2020-06-01T10:00:00Z 2020-06-01T10:00:10Z
PACKAGES=("$DATA"/products/*.tar "$DATA"/products/*.tar.gz "$DATA"/products/*.zip "$WORK/pkg/SYNTH_10K.tar")

log "start our server (unpinned) and ingest ${#PACKAGES[@]} packages"
start_gateway "$WORK/gateway-1.log"
t0=$(now)
NAMES=()
for p in "${PACKAGES[@]}"; do
  [ -f "$p" ] || continue
  name=$(basename "$p"); NAMES+=("$name")
  if [ "$(stat -c %s "$p")" -lt 25000000 ]; then
    code=$(admin -o /dev/null -w '%{http_code}' --max-time 300 -X POST -H 'Content-Type: application/octet-stream' \
      --data-binary "@$p" "http://127.0.0.1:$HTTP_PORT/admin/ingest?name=$name" || true)
  else
    mkdir -p "$WORK/data/input/bench" && cp "$p" "$WORK/data/input/bench/$name"
    code=$(admin -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
      -d "{\"path\":\"bench/$name\"}" "http://127.0.0.1:$HTTP_PORT/admin/ingest" || true)
  fi
  [ "$code" = 202 ] || { echo "POST /admin/ingest?name=$name answered $code" >&2; tail -20 "$WORK/gateway-1.log" >&2; exit 1; }
done
for _ in $(seq 1500); do  # 300 s
  body=$(admin "http://127.0.0.1:$HTTP_PORT/admin/products?limit=100" || echo '{}')
  reg=$(jq '[.products[]? | select(.state == "Registered" or .state == "Seeding" or .state == "Seeded")] | length' <<< "$body" 2>/dev/null || echo 0)
  failed=$(jq '[.products[]? | select(.state == "Failed")] | length' <<< "$body" 2>/dev/null || echo 0)
  [ "$failed" = 0 ] || { echo "ingest failed:" >&2; jq -c '.products[] | select(.state == "Failed")' <<< "$body" >&2; exit 1; }
  [ "$reg" -ge "${#NAMES[@]}" ] && break
  sleep 0.2
done
[ "$reg" -ge "${#NAMES[@]}" ] || { echo "only $reg of ${#NAMES[@]} products registered after 300 s" >&2; exit 1; }
printf '%d products registered in %.1f s\n' "$reg" "$(awk -v a="$t0" -v b="$(now)" 'BEGIN { print b - a }')"
sleep 3  # registration pushes onto seed_queue; the seed bridge starts a job per product
cancel_seeds

# Layer names and the MERIS time value from our capabilities.
CAPS=$(curl -s --max-time 30 "http://127.0.0.1:$HTTP_PORT/wmts/1.0.0/WMTSCapabilities.xml")
for layer in SYNTH MER_FRS_1P; do
  grep -q "<ows:Identifier>$layer</ows:Identifier>" <<< "$CAPS" || { echo "no layer $layer in our WMTS capabilities" >&2; exit 1; }
done
MERIS_TIME=$(grep -o '2006-08-30T[0-9:]*Z/2006-08-30T[0-9:]*Z' <<< "$CAPS" | head -1 | sed 's|/|--|')
[ -n "$MERIS_TIME" ] || { echo "no 2006-08-30 interval in the time dimension of MER_FRS_1P" >&2; exit 1; }
echo "layers SYNTH, MER_FRS_1P; MERIS time $MERIS_TIME"

log "request lists"
"$PEERS/make-urls.sh" \
  --template 'prism_wms=/ows?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS={layer}&STYLES=&CRS=EPSG:3857&BBOX={bbox}&WIDTH=256&HEIGHT=256&FORMAT=image/png&TRANSPARENT=TRUE[&TIME={time}]' \
  --template 'prism_wmts=/wmts/1.0.0/{layer}/default[/{time}]/GoogleMapsCompatible/{z}/{y}/{x}.png' \
  --layer synth=SYNTH --layer meris=MER_FRS_1P --time "meris=$MERIS_TIME" >/dev/null
for l in prism_wms_synth prism_wms_meris prism_wmts_synth prism_wmts_meris; do
  url="http://127.0.0.1:$HTTP_PORT$(head -1 "$U/$l.txt")"
  ct=$(curl -s --max-time 30 -o /dev/null -w '%{http_code} %{content_type}' "$url")
  [ "${ct%%;*}" = "200 image/png" ] || { echo "$url answered $ct" >&2; exit 1; }
done
echo "one URL of each list answered 200 image/png"

BENCH=("$PEERS/bench-http.py" --duration "$DURATION" --reps "$REPS" --retries "$RETRIES" --quiet-wait "$QUIET" --warmup 4)
bench() { "${BENCH[@]}" --out "$RESULTS/bench_$1.json" --name "$@" | grep -v '^results:'; }

# --- 1. WMS GetMap --------------------------------------------------------------------------------------------------
if want wms; then
log "start MapServer (4 FastCGI processes, unpinned)"
MS_STARTED=1; "$PEERS/start-mapserver.sh"
for s in synth meris; do
  log "WMS $s: MapServer, then ours"
  bench "ms_wms_$s" --host http://127.0.0.1:8181 --urls "$U/wms_$s.txt" --pidfile "$PEERS_WORK/run/lighttpd-mapserver.pid"
  bench "prism_wms_$s" --host "http://127.0.0.1:$HTTP_PORT" --urls "$U/prism_wms_$s.txt" --pid "$GW_PID"
done
fi

# --- 2. seeding -----------------------------------------------------------------------------------------------------
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$GW_PID/stat"; }
if want seed || want wmts; then
if [ "$MS_STARTED" = 0 ]; then log "start MapServer (MapCache renders through it)"; MS_STARTED=1; "$PEERS/start-mapserver.sh"; fi
log "start MapCache (Apache pinned to cpu 1; mapcache_seed itself is not pinned)"
MC_STARTED=1; SERVER_CPUS=1 "$PEERS/start-mapcache.sh"
fi
if want seed && [ "$SEED" = 1 ]; then
  log "seeding synth z0-14: mapcache_seed -n 2"
  "$PEERS/seed-bench.sh" synth_deflate 0,14 2 1
  line=$(grep -m1 ' run1: ' "$PEERS_WORK/results/seed_synth_deflate.txt")
  fact peer_seed_tiles "$(sed -n 's/.* run1: \([0-9]*\) tiles in .*/\1/p' <<< "$line")"
  fact peer_seed_s "$(sed -n 's/.* tiles in \([0-9.]*\) s = .*/\1/p' <<< "$line")"
  log "seeding synth z0-14 GoogleMapsCompatible: ours (POST /admin/seed, layer SYNTH)"
  t0=$(now); c0=$(cpu_ticks)
  job=$(admin -X POST -H 'Content-Type: application/json' "http://127.0.0.1:$HTTP_PORT/admin/seed" \
    -d '{"begin":"2020-06-01T10:00:00Z","end":"2020-06-01T10:00:10Z","layer":"SYNTH","zooms":{"GoogleMapsCompatible":[0,14]}}' | jq -r .id)
  [ -n "$job" ] && [ "$job" != null ] || { echo "POST /admin/seed failed" >&2; exit 1; }
  st='{}'
  for _ in $(seq 9000); do  # 900 s
    st=$(admin "http://127.0.0.1:$HTTP_PORT/admin/seed/$job" || echo '{}')
    case $(jq -r .state <<< "$st") in Running|null) sleep 0.2 ;; *) break ;; esac
  done
  t1=$(now); c1=$(cpu_ticks)
  echo "$st" | jq -c '{id, state, total, done, failed, percent, created, finished}'
  awk -v a="$c0" -v b="$c1" -v hz="$(getconf CLK_TCK)" -v n="$(jq -r .done <<< "$st")" \
    'BEGIN { printf "our server CPU while seeding: %.1f s = %.2f CPU-ms per tile\n", (b - a) / hz, (n > 0 ? (b - a) / hz * 1000 / n : 0) }' 
  # Wall time from the POST to the first poll that saw the end (0.2 s resolution).
  fact our_seed_tiles "$(jq -r .done <<< "$st")"; fact our_seed_failed "$(jq -r .failed <<< "$st")"
  fact our_seed_state "$(jq -r .state <<< "$st")"
  fact our_seed_s "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')"
  log "seeding meris_time z0-8 TIME=2006-08-30 for MapCache's cache hits (not compared)"
  "$PEERS/seed-bench.sh" meris_time 0,8 2 1 TIME=2006-08-30 | tail -1
elif want seed || want wmts; then
  "$PEERS/seed-bench.sh" synth_deflate 0,14 2 1 | tail -1
  "$PEERS/seed-bench.sh" meris_time 0,8 2 1 TIME=2006-08-30 | tail -1
fi
fact vmhwm_wms_mb "$(vmhwm_mb)"

if [ -z "$ONLY" ]; then
# --- tiles by eye: the same tile from each server -----------------------------------------------------------------
log "the first tile of each list from each server (gdalinfo -stats: band means, alpha mean)"
mkdir -p "$WORK/tiles"
fetch_tile() {  # fetch_tile NAME URL
  curl -s --max-time 30 -o "$WORK/tiles/$1.png" "$2"
  gdalinfo -stats "$WORK/tiles/$1.png" 2>/dev/null | awk -v n="$1" -v sz="$(stat -c %s "$WORK/tiles/$1.png")" '
    /^Size is/ { size = $3 $4 } /STATISTICS_MEAN=/ { sub(/.*=/, ""); m = m sprintf(" %.1f", $0) }
    END { printf "  %-18s %s px, %6d bytes, band means%s\n", n, size, sz, m }'
}
for s in synth meris; do
  fetch_tile "mapserver_$s" "http://127.0.0.1:8181$(head -1 "$U/wms_$s.txt")"
  fetch_tile "ours_wms_$s" "http://127.0.0.1:$HTTP_PORT$(head -1 "$U/prism_wms_$s.txt")"
  fetch_tile "mapcache_$s" "http://127.0.0.1:8182$(head -1 "$U/wmts_rest_$s.txt")"
  fetch_tile "ours_wmts_$s" "http://127.0.0.1:$HTTP_PORT$(head -1 "$U/prism_wmts_$s.txt")"
done | tee "$WORK/tiles.txt"
fi

# --- 3. WMTS cache hits -----------------------------------------------------------------------------------------------
if want wmts; then
log "restart our server pinned to cpu 1, warm-up pass over every WMTS URL"
stop_gateway
start_gateway "$WORK/gateway-2.log" 1
for s in synth meris; do
  sed "s|^|http://127.0.0.1:$HTTP_PORT|" "$U/prism_wmts_$s.txt" |
    xargs -P 4 -n 25 sh -c 'for u; do curl -s --max-time 120 -o /dev/null -w "%{http_code}\n" "$u"; done' _ \
      > "$WORK/warm_$s.txt" || true
  echo "warm-up $s: $(sort "$WORK/warm_$s.txt" | uniq -c | tr '\n' ' ')"
done
for s in synth meris; do
  log "WMTS REST cache hits $s: MapCache, then ours"
  bench "mc_rest_$s" --host http://127.0.0.1:8182 --urls "$U/wmts_rest_$s.txt" \
    --pidfile "$PEERS_WORK/run/apache-mapcache.pid" --client-cpus 0
  bench "prism_wmts_$s" --host "http://127.0.0.1:$HTTP_PORT" --urls "$U/prism_wmts_$s.txt" --pid "$GW_PID" --client-cpus 0
done
fact vmhwm_wmts_mb "$(vmhwm_mb)"
fi

# --- summary --------------------------------------------------------------------------------------------------------
fact server "Release Prism.Gateway (embedded profile, co-hosted silo), GC Server=$GC_SERVER (DOTNET_gcServer ${DOTNET_gcServer:-unset}), GDAL_CACHEMAX ${GDAL_CACHEMAX:-128 MB default}, tile memory cache ${Prism__Maps__MemoryCacheBytes:-128 MiB default}, SeedConcurrency ${Prism__Maps__SeedConcurrency:-4 default}, SeedMetatile ${Prism__Maps__SeedMetatile:-4 default}; WMS+seeding unpinned, WMTS run pinned taskset -c 1"
fact peers "MapServer 8 lighttpd + 4 FastCGI mapserv (GDAL_CACHEMAX=256), unpinned; MapCache 1.14 Apache mpm_event pinned to cpu 1, disk cache seeded; wrk pinned to cpu 0 for cache hits"
{
  python3 "$ROOT/bench/maps/summary.py" "$RESULTS" "$FACTS"
  echo
  echo "Same tile from each server (first URL of each list):"
  if [ -f "$WORK/tiles.txt" ]; then cat "$WORK/tiles.txt"; else echo "  (full runs only)"; fi
} | tee "$OUT"
echo "saved: $OUT"
