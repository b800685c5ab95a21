# SPDX-License-Identifier: BSD-2-Clause
"""Specific-purpose memory: every boot-policy row of docs/design.md §6 on firmware-marked SP memory,
and the exclusive-ownership allocator (claims, MMU-enforced ownership, scrubbing)."""
import json
import re

import pytest

from spmk_qemu import TWO_NODES, SP_NODE1, run_script

GiB = 1 << 30
MiB = 1 << 20
NO_HMAT = [a for a in TWO_NODES]
NO_HMAT[NO_HMAT.index("q35,hmat=on,max-ram-below-4g=1G")] = "q35,max-ram-below-4g=1G"
i = 0
while i < len(NO_HMAT):  # drop the HMAT options (hmat-lb, hmat-cache, initiator=), which need hmat=on
    if NO_HMAT[i] == "-numa" and NO_HMAT[i + 1].startswith("hmat"):
        del NO_HMAT[i:i + 2]
    else:
        NO_HMAT[i] = re.sub(r",initiator=\d+", "", NO_HMAT[i])
        i += 1


def dax_json(r, cmd="dax list -j"):
    lines = [l for l in r.command_output(cmd).splitlines() if l.startswith("{")]
    assert lines, r.output[-3000:]
    return json.loads(lines[0])


def test_sp_with_hmat_becomes_one_devdax_device():
    r = run_script("dax list -j; iomem; numa -j; taint", args=TWO_NODES, sp_ranges=SP_NODE1)
    assert "spfw: marked SP [0x100000000-0x140000000)" in r.output
    doc = dax_json(r)
    (region,) = doc["regions"]
    assert region["base"] == "0x100000000" and region["size"] == GiB and region["target_node"] == 1
    (dev,) = region["devices"]
    assert dev["chardev"] == "dax0.0" and dev["size"] == GiB and dev["align"] == GiB
    assert dev["mode"] == "devdax" and dev["state"] == "unclaimed" and dev["owner"] is None
    iomem = r.command_output("iomem")
    assert "100000000-13fffffff : Soft Reserved" in iomem
    assert "  100000000-13fffffff : dax0.0" in iomem
    # the memory-only node shows its HMAT figures before any hand-off
    numa = json.loads([l for l in r.command_output("numa -j").splitlines() if l.startswith("{")][0])
    n1 = [n for n in numa["nodes"] if n["node"] == 1][0]
    assert n1["access0"]["read_latency"] == 30
    assert "taint: 0x0" in r.output
    assert "FIRMWARE BUG" not in r.output


def test_sp_without_hmat_is_reserved_with_firmware_bug():
    r = run_script("dax list -j; iomem; taint", args=NO_HMAT, sp_ranges=SP_NODE1)
    assert re.search(r"FIRMWARE BUG.*0x100000000.*0x140000000", r.output), r.output[-3000:]
    assert dax_json(r)["regions"] == []
    iomem = r.command_output("iomem")
    assert "100000000-13fffffff : Soft Reserved" in iomem
    assert "dax" not in iomem
    assert re.search(r"taint: 0x1 firmware-bug", r.output)


def test_nohmat_device_option_gives_a_device_anyway():
    r = run_script("dax list -j; taint", args=NO_HMAT, sp_ranges=SP_NODE1,
                   cmdline_extra="spmk.nohmat=device")
    assert "FIRMWARE BUG" in r.output
    (region,) = dax_json(r)["regions"]
    assert region["target_node"] == 1 and region["devices"][0]["chardev"] == "dax0.0"
    assert "firmware-bug" in r.command_output("taint")


def test_nosoftreserve_ignores_the_sp_attribute():
    r = run_script("dax list -j; iomem", args=TWO_NODES, sp_ranges=SP_NODE1,
                   cmdline_extra="efi=nosoftreserve")
    assert dax_json(r)["regions"] == []
    assert "100000000-13fffffff : System RAM" in r.command_output("iomem")


def test_fake_mem_makes_a_device_on_firmware_without_sp():
    r = run_script("dax list -j", args=TWO_NODES,
                   cmdline_extra="efi_fake_mem=512M@0x120000000:0x40000")
    (region,) = dax_json(r)["regions"]
    assert region["base"] == "0x120000000" and region["size"] == 512 << 20
    assert region["target_node"] == 1


def test_unaligned_firmware_piece_still_becomes_a_device():
    # 4 MiB minus one page, starting one page into a 2 MiB block: only 4 KiB alignment.
    r = run_script("dax list -j; mem", args=TWO_NODES, sp_ranges="0x3ff000@0x100001000")
    (region,) = dax_json(r)["regions"]
    assert region["base"] == "0x100001000" and region["size"] == 0x3ff000
    assert region["devices"][0]["align"] == 4096


