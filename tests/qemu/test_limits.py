# SPDX-License-Identifier: BSD-2-Clause
"""No fixed limits (docs/choices.md, "Tables sized by what boot finds"): a machine with 64 NUMA
nodes, 63 of them memory-only SP nodes, gets one dax region and device per SP node, with exact
accounting; a refused table growth (heap failure injected) changes nothing."""
import json
import re

from spmk_qemu import big_sp_node, run_script

MIB = 1 << 20


def many_nodes(n, node_mib=48):
    """QEMU arguments and SP ranges for node 0 (CPU, 1 GiB below 4 GiB) plus n - 1 memory-only
    nodes of node_mib MiB each from 4 GiB up, each with HMAT latency/bandwidth from initiator 0.
    reserve=off backends: guest memory the kernel never touches costs the host nothing."""
    total = 1024 + (n - 1) * node_mib
    args = ["-machine", "q35,hmat=on,max-ram-below-4g=1G", "-m", f"{total}M", "-smp", "1",
            "-object", "memory-backend-ram,id=m0,size=1G,reserve=off",
            "-numa", "node,nodeid=0,memdev=m0,cpus=0,initiator=0"]
    for i in range(1, n):
        args += ["-object", f"memory-backend-ram,id=m{i},size={node_mib}M,reserve=off",
                 "-numa", f"node,nodeid={i},memdev=m{i},initiator=0"]
    for i in range(n):
        lat, bw = (10, "10G") if i == 0 else (30 + i, "4G")
        args += ["-numa", f"hmat-lb,initiator=0,target={i},hierarchy=memory,"
                 f"data-type=access-latency,latency={lat}",
                 "-numa", f"hmat-lb,initiator=0,target={i},hierarchy=memory,"
                 f"data-type=access-bandwidth,bandwidth={bw}"]
    sp = f"{(n - 1) * node_mib}M@4G" if n > 1 else None
    return args, sp


def sp_accounting(text):
    m = re.findall(r"SP accounting: memory map (\d+) = in devices (\d+) \(system-ram (\d+)\) "
                   r"\+ free in regions (\d+) \+ reserved (\d+): (\w+)", text)
    assert m, text[-3000:]
    return [tuple(int(x) for x in a[:5]) + (a[5],) for a in m]


def test_64_nodes_63_devices_exact_accounting():
    """63 regions and devices (the first tables hold 16 and 64), then a 65th device: its table
    growth refused once by an injected heap failure (nothing changes), then granted."""
    args, sp = many_nodes(64)
    grow = "dax create-device 62 2M"
    r = run_script(f"dax list -j; mem; dax destroy-device dax62.0; {grow}; {grow}; "
                   f"fault inject kheap 1; {grow}; mem; {grow}; dax list -j; mem; selftest",
                   args=args, sp_ranges=sp, timeout=300)
    assert "no region" not in r.output and "MISMATCH" not in r.output, r.output[-4000:]
    regions = json.loads(r.command_output("dax list -j"))["regions"]
    assert len(regions) == 63
    for i, reg in enumerate(regions):
        assert reg["target_node"] == i + 1
        assert reg["base"] == hex((4 << 30) + i * 48 * MIB)
        assert reg["size"] == 48 * MIB
        assert [d["chardev"] for d in reg["devices"]] == [f"dax{i}.0"]
        assert reg["devices"][0]["size"] == 48 * MIB
    pages, mib = 63 * 48 * MIB // 4096, 256
    acc = sp_accounting(r.output)
    assert acc[0] == (pages, pages, 0, 0, 0, "exact"), acc
    # 64 devices fill the first table; growing it is refused once: 2 x 2 MiB in region 62
    assert "all 64 device slots in use and the table cannot grow" in r.output, r.output[-4000:]
    assert acc[1] == (pages, pages - 44 * mib, 0, 44 * mib, 0, "exact"), acc
    # then it grows: the 65th device exists
    last = json.loads(r.output.split("spmk> dax list -j\n")[2].split("\n")[0])["regions"][62]
    assert [d["chardev"] for d in last["devices"]] == ["dax62.0", "dax62.1", "dax62.2"]
    assert acc[2] == (pages, pages - 42 * mib, 0, 42 * mib, 0, "exact"), acc
    assert "selftest: ok" in r.output, r.output[-4000:]


