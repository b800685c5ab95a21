#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The named machines: QEMU arguments for each, one per line. `make run TOPO=NAME` boots one
# (tools/run.sh) and the test harness (tests/qemu/spmk_qemu.py) reads the same lines, so what
# `make run` boots is what is tested. docs/machines.md says what each firmware claims and what
# spmk does with it.
#
#   qemu-args.sh NAME            the QEMU arguments of machine NAME (default: default)
#   qemu-args.sh --cmdline NAME  the kernel command line the machine boots with (may be empty)
#   qemu-args.sh --list          every machine with a one-line summary
#
# SMP=N (1..64, default 2) gives the machine N CPUs, all on the CPU node (two-socket: half on
# each socket, N even); with more than one, QEMU runs one host thread per CPU
# (-accel tcg,thread=multi).
# An unknown name is an error (status 2) that lists the machines. SP memory is marked by the
# firmware stage build/spfw.efi from the fw_cfg file opt/spmk/sp-ranges given here. Injected ACPI
# tables (machine gi) are compiled from tests/data/machine_*.asl into $BUILD/data/ by make.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac

MACHINES=(default hbm cxl two-socket gi fragmented no-hmat no-srat nosoftreserve no-sp)
declare -A SUMMARY=(
	[default]="CPU node 0 (1 GiB DDR) + memory-only SP node 1 (1 GiB at 4 GiB), HMAT, a memory-side cache"
	[hbm]="CPU node 0 (DDR) + memory-only HBM-like SP node 1: 4x the bandwidth, a 64 MiB memory-side cache"
	[cxl]="CPU node 0 (DDR) + far CXL-like SP node 1: 25x the latency, half the bandwidth, SLIT 40"
	[two-socket]="two CPU nodes, an SP node beside each, SLIT and HMAT for every pair"
	[gi]="a generic initiator (accelerator) is the best initiator of the SP node: access0 != access1"
	[fragmented]="SP marked over memory where the firmware keeps its own allocations"
	[no-hmat]="the default machine without an HMAT: SP memory without performance data"
	[no-srat]="no SRAT, SLIT or HMAT at all: one node, SP memory with no domain"
	[nosoftreserve]="the default machine booted with efi=nosoftreserve: SP memory is plain RAM"
	[no-sp]="the default machine whose firmware marks nothing SP, like most machines: no dax devices"
)

usage_list() {
	local m
	for m in "${MACHINES[@]}"; do
		printf '  %-14s %s\n' "$m" "${SUMMARY[$m]}"
	done
}

SMP=${SMP:-2}
if ! [[ "$SMP" =~ ^[0-9]+$ ]] || [ "$SMP" -lt 1 ] || [ "$SMP" -gt 64 ]; then
	echo "qemu-args: SMP=$SMP: the number of CPUs, 1 to 64" >&2
	exit 2
fi
LAST_CPU=$((SMP - 1))

# -smp and, for more than one CPU, one host thread per CPU.
cpus_args() {
	printf -- '-smp\n%s\n' "$SMP"
	[ "$SMP" -gt 1 ] && printf -- '-accel\ntcg,thread=multi\n'
	return 0
}

# One memory backend per node: nodeid, size.
backend() { printf -- '-object\nmemory-backend-ram,id=m%s,size=%s\n' "$1" "$2"; }
lb() { # initiator target latency-ns bandwidth
	printf -- '-numa\nhmat-lb,initiator=%s,target=%s,hierarchy=memory,data-type=access-latency,latency=%s\n' "$1" "$2" "$3"
	printf -- '-numa\nhmat-lb,initiator=%s,target=%s,hierarchy=memory,data-type=access-bandwidth,bandwidth=%s\n' "$1" "$2" "$4"
}
sp() { printf -- '-fw_cfg\nname=opt/spmk/sp-ranges,string=%s\n' "$1"; }

# Node 0 = CPU + 1 GiB below 4 GiB; node 1 = memory-only 1 GiB at 4 GiB (max-ram-below-4g=1G).
two_nodes() { # machine-options
	printf -- '-machine\nq35,%s\n-m\n2G\n' "$1"
	cpus_args
	backend 0 1G
	backend 1 1G
}

# The NUMA nodes of two_nodes with an HMAT: node 0 has every CPU, node 1 only memory, both with
# initiator 0; the SLIT distance between them.
two_nodes_numa() { # distance
	printf -- '-numa\n%s\n' node,nodeid=0,memdev=m0,cpus=0-$LAST_CPU,initiator=0 \
		node,nodeid=1,memdev=m1,initiator=0 dist,src=0,dst=1,val="$1"
}

