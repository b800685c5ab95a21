# SPDX-License-Identifier: BSD-2-Clause
"""The shell: help, usage and typo suggestions, one error line per failure with true words,
Linux-shaped views (numactl, sysfs access classes, lsmem, acpidump, dmesg), daxctl spellings."""
import json
import os
import re
import shutil
import subprocess
import tempfile

from spmk_qemu import SP_NODE1, TWO_NODES, boot, run_script


def sp_script(script, **kw):
    return run_script(script, args=TWO_NODES, sp_ranges=SP_NODE1, timeout=180, **kw)


def test_help_usage_and_did_you_mean():
    r = sp_script("help dax claim; help mem; help dax frob; help daxx; hlep; dax lsit; "
                  "dax claim dax0.0; dax write dax0.0 0; mem fill A; numa access; dax")
    claim = r.command_output("help dax claim")
    assert "dax claim DEV OWNER\n" in claim
    assert "OWNER  1..31 characters" in claim and "example: dax claim dax0.0 alice" in claim
    assert "dax create-device" not in claim            # only the asked subcommand
    mem = r.command_output("help mem")
    for sub in ("mem blocks", "mem caches [on]", "mem fill NAME SIZE [node=N] [unmovable]",
                "mem check NAME", "mem move NAME node=N", "mem work NAME CPUS | stop"):
        assert sub in mem, sub
    assert mem.count("example: ") == 11                 # every form has an example
    assert "help: error: 'dax' has no subcommand 'frob'" in r.output
    assert "help: error: no command 'daxx' (did you mean 'dax'?)" in r.output
    assert "hlep: unknown command (did you mean 'help'?" in r.output
    assert "dax: unknown subcommand 'lsit' (did you mean 'list'?)" in r.output
    # a missing argument is named, with the subcommand's own usage
    assert "dax claim: missing OWNER\ndax claim: usage: dax claim DEV OWNER\n" in r.output
    assert "dax write: missing PATTERN\ndax write: usage: dax write DEV OFF PATTERN LEN" in r.output
    assert "mem fill: missing SIZE\nmem fill: usage: mem fill NAME SIZE" in r.output
    assert "numa access: missing NODE\nnuma access: usage: numa access NODE\n" in r.output
    assert "dax: missing subcommand\ndax: usage:\n  dax list [-j]\n" in r.output


def test_status_words_are_true_and_printed_once():
    r = sp_script("dax map dax0.0; dax read dax0.0 0 16; dax create-device 0 4G; "
                  "dax claim dax0.0 alice; dax read dax0.0 0 16; dax release dax0.0; "
                  "dax reconfigure dax0.0 system-ram; dax map dax0.0; dax read dax0.0 0 16; "
                  "dax write dax0.0 0 x 1; dax release dax0.0; dax claim dax0.0 bob; "
                  "mem fill A 4M node=7; mem fill B 6M; mem fill C 8M node=1; mem fill D 1K")
    out = r.output
    assert "dax map: error: dax0.0 is unclaimed ('dax claim dax0.0 OWNER' first)\n" in out
    assert "dax read: error: dax0.0 is unclaimed" in out
    assert "dax create-device: error: no room for 4G (4294967296 bytes) in region0: region 0 has " \
        "no free range of 0x100000000 bytes" in out
    assert "dax read: error: dax0.0 is claimed by 'alice' but not mapped ('dax map dax0.0' first)" in out
    ram = "is in system-ram mode (the page allocator has it; 'dax reconfigure dax0.0 devdax' takes it back)"
    after = r.after("spmk> dax reconfigure dax0.0 system-ram\n")
    for cmd in ("map", "read", "write", "release"):
        assert f"spmk> dax {cmd} dax0.0" in after and f"dax {cmd}: error: dax0.0 {ram}\n" in after, cmd
    assert "dax claim: error: dax0.0 is in system-ram mode" in out
    for word in ("not the owner", "out of memory", "owner ''", "failed:"):
        assert word not in out, word
    # every failing command printed exactly one line
    for cmd in ("dax map dax0.0", "dax create-device 0 4G", "dax claim dax0.0 bob", "mem fill A 4M node=7"):
        reply = r.command_output(cmd)
        assert len(reply.strip().splitlines()) == 1, (cmd, reply)
    assert "mem fill: error: no node 7 on this machine (nodes 0-1; see 'numa -H')" in out
    assert "B: 6M (6291456 bytes) filled, 1536 pages (movable): node 0: 1536 pages\n" in out
    assert "C: 8M (8388608 bytes) filled, 2048 pages (movable): node 1: 2048 pages\n" in out
    assert "D: 1K (1024 bytes) filled, 1 pages (movable): node 0: 1 pages\n" in out