def test_64_nodes_hand_off_and_reclaim_twenty():
    """Twenty SP nodes handed to the page allocator (the hand-off records start at 16 and grow
    from the kernel heap; the first growth is refused by an injected heap failure and changes
    nothing), memory used on the last one, then everything reclaimed: exact accounting. (The
    command line holds 2047 bytes: twenty round trips fit, 63 do not.)"""
    args, sp = many_nodes(64)
    up = "; ".join(f"dax reconfigure dax{i}.0 system-ram" for i in range(16))
    up2 = "; ".join(f"dax reconfigure dax{i}.0 system-ram" for i in range(16, 20))
    down = "; ".join(f"dax reconfigure dax{i}.0 devdax" for i in range(20))
    r = run_script(f"{up}; fault inject kheap 1; dax reconfigure dax16.0 system-ram; mem; "
                   f"{up2}; mem; mem fill A 20M node=20; mem check A; mem free A; {down}; mem; "
                   "selftest", args=args, sp_ranges=sp, timeout=600)
    assert "MISMATCH" not in r.output, r.output[-4000:]
    assert "all 16 hand-off records in use and the table cannot grow" in r.output, r.output[-4000:]
    pages, mib = 63 * 48 * MIB // 4096, 256
    acc = sp_accounting(r.output)
    assert acc[0] == (pages, pages, 16 * 48 * mib, 0, 0, "exact"), acc
    assert acc[1] == (pages, pages, 20 * 48 * mib, 0, 0, "exact"), acc
    assert acc[2] == (pages, pages, 0, 0, 0, "exact"), acc
    assert "A: 5120 pages checked, 0 mismatches" in r.command_output("mem check A"), r.output[-4000:]
    assert "selftest: ok" in r.output, r.output[-4000:]


def test_direct_map_page_size_follows_the_cpu():
    """1 GiB direct-map pages where the CPU has pdpe1gb (loader and kernel), 2 MiB otherwise;
    either way the machine works (selftest)."""
    for cpu, page in (("max", "1 GiB"), ("qemu64,-pdpe1gb", "2 MiB")):
        r = run_script("selftest", args=["-cpu", cpu], timeout=180)
        assert f"direct map of [0, 0x100000000) with {page} pages" in r.output, r.output[-3000:]
        assert ("(1 GiB pages)" in r.output) == (page == "1 GiB"), r.output[-3000:]
        assert "selftest: ok" in r.output, r.output[-3000:]


def test_512_gib_node_hand_off_and_reclaim():
    """A 512 GiB SP node: its 1 GiB of page words cannot come from the 1 GiB of ordinary RAM,
    so they go on the device (memmap on memory); memory is used there, a partial reclaim
    leaves 1 GiB (the page words of the other 511 GiB in it serve allocations again), the rest
    is reclaimed, and the accounting is exact at every step."""
    args, sp = big_sp_node(512)
    r = run_script("dax reconfigure dax0.0 system-ram; mem; mem fill A 64M node=1; mem check A; "
                   "dax reconfigure dax0.0 devdax --size 511G; mem; mem check A; "
                   "dax reconfigure dax0.0 devdax; mem; mem check A; selftest",
                   args=args, sp_ranges=sp, timeout=900)
    assert "MISMATCH" not in r.output, r.output[-4000:]
    up = r.command_output("dax reconfigure dax0.0 system-ram")
    assert "262144 blocks of 2 MiB online, 1048576 KiB metadata on the device" in up, up
    pages = 512 << 18
    acc = sp_accounting(r.output)
    assert acc[0] == (pages, pages, pages, 0, 0, "exact"), acc
    mem = r.output.split("spmk> mem\n")
    assert re.search(r"node 1 Movable\s+total 134217728 free 133955584 .* meta 262144\n", mem[1]), mem[1]
    # after the partial reclaim: 1 GiB system-ram keeps the 512 page words of its blocks
    assert re.search(r"node 1 Movable\s+total\s+262144 free\s+\d+ .* meta 512\n", mem[2]), mem[2]
    assert acc[1] == (pages, pages, 1 << 18, 0, 0, "exact"), acc
    assert acc[2] == (pages, pages, 0, 0, 0, "exact"), acc
    assert "node 1" not in mem[3].split("accounting")[0], mem[3]
    for c in r.output.split("spmk> mem check A\n")[1:]:
        assert "A: 16384 pages checked, 0 mismatches" in c, c
    assert "selftest: ok" in r.output, r.output[-4000:]


def test_memory_objects_beyond_the_first_table():
    """70 memory objects (the first table holds 64): the 65th fill doubles the table from the
    kernel heap, refused once by an injected heap failure (nothing kept), then granted; every
    object checks and the accounting stays exact."""
    fills = "; ".join(f"mem fill o{i} 8K" for i in range(64))
    r = run_script(f"{fills}; fault inject kheap 1; mem fill o64 8K; mem; "
                   + "; ".join(f"mem fill o{i} 8K" for i in range(64, 70))
                   + "; mem check o69; mem check o0; mem; selftest", timeout=300)
    assert ("all 64 object slots in use and the table cannot grow (no kernel heap memory)"
            in r.output), r.output[-4000:]
    assert "o69: 2 pages checked, 0 mismatches" in r.output, r.output[-4000:]
    assert "o0: 2 pages checked, 0 mismatches" in r.output, r.output[-4000:]
    assert "MISMATCH" not in r.output and "selftest: ok" in r.output, r.output[-4000:]


