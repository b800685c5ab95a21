# SPDX-License-Identifier: BSD-2-Clause
"""The loader against firmware as it really is: the memory-map test knob, firmware that does not
write DescriptorSize on EFI_BUFFER_TOO_SMALL, and SP memory that also has free pages."""
import re

import pytest

from spmk_qemu import TWO_NODES, boot, run_script
from test_memory import accounting


def test_memmap_append_knob_reaches_the_kernel():
    text = ("# a reserved hole above RAM, and an ACPI NVS page\n"
            "0 0x200000000 16 0x1\n"
            "10\t0x210000000\t1\t0xf   # NVS\n")
    r = run_script("memmap; mem; selftest", memmap_append=text)
    assert "spmk-loader: test knob: appended 2 descriptors" in r.output
    raw = r.command_output("memmap")
    assert re.search(r"Reserved\s+\[0x0*200000000-0x0*200010000\)\s+16 pages attr 0x0*1\n", raw), raw
    assert re.search(r"ACPIMemoryNVS\s+\[0x0*210000000-0x0*210001000\)\s+1 pages attr 0x0*f\n", raw), raw
    m = re.search(r"spmk-loader: final memory map: (\d+) descriptors", r.output)
    k = re.search(r"memmap: (\d+) descriptors", raw)
    assert m and k and m.group(1) == k.group(1)
    assert accounting(r)[-1] == "exact"
    assert "selftest: ok" in r.output


def test_memmap_append_bad_line_is_a_loader_error():
    r = boot(cmdline="", memmap_append="7 0x100000 16 0xf\n# fine so far\n7 0x200000 sixteen 0xf\n")
    assert not r.timed_out
    assert "test-memmap-append: line 3: PAGES 'sixteen' is not a number" in r.output, r.output[-2000:]
    assert "spmk-loader: error: fw_cfg opt/spmk/test-memmap-append rejected" in r.output
    assert "spmk: specific-purpose memory kernel" not in r.output


@pytest.mark.parametrize("poison", ["0", "0xffffffffffffffff", "0x123456789"])
def test_descriptor_size_unwritten_on_buffer_too_small(poison):
    # firmware that leaves DescriptorSize (and MapKey, DescriptorVersion) as they were when it
    # answers EFI_BUFFER_TOO_SMALL: the loader must size its buffer from the map size alone
    r = run_script("mem; selftest", fw_cfg={"opt/spmk/test-memmap-poison": poison})
    assert "test knob: GetMemoryMap leaves DescriptorSize" in r.output
    m = re.search(r"spmk-loader: final memory map: \d+ descriptors, \d+ pages, desc_size (\d+)",
                  r.output)
    assert m and m.group(1) == "48", r.output[-2000:]
    assert accounting(r)[-1] == "exact"
    assert "selftest: ok" in r.output


# Two 1 GiB nodes below 4 GiB, the upper half of node 1 marked SP by the firmware stage: the
# firmware has free pages in that SP range, where it used to place the loader's blocks.
SP_BELOW_4G_ARGS = [a.replace("q35,hmat=on,max-ram-below-4g=1G", "q35,hmat=on") for a in TWO_NODES]
SP_BELOW_4G = (0x60000000, 0x80000000)


def _in_sp(addr):
    return SP_BELOW_4G[0] <= addr < SP_BELOW_4G[1]


def test_loader_never_allocates_in_sp_memory():
    r = run_script("memmap; mem; iomem; selftest", args=SP_BELOW_4G_ARGS,
                   sp_ranges="512M@0x60000000", timeout=180)
    assert "spmk-loader: holding" in r.output
    kphys = int(re.search(r"spmk: kernel at phys (0x[0-9a-f]+)", r.output).group(1), 16)
    pt = int(re.search(r"spmk-loader: page tables: \d+ pages at (0x[0-9a-f]+)", r.output).group(1), 16)
    bi = int(re.search(r"spmk-loader: boot_info at (0x[0-9a-f]+)", r.output).group(1), 16)
    assert not _in_sp(kphys) and not _in_sp(pt) and not _in_sp(bi), (hex(kphys), hex(pt), hex(bi))
    # no loader block carries the SP attribute in the final map
    for line in r.command_output("memmap").splitlines():
        if "spmk-" in line:
            assert not line.rstrip().endswith(" SP"), line
    # inside the SP range only the firmware's own blocks cut it: no System RAM there
    for line in r.command_output("iomem").splitlines():
        m = re.match(r"([0-9a-f]+)-([0-9a-f]+) : (.*)", line)
        if m and _in_sp(int(m.group(1), 16)):
            assert m.group(3) != "System RAM", r.command_output("iomem")
    mem = r.command_output("mem")
    assert re.search(r"accounting: .*: exact", mem) and re.search(r"SP accounting: .*: exact", mem)
    assert "selftest: ok" in r.output


def _pagetable_pages(r):
    return int(re.search(r"^all .* pagetable (\d+)", r.command_output("mem"), re.M).group(1))


def test_loader_block_in_sp_never_reaches_the_page_allocator():
    # a loader that put 4 page-table pages in SP memory (as spmk's did): the kernel keeps them
    # owned instead of freeing them with the rest of the loader's tables. The same block
    # without the SP attribute is freed: the two boots differ by exactly those 4 pages.
    plain = run_script("mem; selftest", memmap_append="0x80000002 0x200000000 4 0xf\n")
    r = run_script("mem; selftest", memmap_append="0x80000002 0x200000000 4 0x4000f\n")
    assert ("mm: loader block pagetable [0x200000000-0x200004000) lies in SP memory (attr 0x4000f)"
            in r.output), r.output[-3000:]
    assert "lies in SP memory" not in plain.output
    assert _pagetable_pages(r) == _pagetable_pages(plain) + 4
    assert accounting(r)[3] == accounting(plain)[3] - 4  # free pages
    for run in (plain, r):
        assert accounting(run)[-1] == "exact" and "selftest: ok" in run.output
