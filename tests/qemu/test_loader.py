"""The loader against firmware as it really is: the memory-map test knob, firmware that does not
write DescriptorSize on EFI_BUFFER_TOO_SMALL, and SP memory that also has free pages."""
import re

import pytest

from spmk_qemu import boot, run_script
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
