#!/usr/bin/env bash
# The local stack: Temporal dev server (SQLite in .data/temporal), PostgreSQL and the local model server.
#   bash infra/stack.sh up       start what is not running, wait until healthy, print addresses (idempotent)
#   bash infra/stack.sh down     stop what `up` started; data is kept
#   bash infra/stack.sh status   print what runs where; exit 1 if something is down
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

RUN_DIR="$DATA_DIR/run"
LOG_DIR="$DATA_DIR/logs"
TEMPORAL_PID="$RUN_DIR/temporal.pid"
MODEL_PID="$RUN_DIR/model-server.pid"
MODEL_CONFIG="${MODEL_SERVER_CONFIG:-$ROOT/model-server/models.default.yaml}"
mkdir -p "$RUN_DIR" "$LOG_DIR" "$DATA_DIR/temporal"

temporal_healthy() { "$(temporal_bin)" operator cluster health --address "127.0.0.1:$TEMPORAL_PORT" 2>/dev/null | grep -q SERVING; }
model_server_healthy() { curl -fsS "http://127.0.0.1:$MODEL_SERVER_PORT/v1/models" >/dev/null 2>&1; }

start_temporal() {
  if temporal_healthy; then log "temporal: already running on 127.0.0.1:$TEMPORAL_PORT"; return; fi
  local args=(server start-dev --db-filename "$DATA_DIR/temporal/temporal.db" --ip 127.0.0.1
    --port "$TEMPORAL_PORT" --ui-port "$TEMPORAL_UI_PORT" --ui-disable-news-fetch --log-level warn)
  for sa in "${SEARCH_ATTRIBUTES[@]}"; do args+=(--search-attribute "$sa"); done
  log "temporal: starting dev server (data in $DATA_DIR/temporal)"
  setsid nohup "$(temporal_bin)" "${args[@]}" >>"$LOG_DIR/temporal.log" 2>&1 < /dev/null &
  echo $! > "$TEMPORAL_PID"
  WAIT_PIDFILE="$TEMPORAL_PID" wait_for "Temporal (log: $LOG_DIR/temporal.log)" 90 temporal_healthy
}

start_model_server() {
  if model_server_healthy; then log "model server: already running on 127.0.0.1:$MODEL_SERVER_PORT"; return; fi
  log "model server: starting ($MODEL_CONFIG)"
  setsid nohup node --import tsx "$ROOT/model-server/main.ts" --config "$MODEL_CONFIG" \
    --host 127.0.0.1 --port "$MODEL_SERVER_PORT" >>"$LOG_DIR/model-server.log" 2>&1 < /dev/null &
  echo $! > "$MODEL_PID"
  WAIT_PIDFILE="$MODEL_PID" wait_for "model server (log: $LOG_DIR/model-server.log)" 60 model_server_healthy
}

stop_pidfile() {
  local name="$1" file="$2"
  if pid_alive "$file"; then
    local pid; pid="$(cat "$file")"
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid"
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && kill -KILL -- "-$pid" 2>/dev/null
    log "$name: stopped"
  else
    log "$name: not running (no process started by this stack)"
  fi
  rm -f "$file"
}

print_status() {
  local ok=0
  if temporal_healthy; then
    echo "temporal:     running  grpc 127.0.0.1:$TEMPORAL_PORT  ui http://127.0.0.1:$TEMPORAL_UI_PORT"
  else echo "temporal:     stopped"; ok=1; fi
  bash "$ROOT/infra/postgres.sh" status | sed 's/^postgres: /postgres:     /' || ok=1
  [[ -n "${DATABASE_URL:-}" ]] && echo "database:     $DATABASE_URL" | sed -E 's#//([^:]+):[^@]*@#//\1:***@#'
  if model_server_healthy; then echo "model server: running  http://127.0.0.1:$MODEL_SERVER_PORT/v1"
  else echo "model server: stopped"; ok=1; fi
  return $ok
}

case "${1:-status}" in
  up)
    bash "$ROOT/infra/postgres.sh" start
    start_temporal
    start_model_server
    # The local cluster has the workers' least-privilege role (infra/postgres.sh): keep its grants current.
    if uses_own_postgres; then export PROMPTEVO_WORKER_DB_ROLE="${PROMPTEVO_WORKER_DB_ROLE:-promptevo_worker}"; fi
    # ... and the services' read-only registry role.
    if uses_own_postgres; then export PROMPTEVO_READER_DB_ROLE="${PROMPTEVO_READER_DB_ROLE:-promptevo_reader}"; fi
    node --import tsx "$ROOT/infra/migrate.ts" up
    print_status
    ;;
  down)
    stop_pidfile "model server" "$MODEL_PID"
    stop_pidfile "temporal" "$TEMPORAL_PID"
    bash "$ROOT/infra/postgres.sh" stop
    ;;
  status) print_status ;;
  *) die "usage: infra/stack.sh up|down|status" ;;
esac
