# SPDX-License-Identifier: BSD-2-Clause
"""Hand-off of SP memory to the page allocator and guaranteed, atomic reclaim (docs/design.md §4).

Default topology: node 0 = CPU + 1 GiB RAM, node 1 = 1 GiB SP at 4 GiB (device dax0.0)."""
import json
import re

from spmk_qemu import SP_NODE1, TWO_NODES, run_script

MiB = 1 << 20


def boot(script, timeout=120):
    return run_script(script, args=TWO_NODES, sp_ranges=SP_NODE1, timeout=timeout)


def parse_list(text, last=False):
    """{device name: device} from the dax list -j line in text (first, or last)."""
    lines = [l for l in text.splitlines() if l.startswith('{"regions"')]
    assert lines, text[-3000:]
    doc = json.loads(lines[-1] if last else lines[0])
    return {d["chardev"]: d for reg in doc["regions"] for d in reg["devices"]}


def devices(r, cmd="dax list -j"):
    return parse_list(r.command_output(cmd))


def checked(out, name, pages):
    assert f"{name}: {pages} pages checked, 0 mismatches" in out, out


def totals(out):
    """{label: (total, free, isolated)} from `mem`; free counts the pages in per-CPU caches."""
    res = {}
    for m in re.finditer(r"^(node \d+ \w+|all)\s+total\s+(\d+) free\s+(\d+) isolated\s+(\d+)"
                         r" reserve\s+\d+(?: cached (\d+))?", out, re.M):
        total, free, iso, cached = (int(x or 0) for x in m.groups()[1:])
        res[m.group(1)] = (total, free + cached, iso)
    return res


def test_handoff_fill_pin_reclaim():
    r = boot("dax reconfigure dax0.0 system-ram; dax list -j; mem; numa; "
             "mem fill A 768M node=1; mem objects; mem pin A 100; "
             "dax reconfigure dax0.0 devdax; mem check A; dax list; mem unpin A 100; "
             "dax reconfigure dax0.0 devdax; mem check A; mem objects; dax list -j; mem")
    d = devices(r)["dax0.0"]
    assert d["mode"] == "system-ram" and d["movable"] is True
    assert d["online_memblocks"] == 512 and d["total_memblocks"] == 512
    t = totals(r.command_output("mem"))
    assert t["node 1 Movable"] == (262144, 262144, 0), t
    assert "node1=196608" in r.command_output("mem objects")
    # pinned: refused, with the page named, and nothing changed
    fail = r.output.split("mem pin A 100\n", 1)[1].split("mem check A", 1)[0]
    assert "1 pinned" in fail and "object 'A' page 100" in fail and "nothing changed" in fail, fail
    assert "stays system-ram" in fail
    after_fail = r.output.split("spmk> mem check A\n", 1)[1]
    checked(after_fail.split("spmk>")[0], "A", 196608)
    assert '"mode":"system-ram"' in after_fail.split("spmk> mem unpin")[0]
    # unpinned: reclaim succeeds, everything moved to node 0 intact
    ok = r.output.split("spmk> mem unpin A 100\n", 1)[1]
    assert "262144 pages reclaimed to devdax, 196608 migrated" in ok, ok[:2000]
    checked(ok, "A", 196608)
    assert "node0=196608" in ok
    d = parse_list(ok, last=True)["dax0.0"]
    assert d["mode"] == "devdax" and d["state"] == "unclaimed"
    t = totals(ok.split("spmk> mem\n")[-1])
    assert "node 1 Movable" not in t
    assert "accounting:" in ok and "exact" in ok.split("spmk> mem\n")[-1]


