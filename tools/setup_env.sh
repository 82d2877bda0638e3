#!/usr/bin/env bash
# Create or update the project-local virtualenv (.venv) with everything oclip-mmocr needs.
# Idempotent: a second run only checks a stamp and returns.
#
#   OCLIP_VENV          virtualenv path (default: <repo>/.venv)
#   OCLIP_WHEEL_CACHE   where the compiled mmcv wheel is kept across clones
#                       (default: ~/.cache/oclip-mmocr/wheels)
#   PYTHON              interpreter used to create the virtualenv (default: python3.11 or python3)
#   OCLIP_MMCV_CUDA=1   build mmcv's CUDA ops instead of CPU ops (see tools/build_mmcv_wheel.sh)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV=${OCLIP_VENV:-$ROOT/.venv}
CACHE=${OCLIP_WHEEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/oclip-mmocr/wheels}
PYTHON=${PYTHON:-$(command -v python3.11 || command -v python3)}
CONSTRAINTS=$ROOT/requirements/constraints.txt

stamp_of() { cat "$ROOT"/requirements/*.txt "$ROOT/setup.py" | sha256sum | cut -d' ' -f1; }
STAMP=$VENV/.oclip-mmocr-installed
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$(stamp_of)" ] && "$VENV/bin/python" -c 'import mmcv._ext' 2>/dev/null; then
  exit 0
fi

say() { echo "[setup_env] $*"; }
started=$(date +%s)
if [ ! -x "$VENV/bin/python" ]; then
  say "creating virtualenv $VENV with $PYTHON"
  "$PYTHON" -m venv "$VENV"
fi
PY=$VENV/bin/python
# The machine's pip config lists local index folders that do not exist for every package;
# pip warns once per package about them, which only buries the real messages.
pip_install() {
  "$PY" -m pip install --disable-pip-version-check -c "$CONSTRAINTS" "$@" 2> >(grep -v 'is ignored: it is neither a file' >&2)
}

say "installing torch, torchvision and build tools (about 1 minute from the local wheel store)"
pip_install --quiet -r "$ROOT/requirements/build.txt"

if ! "$PY" -c 'import mmcv, mmcv._ext; assert mmcv.__version__ == "2.0.1"' 2>/dev/null; then
  key=$("$PY" -c 'import sys, torch; v = torch.__version__.split("+")[0]; print("torch%s-cp%d%d" % (v, *sys.version_info[:2]))')
  variant=$([ "${OCLIP_MMCV_CUDA:-0}" = "1" ] && echo cuda || echo cpu)
  dir=$CACHE/mmcv-2.0.1-$key-$variant
  wheel=$(ls "$dir"/mmcv-2.0.1-*.whl 2>/dev/null | head -n1 || true)
  if [ -z "$wheel" ]; then
    say "no cached mmcv wheel in $dir: building it, once: 6-25 minutes on 2 cores (367 s, 532 s, 720 s, 1500 s measured)"
    pip_install --quiet mmengine addict yapf packaging pyyaml
    tmp=$dir.partial.$$
    bash "$ROOT/tools/build_mmcv_wheel.sh" "$PY" "$tmp"
    mkdir -p "$dir" && mv "$tmp"/mmcv-2.0.1-*.whl "$dir"/ && rm -rf "$tmp"
    wheel=$(ls "$dir"/mmcv-2.0.1-*.whl | head -n1)
  else
    say "reusing cached mmcv wheel $wheel"
  fi
  pip_install --quiet "$wheel"
fi

say "installing mmengine, mmdet, mmocr and oclip_mmocr (editable)"
pip_install --quiet -r "$ROOT/requirements/runtime.txt" -r "$ROOT/requirements/tests.txt" -e "$ROOT"
"$PY" -c 'import mmcv._ext, mmdet.models, mmocr.models, oclip_mmocr' || { say "import check failed"; exit 1; }
stamp_of > "$STAMP"
say "ready: $VENV (installed in $(( $(date +%s) - started )) s on $(nproc) cores)"
