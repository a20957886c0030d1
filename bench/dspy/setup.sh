#!/usr/bin/env bash
# Creates .bench-venv/ (gitignored) with the pinned DSPy of bench/dspy/requirements.txt, using the
# machine's python3. Idempotent: a venv whose requirements stamp matches is left alone.
# Benchmark-only; the product and CI never need it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
venv="$root/.bench-venv"
requirements="$root/bench/dspy/requirements.txt"
stamp="$venv/.requirements.sha256"
want="$(sha256sum "$requirements" | cut -d' ' -f1)"

if [[ -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
  exit 0
fi
command -v python3 >/dev/null || { echo "python3 not found: install Python 3.10+ to run the DSPy benchmark" >&2; exit 1; }
echo "setting up $venv (DSPy, pinned in bench/dspy/requirements.txt)" >&2
python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps -r "$requirements"
"$venv/bin/python" -m pip check >&2
echo "$want" >"$stamp"
