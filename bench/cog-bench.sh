#!/usr/bin/env bash
# Compares Prism.Gdal's in-process CogConverter with GDAL's command-line tools doing the same conversion with the same
# options (gdal_translate -of COG <the converter's arguments>; gdalwarp first for GCP-only rasters) on the sample
# product rasters, plus $PEERS_WORK/synthetic/synth_10k_32633.tif when it exists and any raster given as argument.
# Prints the median time of each and the ratio project/gdal. Usage: bench/cog-bench.sh [--repeat N] [raster...]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DATA=${PRISM_SHARED_DATA:-$(cd "$ROOT/.." && pwd)/shared/data}
REPEAT=3
EXTRA=()
while [ $# -gt 0 ]; do
  case "$1" in
    --repeat) REPEAT=$2; shift 2 ;;
    *) EXTRA+=("$1"); shift ;;
  esac
done

WORK=$(mktemp -d /tmp/cog-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
for archive in "$DATA"/products/*; do
  dir="$WORK/$(basename "$archive")"; mkdir -p "$dir"
  case "$archive" in
    *.zip) unzip -q "$archive" -d "$dir" ;;
    *) tar -xf "$archive" -C "$dir" ;;
  esac
done
mapfile -t RASTERS < <(find "$WORK" -type f \( -iname '*.tif' -o -iname '*.tiff' \) | sort)
if [ -n "${PEERS_WORK:-}" ] && [ -f "$PEERS_WORK/synthetic/synth_10k_32633.tif" ]; then
  RASTERS+=("$PEERS_WORK/synthetic/synth_10k_32633.tif")
fi
RASTERS+=("${EXTRA[@]}")

dotnet build "$ROOT/bench/CogBench/CogBench.csproj" -c Release -nologo -v quiet 2>&1 | grep -E "error|warn" && exit 1 || true
dotnet "$ROOT/bench/CogBench/bin/Release/net10.0/CogBench.dll" --repeat "$REPEAT" --out "$WORK/out" "${RASTERS[@]}"
