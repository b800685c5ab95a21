#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# mkdisk.sh OUT ESP - builds a bootable GPT disk image (UEFI 2.10 §5.3) from the ESP image ESP
# (build/spmk.img, tools/mkimage.sh): a protective MBR (§5.2.3), the primary GPT, one EFI system
# partition (type EF00, GUID C12A7328-F81F-11D2-BA4B-00A0C93EC93B) starting at 1 MiB whose
# content is exactly the ESP image, and the backup GPT in the last sectors. The disk is 1 MiB
# larger than the ESP on each side. Made with sgdisk (Debian's gdisk), mtools and dd only: no
# root, no loop devices. The result is written to a USB stick or disk with dd (docs/disk.md).
#
# Environment: CMDLINE, when set (even empty), becomes \spmk\cmdline.txt on the disk's ESP: the
# kernel command line the loader reads when no fw_cfg opt/spmk/cmdline exists, i.e. on a real
# machine (docs/boot-protocol.md). Unset: the ESP's own cmdline.txt is kept.
#
# The FAT boot sector's hidden-sectors field (and its FAT32 backup's) is set to the partition's
# first LBA, as a FAT volume inside a partition has it. Errors name their values and exit 1;
# usage errors exit 2. Nothing is left behind on failure.
set -euo pipefail

SECTOR=512
PART_START=2048            # first LBA of the ESP: 1 MiB, the usual alignment
TAIL_SECTORS=2048          # after the ESP: room for the backup GPT (33 sectors), 1 MiB aligned
CMDLINE_MAX=2047           # boot/boot_info.h BOOT_CMDLINE_MAX - 1

die() { echo "mkdisk: $*" >&2; exit 1; }

if [ $# -ne 2 ]; then
	echo "usage: $0 OUT ESP   (CMDLINE=... in the environment writes \\spmk\\cmdline.txt)" >&2
	exit 2
fi
out=$1 esp=$2
command -v sgdisk >/dev/null || die "sgdisk not found (Debian package gdisk; make deps installs it)"
[ -f "$esp" ] || die "$esp: no such file"
[ -d "$(dirname "$out")" ] || die "$(dirname "$out"): no such directory for $out"
esp_bytes=$(stat -c %s "$esp")
[ "$esp_bytes" -gt 0 ] && [ $((esp_bytes % SECTOR)) -eq 0 ] ||
	die "$esp: $esp_bytes bytes is not a positive multiple of the $SECTOR-byte sector"
[ "$(od -A n -t x1 -j 510 -N 2 "$esp" | tr -d ' ')" = 55aa ] ||
	die "$esp: no FAT boot sector (bytes 510-511 are not 55 aa)"
esp_sectors=$((esp_bytes / SECTOR))
part_end=$((PART_START + esp_sectors - 1))
disk_bytes=$(((PART_START + esp_sectors + TAIL_SECTORS) * SECTOR))

tmpdir=$(mktemp -d "$(dirname "$out")/.mkdisk.XXXXXX")
trap 'rm -rf "$tmpdir"' EXIT
part="$tmpdir/esp.img"
disk="$tmpdir/disk.img"
export MTOOLS_SKIP_CHECK=1

cp --sparse=always "$esp" "$part"
if [ -n "${CMDLINE+set}" ]; then
	len=$(printf '%s' "$CMDLINE" | wc -c)
	[ "$len" -le $CMDLINE_MAX ] || die "CMDLINE is $len bytes, max $CMDLINE_MAX"
	printf '%s\n' "$CMDLINE" >"$tmpdir/cmdline.txt"
	mcopy -o -i "$part" "$tmpdir/cmdline.txt" ::/spmk/cmdline.txt 2>"$tmpdir/mcopy.log" ||
		die "cannot write \\spmk\\cmdline.txt on a copy of $esp: $(cat "$tmpdir/mcopy.log")"
fi

# Hidden sectors (BPB offset 28, little-endian u32) = the partition's first LBA, in the boot
# sector and, on FAT32 (16-bit FAT size 0), in the backup boot sector it names (offset 50).
le32() { local i; for i in 0 8 16 24; do printf "\\x$(printf %02x $(($1 >> i & 255)))"; done; }
u16() { od -A n -t u2 -j "$2" -N 2 "$1" | tr -d ' '; }
le32 $PART_START | dd of="$part" bs=1 seek=28 conv=notrunc status=none
if [ "$(u16 "$part" 22)" -eq 0 ]; then
	bk=$(u16 "$part" 50)
	if [ "$bk" -gt 0 ] && [ "$bk" -lt 32 ]; then
		le32 $PART_START | dd of="$part" bs=1 seek=$((bk * SECTOR + 28)) conv=notrunc status=none
	fi
fi

truncate -s "$disk_bytes" "$disk"
sgdisk --clear --set-alignment=$PART_START --new=1:$PART_START:$part_end --typecode=1:EF00 \
	--change-name=1:"EFI system partition" "$disk" >"$tmpdir/sgdisk.log" 2>&1 ||
	die "sgdisk could not create the partition: $(cat "$tmpdir/sgdisk.log")"
dd if="$part" of="$disk" bs=1M seek=$((PART_START * SECTOR / 1048576)) conv=notrunc,sparse status=none

# Check what was made: sgdisk finds no problem and the partition is exactly where it was asked.
verify=$(sgdisk --verify "$disk" 2>&1) || die "sgdisk --verify failed: $verify"
grep -q "No problems found" <<<"$verify" || die "sgdisk --verify: $verify"
info=$(sgdisk --info=1 "$disk")
grep -q "^First sector: $PART_START " <<<"$info" && grep -q "^Last sector: $part_end " <<<"$info" ||
	die "partition 1 is not sectors $PART_START-$part_end: $info"
mdir -i "$disk@@$((PART_START * SECTOR))" ::/EFI/BOOT/BOOTX64.EFI >/dev/null ||
	die "the partition holds no \\EFI\\BOOT\\BOOTX64.EFI"

chmod 644 "$disk"
mv "$disk" "$out"
echo "mkdisk: $out: GPT, EFI system partition at LBA $PART_START-$part_end ($((esp_bytes / 1048576)) MiB), $((disk_bytes / 1048576)) MiB"
