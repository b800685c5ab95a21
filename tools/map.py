#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""Draws the physical address space of a captured spmk boot log as SVG and PNG.

    tools/map.py LOG OUT_BASE [--title TEXT]

LOG is the serial console of a boot that ran `iomem`, `dax list -j` and `numa -j` (`make map`
captures one). Writes OUT_BASE.svg and OUT_BASE.png with three rows over one address axis:

  memory map   every top-level `iomem` range, coloured by kind (System RAM, Soft Reserved
               = SP, Reserved, ACPI, Persistent), the kernel image marked inside RAM;
  dax          every dax device with its mode, state and owner (`dax list -j`);
  NUMA nodes   every SRAT memory range with its node, HMAT access1 latency and bandwidth and
               the node's memory tier (`numa -j`).

The axis is not linear: each range gets a width that grows with the logarithm of its size, so
a 4 KiB range stays visible beside a 1 GiB one; holes below 4 GiB are drawn as hatched "MMIO /
hole" blocks and holes above 4 GiB as a break (//). Every range is an SVG element whose id is
`range-START-END` (hex, END exclusive), and text stays text, so tests and readers can find them.
Exits 1 with a message naming what is missing when the log lacks one of the three commands.
"""
import json
import math
import re
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][AB0-9]|\x1bc")
IOMEM = re.compile(r"^( *)([0-9a-f]+)-([0-9a-f]+) : (.+)$")
FOUR_GIB = 1 << 32

KIND_COLOUR = {
    "System RAM": "#8fbf8f",
    "Soft Reserved": "#e8a23a",
    "Reserved": "#b0b0b0",
    "ACPI Tables": "#7fa7d9",
    "ACPI Non-volatile Storage": "#4f77b0",
    "Persistent Memory": "#c57fd9",
    "Unusable memory": "#d05050",
    "MMIO / hole": "#ffffff",
}
KERNEL_COLOUR = "#5b2a86"
MODE_COLOUR = {"devdax": "#e8a23a", "system-ram": "#8fbf8f"}
NODE_COLOURS = ["#c6dbef", "#fdd0a2", "#c7e9c0", "#dadaeb", "#fcbba1", "#d9d9d9"]


def command_output(text, cmd):
    """What the command printed: from its echoed prompt to the next prompt, or None."""
    marker = "spmk> " + cmd + "\n"
    i = text.find(marker)
    if i < 0:
        return None
    rest = text[i + len(marker):]
    ends = [x for x in (rest.find("spmk> "), rest.find("spmk.run: done")) if x >= 0]
    return rest[:min(ends)] if ends else rest


def first_json(out):
    for line in (out or "").splitlines():
        if line.startswith("{"):
            return json.loads(line)
    return None


def parse_log(text):
    """(top-level iomem ranges, child ranges, dax JSON, numa JSON) from a boot log."""
    text = ANSI.sub("", text).replace("\r", "")
    iomem, dax, numa = (command_output(text, c) for c in ("iomem", "dax list -j", "numa -j"))
    missing = [c for c, v in (("iomem", iomem), ("dax list -j", dax), ("numa -j", numa)) if v is None]
    if missing:
        raise ValueError("the log has no output of: " + ", ".join(missing))
    top, children = [], []
    for line in iomem.splitlines():
        m = IOMEM.match(line)
        if not m:
            continue
        r = (int(m.group(2), 16), int(m.group(3), 16) + 1, m.group(4))
        (children if m.group(1) else top).append(r)
    return top, children, first_json(dax), first_json(numa)


def size_str(n):
    for unit, shift in (("GiB", 30), ("MiB", 20), ("KiB", 10)):
        if n >= 1 << shift:
            v = n / (1 << shift)
            return f"{v:.0f} {unit}" if v == int(v) else f"{v:.1f} {unit}"
    return f"{n} B"


def width(size):
    """Drawn width of a range: (log2(size) - 10) ** 1.6, never below 2: 4 KiB is 2, 1 MiB 40,
    1 GiB 120, so large ranges dominate and the smallest stay visible."""
    return max(2.0, max(math.log2(max(size, 1)) - 10, 0) ** 1.6)


class Axis:
    """Maps physical addresses to drawn x positions, segment by segment."""

    def __init__(self, top):
        self.segs = []  # (base, end, x0, x1, kind)
        x, prev = 0.0, 0
        for base, end, name in sorted(top):
            if base > prev:
                kind = "hole" if base <= FOUR_GIB else "break"
                w = width(base - prev) if kind == "hole" else 12
                self.segs.append((prev, base, x, x + w, kind))
                x += w
            self.segs.append((base, end, x, x + width(end - base), name))
            x += width(end - base)
            prev = end
        self.end = x

    def x(self, addr):
        for base, end, x0, x1, _ in self.segs:
            if base <= addr <= end:
                return x0 + (x1 - x0) * (addr - base) / max(end - base, 1)
        return self.end


def draw(top, children, dax, numa, out_base, title):
    plt.rcParams["svg.fonttype"] = "none"  # keep text as <text>
    axis = Axis(top)
    fig, ax = plt.subplots(figsize=(16, 5.2))
    per_inch = axis.end / 14.5  # drawn units per inch of axis
    rows = {"memory map": 3.0, "dax": 2.0, "NUMA nodes": 1.0}

    def box(row, x0, x1, colour, gid, label=None, hatch=None, fs=7, half=0.35):
        y = rows[row]
        rect = Rectangle((x0, y - half), x1 - x0, 2 * half, facecolor=colour, edgecolor="black",
                         linewidth=0.5, hatch=hatch)
        rect.set_gid(gid)
        ax.add_patch(rect)
        inches = (x1 - x0) / per_inch
        if label and inches >= 0.55:
            ax.text((x0 + x1) / 2, y, label, ha="center", va="center",
                    fontsize=fs if inches >= 1.1 else fs - 2, clip_on=True)

    for base, end, x0, x1, kind in axis.segs:
        if kind == "break":
            ax.text((x0 + x1) / 2, rows["memory map"], "//", ha="center", va="center", fontsize=10)
            continue
        name = "MMIO / hole" if kind == "hole" else kind
        label = f"{name}\n{size_str(end - base)}".replace("ACPI Non-volatile Storage", "ACPI NVS")
        box("memory map", x0, x1, KIND_COLOUR.get(name, "#eeeeee"), f"range-{base:x}-{end:x}",
            label, hatch="//" if kind == "hole" else None)
        if (x1 - x0) / per_inch >= 0.12:
            ax.text(x0, 0.3, f"{base:#x}", rotation=90, va="top", fontsize=6, ha="left")
    for base, end, name in children:
        if name == "Kernel image":
            x0, x1 = axis.x(base), axis.x(end)
            box("memory map", x0, max(x1, x0 + 0.3), KERNEL_COLOUR, f"kernel-{base:x}-{end:x}",
                half=0.15)
            ax.text(x0, rows["memory map"] + 0.42, "kernel image", fontsize=6, color=KERNEL_COLOUR)

    for region in (dax or {}).get("regions", []):
        for d in region.get("devices", []):
            base = int(d["base"], 16)
            end = base + d["size"]
            owner = d.get("owner") or "-"
            name = d.get("chardev") or d["name"]  # daxctl's key; logs from before it say "name"
            label = f"{name} {d['mode']}\n{d['state']}, owner {owner}"
            box("dax", axis.x(base), axis.x(end), MODE_COLOUR.get(d["mode"], "#eeeeee"),
                f"dax-{name}", label)

    tier_of = {}
    for t in (numa or {}).get("memory_tiers", []):
        for n in t["nodes"]:
            tier_of[n["node"]] = t["tier"]
    for n in (numa or {}).get("nodes", []):
        acc = n.get("access1") or n.get("access0") or {}
        perf = ""
        if acc.get("read_latency"):
            perf += f"\n{acc['read_latency']} ns"
        if acc.get("read_bandwidth"):
            perf += f", {acc['read_bandwidth']} MB/s"
        if n["node"] in tier_of:
            perf += f"\ntier {tier_of[n['node']]}"
        for m in n.get("memory", []):
            base = int(m["base"], 16)
            end = base + m["size"]
            kind = "CPU" if n.get("cpus") else "no CPU"
            box("NUMA nodes", axis.x(base), axis.x(end), NODE_COLOURS[n["node"] % len(NODE_COLOURS)],
                f"node{n['node']}-{base:x}-{end:x}", f"node {n['node']} ({kind}){perf}")

    ax.set_xlim(-0.5, axis.end + 0.5)
    ax.set_ylim(-0.1, 3.8)
    ax.set_yticks(list(rows.values()), list(rows.keys()))
    ax.set_xticks([])
    for side in ("top", "right", "bottom"):
        ax.spines[side].set_visible(False)
    handles = [Rectangle((0, 0), 1, 1, facecolor=c, edgecolor="black", linewidth=0.5,
                         hatch="//" if k == "MMIO / hole" else None)
               for k, c in KIND_COLOUR.items()]
    handles.append(Rectangle((0, 0), 1, 1, facecolor=KERNEL_COLOUR))
    ax.legend(handles, list(KIND_COLOUR) + ["kernel image"], loc="upper center", ncol=5, fontsize=7,
              bbox_to_anchor=(0.5, -0.02), frameon=False)
    ax.set_title(title + "  (widths grow with the log of the size; // marks a sparse gap)", fontsize=9)
    fig.tight_layout()
    fig.savefig(out_base + ".svg")
    fig.savefig(out_base + ".png", dpi=110)
    plt.close(fig)


def main(argv):
    if len(argv) < 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    title = argv[argv.index("--title") + 1] if "--title" in argv else "spmk physical address space"
    with open(argv[1], encoding="utf-8", errors="replace") as f:
        text = f.read()
    try:
        top, children, dax, numa = parse_log(text)
    except ValueError as e:
        print(f"map: {argv[1]}: {e}", file=sys.stderr)
        return 1
    draw(top, children, dax, numa, argv[2], title)
    print(f"map: wrote {argv[2]}.svg and {argv[2]}.png ({len(top)} ranges)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
