# SPDX-License-Identifier: BSD-2-Clause
"""Named machines (tools/qemu-args.sh, docs/machines.md): each boots with `make run TOPO=NAME`'s
arguments and shows what its page promises. One short boot per machine."""
import json
import os
import re
import shutil
import subprocess
import tempfile

import pytest

from spmk_qemu import ROOT, machines, run_script

GiB = 1 << 30
SCRIPT = "numa -j; numa; dax list -j; iomem; taint; selftest"


def one_json(r, cmd):
    lines = [l for l in r.command_output(cmd).splitlines() if l.startswith("{")]
    assert lines, f"no JSON from {cmd}:\n" + r.output[-3000:]
    return json.loads(lines[0])


def boot_machine(name, script=SCRIPT):
    r = run_script(script, topo=name, timeout=180)
    assert "selftest: ok" in r.output, r.output[-3000:]
    return r, one_json(r, "numa -j"), one_json(r, "dax list -j")


def node(numa, n):
    return next(x for x in numa["nodes"] if x["node"] == n)


def tiers(numa):
    """{node: (tier, adistance, source, demotion targets)} from numa -j."""
    out = {}
    for t in numa["memory_tiers"]:
        for n in t["nodes"]:
            out[n["node"]] = (t["tier"], n["adistance"], n["source"], n.get("demotion_targets", []))
    return out


def figures(acc):
    return (acc["initiator"], acc["read_latency"], acc["read_bandwidth"])


def lstopo(xml_text, *args):
    tmp = tempfile.mkdtemp(prefix="spmk-hwloc-")
    try:
        path = os.path.join(tmp, "m.xml")
        with open(path, "w") as f:
            f.write(xml_text)
        p = subprocess.run(["lstopo-no-graphics", "--input", path, *args], capture_output=True,
                           text=True, timeout=60)
        assert p.returncode == 0, p.stderr
        return p.stdout + p.stderr
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def hwloc_xml(r):
    out = r.command_output("numa --hwloc")
    i, j = out.find("<?xml"), out.find("</topology>")
    assert i >= 0 and j > i, out[-2000:]
    return out[i:j + len("</topology>\n")]


def test_every_machine_is_tested_here():
    assert sorted(machines()) == sorted(CHECKS)


def test_unknown_machine_is_an_error_that_lists_them():
    p = subprocess.run(["bash", os.path.join(ROOT, "tools", "qemu-args.sh"), "hbn"],
                       capture_output=True, text=True)
    assert p.returncode == 2
    assert "unknown machine 'hbn'" in p.stderr
    for m in machines():
        assert f"  {m} " in p.stderr
    # make run checks the name before building or booting anything
    p = subprocess.run(["make", "-s", "-C", ROOT, "run", "TOPO=hbn"], capture_output=True,
                       text=True, timeout=60)
    assert p.returncode != 0 and "unknown machine 'hbn'" in p.stderr
    assert "qemu-system" not in p.stdout + p.stderr
    p = subprocess.run(["make", "-s", "-C", ROOT, "run", "TOPOLOGY=hbm"], capture_output=True,
                       text=True, timeout=60)
    assert p.returncode != 0 and "the variable is TOPO" in p.stderr
    p = subprocess.run(["make", "-s", "-C", ROOT, "run", "TOPO=list"], capture_output=True,
                       text=True, timeout=60)
    assert p.returncode == 0 and [l.split()[0] for l in p.stdout.splitlines()] == machines()


def check_default(r, numa, dax):
    n1 = node(numa, 1)
    assert "cpus" not in n1 and n1["memory"] == [{"base": "0x100000000", "size": GiB}]
    assert figures(n1["access0"]) == figures(n1["access1"]) == (0, 30, 4096)
    assert n1["caches"][0]["size"] == 16 << 20
    (region,) = dax["regions"]
    assert region["target_node"] == 1 and region["devices"][0]["state"] == "unclaimed"
    assert tiers(numa) == {0: (4, 576, "cpu", [1]), 1: (33, 4320, "hmat", [])}
    assert "taint: 0x0" in r.output


def check_default_hwloc(r):
    xml = hwloc_xml(r)
    attrs = lstopo(xml, "--memattrs")
    assert re.search(r"name `Bandwidth'.*\n(  .*\n)*  NUMANode L#1 = 4096 from cpuset 0x00000003", attrs), attrs
    assert re.search(r"name `Latency'.*\n(  .*\n)*  NUMANode L#1 = 30 from cpuset 0x00000003", attrs), attrs
    assert re.search(r"NUMANode L#0 = 10240 from cpuset 0x00000003", attrs), attrs
    assert "NUMANode L#1 (P#1 1024MB)" in lstopo(xml)


def check_hbm(r, numa, dax):
    n1 = node(numa, 1)
    assert figures(n1["access1"]) == (0, 15, 40960)
    assert figures(node(numa, 0)["access1"]) == (0, 10, 10240)
    assert n1["caches"] == [{"level": 1, "size": 64 << 20, "line_size": 64,
                             "associativity": "direct", "write_policy": "write-back"}]
    assert "   0:  10  11" in r.command_output("numa")
    # 576 * 30 / 20 * 20480 / 81920 = 216: a tier above DRAM that demotes to node 0
    assert tiers(numa) == {0: (4, 576, "cpu", []), 1: (1, 216, "hmat", [0])}
    assert dax["regions"][0]["devices"][0]["chardev"] == "dax0.0"


