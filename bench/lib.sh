# Shared by the bench scripts (sourced): process and service helpers. Expects GW_PID (the gateway's pid, or empty),
# S3 (the s3rver base URL), HTTP_PORT and TOKEN (the gateway's port and admin token) as globals of the sourcing script.

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

# Stops the gateway started by the script: TERM, up to 10 s, then KILL.
stop_gateway() {
  [ -n "$GW_PID" ] || return 0
  if kill -0 "$GW_PID" 2>/dev/null; then
    kill -TERM "$GW_PID" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$GW_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$GW_PID" 2>/dev/null || true
  fi
  wait "$GW_PID" 2>/dev/null || true
  GW_PID=""
}

# Deletes every object of an s3rver bucket (listing pages of up to 1000 keys, bounded), then the bucket.
delete_bucket() {
  local bucket=$1 keys
  for _ in $(seq 50); do
    keys=$(curl -s --max-time 10 "$S3/$bucket" | grep -o '<Key>[^<]*</Key>' | sed 's/<Key>//; s/<\/Key>//' || true)
    [ -n "$keys" ] || break
    while IFS= read -r key; do curl -s --max-time 10 -o /dev/null -X DELETE "$S3/$bucket/$key" || true; done <<< "$keys"
  done
  curl -s --max-time 10 -o /dev/null -X DELETE "$S3/$bucket" || true
}

# An admin request to the gateway (curl arguments follow).
admin() { curl -s --max-time 30 -H "Authorization: Bearer $TOKEN" "$@"; }

# The seed jobs that registration queued (default zooms 0-6, every style, both sets: tens of thousands of tiles for a
# global product) are cancelled so they do not run under the measurements.
cancel_seeds() {
  local running j
  for _ in $(seq 150); do  # 30 s
    running=$(admin "http://127.0.0.1:$HTTP_PORT/admin/seed" | jq -r '.running[]?' 2>/dev/null || true)
    [ -z "$running" ] && return 0
    for j in $running; do admin -o /dev/null -X DELETE "http://127.0.0.1:$HTTP_PORT/admin/seed/$j" || true; done
    sleep 0.2
  done
  echo "warning: seed jobs still running after 30 s" >&2
}
