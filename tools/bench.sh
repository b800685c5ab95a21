#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# `make bench`: runs every host benchmark (build/bench/bench_*), then boots QEMU once on the
# default topology with spmk.run="bench hotplug; bench release; poweroff" and prints the
# hand-off/reclaim and release figures, then reclaim of a device in use while a worker writes on
# the other CPU and 1000 hand-off/move/reclaim rounds (bench smp, docs/smp.md), then times
# kernel entry to prompt with 1, 8 and 64 NUMA nodes (tools/bench_boot.py); also
# `selftest stress 2500 SEED all` on 4 CPUs (10,000 steps in all: steps/s, docs/smp.md).
# Every figure is a line `NAME VALUE UNIT`.
set -uo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
rc=0
for b in "$BUILD"/bench/bench_*; do
	[ -x "$b" ] || continue
	echo "== $(basename "$b")"
	"$b" || rc=1
done
echo "== bench hotplug, bench release (QEMU, TCG)"
[ -f "$BUILD/spmk.img" ] || { echo "bench: $BUILD/spmk.img missing; run make first" >&2; exit 1; }
out=$(CMDLINE='spmk.run="bench hotplug; bench release; poweroff"' timeout 600 bash tools/run.sh </dev/null 2>&1 | tr -d '\r')
figures=$(printf '%s\n' "$out" | grep -E '^(hotplug|release)\.[a-z0-9_]+ ')
if [ -z "$figures" ]; then
	printf '%s\n' "$out" | tail -30
	echo "bench: no hotplug/release figures" >&2
	exit 1
fi
printf '%s\n' "$figures"
echo "== reclaim while a worker writes on the other CPU, then 1000 rounds (QEMU, TCG, 2 CPUs)"
out=$(SMP=2 CMDLINE='spmk.run="dax destroy-device dax0.0; dax create-device 0 8M; bench smp dax0.0 4M 1000; poweroff"' \
	timeout 900 bash tools/run.sh 2>&1 | tr -d '\r')
figures=$(printf '%s\n' "$out" | grep -E '^smp\.[a-z0-9_]+ ')
if [ -z "$figures" ] || printf '%s\n' "$out" | grep -q 'bench smp: error'; then
	printf '%s\n' "$out" | tail -30
	echo "bench: bench smp failed" >&2
	rc=1
fi
printf '%s\n' "$figures"
echo "== selftest stress on every CPU: 2500 steps on each of 4 CPUs (QEMU, TCG)"
out=$(SMP=4 CMDLINE='spmk.run="dax destroy-device dax0.0; dax create-device 0 2M; dax create-device 0 2M; dax create-device 0 4M; selftest stress 2500 20261130 all; poweroff"' \
	timeout 900 bash tools/run.sh </dev/null 2>&1 | tr -d '\r')
line=$(printf '%s\n' "$out" | grep -E '^stress: [0-9]+ ms, [0-9]+ steps/s on 4 CPUs$')
if [ -z "$line" ] || ! printf '%s\n' "$out" | grep -qE '^stress: 2500 steps on each of 4 CPUs .*: pass$'; then
	printf '%s\n' "$out" | tail -30
	echo "bench: selftest stress on 4 CPUs failed" >&2
	rc=1
else
	printf '%s\n' "$line" | sed -E 's/^stress: ([0-9]+) ms, ([0-9]+) steps\/s.*/stress_mp.4cpu_steps_per_s \2 steps\/s\nstress_mp.4cpu_10000_steps \1 ms/'
fi
echo "== boot time with 1, 8 and 64 nodes (QEMU, TCG)"
BUILD="$BUILD" /usr/bin/python3 tools/bench_boot.py || rc=1
echo "== hand-off and unused reclaim of 1, 64 and 512 GiB (QEMU, TCG)"
BUILD="$BUILD" /usr/bin/python3 tools/bench_handoff.py || rc=1
exit $rc
