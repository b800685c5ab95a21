# SPDX-License-Identifier: BSD-2-Clause
"""Exception handling: a faulting command is abandoned with a full report; the shell goes on."""
from spmk_qemu import run_script


def test_fault_in_command_is_reported_and_survived():
    r = run_script("fault read 0x0000700000000000; echo still-here")
    out = r.output
    assert "exception 14 (page fault)" in out
    assert "CR2 0x0000700000000000" in out
    assert "backtrace:" in out
    assert "cmd_fault" in out  # symbol names in the backtrace
    assert "still-here\n" in r.command_output("echo still-here")