ADJACENT_NODES = [
    "-machine", "q35,hmat=on", "-m", "2G", "-smp", "1",
    "-object", "memory-backend-ram,id=m0,size=1G", "-object", "memory-backend-ram,id=m1,size=1G",
    "-numa", "node,nodeid=0,memdev=m0,cpus=0,initiator=0",
    "-numa", "node,nodeid=1,memdev=m1,initiator=0",
    "-numa", "hmat-lb,initiator=0,target=0,hierarchy=memory,data-type=access-latency,latency=10",
    "-numa", "hmat-lb,initiator=0,target=1,hierarchy=memory,data-type=access-latency,latency=25",
]


def test_sp_spanning_two_nodes_is_split_at_the_srat_boundary():
    # node 0 is [0, 1G), node 1 is [1G, 2G): an SP range across 1G becomes two regions
    r = run_script("dax list -j; iomem", args=ADJACENT_NODES,
                   cmdline_extra="efi_fake_mem=512M@0x30000000:0x40000")
    regions = dax_json(r)["regions"]
    assert [(x["base"], x["size"], x["target_node"]) for x in regions] == [
        ("0x30000000", 256 << 20, 0), ("0x40000000", 256 << 20, 1)]
    iomem = r.command_output("iomem")
    assert "30000000-4fffffff : Soft Reserved" in iomem
    assert "  30000000-3fffffff : dax0.0" in iomem and "  40000000-4fffffff : dax1.0" in iomem


def test_scrub_between_owners():
    r = run_script("dax claim dax0.0 alice; dax map dax0.0; dax write dax0.0 4096 secret 64; "
                   "dax read dax0.0 4096 16; dax release dax0.0; dax claim dax0.0 bob; "
                   "dax map dax0.0; dax read dax0.0 4096 64",
                   args=TWO_NODES, sp_ranges=SP_NODE1)
    first = r.command_output("dax read dax0.0 4096 16")
    assert "73 65 63 72 65 74" in first and "|secretsecretsecr|" in first
    second = r.output.split("spmk> dax read dax0.0 4096 64")[1]
    dump = [l for l in second.splitlines() if re.match(r"^000000[0-3]0 ", l)]
    assert len(dump) == 4 and all("00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00" in l for l in dump)
    assert "secret" not in second


WRITES = (4096, 3 * 2 * MiB + 8192, 40 * MiB + 12288)


@pytest.mark.parametrize("page,device,scrubbed", [
    ("4K", "dax destroy-device dax0.0; dax create-device 0 64M 4K; ", 3 * 4096),
    ("2M", "dax destroy-device dax0.0; dax create-device 0 64M 2M; ", 3 * 2 * MiB),
    ("1G", "", GiB),
])
def test_release_zeroes_every_written_page_at_every_page_size(page, device, scrubbed):
    """alice writes through 4 KiB, 2 MiB or 1 GiB leaves, her window is unmapped in between
    (bob active), release zeroes exactly the written leaves, and bob reads zeros there."""
    w = [f"dax write dax0.0 {o} secret 64" for o in WRITES]
    reads = [f"dax read dax0.0 {o} 64" for o in WRITES]
    r = run_script(f"{device}dax claim dax0.0 alice; dax map dax0.0; {w[0]}; {w[1]}; "
                   f"dax read dax0.0 0 8 --as bob; {w[2]}; dax release dax0.0; dax claim dax0.0 bob; "
                   f"dax map dax0.0; " + "; ".join(reads),
                   args=TWO_NODES + ["-cpu", "qemu64,+pdpe1gb"], sp_ranges=SP_NODE1,
                   cmdline_extra=f"spmk.dax_page={page}")
    assert "not understood" not in r.output and "no 1 GiB pages" not in r.output
    size = 64 * MiB if device else GiB
    assert f"dax0.0 released, scrubbed what 'alice' wrote ({scrubbed} of {size} bytes)" in r.output
    after = r.output.split("spmk> dax release dax0.0")[1]
    assert "secret" not in after
    for cmd in reads:
        dump = [l for l in r.command_output(cmd).splitlines() if re.match(r"^000000[0-3]0 ", l)]
        assert len(dump) == 4 and all("00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00" in l
                                      for l in dump), r.command_output(cmd)


