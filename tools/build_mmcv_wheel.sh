#!/usr/bin/env bash
# Build an mmcv wheel *with compiled ops* for the torch installed in the active Python.
#
# PyPI only ships mmcv 2.0.x as an sdist, and its setup.py forces -std=c++14, which the
# headers of torch >= 2.6 reject (they need C++20). We patch that flag and build once;
# the wheel goes to a cache directory keyed by mmcv/torch/Python/device so later installs
# (fresh clones, CI) reuse it instead of recompiling (6-25 minutes on 2 cores).
#
# Usage: tools/build_mmcv_wheel.sh PYTHON OUT_DIR
#   OCLIP_MMCV_CUDA=1   build CUDA ops (needs nvcc); default builds CPU ops with any GPU hidden.
set -euo pipefail
PY=$1
OUT=$2
MMCV_VERSION=${MMCV_VERSION:-2.0.1}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "[build_mmcv] downloading mmcv==$MMCV_VERSION sdist"
"$PY" -m pip download --quiet --no-deps --no-binary :all: "mmcv==$MMCV_VERSION" -d "$work"
tar -xzf "$work/mmcv-$MMCV_VERSION.tar.gz" -C "$work"
src="$work/mmcv-$MMCV_VERSION"
sed -i 's/-std=c++14/-std=c++20/g' "$src/setup.py"
grep -q 'c++20' "$src/setup.py" || { echo "[build_mmcv] could not patch $src/setup.py" >&2; exit 1; }

if [ "${OCLIP_MMCV_CUDA:-0}" = "1" ]; then
  export FORCE_CUDA=1
else
  # mmcv compiles CUDA kernels whenever torch sees a GPU; hide it for a CPU-ops build.
  export CUDA_VISIBLE_DEVICES=""
  export FORCE_CUDA=0
fi
export MMCV_WITH_OPS=1
export MAX_JOBS=${MAX_JOBS:-$(nproc)}
mkdir -p "$OUT"
echo "[build_mmcv] compiling ops with $MAX_JOBS jobs (6-25 minutes on 2 cores: 367 s, 532 s, 1500 s measured)"
start=$(date +%s)
(cd "$src" && "$PY" -m pip wheel --no-build-isolation --no-deps -w "$OUT" .) &
build=$!
# pip is silent while compiling: say how long it has been.
while kill -0 "$build" 2>/dev/null; do
  sleep 60
  kill -0 "$build" 2>/dev/null && echo "[build_mmcv] still compiling: $(( $(date +%s) - start )) s elapsed"
done
wait "$build"
echo "[build_mmcv] built $(ls "$OUT"/mmcv-*.whl) in $(( $(date +%s) - start )) s"
