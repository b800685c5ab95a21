# SPDX-License-Identifier: BSD-2-Clause
"""Promises the kernel checks (docs/dax.md "Scrub", docs/hotplug.md "Deferred scrub",
docs/testing.md "Debug build"): a release scrubs even with no page-table memory left, a claim
never zeroes memory it does not hold, and selftest catches a page written by a non-owner.

Default topology: node 0 = CPU + 1 GiB RAM, node 1 = 1 GiB SP at 4 GiB (device dax0.0)."""
import re

from spmk_qemu import ANSI, SP_NODE1, TWO_NODES, interact, run_script


def boot(script, timeout=180):
    return run_script(script, args=TWO_NODES, sp_ranges=SP_NODE1, timeout=timeout)


def zero_dump(text):
    dump = [l for l in text.splitlines() if re.match(r"^000000[0-3]0 ", l)]
    return len(dump) == 4 and all("00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00" in l for l in dump)


def test_release_scrubs_with_no_page_table_memory():
    """Every page-table allocation fails during the release: the scrub still happens (its
    window's tables exist from boot) and the next owner reads zeros."""
    r = boot("dax claim dax0.0 alice; dax map dax0.0; dax write dax0.0 4096 secret 64; "
             "fault inject pt 1000000; dax release dax0.0; fault inject; fault inject pt 0; "
             "dax claim dax0.0 bob; dax map dax0.0; dax read dax0.0 4096 64; selftest")
    assert "cannot map" not in r.output
    listing = r.command_output("fault inject")
    assert re.search(r"^pt\s+uses \d+ injected 0 armed 1000000", listing, re.M), listing
    after = r.output.split("spmk> dax read dax0.0 4096 64")[1]
    assert zero_dump(after) and "secret" not in after, after
    assert "selftest: ok" in r.output


def typed(commands, timeout=600):
    """Boots to the prompt and types each command at its prompt, as a user would (the sequence
    is longer than a command line may be), then poweroff."""
    r = interact([("spmk> ", (c + "\r").encode()) for c in commands], args=TWO_NODES,
                 sp_ranges=SP_NODE1, timeout=timeout)
    assert not r.timed_out, "QEMU timed out:\n" + r.output[-3000:]
    return ANSI.sub("", r.output).replace("\r", "")


def test_claim_never_zeroes_page_allocator_memory():
    """The reported sequence, typed: a full deferred-scrub table, a device handed to the page
    allocator in the middle of an extent, object B on it, then a claim next to it."""
    cmds = ["dax reconfigure dax0.0 system-ram", "mem fill A 1020M node=1", "mem free A",
            "dax reconfigure dax0.0 devdax", "dax destroy-device dax0.0"]
    cmds += ["dax create-device 0 2M"] * 64
    cmds += [f"dax claim dax0.{i} x" for i in range(1, 62, 2)]
    cmds += ["dax reconfigure dax0.62 system-ram", "mem fill B 2M node=1", "mem check B",
             "dax claim dax0.63 x", "mem check B", "selftest"]
    out = typed(cmds)
    assert "A: 1020M (1069547520 bytes) filled, 261120 pages" in out and "1044480 KiB to scrub at the next claim" in out, out[-3000:]
    assert out.count("B: 512 pages checked, 0 mismatches") == 2, out[-3000:]
    assert "dax0.63 claimed by 'x'" in out and "selftest: ok" in out, out[-3000:]


def test_selftest_catches_a_foreign_write():
    """A byte of B's page flipped by physical address (a stray write): selftest fails and
    names B; flipped back, selftest passes."""
    r = boot("dax reconfigure dax0.0 system-ram; mem fill B 2M node=1; selftest; "
             "fault corrupt B 7; selftest; fault corrupt B 7; selftest")
    outs = r.output.split("spmk> selftest")[1:]
    assert len(outs) == 3
    assert "selftest: ok" in outs[0]
    assert "'B' has 1 of 512 pages not holding its pattern (first: page 7" in outs[1]
    assert "selftest: FAILED" in outs[1]
    assert "selftest: ok" in outs[2]