def test_ownership_violation_is_reported_and_survived():
    r = run_script("dax claim dax0.0 alice; dax map dax0.0; dax write dax0.0 0 x 8; "
                   "dax read dax0.0 0 8 --as mallory; dax write dax0.0 0 y 8 --as mallory; "
                   "fault read 0xffff800100000000; dax read dax0.0 0 8; dax list -j",
                   args=TWO_NODES, sp_ranges=SP_NODE1)
    assert "ownership violation: dax0.0 owned by 'alice', accessed as 'mallory'" in r.output
    assert r.output.count("ownership violation: dax0.0") == 2
    assert "physical 0x100000000 is specific-purpose memory" in r.output
    assert "|xxxxxxxx|" in r.command_output("dax read dax0.0 0 8")  # mallory's write never landed
    dev = dax_json(r)["regions"][0]["devices"][0]
    assert dev["owner"] == "alice"


def test_refused_transitions_change_nothing():
    before_after = "dax list -j"
    r = run_script(
        "dax list -j; dax claim dax0.0 alice; dax claim dax0.0 bob; dax destroy-device dax0.0; "
        "dax create-device 0 2G; dax create-device 0 4K 3K; dax create-device 7 2M; "
        "dax claim dax9.9 x; dax read dax0.0 0 16; dax write dax0.0 2G a 1; dax release dax0.0; "
        "dax release dax0.0; dax map dax0.0; dax claim dax0.0 'bad owner!'; dax frobnicate; "
        "dax create-device 0 1G; dax list -j",
        args=TWO_NODES, sp_ranges=SP_NODE1)
    out = r.output
    # each refusal: one error line naming the real reason, never a status word twice
    assert "dax claim: error: dax0.0 is already claimed by 'alice'" in out
    assert "dax destroy-device: error: dax0.0 is claimed by 'alice'" in out
    assert "dax create-device: error: no room for 2G (2147483648 bytes) in region0" in out
    assert "dax create-device: error: no region 7 (1 regions)" in out
    assert "dax claim: error: no device 'dax9.9' (see 'dax list')" in out
    assert "dax: unknown subcommand 'frobnicate'" in out
    assert "dax map: error: dax0.0 is unclaimed ('dax claim dax0.0 OWNER' first)" in out
    assert "dax release: error: dax0.0 is unclaimed" in out
    assert "out of memory" not in out and "not the owner" not in out
    assert "error: dax " not in out  # module explanations are not printed a second time
    lists = [json.loads(l) for l in out.splitlines() if l.startswith('{"regions"')]
    assert lists[0] == lists[-1]


def test_carving_devices_and_sp_accounting():
    r = run_script("dax destroy-device dax0.0; dax create-device 0 2M; dax create-device region0 1G 1G; dax create-device 0 3M; "
                   "dax create-device 0 4K 4K; dax list -j; mem; dax destroy-device dax0.1; "
                   "dax create-device 0 6M; dax list -j; mem; selftest", args=TWO_NODES, sp_ranges=SP_NODE1)
    devs = {d["chardev"]: d for d in dax_json(r)["regions"][0]["devices"]}
    # 2 MiB default alignment, first fit from the bottom
    assert (devs["dax0.0"]["base"], devs["dax0.0"]["size"], devs["dax0.0"]["align"]) == \
        ("0x100000000", 2 << 20, 2 << 20)
    # no 1 GiB-aligned gigabyte left once 2 MiB are used (out of memory); 3M is not a multiple of 2M
    assert "dax create-device: error: no room for 1G (1073741824 bytes) in region0: region 0 has no " \
        "free range of 0x40000000 bytes aligned to 0x40000000" in r.output
    assert "dax create-device: error: size 0x300000 is not a non-zero multiple of align 0x200000" \
        in r.output
    assert "created dax0.1: 4K (4096 bytes) at [0x100200000-0x100201000) align 0x1000" in r.output
    assert (devs["dax0.1"]["base"], devs["dax0.1"]["size"], devs["dax0.1"]["align"]) == \
        ("0x100200000", 4096, 4096)
    acc = re.findall(r"SP accounting: memory map 262144 = in devices (\d+) \(system-ram 0\) "
                     r"\+ free in regions (\d+) \+ reserved 0: exact", r.output)
    # mem, mem, then selftest's own check
    assert acc == [("513", str(262144 - 513))] + [("2048", str(262144 - 2048))] * 2
    last = json.loads([l for l in r.output.splitlines() if l.startswith('{"regions"')][-1])
    devs = {d["chardev"]: d for d in last["regions"][0]["devices"]}
    assert sorted(devs) == ["dax0.0", "dax0.1"]
    assert devs["dax0.1"]["base"] == "0x100200000" and devs["dax0.1"]["size"] == 6 << 20
    assert "selftest: ok" in r.output
