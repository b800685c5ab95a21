#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# `make map TOPO=NAME`: boots machine NAME once, captures its console in build/map-NAME.log,
# and draws from it:
#   build/map-NAME.svg, .png        the physical address space (tools/map.py)
#   build/map-NAME-hwloc.xml, .svg  `numa --hwloc` as hwloc sees it (lstopo)
# The boot runs the commands below and powers off; a hung boot ends after 180 s.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
TOPO=${TOPO:-default}
bash tools/qemu-args.sh "$TOPO" >/dev/null
log="$BUILD/map-$TOPO.log"
CMDLINE='spmk.run="iomem; dax list -j; numa -j; numa --hwloc; poweroff"' \
	timeout 180 bash tools/run.sh </dev/null >"$log" 2>&1 || {
	echo "map: the boot of $TOPO failed (status $?); see $log" >&2
	exit 1
}
/usr/bin/python3 tools/map.py "$log" "$BUILD/map-$TOPO" --title "spmk TOPO=$TOPO: physical address space"
sed -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' -e 's/\r$//' "$log" |
	sed -n '/^<?xml/,/^<\/topology>/p' >"$BUILD/map-$TOPO-hwloc.xml"
lstopo --input "$BUILD/map-$TOPO-hwloc.xml" --force "$BUILD/map-$TOPO-hwloc.svg"
echo "map: wrote $BUILD/map-$TOPO-hwloc.svg (lstopo)"