def test_misspelled_option_gets_a_suggestion():
    r = boot(cmdline='spmk.nohmta=device spmk.frob=1 spmk.run="poweroff"')
    assert r.status == 0, r.output[-3000:]
    assert "warning: cmdline: unknown option 'spmk.nohmta' ignored (did you mean 'spmk.nohmat'?)" in r.output
    assert "cmdline: unknown option 'spmk.frob' ignored\n" in r.output


def test_numactl_sysfs_and_lsmem_shapes():
    r = sp_script("numa -H; numa access 1; numa access 9; mem blocks; "
                  "dax reconfigure-device dax0.0 --mode=system-ram; numa -H; mem blocks; dax list -j; "
                  "dax reconfigure-device dax0.0 -m devdax; dax destroy-device dax0.0; dax create-device -s 512M -a 2M; "
                  "dax create-device --region=0 --size=256M; dax list -j; dax list")
    hw = r.command_output("numa -H")
    assert re.match(r"available: 2 nodes \(0-1\)\nnode 0 cpus: 0 1\nnode 0 size: 101\d MB\n"
                    r"node 0 free: \d+ MB\nnode 1 cpus:\nnode 1 size: 0 MB\nnode 1 free: 0 MB\n"
                    r"node distances:\nnode    0   1\n  0:   10  20\n  1:   20  10\n", hw), hw
    after = r.after("spmk> dax reconfigure-device dax0.0 --mode=system-ram\n")
    assert "node 1 size: 1024 MB\n" in after
    acc = r.command_output("numa access 1")
    assert acc == ("node1/access0/initiators: node0\n"
                   "node1/access0/initiators/read_bandwidth: 4096\n"
                   "node1/access0/initiators/read_latency: 30\n"
                   "node1/access0/initiators/write_bandwidth: 4096\n"
                   "node1/access0/initiators/write_latency: 30\n"
                   "node1/access1/initiators: node0\n"
                   "node1/access1/initiators/read_bandwidth: 4096\n"
                   "node1/access1/initiators/read_latency: 30\n"
                   "node1/access1/initiators/write_bandwidth: 4096\n"
                   "node1/access1/initiators/write_latency: 30\n"), acc
    assert "numa access: error: no node 9 on this machine (nodes 0-1)" in r.output
    blocks = r.command_output("mem blocks")
    assert re.search(r"^RANGE +SIZE +STATE REMOVABLE +BLOCK NODE ZONES$", blocks, re.M)
    assert re.search(r"^0x0000000000000000-0x000000003fffffff +1G +online +no +0-511 +0 Normal$",
                     blocks, re.M), blocks
    assert "Total online memory:     1G\nTotal offline memory:    0B" in blocks
    blocks2 = after.split("spmk> mem blocks\n")[1]
    assert re.search(r"^0x0000000100000000-0x000000013fffffff +1G +online +yes +2048-2559 +1 Movable$",
                     blocks2, re.M), blocks2
    assert "Total online memory:     2G" in blocks2
    docs = [json.loads(l) for l in r.output.splitlines() if l.startswith('{"regions"')]
    dev = docs[0]["regions"][0]["devices"][0]
    assert (dev["chardev"], dev["mode"], dev["target_node"]) == ("dax0.0", "system-ram", 1)
    assert dev["online_memblocks"] == dev["total_memblocks"] == 512 and dev["movable"] is True
    assert "name" not in dev
    assert "dax0.0: 262144 pages reclaimed to devdax" in r.output  # -m devdax
    assert "created dax0.0: 512M (536870912 bytes) at [0x100000000-0x120000000) align 0x200000" in r.output
    assert "created dax0.1: 256M (268435456 bytes) at [0x120000000-0x130000000)" in r.output
    devs = docs[1]["regions"][0]["devices"]
    assert [d["chardev"] for d in devs] == ["dax0.0", "dax0.1"]
    assert docs[1]["regions"][0]["available_size"] == 256 << 20
    text = r.command_output("dax list")
    for key in ('"chardev":"dax0.1"', '"target_node":1', '"available_size":"256.00 MiB'):
        assert key in text, key


