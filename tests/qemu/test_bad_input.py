# SPDX-License-Identifier: BSD-2-Clause
"""Wrong commands and arguments: each gets a clear error, none crashes, hangs or changes state."""
import pytest

from spmk_qemu import SP_NODE1, TWO_NODES, run_script

BAD = [
    "memmap -x", "mem bogus", "mem fill", "mem fill A", "mem fill A 0", "mem fill A 100G",
    "mem fill A 4K node=99", "mem check nosuch", "mem pin nosuch 0", "mem unpin nosuch 0",
    "mem free nosuch", "iomem extra", "acpi", "acpi dump NOPE", "acpi dump TOOLONG", "acpi decode FACP", "acpi frob",
    "numa -x", "numa -j extra", "dax", "dax list -x", "dax claim", "dax claim dax0.0",
    "dax claim nosuch owner", "dax map nosuch", "dax write dax0.0 0 x 0",
    "dax write dax0.0 0 x 16", "dax read dax0.0 0 0", "dax read dax0.0 99G 16",
    "dax read dax0.0 0 16M", "dax release nosuch", "dax reconfigure", "dax reconfigure dax0.0",
    "dax reconfigure dax0.0 frob", "dax reconfigure nosuch system-ram",
    "dax reconfigure dax0.0 devdax", "dax create-device", "dax create-device x 2M",
    "dax create-device 0 2M 3M", "dax create-device 0 0", "dax destroy-device",
    "fault", "fault read", "fault read xyz", "taint x", "stats x", "selftest x",
    "bench", "bench frob", "x" * 300,
]


@pytest.mark.parametrize("half", [0, 1])
def test_every_bad_command_fails_cleanly(half):
    # the command line holds 2 KiB, so the list runs in two boots
    cmds = BAD[half::2]
    script = "; ".join(cmds) + "; dax list -j; mem; selftest; echo survived"
    r = run_script(script, args=TWO_NODES, sp_ranges=SP_NODE1, timeout=180)
    out = r.output
    assert "survived\n" in out
    assert "selftest: ok" in out
    assert "EMERGENCY" not in out  # no unexpected exception
    for cmd in cmds:
        if len(cmd) > 1063:  # the shell's line (test_apps: every argument an app may receive)
            assert "command longer than 1063 bytes skipped" in out
            continue
        reply = r.command_output(cmd)
        assert reply.strip(), f"no reply to {cmd!r}"
        assert any(w in reply for w in ("usage", "fail", "no ", "unknown", "must", "outside",
                                        "unterminated", "not ", "error", "cannot", "invalid", "out of range",
                                        "does not fit")), \
            f"{cmd!r}: {reply!r}"
    # nothing changed: the device is as it was at boot
    assert '"chardev":"dax0.0","base":"0x100000000","size":1073741824' in out
    assert '"mode":"devdax","state":"unclaimed"' in out


# Hostile numbers: each is refused with the value exactly as typed, nothing wraps.
HOSTILE = [
    ("mem fill A 0xffffffffffffffff", "mem fill: size '0xffffffffffffffff' is out of range 1..68719476736"),
    ("mem fill A 0x10000000000000000", "mem fill: size '0x10000000000000000' does not fit in 64 bits"),
    ("mem fill A 16777216T", "mem fill: size '16777216T' does not fit in 64 bits"),
    ("mem fill A 4K node=18446744073709551616",
     "mem fill: node '18446744073709551616' does not fit in 64 bits"),
    ("mem fill A 4K node=64", "mem fill: node '64' is out of range 0..63"),
    ("mem fill A 4K node=-1", "mem fill: node '-1' is not a number"),
    ("mem fill P 4K", "P: 4K (4096 bytes) filled, 1 pages (movable): node 0: 1 pages"),
    ("mem pin P 18446744073709551615", "mem pin: page '18446744073709551615' is out of range 0..0"),
    ("dax create-device 0 2M 0xffffffffffffffff",
     "dax create-device: align '0xffffffffffffffff' is out of range 1..1073741824"),
    ("dax create-device 99999999999999999999 2M", "dax create-device: region '99999999999999999999'"),
    ("dax read dax0.0 0xffffffffffffffff 16", "is outside the device"),
    ("dax write dax0.0 0xfffffffffffff000 x 0x2000", "is outside the device"),
    ("dax read dax0.0 0 0xffffffffffffffff", "dax read: length '0xffffffffffffffff' is out of range 1..1048576"),
    ("dax reconfigure dax0.0 devdax --size 99999999999999999999",
     "dax reconfigure: --size '99999999999999999999' does not fit in 64 bits"),
    ("fault inject pt 4294967296", "fault inject: count '4294967296' is out of range 0..4294967295"),
    ("bench cycles dax0.0 0", "bench cycles: N '0' is out of range 1..1000000"),
    ("mem free P", "P: 1 pages freed"),
]


def test_hostile_numbers_are_refused_as_typed():
    script = "; ".join(c for c, _ in HOSTILE) + "; mem; selftest; echo survived"
    r = run_script(script, args=TWO_NODES, sp_ranges=SP_NODE1, timeout=180)
    assert "survived\n" in r.output and "selftest: ok" in r.output
    for cmd, want in HOSTILE:
        reply = r.command_output(cmd)
        assert want in reply, f"{cmd!r}: {reply!r}"
