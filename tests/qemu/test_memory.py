# SPDX-License-Identifier: BSD-2-Clause
"""Physical memory: the page allocator accounts for every usable page of the memory map."""
import re

import pytest

from spmk_qemu import TWO_NODES, SP_NODE1, run_script

RAM_TYPES = {"Conventional", "LoaderCode", "LoaderData", "BootServicesCode",
             "BootServicesData", "spmk-kernel", "spmk-pagetable", "spmk-bootinfo", "spmk-module"}


def usable_pages_from_raw_map(text, sp_is_ram=False):
    """Sums the pages of RAM descriptors in the raw `memmap` listing (SP excluded unless asked)."""
    total = 0
    for line in text.splitlines():
        m = re.match(r"\s*\d+\s+(\S+)\s+\[0x[0-9a-f]+-0x[0-9a-f]+\)\s+(\d+) pages attr 0x[0-9a-f]+(.*)", line)
        if not m:
            continue
        if m.group(1) in RAM_TYPES and (sp_is_ram or " SP" not in m.group(3)):
            total += int(m.group(2))
    return total


def accounting(r):
    m = re.search(r"accounting: memory map (\d+) \+ handed-off SP (\d+) = (\d+) managed = "
                  r"free (\d+) \+ isolated (\d+) \+ owned (\d+): (\w+)", r.output)
    assert m, r.output[-3000:]
    return [int(x) for x in m.groups()[:6]] + [m.group(7)]


@pytest.mark.parametrize("mem", ["1G", "2G", "4G"])
def test_accounting_exact_single_node(mem):
    r = run_script("memmap; mem; selftest", memory=mem)
    mapped, sp, managed, free, iso, owned, verdict = accounting(r)
    assert verdict == "exact"
    assert managed == usable_pages_from_raw_map(r.command_output("memmap"))
    assert free + iso + owned == managed
    assert "selftest: heap ok" in r.output and "selftest: ok" in r.output


def test_accounting_exact_two_nodes_with_sp():
    r = run_script("memmap; mem; selftest", args=TWO_NODES, sp_ranges=SP_NODE1)
    mapped, sp, managed, free, iso, owned, verdict = accounting(r)
    assert verdict == "exact" and sp == 0
    assert managed == usable_pages_from_raw_map(r.command_output("memmap"))
    mem = r.command_output("mem")
    assert "node 0 Normal" in mem and "node 1" not in mem  # node 1 is all SP


def test_nosoftreserve_puts_sp_in_the_page_allocator():
    r = run_script("memmap; mem; iomem", args=TWO_NODES, sp_ranges=SP_NODE1,
                   cmdline_extra="efi=nosoftreserve")
    mapped, sp, managed, free, iso, owned, verdict = accounting(r)
    assert verdict == "exact"
    assert managed == usable_pages_from_raw_map(r.command_output("memmap"), sp_is_ram=True)
    assert "node 1 Normal" in r.command_output("mem")
    assert "Soft Reserved" not in r.command_output("iomem")


def test_fake_mem_marks_conventional_memory_sp():
    r = run_script("mem; iomem", args=TWO_NODES,
                   cmdline_extra="efi_fake_mem=256M@0x100000000:0x40000")
    assert "100000000-10fffffff : Soft Reserved" in r.command_output("iomem")
    mapped, sp, managed, free, iso, owned, verdict = accounting(r)
    assert verdict == "exact"
    # node 1 keeps the other 768 MiB as RAM
    assert "node 1 Normal    total   196608" in r.command_output("mem")


def test_bad_fake_mem_value_reported_and_ignored():
    r = run_script("iomem", memory="1G", cmdline_extra="efi_fake_mem=bogus efi=whatever")
    assert "efi_fake_mem" in r.output
    assert "efi=whatever not understood" in r.output
    assert "Soft Reserved" not in r.command_output("iomem")


