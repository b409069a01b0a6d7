#!/usr/bin/env bash
# The whole test suite, on real PostgreSQL/PostGIS, Redis, s3rver and GDAL (README: "Test").
# Installs what is missing (scripts/setup.sh), starts the services on loopback (scripts/services.sh), runs every
# test project, and prints one closing line "tests: N passed, N failed".
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
scripts/setup.sh test
scripts/services.sh start
export PRISM_SHARED_DATA=${PRISM_SHARED_DATA:-$(cd "$ROOT/.." && pwd)/shared/data}
LOG=$(mktemp)
set +e
dotnet test Prism.Orleans.sln -c Release --nologo "$@" 2>&1 | tee "$LOG"
rc=${PIPESTATUS[0]}
set -e
passed=$(grep -Eo 'Passed: +[0-9]+' "$LOG" | awk '{s+=$2} END {print s+0}')
failed=$(grep -Eo 'Failed: +[0-9]+' "$LOG" | awk '{s+=$2} END {print s+0}')
rm -f "$LOG"
echo "tests: $passed passed, $failed failed"
exit "$rc"
