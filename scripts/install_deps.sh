#!/usr/bin/env bash
# Installs the Debian packages the build needs, when they are missing and we are root.
# Not root and something missing: say which packages to install and stop.
set -euo pipefail

# python3-numpy: the tests cross-check our .npy and safetensors files with an independent reader.
# `install_deps.sh sanitize` adds what `make test-sanitize` and `make fuzz` need: clang with
# libFuzzer and the sanitizer runtimes, and LLVM's OpenMP runtime.
# Recommended, installed when we are root and only named otherwise: libopenblas-openmp-dev,
# OpenBLAS on the OpenMP thread pool (third_party/dependencies.cmake; without it the build links
# the pthread OpenBLAS, and OMP_WAIT_POLICY=passive is worth setting).
packages=(cmake g++ make libopenblas-dev doctest-dev libcxxopts-dev libstb-dev nlohmann-json3-dev fonts-dejavu-core
          python3-numpy)
recommended=(libopenblas-openmp-dev)
if [ "${1:-}" = "sanitize" ]; then
  packages+=(clang libclang-rt-dev libomp-dev)
fi
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
missing=() missing_recommended=()
for p in "${packages[@]}"; do installed "$p" || missing+=("$p"); done
for p in "${recommended[@]}"; do installed "$p" || missing_recommended+=("$p"); done
[ ${#missing[@]} -eq 0 ] && [ ${#missing_recommended[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  if [ ${#missing[@]} -gt 0 ]; then
    echo "Missing Debian packages: ${missing[*]}" >&2
    echo "Install them with: sudo apt-get install ${missing[*]} ${missing_recommended[*]}" >&2
    exit 1
  fi
  echo "Recommended Debian package not installed: ${missing_recommended[*]} (training runs faster with it;" \
       "sudo apt-get install ${missing_recommended[*]}, then reconfigure)" >&2
  exit 0
fi
all=("${missing[@]}" "${missing_recommended[@]}")
echo "Installing Debian packages: ${all[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${all[@]}"
