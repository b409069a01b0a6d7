#!/usr/bin/env bash
# Starts (or stops) the real services the tests use, on loopback ports, with data under $PRISM_SERVICES_DIR:
#   PostgreSQL 15 + PostGIS 3 on 55432 (user postgres, trust auth), Redis on 56379, s3rver (S3 protocol) on 54569.
# Usage: scripts/services.sh start|stop|status. Idempotent: a service that already answers is left alone.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIR=${PRISM_SERVICES_DIR:-/tmp/prism-services}
PG_PORT=${PRISM_PG_PORT:-55432}; REDIS_PORT=${PRISM_REDIS_PORT:-56379}; S3_PORT=${PRISM_S3_PORT:-54569}
PG_BIN=/usr/lib/postgresql/15/bin
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

start_pg() {
  if as_pg $PG_BIN/pg_isready -q -h 127.0.0.1 -p "$PG_PORT"; then echo "postgres: already up on $PG_PORT"; return; fi
  mkdir -p "$DIR"; [ "$(id -u)" -eq 0 ] && chown postgres "$DIR" && chmod 755 "$DIR"
  if [ ! -s "$DIR/pg/PG_VERSION" ]; then
    as_pg mkdir -p "$DIR/pg"
    as_pg $PG_BIN/initdb -D "$DIR/pg" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  as_pg $PG_BIN/pg_ctl -D "$DIR/pg" -l "$DIR/pg.log" -w -o "-p $PG_PORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300" start >/dev/null
  echo "postgres: up on $PG_PORT"
}
start_redis() {
  if redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then echo "redis: already up on $REDIS_PORT"; return; fi
  mkdir -p "$DIR/redis"
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$DIR/redis" --daemonize yes \
    --pidfile "$DIR/redis.pid" --logfile "$DIR/redis.log" --save "" --appendonly no >/dev/null
  for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
  echo "redis: up on $REDIS_PORT"
}
start_s3() {
  if curl -s -o /dev/null "http://127.0.0.1:$S3_PORT/"; then echo "s3rver: already up on $S3_PORT"; return; fi
  [ -x "$ROOT/tools/node_modules/.bin/s3rver" ] || (cd "$ROOT/tools" && npm ci --silent --no-audit --no-fund)
  mkdir -p "$DIR/s3"
  nohup "$ROOT/tools/node_modules/.bin/s3rver" --address 127.0.0.1 --port "$S3_PORT" --directory "$DIR/s3" \
    --silent >"$DIR/s3rver.log" 2>&1 &
  echo $! > "$DIR/s3rver.pid"
  for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$S3_PORT/" && break; sleep 0.1; done
  echo "s3rver: up on $S3_PORT"
}
case "${1:-start}" in
  start) start_pg; start_redis; start_s3 ;;
  stop)
    as_pg $PG_BIN/pg_ctl -D "$DIR/pg" -m fast stop >/dev/null 2>&1 || true
    redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
    [ -f "$DIR/s3rver.pid" ] && kill "$(cat "$DIR/s3rver.pid")" 2>/dev/null || true
    echo stopped ;;
  status)
    as_pg $PG_BIN/pg_isready -h 127.0.0.1 -p "$PG_PORT" || true
    redis-cli -p "$REDIS_PORT" ping || true
    curl -s -o /dev/null -w "s3rver %{http_code}\n" "http://127.0.0.1:$S3_PORT/" || true ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
