#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Installs the Debian packages spmk needs to build, boot and test, only when some are missing.
# Safe to run again: a no-op when everything is present.
set -euo pipefail

PACKAGES=(
  build-essential gnu-efi nasm binutils
  qemu-system-x86 ovmf mtools dosfstools acpica-tools gdisk
  clang lld libclang-rt-14-dev llvm-14 libcmocka-dev
  python3 python3-pytest python3-pytest-xdist gdb
  python3-matplotlib hwloc-nox graphviz clang-format-14
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing ${missing[*]}" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
