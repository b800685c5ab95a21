#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""`make bench` part: time from kernel entry to the shell prompt on machines with 1, 8 and 64
NUMA nodes (node 0 with the CPU and 1 GiB, the others memory-only 48 MiB SP nodes above 4 GiB,
tests/qemu/test_limits.py), and on the default machine with a map of 16,000 more descriptors
(reserved pages every other page above its RAM, the test knob's COUNT: about 16,000 ranges).
The first command of spmk.run is `stats`, whose uptime counts from kernel entry. Prints
`boot.entry_to_prompt_<N>nodes_ms` and `boot.entry_to_prompt_16000descs_ms`, each VALUE ms,
the median of RUNS boots."""
import os
import re
import statistics
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "qemu"))
import spmk_qemu  # noqa: E402
from test_limits import many_nodes  # noqa: E402

RUNS = 3


def main():
    build = os.environ.get("BUILD", "build")
    spmk_qemu.BUILD = build if os.path.isabs(build) else os.path.join(ROOT, build)
    image = os.path.join(spmk_qemu.BUILD, "spmk.img")
    rc = 0
    cases = [(f"{n}nodes", many_nodes(n), None) for n in (1, 8, 64)]
    cases.append(("16000descs", ([], None), "0 0x40000000 1 0xf 16000\n"))
    for name, (args, sp), append in cases:
        ms = []
        for _ in range(RUNS):
            r = spmk_qemu.boot(cmdline='spmk.run="stats; poweroff"', args=args, sp_ranges=sp,
                               image=image, timeout=300, memmap_append=append)
            m = re.search(r"uptime: (\d+)\.(\d{3}) s since kernel entry", r.output)
            if not m:
                print(f"bench boot: no uptime with {name}:\n{r.output[-2000:]}", file=sys.stderr)
                rc = 1
                break
            ms.append(int(m.group(1)) * 1000 + int(m.group(2)))
        if ms:
            print(f"boot.entry_to_prompt_{name}_ms {statistics.median(ms)} ms")
    return rc


if __name__ == "__main__":
    sys.exit(main())