def test_dmesg_keeps_the_boot_log_and_wraps():
    r = sp_script("dax create-device 0 4G; dmesg")
    log = r.command_output("dmesg")
    assert "spmk: kernel at phys" in log and "dax: region 0 [0x100000000-0x140000000)" in log
    assert "error: dax create-device: region 0 has no free range" in log  # the reason is logged
    assert "older lines dropped" not in log
    small = sp_script("; ".join(f"dax create-device 0 {n}G" for n in range(2, 9)) + "; dmesg",
                      cmdline_extra="log_buf_len=1K")
    log = small.command_output("dmesg")
    assert re.match(r"\((\d+) older lines dropped: the log ring holds 1024 bytes", log), log
    assert "spmk: kernel at phys" not in log                   # the oldest went first
    assert "no free range of 0x200000000 bytes" in log         # the newest stay
    assert log.rstrip().endswith("no free range of 0x200000000 bytes aligned to 0x200000 (free 0x0 bytes "
                                 "in 0 extents, largest 0x0)")
    assert len(log.split("\n", 1)[1]) <= 1024
    bad = boot(cmdline='log_buf_len=1M spmk.run="poweroff"')
    assert "log_buf_len=1M ignored: a size from 1K to 64K" in bad.output


def test_acpi_dump_decodes_on_the_host_and_acpi_decode():
    r = run_script("acpi dump; acpi decode srat; acpi decode SLIT; acpi decode HMAT", args=TWO_NODES,
                   timeout=180)
    dump = r.command_output("acpi dump")
    assert re.search(r"^SRAT @ 0x[0-9A-F]{16}\n    0000: 53 52 41 54 ", dump, re.M), dump[:400]
    tmp = tempfile.mkdtemp()
    try:
        with open(os.path.join(tmp, "acpi.out"), "w") as f:
            f.write(dump)
        subprocess.run(["acpixtract", "-a", "acpi.out"], cwd=tmp, check=True, capture_output=True)
        for sig in ("srat", "slit", "hmat"):
            assert os.path.exists(os.path.join(tmp, f"{sig}.dat")), os.listdir(tmp)
            subprocess.run(["iasl", "-d", f"{sig}.dat"], cwd=tmp, check=True, capture_output=True)
        srat = open(os.path.join(tmp, "srat.dsl")).read()
        assert re.search(r"Base Address : 0000000100000000", srat), srat
        assert re.search(r"Address Length : 0000000040000000", srat)
        slit = open(os.path.join(tmp, "slit.dsl")).read()
        assert re.search(r"Locality   0 : 0A 14", slit), slit
        hmat = open(os.path.join(tmp, "hmat.dsl")).read()
        assert "Memory Side Cache Size : 0000000001000000" in hmat, hmat
    finally:
        shutil.rmtree(tmp)
    srat = r.command_output("acpi decode srat")
    assert re.search(r"Memory Affinity\n.*Proximity Domain +: 00000001\n.*Base Address +: 0000000100000000\n"
                     r".*Address Length +: 0000000040000000", srat), srat
    slit = r.command_output("acpi decode SLIT")
    assert "Locality   0 : 0A 14 \n    Locality   1 : 14 0A \n" in slit, slit
    hmat = r.command_output("acpi decode HMAT")
    assert "Memory Side Cache Information" in hmat and "Memory Side Cache Size         : 0000000001000000" in hmat
    assert re.search(r"Read Latency|Access Latency", hmat), hmat