def test_repeated_fake_mem_all_apply():
    # Linux appends every efi_fake_mem=; spmk used to keep only the last one, silently
    r = run_script("mem; iomem; selftest", args=TWO_NODES,
                   cmdline_extra="efi_fake_mem=256M@4G:0x40000 "
                                 "efi_fake_mem=256M@0x120000000:0x40000")
    iomem = r.command_output("iomem")
    assert "100000000-10fffffff : Soft Reserved" in iomem, iomem
    assert "120000000-12fffffff : Soft Reserved" in iomem, iomem
    assert accounting(r)[-1] == "exact"
    assert "node 1 Normal    total   131072" in r.command_output("mem")  # 1 GiB - 2 x 256 MiB
    assert "selftest: ok" in r.output


def test_efi_option_is_a_comma_list():
    r = run_script("mem; iomem", args=TWO_NODES, sp_ranges=SP_NODE1,
                   cmdline_extra="efi=debug,nosoftreserve")
    assert "not understood" not in r.output
    boot_map = r.after("efi=debug: the memory map as received:")
    # the loader holds free SP memory as LoaderData while it loads (docs/boot-protocol.md)
    assert re.search(r"LoaderData\s+\[0x0*100000000-0x0*140000000\)\s+262144 pages attr "
                     r"0x0*4000f SP", boot_map), boot_map[:3000]
    assert "node 1 Normal" in r.command_output("mem")
    assert "Soft Reserved" not in r.command_output("iomem")
    assert accounting(r)[-1] == "exact"


def test_every_value_not_understood_is_reported():
    r = run_script("echo ok", memory="1G",
                   cmdline_extra="efi=debug,noruntime efi=bogus console=tty0 console=ttyS0,115200 "
                                 "spmk.nohmat=device,everything spmk.typo=1 quiet")
    for line in ["efi=noruntime not understood", "efi=bogus not understood",
                 "console=tty0 not understood", "spmk.nohmat=everything not understood",
                 "unknown option 'spmk.typo' ignored", "quiet not supported"]:
        assert line in r.output, line + "\n" + r.output[-3000:]
    assert "console=ttyS0" not in r.output.split("command line")[-1].split("\n", 1)[1]
    assert "efi=debug: the memory map as received:" in r.output  # the good item applies


def test_every_boot_script_runs_in_order():
    r = run_script("echo second", cmdline_extra='spmk.run="echo first"')
    assert r.output.index("spmk> echo first") < r.output.index("spmk> echo second")


def _mem_lines(text):
    """{label: (total, free, isolated, reserve, page-table pages)} from `mem`."""
    return {m.group(1): tuple(int(x or 0) for x in m.groups()[1:]) for m in re.finditer(
        r"^(node \d+ \w+|all)\s+total\s+(\d+) free\s+(\d+) isolated\s+(\d+) reserve\s+(\d+)"
        r"(?:.* pagetable (\d+))?", text, re.M)}


def test_fill_spills_to_node_1_before_draining_node_0():
    # two RAM nodes (no SP): a fill bigger than node 0 leaves node 0's reserve free
    r = run_script("mem; mem fill A 1200M; mem; mem fill B 1G; mem; mem free B; selftest",
                   args=TWO_NODES, timeout=240)
    before, after, full = (_mem_lines(r.output.split("spmk> mem\n")[i]) for i in (1, 2, 3))
    n0, n1 = "node 0 Normal", "node 1 Normal"
    # Linux's rule: sqrt(16 * 2 GiB in KiB) = 5792 KiB, shared by the two 1 GiB nodes
    assert 700 <= before[n0][3] <= 730 and 700 <= before[n1][3] <= 730, before
    assert before["all"][3] == before[n0][3] + before[n1][3]
    # the fill took node 0 only down to its reserve (which the kernel's own page tables for
    # the fill's mappings may then use) ...
    tables = after[n0][4] - before[n0][4]
    assert after[n0][1] > 0 and after[n0][1] + tables >= after[n0][3], (before, after)
    assert after[n1][1] < before[n1][1] - 40000, after   # ... and went on to node 1
    # a fill that does not fit fails, reported, with node 1's reserve still free too
    assert "mem fill: " in r.command_output("mem fill B 1G")
    tables = full[n1][4] - before[n1][4]
    assert full[n1][1] + tables >= full[n1][3] and full[n1][1] > 0, full
    assert accounting(r)[-1] == "exact" and "selftest: ok" in r.output
