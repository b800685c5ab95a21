# SPDX-License-Identifier: BSD-2-Clause
"""NUMA topology from QEMU's SRAT/SLIT/HMAT: `numa -j` shows exactly the figures QEMU was given."""
import json
import os
import re
import struct

import pytest

from spmk_qemu import BUILD, TWO_NODES, boot, run_script

GiB = 1 << 30


def numa_json(r):
    line = [l for l in r.command_output("numa -j").splitlines() if l.startswith("{")]
    assert line, r.output[-3000:]
    return json.loads(line[0])


def node(doc, n):
    return next(x for x in doc["nodes"] if x["node"] == n)


def test_two_nodes_hmat_figures():
    r = run_script("numa -j; numa", args=TWO_NODES)
    doc = numa_json(r)
    n0, n1 = node(doc, 0), node(doc, 1)
    assert n0["pxm"] == 0 and n0["cpus"] == [0, 1]  # the default machine has 2 CPUs
    assert n1.get("cpus", []) == []
    assert sum(m["size"] for m in n1["memory"]) == GiB
    assert n1["memory"][0]["base"] == "0x100000000"
    for acc in ("access0", "access1"):
        assert n0[acc] == {"initiator": 0, "initiators": [0], "read_latency": 10, "write_latency": 10,
                           "read_bandwidth": 10240, "write_bandwidth": 10240}
        assert n1[acc] == {"initiator": 0, "initiators": [0], "read_latency": 30, "write_latency": 30,
                           "read_bandwidth": 4096, "write_bandwidth": 4096}
    assert n1["caches"] == [{"level": 1, "size": 16 << 20, "line_size": 64,
                             "associativity": "direct", "write_policy": "write-back"}]
    assert n0.get("caches", []) == []
    assert len(doc["matrix"]) >= 2
    assert "SRAT" in r.output and "HMAT" in r.output


THREE_NODES = [
    "-machine", "q35,hmat=on,max-ram-below-4g=1G", "-m", "3G", "-smp", "2",
    "-object", "memory-backend-ram,id=m0,size=1G",
    "-object", "memory-backend-ram,id=m1,size=1G",
    "-object", "memory-backend-ram,id=m2,size=1G",
    "-numa", "node,nodeid=0,memdev=m0,cpus=0,initiator=0",
    "-numa", "node,nodeid=1,memdev=m1,cpus=1,initiator=1",
    "-numa", "node,nodeid=2,memdev=m2,initiator=1",
    "-numa", "dist,src=0,dst=1,val=21", "-numa", "dist,src=0,dst=2,val=31",
    "-numa", "dist,src=1,dst=2,val=17",
]
for ini, tgt, lat, bw in [(0, 0, 10, "8G"), (0, 1, 20, "6G"), (0, 2, 60, "2G"),
                          (1, 0, 20, "6G"), (1, 1, 10, "8G"), (1, 2, 40, "3G")]:
    THREE_NODES += ["-numa", f"hmat-lb,initiator={ini},target={tgt},hierarchy=memory,"
                    f"data-type=access-latency,latency={lat}",
                    "-numa", f"hmat-lb,initiator={ini},target={tgt},hierarchy=memory,"
                    f"data-type=access-bandwidth,bandwidth={bw}"]
THREE_NODES += ["-numa", "hmat-cache,node-id=2,size=8M,level=1,associativity=complex,"
                "policy=write-through,line=128"]


def test_three_nodes_best_initiator_and_matrix():
    r = run_script("numa -j", args=THREE_NODES)
    doc = numa_json(r)
    assert [n["node"] for n in doc["nodes"]] == [0, 1, 2]
    assert node(doc, 1)["cpus"] == [1]
    n2 = node(doc, 2)
    assert n2.get("cpus", []) == []
    assert n2["access0"] == {"initiator": 1, "initiators": [1], "read_latency": 40, "write_latency": 40,
                             "read_bandwidth": 3072, "write_bandwidth": 3072}
    assert n2["access1"] == n2["access0"]
    assert n2["caches"][0]["associativity"] == "complex"
    assert n2["caches"][0]["write_policy"] == "write-through"
    assert n2["caches"][0]["line_size"] == 128
    cells = {(c["initiator"], c["target"]): c for c in doc["matrix"]}
    assert cells[(0, 2)]["read_latency"] == 60
    assert cells[(0, 2)]["read_bandwidth"] == 2048
    assert cells[(1, 0)]["read_latency"] == 20


def test_no_hmat_still_boots_with_one_node():
    r = run_script("numa -j", memory="512M")
    doc = numa_json(r)
    assert len(doc["nodes"]) == 1
    assert "access0" not in doc["nodes"][0]


def _hmat_structures(data):
    """(offset, type, length) of each HMAT structure (they start after the 40-byte header)."""
    off, out = 40, []
    while off + 8 <= len(data):
        typ, _, length = struct.unpack_from("<HHI", data, off)
        out.append((off, typ, length))
        if length < 8:
            break
        off += length
    return out


def _malformed_hmat(kind):
    with open(os.path.join(BUILD, "data", "hmat_qemu.aml"), "rb") as f:
        data = bytearray(f.read())
    structs = _hmat_structures(data)
    if kind == "count":  # a locality structure claims 65536 initiators
        off = next(o for o, t, _ in structs if t == 1)
        struct.pack_into("<I", data, off + 12, 0x10000)
    else:  # the first structure's length runs past the end of the table
        struct.pack_into("<I", data, structs[0][0] + 4, 0xFFFF)
    return bytes(data)


@pytest.mark.parametrize("kind", ["count", "length"])
def test_malformed_hmat_rejected_and_boot_continues(kind, tmp_path):
    aml = tmp_path / "hmat.aml"
    aml.write_bytes(_malformed_hmat(kind))
    r = run_script("acpi tables; numa -j; echo alive", memory="512M",
                   args=["-acpitable", f"file={aml}"])
    assert "HMAT" in r.command_output("acpi tables")
    assert re.search(r"HMAT: .*table rejected", r.output), r.output[-3000:]
    assert "acpi: HMAT rejected; continuing without it" in r.output
    assert "access0" not in r.command_output("numa -j")
    assert "alive\n" in r.output


def test_acpi_tables_and_dump():
    r = run_script("acpi tables; acpi hexdump hmat; acpi dump NOPE; acpi", args=TWO_NODES)
    tables = r.command_output("acpi tables")
    for sig in ("FACP", "APIC", "SRAT", "SLIT", "HMAT", "DSDT"):
        assert re.search(rf"^{sig} 0x[0-9a-f]{{16}}\s+\d+\s+\d+ .* ok$", tables, re.M), sig
    dump = r.command_output("acpi hexdump hmat")
    assert re.search(r"^00000000  48 4d 41 54 ", dump, re.M)
    assert "|HMAT" in dump
    assert "acpi dump: error: no table NOPE" in r.output
    assert "acpi: usage:" in r.output


def test_numa_shows_handed_off_memory_of_the_sp_node():
    from spmk_qemu import SP_NODE1
    r = run_script("numa; dax reconfigure dax0.0 system-ram; numa", args=TWO_NODES,
                   sp_ranges=SP_NODE1)
    before, after = r.output.split("spmk> dax reconfigure dax0.0 system-ram")
    assert "node 1: 0 MiB online (0 MiB movable-only)" in before
    assert "node 1: 1024 MiB online (1024 MiB movable-only), 1024 MiB free" in after
    # the HMAT figures are there before and after the hand-off
    assert before.count("read latency 30 ns") >= 1 and after.count("read latency 30 ns") >= 1
