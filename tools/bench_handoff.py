#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""`make bench` part: hand-off and unused reclaim of one SP node of 1 GiB, 64 GiB and 512 GiB
(node 0 with the CPU and 1 GiB, node 1 the SP node at 4 GiB, reserve=off backends). The
kernel times each `dax reconfigure` itself (TSC). Prints `hotplug.handoff_<N>g_us VALUE us`
and `hotplug.reclaim_unused_<N>g_us VALUE us`; a size that is refused or times out is reported
on stderr (with the kernel's reason) and gives no figure."""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "qemu"))
import spmk_qemu  # noqa: E402


def main():
    build = os.environ.get("BUILD", "build")
    spmk_qemu.BUILD = build if os.path.isabs(build) else os.path.join(ROOT, build)
    for gib in (1, 64, 512):
        args, sp = spmk_qemu.big_sp_node(gib)
        r = spmk_qemu.boot(cmdline='spmk.run="dax reconfigure dax0.0 system-ram; '
                           'dax reconfigure dax0.0 devdax; poweroff"', args=args, sp_ranges=sp,
                           image=os.path.join(spmk_qemu.BUILD, "spmk.img"), timeout=240)
        up = re.search(r"dax0\.0: system-ram, .*\((\d+) us\)", r.output)
        down = re.search(r"dax0\.0: \d+ pages reclaimed to devdax, .*\((\d+) us\)", r.output)
        if not up or not down:
            why = [ln for ln in r.output.splitlines() if "reconfigure" in ln and "spmk>" not in ln]
            what = "timed out" if r.timed_out else " / ".join(why[-3:])
            print(f"bench handoff: {gib} GiB: no figures: {what}", file=sys.stderr)
            continue
        print(f"hotplug.handoff_{gib}g_us {up.group(1)} us")
        print(f"hotplug.reclaim_unused_{gib}g_us {down.group(1)} us")
    return 0


if __name__ == "__main__":
    sys.exit(main())
