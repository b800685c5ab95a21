#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# mkimage.sh OUT LOADER KERNEL [APP.elf...] - builds a raw FAT32 ESP image (64 MiB, no
# partition table) holding \EFI\BOOT\BOOTX64.EFI, \spmk\kernel.elf, an empty
# \spmk\cmdline.txt and each app as \spmk\apps\NAME.elf (the loader loads them as modules).
# Uses mtools only: no root, no loop devices. OVMF boots the image as
# -drive if=virtio,format=raw,file=OUT.
set -euo pipefail

if [ $# -lt 3 ]; then
  echo "usage: $0 OUT LOADER KERNEL [APP.elf...]" >&2
  exit 2
fi
out=$1 loader=$2 kernel=$3
shift 3
apps=("$@")
for f in "$loader" "$kernel" "${apps[@]}"; do
  [ -f "$f" ] || { echo "mkimage: $f: no such file" >&2; exit 1; }
done

tmp=$(mktemp "${out}.XXXXXX")
empty=$(mktemp)
trap 'rm -f "$tmp" "$empty"' EXIT
export MTOOLS_SKIP_CHECK=1

truncate -s 64M "$tmp"
mformat -i "$tmp" -F -v SPMK ::
mmd -i "$tmp" ::/EFI ::/EFI/BOOT ::/spmk
mcopy -i "$tmp" "$loader" ::/EFI/BOOT/BOOTX64.EFI
mcopy -i "$tmp" "$kernel" ::/spmk/kernel.elf
mcopy -i "$tmp" "$empty" ::/spmk/cmdline.txt
mmd -i "$tmp" ::/spmk/apps
for a in "${apps[@]}"; do
  mcopy -i "$tmp" "$a" "::/spmk/apps/$(basename "$a")"
done
chmod 644 "$tmp"
mv "$tmp" "$out"
trap 'rm -f "$empty"' EXIT
