# SPDX-License-Identifier: BSD-2-Clause
"""Boot chain scenarios: loader -> kernel -> shell -> poweroff, scripts, errors."""
import contextlib
import os
import re
import shutil
import subprocess
import tempfile

import pytest

from spmk_qemu import BUILD, boot, run_script


def test_boot_to_shell_and_poweroff():
    r = run_script("echo ready")
    assert "spmk: specific-purpose memory kernel" in r.output
    assert "spmk-loader: final memory map:" in r.output
    assert "ready\n" in r.command_output("echo ready")
    assert "power: off" in r.output


def test_script_runs_commands_in_order_and_counts_failures():
    r = run_script("echo one; echo 'two three'; nosuchcmd; echo four")
    out = r.output
    assert out.index("one\n") < out.index("two three\n") < out.index("four\n")
    assert out.index("one\n") < out.index("nosuchcmd: unknown command") < out.index("four\n")


def test_bad_arguments_print_usage_and_shell_goes_on():
    r = run_script("poweroff now; taint; echo alive")
    assert "poweroff: usage: poweroff" in r.output
    assert "taint: 0x" in r.output
    assert "alive\n" in r.command_output("echo alive")


def test_unknown_option_reported_once():
    r = boot(cmdline='bogus.opt=1 bogus.opt=2 spmk.run="poweroff"')
    assert r.status == 0, r.output[-3000:]
    assert r.output.count("unknown option 'bogus.opt'") == 1


@contextlib.contextmanager
def _image_copy():
    """A scratch copy of build/spmk.img: yields (its directory, its path); removed after."""
    tmp = tempfile.mkdtemp()
    try:
        img = os.path.join(tmp, "spmk.img")
        shutil.copyfile(os.path.join(BUILD, "spmk.img"), img)
        yield tmp, img
    finally:
        shutil.rmtree(tmp)


def _put(tmp, img, name, data):
    """Writes data (bytes) as \\spmk\\NAME on the image, replacing any such file."""
    path = os.path.join(tmp, name)
    with open(path, "wb") as f:
        f.write(data)
    subprocess.run(["mcopy", "-o", "-i", img, path, "::/spmk/" + name], check=True)


def _boot_loader_error(img):
    """Boots an image whose kernel the loader must refuse: QEMU ends with a loader error."""
    r = boot(image=img, cmdline="", timeout=90)
    assert not r.timed_out, r.output[-3000:]
    assert "spmk-loader: error:" in r.output
    return r


def test_cmdline_file_used_without_fw_cfg():
    with _image_copy() as (tmp, img):
        _put(tmp, img, "cmdline.txt", b'spmk.run="echo from-file; poweroff"\n')
        r = boot(image=img, cmdline=None)
        assert r.status == 0, r.output[-3000:]
        assert "from-file\n" in r.output
        assert "\\spmk\\cmdline.txt" in r.output


def test_corrupt_kernel_gives_loader_error_and_qemu_exits():
    with open(os.path.join(BUILD, "kernel.elf"), "rb") as f:
        bad = bytearray(f.read())
    bad[18] = 0x03  # e_machine: i386
    with _image_copy() as (tmp, img):
        _put(tmp, img, "kernel.elf", bytes(bad))
        r = _boot_loader_error(img)
        assert "specific-purpose memory kernel" not in r.output


def test_truncated_kernel_gives_loader_error():
    with open(os.path.join(BUILD, "kernel.elf"), "rb") as f:
        good = f.read()
    with _image_copy() as (tmp, img):
        _put(tmp, img, "kernel.elf", good[:300])
        _boot_loader_error(img)


def test_memmap_matches_what_the_loader_saw():
    r = run_script("memmap")
    m = re.search(r"spmk-loader: final memory map: (\d+) descriptors, (\d+) pages", r.output)
    assert m, r.output[-3000:]
    k = re.search(r"memmap: (\d+) descriptors, (\d+) pages", r.command_output("memmap"))
    assert k, r.command_output("memmap")
    assert (k.group(1), k.group(2)) == (m.group(1), m.group(2))
    lines = [l for l in r.command_output("memmap").splitlines() if re.match(r"\s*\d+\s", l)]
    assert len(lines) == int(m.group(1))


def test_missing_kernel_gives_loader_error():
    with _image_copy() as (tmp, img):
        subprocess.run(["mdel", "-i", img, "::/spmk/kernel.elf"], check=True)
        r = _boot_loader_error(img)
        assert "spmk-loader: error: kernel \\spmk\\kernel.elf not found" in r.output


def test_reboot_resets_the_machine():
    # QEMU runs with -no-reboot, so a reset ends it instead of booting again
    r = boot(cmdline='spmk.run="reboot"', timeout=90)
    assert not r.timed_out, r.output[-3000:]
    assert "power: reboot" in r.output
    assert r.output.count("specific-purpose memory kernel") == 1


def test_run_script_does_not_take_a_reset_for_a_poweroff():
    # a reset ends QEMU with status 0 too (-no-reboot): the harness must still see it
    with pytest.raises(AssertionError, match="reset"):
        run_script("reboot", timeout=90)


def test_help_lists_every_command():
    r = run_script("help")
    out = r.command_output("help")
    for cmd in ("memmap", "mem", "iomem", "acpi", "numa", "dax", "selftest", "stats", "taint",
                "poweroff", "reboot"):
        assert re.search(rf"^  {cmd}\b", out, re.M), cmd


def test_make_debug_stops_at_kmain_with_symbols():
    """`make debug`'s pieces: QEMU halted with a GDB stub, and tools/gdbinit loading the symbols."""
    from spmk_qemu import ROOT
    qemu = subprocess.Popen(["bash", "tools/run.sh", "--debug"], cwd=ROOT, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        gdb = subprocess.run(["gdb", "-batch", "-x", "tools/gdbinit", "-ex", "bt 1", "-ex", "kill"],
                             cwd=ROOT, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                             timeout=90)
        assert re.search(r"#0\s+kmain \(bi=0xffff8000[0-9a-f]+\)", gdb.stdout), gdb.stdout + gdb.stderr
    finally:
        os.killpg(qemu.pid, 9)
        qemu.wait(timeout=30)


def test_stale_map_key_is_retried():
    # the loader allocates a page between GetMemoryMap and ExitBootServices three times
    r = run_script("memmap", args=["-fw_cfg", "name=opt/spmk/test-stale-map-key,string=3"])
    assert "(3 stale map keys)" in r.output
    m = re.search(r"spmk-loader: final memory map: (\d+) descriptors, (\d+) pages", r.output)
    k = re.search(r"memmap: (\d+) descriptors, (\d+) pages", r.command_output("memmap"))
    assert m and k and m.groups() == k.groups()
