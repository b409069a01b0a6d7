#!/usr/bin/env bash
# Installs what Prism.Orleans needs on Debian 12, only what is missing (idempotent, quiet when all is there):
#   runtime: libgdal32 (GDAL 3.6, bound through the project's own [LibraryImport] layer), gdal-bin
#   tests:   PostgreSQL 15 + PostGIS 3, Redis, python3-gdal, python3-owslib, libxml2-utils, npm's s3rver (tools/)
# Usage: scripts/setup.sh [run|test]   (default test)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PKGS="libgdal32 gdal-bin"
[ "${1:-test}" = test ] && PKGS="$PKGS postgresql-15 postgresql-15-postgis-3 redis-server python3-gdal python3-numpy python3-owslib python3-lxml libxml2-utils curl nodejs npm"
missing=()
for p in $PKGS; do
  dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null | grep -qx installed || missing+=("$p")
done
# Node.js may come from elsewhere than Debian (then its npm is there too).
if command -v npm >/dev/null; then missing=("${missing[@]/nodejs}"); missing=("${missing[@]/npm}"); fi
missing=($(printf '%s\n' "${missing[@]}" | grep -v '^$' || true))
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if [ "${1:-test}" = test ] && { [ ! -x "$ROOT/tools/node_modules/.bin/s3rver" ] || [ ! -d "$ROOT/tools/node_modules/stac-node-validator" ]; }; then
  (cd "$ROOT/tools" && npm ci --silent --no-audit --no-fund)
fi
command -v dotnet >/dev/null || { echo "setup: the .NET 10 SDK is required (dotnet on PATH)" >&2; exit 1; }
