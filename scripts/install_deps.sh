#!/usr/bin/env bash
# Installs the Debian packages the build needs, when they are missing and we are root.
# Not root and something missing: say which packages to install and stop.
set -euo pipefail

# libopenblas-openmp-dev: OpenBLAS on the OpenMP thread pool (third_party/dependencies.cmake).
# python3-numpy: the tests cross-check our .npy and safetensors files with an independent reader.
# `install_deps.sh sanitize` adds what `make test-sanitize` and `make fuzz` need: clang with
# libFuzzer and the sanitizer runtimes, and LLVM's OpenMP runtime.
packages=(cmake g++ make libopenblas-dev libopenblas-openmp-dev doctest-dev libcxxopts-dev libstb-dev nlohmann-json3-dev python3-numpy)
if [ "${1:-}" = "sanitize" ]; then
  packages+=(clang libclang-rt-dev libomp-dev)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "Missing Debian packages: ${missing[*]}" >&2
  echo "Install them with: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
echo "Installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