def test_not_enough_memory_elsewhere_fails_cleanly():
    r = boot("dax reconfigure dax0.0 system-ram; mem fill B 700M node=0; mem fill A 500M node=1; "
             "mem objects; dax reconfigure dax0.0 devdax; mem check A; mem check B; dax list -j; "
             "mem free B; dax reconfigure dax0.0 devdax; mem check A")
    fail = r.command_output("dax reconfigure dax0.0 devdax")
    assert "must move but only" in r.output and "nothing changed" in r.output
    assert "stays system-ram" in fail
    checked(r.output, "A", 128000)
    checked(r.output, "B", 179200)
    assert devices(r)["dax0.0"]["mode"] == "system-ram"
    tail = r.output.split("spmk> mem free B\n", 1)[1]
    assert "reclaimed to devdax, 128000 migrated" in tail
    checked(tail, "A", 128000)


def test_partial_reclaim_splits_device():
    r = boot("dax reconfigure dax0.0 system-ram; mem fill A 300M node=1; "
             "dax reconfigure dax0.0 devdax --size 512M; dax list -j; mem check A; mem; "
             "dax reconfigure dax0.0 devdax --size 3M; "
             "dax reconfigure dax0.1 system-ram; dax reconfigure dax0.1 devdax; "
             "dax reconfigure dax0.0 devdax; mem check A; dax list -j")
    devs = devices(r)
    assert devs["dax0.0"]["mode"] == "system-ram" and devs["dax0.0"]["total_memblocks"] == 256
    assert devs["dax0.1"]["mode"] == "devdax" and devs["dax0.1"]["base"] == "0x120000000"
    assert "split: dax0.1 [0x120000000-0x140000000) is devdax" in r.output
    assert "--size 0x300000 must be whole 2 MiB blocks" in r.output
    t = totals(r.command_output("mem"))
    assert t["node 1 Movable"][0] == 131072
    assert r.output.count("A: 76800 pages checked, 0 mismatches") == 2
    modes = {k: x["mode"] for k, x in parse_list(r.output, last=True).items()}
    assert modes == {"dax0.0": "devdax", "dax0.1": "devdax"}


def test_unmovable_handoff_refuses_reclaim():
    r = boot("dax reconfigure dax0.0 system-ram --unmovable; dax list -j; "
             "mem fill U 4M node=1 unmovable; mem objects; dax reconfigure dax0.0 devdax; "
             "mem check U; mem free U; dax reconfigure dax0.0 devdax; "
             "dax reconfigure dax0.0 system-ram; mem fill V 4M node=1 unmovable; mem objects")
    d = devices(r)["dax0.0"]
    assert d["mode"] == "system-ram" and d["movable"] is False
    assert "unmovable (no reclaim guarantee)" in r.output
    assert "node1=1024" in r.output.split("spmk> mem fill U")[1].split("spmk> dax")[0]
    fail = r.output.split("spmk> mem objects\n", 1)[1].split("spmk> mem check U")[0]
    assert "1024 unmovable" in fail and "stays system-ram" in fail
    checked(r.output, "U", 1024)
    assert "262144 pages reclaimed to devdax" in r.output
    # movable-only: unmovable allocations never land on the SP node
    last = r.output.split("spmk> mem fill V")[1]
    assert "V " in last and "node0=1024" in last and "node1=" not in last.split("V ")[1].splitlines()[0]


def test_fifty_cycles_leak_nothing():
    r = boot("mem; bench cycles dax0.0 50; bench cycles dax0.0 5 64M; mem")
    assert "cycles: 50 hand-off/reclaim cycles ok" in r.output
    assert "cycles: 5 hand-off/reclaim cycles ok, 81920 pages migrated" in r.output
    parts = r.output.split("spmk> mem\n")
    before, after = totals(parts[1]), totals(parts[2])
    assert before and before == after, (before, after)
    assert "exact" in parts[2].split("spmk>")[0]