def test_ctrl_c_stops_long_operations_cleanly():
    """Typed at the prompt: progress shows, Ctrl-C stops fill (nothing kept), release (the rest
    of the scrub deferred to the next claim) and reclaim (rolled back, nothing lost)."""
    from spmk_qemu import interact
    prompt, stop = "spmk> ", "(Ctrl-C stops)"
    steps = [
        (prompt, b"mem fill A 900M\r"), (stop, b"\x03"),
        (prompt, b"mem objects\r"),
        (prompt, b"dax claim dax0.0 alice\r"), (prompt, b"dax map dax0.0\r"),
    ] + [
        # release zeroes what was written: one write every 64 MiB leaves 16 dirty 2 MiB leaves,
        # which the 8 written extents cover by merging gaps (about half the device)
        (prompt, b"dax write dax0.0 %#x secret 64\r" % (k << 26)) for k in range(15)
    ] + [
        (prompt, b"dax write dax0.0 0x3fff0000 secret 64\r"),
        (prompt, b"dax release dax0.0\r"), (stop, b"\x03"),
        (prompt, b"dax claim dax0.0 bob\r"), (prompt, b"dax map dax0.0\r"),
        (prompt, b"dax read dax0.0 0x3fff0000 64\r"), (prompt, b"dax release dax0.0\r"),
        (prompt, b"dax reconfigure dax0.0 system-ram\r"), (prompt, b"mem fill B 600M node=1\r"),
        (prompt, b"dax reconfigure dax0.0 devdax\r"), (stop, b"\x03"),
        (prompt, b"mem check B\r"), (prompt, b"dax list -j\r"), (prompt, b"selftest\r"),
        (prompt, b"mem free B\r"), (prompt, b"dax reconfigure dax0.0 devdax\r"),
        (prompt, b"bench cycles dax0.0 1000\r"), (stop, b"\x03"), (prompt, b"dax list\r"),
    ]
    r = interact(steps, args=TWO_NODES, sp_ranges=SP_NODE1, timeout=300)
    assert not r.timed_out, r.output[-4000:]
    assert r.status == 0, r.output[-4000:]
    out = r.output.replace("\r", "")
    assert re.search(r"\x1b\[Kmem fill: \d+% \(Ctrl-C stops\)", out)           # progress shown
    assert re.search(r"mem fill: error: 'A' stopped after \d+ of 230400 pages; none kept\n", out), out[-3000:]
    assert "A " not in out.split("spmk> mem objects\n")[1].split("spmk> ")[0]  # nothing kept
    assert re.search(r"dax0.0 released; the scrub was stopped by Ctrl-C: \d+ bytes are left to the "
                     r"deferred scrub", out), out[-3000:]
    dump = out.split("spmk> dax read dax0.0 0x3fff0000 64\n")[1].split("spmk> ")[0]
    assert "secret" not in dump and dump.count("00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00") == 4
    assert re.search(r"dax reconfigure: error: dax0.0 stays system-ram: stopped by Ctrl-C after \d+ "
                     r"pages moved; reclaim rolled back: the device stays system-ram, nothing lost", out), out[-3000:]
    assert "B: 153600 pages checked, 0 mismatches" in out
    assert '"mode":"system-ram"' in out.split("spmk> dax list -j\n")[1]
    assert "selftest: ok" in out
    assert re.search(r"bench cycles: error: stopped by Ctrl-C after \d+ of 1000 cycles; dax0.0 is devdax\n",
                     out), out[-3000:]
    assert '"mode":"devdax"' in out.split("spmk> dax list\n")[1]
