# SPDX-License-Identifier: BSD-2-Clause
"""Firmware ACPI tables as they really ship: SRAT slips that Linux repairs (same-domain overlap,
CPUs listed twice), an SRAT that must be rejected (the fallback node then holds every CPU and
all memory), hot-pluggable ranges, and tied best initiators. Tables are injected with
-acpitable (QEMU builds none of its own without -numa); each boot reaches the shell with exact
page accounting."""
import json
import os
import re

from spmk_qemu import BUILD, TWO_NODES, run_script

GiB = 1 << 30
# RAM [0, 1G) and [4G, 5G), one CPU unless a test says otherwise; no QEMU SRAT/SLIT/HMAT
PLAIN = ["-machine", "q35,max-ram-below-4g=1G", "-m", "2G"]
SP_4G = "1G@0x100000000"
CHECKS = "numa -j; numa; dax list -j; mem; selftest"


def aml(name):
    return os.path.join(BUILD, "data", name + ".aml")


def tables(*files):
    args = []
    for f in files:
        args += ["-acpitable", f"file={f}"]
    return args


def doc_of(r, cmd):
    lines = [l for l in r.command_output(cmd).splitlines() if l.startswith("{")]
    assert lines, r.output[-3000:]
    return json.loads(lines[0])


def node(doc, n):
    return next(x for x in doc["nodes"] if x["node"] == n)


def assert_exact_accounting(r):
    m = re.search(r"accounting: .*: (\w+)", r.output)
    assert m and m.group(1) == "exact", r.output[-3000:]
    assert "selftest: ok" in r.output
    assert "EMERGENCY" not in r.output


def test_same_domain_srat_overlap_is_merged_and_numa_kept():
    r = run_script(CHECKS, args=PLAIN + tables(aml("srat_overlap"), aml("hmat_qemu")),
                   sp_ranges=SP_4G, timeout=180)
    assert ("SRAT: FIRMWARE BUG: memory affinity at offset 0x68: [0x20000000, 0x40000000) "
            "overlaps [0x0, 0x40000000) of the same pxm 0; merged") in r.output
    assert "SRAT rejected" not in r.output
    doc = doc_of(r, "numa -j")
    assert [n["pxm"] for n in doc["nodes"]] == [0, 1]
    assert node(doc, 0)["memory"] == [{"base": "0x0", "size": GiB}]
    assert node(doc, 1)["memory"] == [{"base": "0x100000000", "size": GiB}]
    assert node(doc, 1)["access0"]["initiators"] == [0]  # domain 1's HMAT is used
    (region,) = doc_of(r, "dax list -j")["regions"]
    assert region["base"] == "0x100000000" and region["target_node"] == 1
    assert "FIRMWARE BUG: specific-purpose" not in r.output
    assert_exact_accounting(r)


def test_srat_overlap_across_domains_rejected_fallback_node_holds_everything(tmp_path):
    with open(aml("srat_overlap"), "rb") as f:
        data = bytearray(f.read())
    data[104 + 2] = 1  # the second range [512M, 1G) now claims pxm 1
    bad = tmp_path / "srat.aml"
    bad.write_bytes(bytes(data))
    r = run_script(CHECKS, args=PLAIN + ["-smp", "2"] + tables(str(bad), aml("hmat_qemu")),
                   sp_ranges=SP_4G, timeout=180)
    assert re.search(r"SRAT: memory affinity at offset 0x68: \[0x20000000, 0x40000000\) \(pxm 1\) "
                     r"overlaps \[0x0, 0x40000000\) \(pxm 0\); table rejected", r.output)
    # the SP warning names the true cause, not "no SRAT memory affinity covers it"
    assert ("FIRMWARE BUG: specific-purpose memory [0x100000000-0x140000000) (1048576 KiB): the "
            "SRAT was rejected (error above), so no proximity domain") in r.output
    assert "no SRAT memory affinity covers it" not in r.output
    doc = doc_of(r, "numa -j")
    (n0,) = doc["nodes"]
    assert n0["cpus"] == [0, 1]  # from the MADT
    held = sum(m["size"] for m in n0["memory"])
    assert 2 * GiB - 64 * (1 << 20) < held <= 2 * GiB  # all RAM, SP included
    assert any(m["base"] == "0x100000000" for m in n0["memory"])
    text = r.command_output("numa")
    assert "1 node(s), SRAT rejected (one fallback node), HMAT" in text
    assert "  cpus: 0 1\n" in text
    assert_exact_accounting(r)


def test_cpu_listed_twice_in_srat_counted_once():
    r = run_script(CHECKS, args=PLAIN + tables(aml("srat_dup_cpus")), timeout=180)
    doc = doc_of(r, "numa -j")
    assert node(doc, 0)["cpus"] == [0, 1, 4] and node(doc, 1)["cpus"] == [2, 3, 5]
    notes = re.findall(r"SRAT: firmware note: x2APIC affinity at offset 0x[0-9a-f]+ lists APIC ID "
                       r"0x[0-3] \(pxm [01]\) again; counted once", r.output)
    assert len(notes) == 4
    assert "6 cpus" in r.output or sum(len(n.get("cpus", [])) for n in doc["nodes"]) == 6
    assert_exact_accounting(r)


