#!/usr/bin/env bash
# Runs the server on the embedded default (README: "Run"): one process, silo + gateway, no servers needed;
# data under Prism__DataDir (default ./.data), HTTP where ASPNETCORE_URLS says (default http://127.0.0.1:5000).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
"$ROOT/scripts/setup.sh" run
export ASPNETCORE_URLS=${ASPNETCORE_URLS:-http://127.0.0.1:5000}
export Prism__DataDir=${Prism__DataDir:-$ROOT/.data}
exec dotnet run --project "$ROOT/Gateway" -c Release -- "$@"