def check_cxl(r, numa, dax):
    n1 = node(numa, 1)
    assert figures(n1["access1"]) == (0, 250, 5120)
    assert "   0:  10  40" in r.command_output("numa")
    # 576 * 500 / 20 * 20480 / 10240 = 28800, tier 225
    assert tiers(numa) == {0: (4, 576, "cpu", [1]), 1: (225, 28800, "hmat", [])}
    assert dax["regions"][0]["target_node"] == 1


def check_two_socket(r, numa, dax):
    assert node(numa, 0)["cpus"] == [0] and node(numa, 1)["cpus"] == [1]
    assert figures(node(numa, 2)["access1"]) == (0, 20, 5120)
    assert figures(node(numa, 3)["access1"]) == (1, 20, 5120)
    assert len(numa["matrix"]) == 8  # 2 initiators x 4 targets
    assert [(x["target_node"], x["size"]) for x in dax["regions"]] == [(2, 512 << 20), (3, 512 << 20)]
    t = tiers(numa)
    assert t[0] == (4, 576, "cpu", [2]) and t[1] == (4, 576, "cpu", [3])
    assert t[2][:3] == t[3][:3] == (18, 2304, "hmat")


def check_two_socket_hwloc(r):
    topo = lstopo(hwloc_xml(r))
    assert "Package L#0" in topo and "Package L#1" in topo
    attrs = lstopo(hwloc_xml(r), "--memattrs")
    assert "= 3072 from cpuset 0x00000002 (Package L#1)" in attrs


def check_gi(r, numa, dax):
    n1, n2 = node(numa, 1), node(numa, 2)
    assert "cpus" not in n2 and "memory" not in n2
    assert "node 2 (pxm 2) generic-initiator" in r.command_output("numa")
    assert figures(n1["access0"]) == (2, 15, 32768)  # the accelerator
    assert figures(n1["access1"]) == (0, 40, 4096)   # the best CPU
    assert dax["regions"][0]["target_node"] == 1
    # 576 * 80 / 20 * 20480 / 8192 = 5760
    assert tiers(numa)[1] == (45, 5760, "hmat", [])


def check_fragmented(r, numa, dax):
    regions = dax["regions"]
    assert len(regions) > 1 and all(x["target_node"] == 1 for x in regions)
    for x in regions:
        base = int(x["base"], 16)
        assert 0x40000000 <= base and base + x["size"] <= 0x80000000
    assert sum(x["size"] for x in regions) < GiB
    iomem = r.command_output("iomem")
    assert iomem.count(": Soft Reserved") == len(regions)
    # the loader keeps its own allocations (the kernel image) out of SP memory
    k = re.search(r"\n  ([0-9a-f]+)-([0-9a-f]+) : Kernel image", iomem)
    assert k and int(k.group(2), 16) < 0x40000000, iomem


def check_no_hmat(r, numa, dax):
    assert re.search(r"FIRMWARE BUG: specific-purpose memory \[0x100000000-0x140000000\).*no HMAT",
                     r.output)
    assert dax["regions"] == []
    assert "100000000-13fffffff : Soft Reserved" in r.command_output("iomem")
    assert "taint: 0x1 firmware-bug" in r.output
    assert tiers(numa)[1] == (22, 2880, "dax-default", [])


def check_no_srat(r, numa, dax):
    assert [n["node"] for n in numa["nodes"]] == [0]
    assert "1 node(s), no SRAT" in r.command_output("numa")
    assert re.search(r"FIRMWARE BUG: specific-purpose memory \[0x100000000-0x140000000\).*no SRAT",
                     r.output)
    assert dax["regions"] == []
    assert "taint: 0x1 firmware-bug" in r.output


def check_nosoftreserve(r, numa, dax):
    assert "efi=nosoftreserve" in r.output
    assert dax["regions"] == []
    assert "100000000-13fffffff : System RAM" in r.command_output("iomem")
    assert "Soft Reserved" not in r.command_output("iomem")
    assert tiers(numa)[1] == (33, 4320, "hmat", [])


def check_no_sp(r, numa, dax):
    assert "spfw: marked SP" not in r.output
    assert "dax: no specific-purpose memory (EFI_MEMORY_SP): no dax devices" in r.output
    assert dax["regions"] == []
    assert "100000000-13fffffff : System RAM" in r.command_output("iomem")
    assert "Soft Reserved" not in r.command_output("iomem")
    assert "FIRMWARE BUG" not in r.output and "taint: 0x0" in r.output
    assert node(numa, 1)["memory"] == [{"base": "0x100000000", "size": GiB}]
    assert tiers(numa)[1] == (33, 4320, "hmat", [])


CHECKS = {
    "default": (check_default, check_default_hwloc),
    "hbm": (check_hbm, None),
    "cxl": (check_cxl, None),
    "two-socket": (check_two_socket, check_two_socket_hwloc),
    "gi": (check_gi, None),
    "fragmented": (check_fragmented, None),
    "no-hmat": (check_no_hmat, None),
    "no-srat": (check_no_srat, None),
    "nosoftreserve": (check_nosoftreserve, None),
    "no-sp": (check_no_sp, None),
}


@pytest.mark.parametrize("name", list(CHECKS))
def test_machine(name):
    check, hwloc = CHECKS[name]
    r, numa, dax = boot_machine(name, SCRIPT + ("; numa --hwloc" if hwloc else ""))
    check(r, numa, dax)
    if hwloc:
        hwloc(r)
