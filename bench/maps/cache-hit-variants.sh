#!/usr/bin/env bash
# Cache-hit throughput of the gateway under configuration variants (the table "cache-hit path" in the README).
# For each argument (a space-separated list of VAR=value settings, "" for the defaults): a fresh Release gateway pinned
# to cpu 1 (embedded profile, temp data folder) with the three MERIS samples and the synthetic COG ingested, their
# seed jobs cancelled and every WMTS URL of the peers' lists fetched once; then one throw-away measurement per set
# (tiered JIT settles) and two of 8 s with wrk pinned to cpu 0 (after 6 s of warm-up each), printing req/s, the
# server's CPU-ms per request (from /proc/PID/stat) and wrk's p99. Idle machine, nothing else running.
# Needs: the peers' URL lists and synthetic COG (../shared/peers: prepare-data.sh --synthetic, make-urls via
# bench/maps-bench.sh once). Usage: bench/maps/cache-hit-variants.sh "" "Prism__Http__InlineScheduling=false" ...
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$ROOT/bench/lib.sh"
PEERS=${PEERS_KIT:-$(cd "$ROOT/.." && pwd)/shared/peers}
DATA=${PRISM_SHARED_DATA:-$(cd "$ROOT/.." && pwd)/shared/data}
PEERS_WORK=${PEERS_WORK:-${TMPDIR:-/tmp}/prism-peers}
U=$PEERS_WORK/urls
LUA=$PEERS/lib/urls.lua
SYNTH_TIF=$PEERS_WORK/synthetic/synth_cog_deflate.tif
for f in "$U/prism_wmts_meris.txt" "$U/prism_wmts_synth.txt" "$SYNTH_TIF"; do
  [ -f "$f" ] || { echo "missing $f (run bench/maps-bench.sh once)" >&2; exit 1; }
done
[ $# -gt 0 ] || set -- ""
WORK=$(mktemp -d /tmp/cache-hit-variants.XXXXXX)
GW_PID="" HTTP_PORT="" TOKEN=variants
trap 'stop_gateway; rm -rf "$WORK"' EXIT
dotnet build "$ROOT/Gateway/Gateway.csproj" -c Release -nologo -v quiet >/dev/null
BIN=$ROOT/Gateway/bin/Release/net10.0
"$ROOT/bench/maps/synth-package.sh" "$SYNTH_TIF" "$WORK/SYNTH_10K.tar" SYNTH_10K SYNTH 2020-06-01T10:00:00Z 2020-06-01T10:00:10Z >/dev/null

measure() {  # measure SET
  local t0 t1 out rps p99
  taskset -c 0 wrk -t2 -c8 -d6s -s "$LUA" "http://127.0.0.1:$HTTP_PORT" -- "$U/prism_wmts_$1.txt" >/dev/null
  t0=$(awk '{ print $14 + $15 }' "/proc/$GW_PID/stat")
  out=$(taskset -c 0 wrk -t2 -c8 -d8s --latency -s "$LUA" "http://127.0.0.1:$HTTP_PORT" -- "$U/prism_wmts_$1.txt")
  t1=$(awk '{ print $14 + $15 }' "/proc/$GW_PID/stat")
  rps=$(awk '/^Requests\/sec/ { print $2 }' <<< "$out"); p99=$(awk '$1 == "99%" { print $2 }' <<< "$out")
  awk -v s="$1" -v r="$rps" -v a="$t0" -v b="$t1" -v hz="$(getconf CLK_TCK)" -v p="$p99" \
    'BEGIN { printf "  %-6s c=8: %6.0f req/s, %.4f CPU-ms/req, p99 %s\n", s, r, (b - a) / hz * 1000 / (r * 8), p }'
}

for variant in "$@"; do
  echo "== ${variant:-defaults}"
  rm -rf "$WORK/data"; mkdir -p "$WORK/data/input/bench"; cp "$WORK/SYNTH_10K.tar" "$WORK/data/input/bench/"
  HTTP_PORT=$(free_port)
  # shellcheck disable=SC2086 # the variant is a list of VAR=value words
  ( cd "$BIN" && exec taskset -c 1 env ASPNETCORE_URLS="http://127.0.0.1:$HTTP_PORT" Logging__LogLevel__Default=Warning \
      Prism__AdminToken="$TOKEN" Prism__IngestDemoProduct=false Prism__Profile=Embedded Prism__DataDir="$WORK/data" \
      Prism__SiloPort="$(free_port)" Prism__GatewayPort="$(free_port)" $variant dotnet Prism.Gateway.dll ) >"$WORK/gw.log" 2>&1 &
  GW_PID=$!
  for _ in $(seq 300); do curl -s -o /dev/null "http://127.0.0.1:$HTTP_PORT/healthz" && break; sleep 0.2; done
  for p in "$DATA"/products/MER_*.tar; do
    admin -o /dev/null -X POST -H 'Content-Type: application/octet-stream' --data-binary "@$p" \
      "http://127.0.0.1:$HTTP_PORT/admin/ingest?name=$(basename "$p")"
  done
  admin -o /dev/null -X POST -H 'Content-Type: application/json' -d '{"path":"bench/SYNTH_10K.tar"}' \
    "http://127.0.0.1:$HTTP_PORT/admin/ingest"
  for _ in $(seq 600); do
    n=$(admin "http://127.0.0.1:$HTTP_PORT/admin/products?limit=100" |
      jq '[.products[]? | select(.state == "Registered" or .state == "Seeding" or .state == "Seeded")] | length')
    [ "${n:-0}" -ge 4 ] && break; sleep 0.5
  done
  [ "${n:-0}" -ge 4 ] || { echo "products not registered:" >&2; tail -20 "$WORK/gw.log" >&2; exit 1; }
  sleep 3  # registration pushes onto seed_queue; the seed bridge starts a job per product
  cancel_seeds
  for s in synth meris; do
    sed "s|^|http://127.0.0.1:$HTTP_PORT|" "$U/prism_wmts_$s.txt" |
      xargs -P 4 -n 25 sh -c 'for u; do curl -s -o /dev/null "$u"; done' _
  done
  measure meris >/dev/null; measure synth >/dev/null
  measure meris; measure meris; measure synth; measure synth
  stop_gateway
done
