# SPDX-License-Identifier: BSD-2-Clause
"""tools/map.py on captured boot logs (tests/data/boot-logs/, written by `make map`): the SVG is
valid XML and has one element for every iomem range, dax device and NUMA memory range; a log
without the needed commands is refused with a message. No QEMU boot."""
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

import pytest

from spmk_qemu import ROOT

LOGS = os.path.join(ROOT, "tests", "data", "boot-logs")
IOMEM = re.compile(r"^( *)([0-9a-f]+)-([0-9a-f]+) : (.+)$", re.M)


def run_map(log, out):
    return subprocess.run([sys.executable, os.path.join(ROOT, "tools", "map.py"), log, out],
                          capture_output=True, text=True, timeout=120)


def svg_ids(path):
    root = ET.parse(path).getroot()  # raises on malformed XML
    assert root.tag.endswith("svg")
    return {e.get("id") for e in root.iter() if e.get("id")}


@pytest.mark.parametrize("name", sorted(f[:-4] for f in os.listdir(LOGS) if f.endswith(".log")))
def test_map_has_every_range(name, tmp_path):
    log = os.path.join(LOGS, name + ".log")
    out = str(tmp_path / name)
    p = run_map(log, out)
    assert p.returncode == 0, p.stderr
    ids = svg_ids(out + ".svg")
    text = open(log, encoding="utf-8", errors="replace").read()
    iomem = text.split("spmk> iomem\n", 1)[1].split("spmk> ", 1)[0]
    top = [(int(a, 16), int(b, 16) + 1) for ind, a, b, _ in IOMEM.findall(iomem) if not ind]
    children = [(n.strip(), int(a, 16), int(b, 16) + 1) for ind, a, b, n in IOMEM.findall(iomem) if ind]
    assert len(top) >= 10
    for base, end in top:
        assert f"range-{base:x}-{end:x}" in ids, (hex(base), hex(end))
    for name_, base, end in children:
        if name_.startswith("dax"):
            assert f"dax-{name_}" in ids
        elif name_ == "Kernel image":
            assert f"kernel-{base:x}-{end:x}" in ids
    for m in re.finditer(r'\{"base":"(0x[0-9a-f]+)","size":(\d+)\}', text.split("spmk> numa -j\n", 1)[1].split("\n")[0]):
        base, size = int(m.group(1), 16), int(m.group(2))
        assert any(i.endswith(f"-{base:x}-{base + size:x}") and i.startswith("node") for i in ids)
    svg = open(out + ".svg").read()
    assert "Soft Reserved" in svg and "<text" in svg
    with open(out + ".png", "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"


def test_map_refuses_a_log_without_the_commands():
    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, "x.log")
        with open(log, "w") as f:
            f.write("spmk> iomem\n00000000-0009ffff : System RAM\nspmk> poweroff\n")
        p = run_map(log, os.path.join(tmp, "x"))
        assert p.returncode == 1
        assert "no output of: dax list -j, numa -j" in p.stderr
        assert not os.path.exists(os.path.join(tmp, "x.svg"))