def test_hotplug_range_is_possible_memory_not_memory():
    args = list(TWO_NODES)
    args[args.index("-m") + 1] = "2G,slots=1,maxmem=3G"
    r = run_script(CHECKS, args=args, timeout=180)
    doc = doc_of(r, "numa -j")
    n1 = node(doc, 1)
    assert n1["memory"] == [{"base": "0x100000000", "size": GiB}]
    possible = n1["possible_memory"]
    assert possible and all(p["hotplug"] for p in possible)
    assert all(int(p["base"], 16) >= 0x140000000 for p in possible)
    present = sum(m["size"] for n in doc["nodes"] for m in n.get("memory", []))
    assert present <= 2 * GiB
    assert "possible (not present)" in r.command_output("numa")
    assert_exact_accounting(r)


def test_tied_best_initiators_all_listed():
    args = ["-machine", "q35,hmat=on,max-ram-below-4g=1G", "-m", "3G", "-smp", "2",
            "-object", "memory-backend-ram,id=m0,size=1G",
            "-object", "memory-backend-ram,id=m1,size=1G",
            "-object", "memory-backend-ram,id=m2,size=1G",
            "-numa", "node,nodeid=0,memdev=m0,cpus=0,initiator=0",
            "-numa", "node,nodeid=1,memdev=m1,cpus=1,initiator=1",
            "-numa", "node,nodeid=2,memdev=m2"]
    for ini, tgt, lat, bw in [(0, 0, 10, "8G"), (1, 1, 10, "8G"), (0, 2, 50, "2G"),
                              (1, 2, 50, "2G")]:
        args += ["-numa", f"hmat-lb,initiator={ini},target={tgt},hierarchy=memory,"
                 f"data-type=access-latency,latency={lat}",
                 "-numa", f"hmat-lb,initiator={ini},target={tgt},hierarchy=memory,"
                 f"data-type=access-bandwidth,bandwidth={bw}"]
    r = run_script(CHECKS, args=args, timeout=180)
    n2 = node(doc_of(r, "numa -j"), 2)
    for acc in ("access0", "access1"):
        assert n2[acc]["initiators"] == [0, 1]
        assert n2[acc]["initiator"] == 0
        assert n2[acc]["read_latency"] == 50
    assert "  access0: initiator node 0 1: " in r.command_output("numa")
    assert_exact_accounting(r)


def test_descriptors_that_cannot_be_memory_are_dropped():
    # a board's map (type 3 at 0x06a9f00000000000, 0x1000000000 pages) and the rest of its kind
    text = ("3 0x06a9f00000000000 0x1000000000 0xf  # above MAXPHYADDR: ~256 TiB\n"
            "7 0x06a9e00000000000 0x100 0xf\n"
            "7 0xff00000000 0x200000 0xf            # straddles 2^40\n"
            "7 0x300000000 0 0xf                    # zero pages\n"
            "4 0x300000800 16 0xf                   # RAM, start not 4 KiB aligned\n"
            "0 0xfffffffffff00000 0x200 0x1         # end wraps past 2^64\n"
            "7 0x400000000 0xffffffffffffffff 0xf   # byte size overflows\n")
    r = run_script("memmap; mem; selftest", memmap_append=text, timeout=180)
    m = re.search(r"memmap: \d+ descriptors -> \d+ ranges \(MAXPHYADDR (\d+)\); usable (\d+) MiB",
                  r.output)
    assert m, r.output[-3000:]
    bits, usable = int(m.group(1)), int(m.group(2))
    assert 32 <= bits <= 52 and usable < 512
    drops = re.findall(r"memmap: FIRMWARE BUG: desc \d+ \S+ at (0x[0-9a-f]+), \d+ pages, attr "
                       r"0x[0-9a-f]+: ([^:]+): dropped", r.output)
    why = {base: reason for base, reason in drops}
    assert why["0x6a9f00000000000"] == "it ends above 2^MAXPHYADDR (0x%x)" % (1 << bits)
    assert why["0x6a9e00000000000"].startswith("it ends above 2^MAXPHYADDR")
    if bits <= 40:
        assert why["0xff00000000"].startswith("it ends above 2^MAXPHYADDR")
    assert why["0x300000000"] == "NumberOfPages is 0"
    assert why["0x300000800"] == "PhysicalStart of RAM not 4 KiB aligned"
    assert why["0xfffffffffff00000"] == "its end wraps past 2^64"
    assert why["0x400000000"] == "NumberOfPages x 4 KiB overflows 64 bits"
    assert "memmap: " in r.command_output("memmap")
    assert "more than 2^64 pages" in r.command_output("memmap")
    assert re.search(r"spmk-loader: final memory map: \d+ descriptors, more than 2\^64 pages",
                     r.output)
    assert_exact_accounting(r)