def test_map_of_4000_ranges():
    """2,000 reserved pages, every other page of 16 MiB of RAM (the test knob's COUNT): the map
    normalises to more than 4,000 ranges (the kernel's map held 512), the RAM between them
    becomes 2,000 RAM pieces (the page allocator's first descriptor table holds 128, the early
    allocator's grant table 64) whose metadata share blocks, the 2,000 overlaps are reported
    bounded (16 lines and a total), and every reserved page stays out of use: accounting
    exact."""
    from test_memory import accounting
    r = run_script("mem; selftest", memmap_append="0 0x8000000 1 0xf 2000\n", timeout=300)
    assert "spmk-loader: test knob: appended 2000 descriptors" in r.output, r.output[-3000:]
    m = re.search(r"memmap: (\d+) descriptors -> (\d+) ranges \(MAXPHYADDR", r.output)
    assert m and int(m.group(2)) > 4000, r.output[-3000:]
    assert "normalisation failed" not in r.output and "cannot manage" not in r.output
    pieces = re.search(r"mm: (\d+) RAM pieces, .* (\d+) KiB metadata", r.output)
    assert pieces and int(pieces.group(1)) > 2000, r.output[-3000:]
    # the one-page pieces share metadata blocks: not a 4 KiB page each (8,000 KiB and more)
    assert int(pieces.group(2)) < 4000, pieces.group(0)
    # the 2,000 overlaps: the first 16 in full, then one line with the total and the bytes
    assert r.output.count("FIRMWARE BUG: overlap: desc") == 16, r.output[-3000:]
    assert ("memmap: FIRMWARE BUG: 2000 overlaps in all, 1984 more not shown above; they "
            "share 0x7d0000 bytes (8000 KiB)") in r.output, r.output[-3000:]
    assert accounting(r)[-1] == "exact", r.output[-3000:]
    assert "MISMATCH" not in r.output and "selftest: ok" in r.output, r.output[-3000:]


def test_80_nodes_beyond_the_limit_numa_off_exact_accounting():
    """80 nodes (79 memory-only SP nodes of 48 MiB), more than the 64 spmk supports: NUMA is
    off, said once with both numbers and no FIRMWARE BUG or taint; the SP memory stays reserved
    (no domain, so no dax device), the RAM is managed on one node, and both accountings add up
    to the firmware map."""
    args, sp = many_nodes(80)
    r = run_script("numa; dax list -j; mem; selftest", args=args, sp_ranges=sp, timeout=300)
    out = r.output
    assert ("SRAT: 80 proximity domains, more than the 64 NUMA nodes spmk supports "
            "(NUMA_MAX_NODES); table rejected: NUMA off, one node for all memory") in out, out[-4000:]
    assert out.count("proximity domains, more than") == 1, out[-4000:]
    assert "numa: 1 node(s), NUMA off (more domains than supported): one node" in out, out[-4000:]
    assert "HMAT:" not in out and "FIRMWARE BUG" not in out and "taint" not in out, out[-4000:]
    sp_pages = 79 * 48 * MIB // 4096
    assert (f"specific-purpose memory [0x100000000-0x{(4 << 30) + 79 * 48 * MIB:x}) "
            f"({sp_pages * 4} KiB): NUMA is off") in out, out[-4000:]
    m = re.search(r"usable (\d+) MiB, SP (\d+) MiB", out)
    assert m and int(m.group(2)) == 79 * 48, out[-4000:]
    assert r.command_output("numa").startswith("1 node(s)"), r.command_output("numa")
    assert json.loads(r.command_output("dax list -j"))["regions"] == []
    acc = sp_accounting(out)
    assert acc[0] == (sp_pages, 0, 0, 0, sp_pages, "exact"), acc
    ram = re.search(r"accounting: memory map (\d+) \+ handed-off SP 0 = (\d+) managed = .*: exact",
                    out)
    assert ram and ram.group(1) == ram.group(2), out[-4000:]
    # all of the firmware's usable RAM is managed (plus boot-services memory taken back), on node 0
    assert int(ram.group(1)) >= int(m.group(1)) << 8, out[-4000:]
    assert re.search(r"node 0 Normal +total +%s " % ram.group(1), out), out[-4000:]
    assert "selftest: ok" in out and "MISMATCH" not in out, out[-4000:]
