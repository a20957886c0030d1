#!/usr/bin/env bash
# One command from a fresh clone to a finished optimization: installs everything, starts the local
# stack, runs a worker, and optimizes the example ticket-routing task on the simulated models.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

bash infra/setup.sh
bash infra/stack.sh up

mkdir -p "$DATA_DIR/logs"
log "starting a worker (log: $DATA_DIR/logs/quickstart-worker.log)"
node --import tsx worker/main.ts >>"$DATA_DIR/logs/quickstart-worker.log" 2>&1 &
WORKER_PID=$!
trap 'kill -TERM "$WORKER_PID" 2>/dev/null; wait "$WORKER_PID" 2>/dev/null || true' EXIT

node bin/promptevo.js run "${1:-examples/ticket-routing/task.yaml}" --wait
log "the Temporal UI lists every generation: http://127.0.0.1:${TEMPORAL_UI_PORT}"
