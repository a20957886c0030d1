# Shared helpers for the infra scripts. Sourced, not executed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA_DIR="${PROMPTEVO_DATA_DIR:-$ROOT/.data}"
VENV="$ROOT/.venv"
TEMPORAL_BIN="${TEMPORAL_BIN:-}"
TEMPORAL_PORT="${TEMPORAL_PORT:-7233}"
TEMPORAL_UI_PORT="${TEMPORAL_UI_PORT:-8233}"
MODEL_SERVER_PORT="${MODEL_SERVER_PORT:-8787}"
PG_VERSION="${PG_VERSION:-15}"
PG_CLUSTER="${PG_CLUSTER:-main}"
PG_PORT="${PG_PORT:-5432}"
DEFAULT_DATABASE_URL="postgres://promptevo:promptevo@127.0.0.1:${PG_PORT}/promptevo"

# Custom search attributes, kept in one place: the dev server registers them at start.
SEARCH_ATTRIBUTES=(
  "PromptEvoTask=Keyword"
  "PromptEvoRunId=Keyword"
  "PromptEvoGeneration=Int"
  "PromptEvoBestScore=Double"
  "PromptEvoPhase=Keyword"
  "PromptEvoSpendUsd=Double"
)

log() { printf '[promptevo] %s\n' "$*" >&2; }
die() { printf '[promptevo] error: %s\n' "$*" >&2; exit 1; }

temporal_bin() {
  if [[ -n "$TEMPORAL_BIN" && -x "$TEMPORAL_BIN" ]]; then echo "$TEMPORAL_BIN"; return; fi
  if [[ -x "$VENV/bin/temporal" ]]; then echo "$VENV/bin/temporal"; return; fi
  if [[ -x "$DATA_DIR/bin/temporal" ]]; then echo "$DATA_DIR/bin/temporal"; return; fi
  if command -v temporal >/dev/null 2>&1; then command -v temporal; return; fi
  die "the Temporal CLI is not installed; run: bash infra/setup.sh"
}

# wait_for DESCRIPTION SECONDS COMMAND...: polls COMMAND until it succeeds.
# With WAIT_PIDFILE set, gives up at once when that process has exited.
wait_for() {
  local what="$1" seconds="$2"; shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then die "$what did not become healthy within ${seconds}s"; fi
    if [[ -n "${WAIT_PIDFILE:-}" ]] && ! pid_alive "$WAIT_PIDFILE"; then die "$what exited while starting"; fi
    sleep 0.5
  done
}

pid_alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

uses_own_postgres() { [[ -z "${DATABASE_URL:-}" ]]; }
