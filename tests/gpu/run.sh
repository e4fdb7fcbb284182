#!/usr/bin/env bash
# Every GPU check in one run, on a machine with an NVIDIA GPU (H100/H200, sm_90): builds the CUDA
# backend from source, runs the GPU test executable (tests/cuda), `scan parity --device cuda`
# (every op of the catalogue, forward and gradients, against the CPU) and the float64 gradient
# checks on the GPU, and ends with a short table. Nothing here downloads anything.
#
#   bash tests/gpu/run.sh [build folder, default build-gpu]
#
# The machine needs g++, cmake, nvcc with cuBLAS, OpenBLAS, doctest, cxxopts and
# nlohmann-json. Where libstb-dev is missing (header-only, for the picture tools), carry its headers:
#   mkdir -p .gpu-carry && cp -r /usr/include/stb .gpu-carry/     # on a machine that has them
# and the script points the build at .gpu-carry/stb. Logs and JSON go to $OUT (default: the build folder).
set -uo pipefail
cd "$(dirname "$0")/../.."
BUILD=${1:-build-gpu}
OUT=${OUT:-$BUILD}
mkdir -p "$OUT"
start=$(date +%s)
declare -a rows

step() {  # step <name> <log> <command...>: runs it, keeps its log, adds a row
  local name=$1 log=$2
  shift 2
  local t0=$(date +%s)
  "$@" > "$OUT/$log" 2>&1
  local rc=$?
  local summary
  summary=$(grep -E "cases, [0-9]+ passed|test cases:|^\[doctest\] Status|skipped" "$OUT/$log" | tail -1)
  rows+=("$(printf '%-28s %-6s %5ss  %s' "$name" "$([ $rc -eq 0 ] && echo ok || echo FAIL:$rc)" \
    "$(( $(date +%s) - t0 ))" "$summary")")
  [ $rc -eq 0 ] || tail -30 "$OUT/$log"
  return $rc
}

nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | tee "$OUT/gpu.txt"
stb=()
if [ ! -f /usr/include/stb/stb_image.h ] && [ -f .gpu-carry/stb/stb_image.h ]; then
  stb=(-DSTB_INCLUDE_DIR="$PWD/.gpu-carry/stb")
fi
step "configure" configure.log cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DFW_CUDA=ON "${stb[@]}" &&
  { grep -q "CUDA backend:" "$OUT/configure.log" ||
    { echo "configured without the CUDA backend:"; grep -i -E "cuda|cublas" "$OUT/configure.log"; false; }; } &&
  step "build (scan, cuda_tests)" build.log cmake --build "$BUILD" -j "$(nproc)" --target scan cuda_tests
built=$?

if [ $built -eq 0 ]; then
  step "cuda_tests" cuda_tests.log "$BUILD/tests/cuda_tests"
  step "scan parity --device cuda" parity.log "$BUILD/scan" parity --device cuda --json "$OUT/parity.json"
  step "parity, another seed" parity_seed2.log "$BUILD/scan" parity --device cuda --seed 2
  step "scan gradcheck --device cuda" gradcheck.log "$BUILD/scan" gradcheck --device cuda
fi

echo
echo "GPU checks, $(date -u +%Y-%m-%d), $(head -1 "$OUT/gpu.txt"), $(( $(date +%s) - start )) s in all"
printf '%s\n' "${rows[@]}"
for row in "${rows[@]}"; do
  case "$row" in *FAIL*) exit 1 ;; esac
done
[ $built -eq 0 ]
