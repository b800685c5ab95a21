#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Boots build/spmk.img in QEMU (q35, OVMF, serial on this terminal, no display) on a named
# machine (tools/qemu-args.sh, docs/machines.md). Environment:
#   CMDLINE="..."     kernel command line, passed through fw_cfg opt/spmk/cmdline (after the
#                     machine's own, e.g. efi=nosoftreserve for TOPO=nosoftreserve)
#   QEMU_EXTRA="..."  extra QEMU arguments, appended (word-split)
#   TOPO=NAME         the machine (default: default); TOPO=list lists them
#   DISK=BUS          boot build/spmk-disk.img (make disk) instead of build/spmk.img, attached
#                     as a plain disk on BUS: ahci (DISK=1; q35's SATA), virtio or usb. No fw_cfg
#                     command line: the loader reads the disk's \spmk\cmdline.txt, which this
#                     script rewrites on its private copy to the machine's command line followed
#                     by CMDLINE when either is given (docs/disk.md)
# --debug: start halted with a GDB stub on :1234 and print how to attach (tools/gdbinit).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
OVMF=${OVMF:-/usr/share/ovmf/OVMF.fd}
if [ -n "${TOPOLOGY:-}" ]; then
	echo "run: TOPOLOGY=$TOPOLOGY: the variable is TOPO (TOPO=list lists the machines)" >&2
	exit 2
fi
TOPO=${TOPO:-default}
if [ "$TOPO" = list ]; then
	echo "machines (make run TOPO=NAME; docs/machines.md):"
	exec bash tools/qemu-args.sh --list
fi
# Checked before anything else: an unknown name lists the machines and boots nothing.
topo_text=$(bash tools/qemu-args.sh "$TOPO") || exit 2
mapfile -t topo <<<"$topo_text"
machine_cmdline=$(bash tools/qemu-args.sh --cmdline "$TOPO")
case "${DISK:-}" in
"") image=spmk.img ;;
1 | ahci | virtio | usb) image=spmk-disk.img ;;
*)
	echo "run: DISK=$DISK: the buses are ahci (DISK=1), virtio, usb" >&2
	exit 2
	;;
esac
[ -f "$BUILD/$image" ] || { echo "run: $BUILD/$image missing; run make${DISK:+ disk} first" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# A private copy: the disk is never shared between runs.
cp --sparse=always "$BUILD/$image" "$tmp/$image"
disk="$tmp/$image"
if [ -z "${DISK:-}" ]; then
	cmdline="$machine_cmdline ${CMDLINE:-}"
	cmdline=${cmdline# }
	printf '%s' "${cmdline% }" > "$tmp/cmdline"
	drive=(-drive "if=virtio,format=raw,file=$disk"
		-fw_cfg "name=opt/spmk/cmdline,file=$tmp/cmdline")
else
	# The EFI system partition starts at 1 MiB (tools/mkdisk.sh).
	export MTOOLS_SKIP_CHECK=1
	if [ -n "$machine_cmdline" ] || [ -n "${CMDLINE+set}" ]; then
		rest=${CMDLINE-$(mtype -i "$disk@@1M" ::/spmk/cmdline.txt 2>/dev/null || true)}
		line="$machine_cmdline $rest"
		line=${line# }
		printf '%s\n' "${line% }" > "$tmp/cmdline.txt"
		mcopy -o -i "$disk@@1M" "$tmp/cmdline.txt" ::/spmk/cmdline.txt
	fi
	case "$DISK" in
	virtio) drive=(-drive "if=virtio,format=raw,file=$disk") ;;
	usb) drive=(-drive "if=none,id=disk,format=raw,file=$disk" -device qemu-xhci
		-device usb-storage,drive=disk) ;;
	*) drive=(-drive "if=none,id=disk,format=raw,file=$disk" -device ide-hd,drive=disk) ;;
	esac
fi

args=(-nodefaults -display none -no-reboot -bios "$OVMF"
	"${drive[@]}"
	-kernel "$BUILD/spfw.efi"
	-device isa-debug-exit,iobase=0xf4,iosize=0x04
	"${topo[@]}")
# The serial console is this terminal; Ctrl-C reaches the shell, Ctrl-A x quits QEMU.
args+=(-chardev stdio,id=con,mux=on,signal=off -serial chardev:con -mon chardev=con,mode=readline)
if [ "${1:-}" = "--debug" ]; then
	args+=(-s -S)
	echo "run: QEMU is halted with a GDB stub on :1234; in another terminal: gdb -x tools/gdbinit" >&2
fi
[ -t 0 ] && echo "run: serial console on this terminal; 'poweroff' ends QEMU, Ctrl-A x quits it" >&2
# shellcheck disable=SC2086
exec qemu-system-x86_64 "${args[@]}" ${QEMU_EXTRA:-}