def test_next_owner_reads_zeros_after_reclaim():
    """Reclaim leaves the used blocks' zeroing to the next claim (deferred scrub): the next
    owner still reads only zeros in every block the object had filled."""
    offsets = ["0x0", "0x200000", "0x1000000", "0x2345000", "0x3fff000"]
    reads = "; ".join(f"dax read dax0.0 {o} 256" for o in offsets)
    r = boot("dax reconfigure dax0.0 system-ram; mem fill A 64M node=1; mem objects; "
             "dax reconfigure dax0.0 devdax; mem check A; dax claim dax0.0 bob; dax map dax0.0; "
             + reads)
    assert "node1=16384" in r.command_output("mem objects")
    rec = r.command_output("dax reconfigure dax0.0 devdax")
    assert "16384 migrated" in rec and "65536 KiB to scrub at the next claim" in rec, rec
    checked(r.output, "A", 16384)
    for o in offsets:
        out = r.command_output(f"dax read dax0.0 {o} 256")
        dump = [l for l in out.splitlines() if re.match(r"^[0-9a-f]{8} ", l)]
        assert len(dump) == 16, out
        zero = "00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00"
        assert all(zero in l for l in dump), out


def test_refused_reconfigurations_change_nothing():
    r = boot("dax claim dax0.0 a; dax reconfigure dax0.0 system-ram; dax reconfigure dax0.0 devdax; "
             "dax release dax0.0; dax reconfigure dax0.0 system-ram; dax list -j; "
             "dax reconfigure dax0.0 system-ram; dax claim dax0.0 b; dax destroy-device dax0.0; "
             "dax reconfigure dax0.0 devdax --size 3M; dax list -j; selftest")
    out = r.output
    assert "dax reconfigure: error: dax0.0 stays devdax: must be an unclaimed devdax device " \
        "(it is devdax, claimed by a)" in out
    assert out.count("(it is devdax, claimed by a)") == 1  # printed once
    assert "dax reconfigure: error: dax0.0 stays devdax: not in system-ram mode" in out
    assert "dax reconfigure: error: dax0.0 stays system-ram: must be an unclaimed devdax device" in out
    assert "dax claim: error: dax0.0 is in system-ram mode" in out
    assert "dax destroy-device: error: dax0.0 is in system-ram mode" in out
    assert "dax reconfigure: error: dax0.0 stays system-ram: --size 0x300000 must be whole 2 MiB" in out
    assert ": busy" not in out and "invalid argument" not in out
    lists = [l for l in out.splitlines() if l.startswith('{"regions"')]
    assert lists[0] == lists[1] and '"mode":"system-ram"' in lists[1]
    assert "selftest: ok" in out


def test_bench_hotplug_prints_every_figure_and_leaves_nothing_behind():
    """`bench hotplug` (the figures of `make bench`) on a 128 MiB device faked by efi_fake_mem:
    every line is NAME VALUE UNIT, the pages moved are the pages the bench filled, reclaim takes
    at least as long as the copies inside it, and the allocators are exact afterwards."""
    r = run_script("bench hotplug; selftest", args=TWO_NODES, timeout=600,
                   cmdline_extra="efi_fake_mem=128M@0x100000000:0x40000")
    out = r.command_output("bench hotplug")
    lines = out.splitlines()
    assert lines and all(re.fullmatch(r"hotplug\.\w+ \d+(\.\d+)? [A-Za-z/]+", l) for l in lines), out
    v = {l.split()[0][len("hotplug."):]: float(l.split()[1]) for l in lines}
    assert v["device_mib"] == 128
    for pct, mib in ((0, 0), (50, 64), (100, 128)):
        assert v[f"reclaim_{pct}pct_used_mib"] == mib, out
        assert v[f"reclaim_{pct}pct_moved_pages"] == mib * 256, out
        assert v[f"reclaim_{pct}pct_deferred_scrub_mib"] == mib, out
    for pct in (50, 100):
        for run in (1, 2, 3):
            assert v[f"reclaim_{pct}pct_run{run}_us"] > 0, out
        assert v[f"reclaim_{pct}pct_vs_own_copies"] >= 1.0, out
        assert v[f"reclaim_{pct}pct_in_copies_us"] <= v[f"reclaim_1g_{pct}pct_us"], out
    assert "selftest: ok" in r.output, r.output[-3000:]