machine_args() {
	case "$1" in
	default | nosoftreserve | no-sp)
		two_nodes hmat=on,max-ram-below-4g=1G
		two_nodes_numa 20
		lb 0 0 10 10G
		lb 0 1 30 4G
		printf -- '-numa\nhmat-cache,node-id=1,size=16M,level=1,associativity=direct,policy=write-back,line=64\n'
		# no-sp: no sp-ranges file, so the firmware stage marks nothing and only chains
		[ "$1" = no-sp ] || sp 1G@0x100000000
		;;
	hbm)
		two_nodes hmat=on,max-ram-below-4g=1G
		two_nodes_numa 11
		lb 0 0 10 10G
		lb 0 1 15 40G
		printf -- '-numa\nhmat-cache,node-id=1,size=64M,level=1,associativity=direct,policy=write-back,line=64\n'
		sp 1G@0x100000000
		;;
	cxl)
		two_nodes hmat=on,max-ram-below-4g=1G
		two_nodes_numa 40
		lb 0 0 10 10G
		lb 0 1 250 5G
		sp 1G@0x100000000
		;;
	two-socket)
		if [ $((SMP % 2)) -ne 0 ]; then
			echo "qemu-args: two-socket: SMP=$SMP must be even (half the CPUs on each socket)" >&2
			return 2
		fi
		printf -- '-machine\nq35,hmat=on,max-ram-below-4g=1G\n-m\n3G\n'
		cpus_args
		backend 0 1G
		backend 1 1G
		backend 2 512M
		backend 3 512M
		printf -- '-numa\n%s\n' node,nodeid=0,memdev=m0,cpus=0-$((SMP / 2 - 1)),initiator=0 \
			node,nodeid=1,memdev=m1,cpus=$((SMP / 2))-$LAST_CPU,initiator=1 \
			node,nodeid=2,memdev=m2,initiator=0 node,nodeid=3,memdev=m3,initiator=1 \
			dist,src=0,dst=1,val=21 dist,src=0,dst=2,val=17 dist,src=0,dst=3,val=28 \
			dist,src=1,dst=2,val=28 dist,src=1,dst=3,val=17 dist,src=2,dst=3,val=28
		lb 0 0 10 10G
		lb 0 1 21 6G
		lb 0 2 20 5G
		lb 0 3 35 3G
		lb 1 0 21 6G
		lb 1 1 10 10G
		lb 1 2 35 3G
		lb 1 3 20 5G
		sp 512M@0x140000000,,512M@0x160000000
		;;
	gi)
		# QEMU 7.2 cannot describe a generic initiator: no -numa at all, and the SRAT, SLIT
		# and HMAT are ours (tests/data/machine_gi_*.asl).
		printf -- '-machine\nq35,max-ram-below-4g=1G\n-m\n2G\n'
		cpus_args
		local t
		for t in srat slit hmat; do
			printf -- '-acpitable\nfile=%s/data/machine_gi_%s.aml\n' "$BUILD" "$t"
		done
		sp 1G@0x100000000
		;;
	fragmented)
		# Both nodes below 4 GiB: OVMF keeps its own data near the top of node 1, inside SP.
		two_nodes hmat=on
		two_nodes_numa 20
		lb 0 0 10 10G
		lb 0 1 30 4G
		sp 1G@0x40000000
		;;
	no-hmat)
		two_nodes max-ram-below-4g=1G
		printf -- '-numa\n%s\n' node,nodeid=0,memdev=m0,cpus=0-$LAST_CPU node,nodeid=1,memdev=m1 \
			dist,src=0,dst=1,val=20
		sp 1G@0x100000000
		;;
	no-srat)
		printf -- '-machine\nq35,max-ram-below-4g=1G\n-m\n2G\n'
		cpus_args
		sp 1G@0x100000000
		;;
	*)
		return 1
		;;
	esac
}

machine_cmdline() {
	case "$1" in
	nosoftreserve) printf 'efi=nosoftreserve\n' ;;
	*) printf '\n' ;;
	esac
}

known() {
	local m
	for m in "${MACHINES[@]}"; do [ "$m" = "$1" ] && return 0; done
	return 1
}

unknown() {
	{
		echo "qemu-args: unknown machine '$1'; the machines are:"
		usage_list
	} >&2
	exit 2
}

case "${1:-default}" in
--list)
	usage_list
	;;
--cmdline)
	known "${2:-default}" || unknown "${2:-default}"
	machine_cmdline "${2:-default}"
	;;
*)
	known "${1:-default}" || unknown "${1:-default}"
	machine_args "${1:-default}"
	;;
esac
