# SPDX-License-Identifier: BSD-2-Clause
"""The docs cannot drift: every example session in docs/ is run in QEMU and compared.

Convention (docs/testing.md, "Examples in the docs"): a fenced block whose info string is
`spmk-run MACHINE` is a session on that named machine (tools/qemu-args.sh). Lines starting
with `spmk> ` are commands; the lines after a command, up to the next command, are what it
prints. All spmk-run blocks of one file on one machine run in one boot, in document order,
so a later block sees the state an earlier one left. Comparison after normalisation:
  - printk timestamps (`[    8.972402] `) and trailing spaces are dropped on both sides;
  - an expected line `...` stands for any number of lines (including none);
  - inside an expected line, `…` (U+2026) stands for any text;
  - a command with no expected lines is run and not compared.
Every other fenced block in docs/ must not look like spmk output (no `spmk> ` lines, no JSON
lines): such a block would escape the comparison. (A ````markdown block, which shows markdown
source such as this convention itself, is exempt.)

`/usr/bin/python3 tests/qemu/test_docs.py --update FILE...` boots the files' sessions and writes
the real output into their blocks (elisions are lost: put them back by hand).
"""
import os
import re
import sys
from collections import OrderedDict

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from spmk_qemu import ROOT, machines, run_script  # noqa: E402

DOCS = os.path.join(ROOT, "docs")
FENCE = re.compile(r"^(```+)(.*)$")
STAMP = re.compile(r"^\[ *\d+\.\d+\] ")


def blocks(path):
    """[(info, first line number, lines)] for every fenced block of a markdown file. A block
    closes at a fence of its own length, so a ````markdown block can show a ``` block."""
    out, cur, fence = [], None, ""
    with open(path, encoding="utf-8") as f:
        for no, line in enumerate(f, 1):
            line = line.rstrip("\n")
            m = FENCE.match(line)
            if m and cur is None:
                cur, fence = (m.group(2).strip(), no, []), m.group(1)
            elif m and line == fence:
                out.append(cur)
                cur = None
            elif cur is not None:
                cur[2].append(line)
    return out


def session(lines):
    """[(command, [expected lines])] of one spmk-run block."""
    steps = []
    for line in lines:
        if line.startswith("spmk> "):
            steps.append((line[len("spmk> "):].strip(), []))
        elif steps:
            steps[-1][1].append(line)
        elif line.strip():
            raise ValueError(f"output before the first command: {line!r}")
    return steps


def sessions():
    """{(doc, machine): [(line number, command, expected)]} over every doc, in order."""
    found = OrderedDict()
    for name in sorted(os.listdir(DOCS)):
        if not name.endswith(".md"):
            continue
        for info, no, lines in blocks(os.path.join(DOCS, name)):
            words = info.split()
            if words[:1] != ["spmk-run"]:
                continue
            machine = words[1] if len(words) > 1 else "default"
            steps = found.setdefault((name, machine), [])
            steps += [(no, cmd, exp) for cmd, exp in session(lines)]
    return found


def actual_outputs(output, commands):
    """What each command printed, found in order in the console text."""
    res, pos = [], 0
    for cmd in commands:
        marker = "spmk> " + cmd + "\n"
        i = output.find(marker, pos)
        if i < 0:
            res.append(None)
            continue
        start = i + len(marker)
        ends = [x for x in (output.find("spmk> ", start), output.find("spmk.run: done", start))
                if x >= 0]
        end = min(ends) if ends else len(output)
        res.append(output[start:end])
        pos = end
    return res


def normal(text):
    return [STAMP.sub("", l).rstrip() for l in text.split("\n")]


def line_matches(pattern, line):
    parts = [re.escape(p) for p in pattern.split("\u2026")]
    return re.fullmatch(".*".join(parts), line) is not None


def matches(expected, actual):
    """True when the actual lines fit the expected ones (with `...` lines and `…` parts)."""
    exp = [l.rstrip() for l in expected]
    while exp and not exp[-1]:
        exp.pop()
    act = normal(actual)
    while act and not act[-1]:
        act.pop()

    def rec(i, j):
        if i == len(exp):
            return j == len(act)
        if exp[i] == "...":
            return any(rec(i + 1, k) for k in range(j, len(act) + 1))
        return j < len(act) and line_matches(exp[i], act[j]) and rec(i + 1, j + 1)
    return rec(0, 0)


def script_of(steps):
    for _, cmd, _ in steps:
        assert '"' not in cmd and ";" not in cmd, f"a doc command cannot hold '\"' or ';': {cmd}"
    return "; ".join(cmd for _, cmd, _ in steps)


def boot_session(machine, steps):
    r = run_script(script_of(steps), topo=machine, timeout=240)
    return actual_outputs(r.output, [cmd for _, cmd, _ in steps]), r


SESSIONS = sessions()


def test_docs_have_sessions_on_known_machines():
    assert ("dax.md", "default") in SESSIONS and ("acpi.md", "default") in SESSIONS
    assert any(doc == "tour.md" for doc, _ in SESSIONS)
    known = set(machines())
    for doc, machine in SESSIONS:
        assert machine in known, f"{doc}: unknown machine {machine}"


def test_no_output_block_escapes_the_comparison():
    for name in sorted(os.listdir(DOCS)):
        if not name.endswith(".md"):
            continue
        for info, no, lines in blocks(os.path.join(DOCS, name)):
            if info.startswith("spmk-run") or info == "markdown":
                continue
            looks = [l for l in lines if l.startswith("spmk> ") or l.startswith('{"')]
            assert not looks, f"docs/{name}:{no}: spmk output in a block that is not spmk-run"


@pytest.mark.parametrize("dot", sorted(f for f in os.listdir(os.path.join(DOCS, "diagrams"))
                                        if f.endswith(".dot")))
def test_diagram_is_rendered(dot):
    """Each Graphviz source has its rendering beside it, current (`make diagrams`)."""
    import subprocess
    src = os.path.join(DOCS, "diagrams", dot)
    p = subprocess.run(["dot", "-Tsvg", src], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    with open(src[:-4] + ".svg", encoding="utf-8") as f:
        assert f.read() == p.stdout, f"{src[:-4]}.svg is stale: run make diagrams"


def test_matching_rules():
    assert matches(["a", "...", "d"], "a\nb\nc\nd\n")
    assert matches(["a", "...", "b"], "a\nb")
    assert not matches(["a", "d"], "a\nb\nd")
    assert matches(["x \u2026 y"], "[   1.5] x 123 y")
    assert not matches(["x \u2026 y"], "x 123 z")


@pytest.mark.parametrize("doc,machine", list(SESSIONS), ids=[f"{d}:{m}" for d, m in SESSIONS])
def test_doc_session(doc, machine):
    steps = SESSIONS[(doc, machine)]
    outs, r = boot_session(machine, steps)
    bad = []
    for (no, cmd, exp), out in zip(steps, outs):
        if out is None:
            bad.append(f"docs/{doc}:{no}: `{cmd}` never ran")
        elif any(l.strip() for l in exp) and not matches(exp, out):
            bad.append(f"docs/{doc}:{no}: `{cmd}` printed:\n{out}\nthe doc says:\n" + "\n".join(exp))
    assert not bad, "\n\n".join(bad) + "\n\n" + raw_console(r.output, steps, outs)


def raw_console(output, steps, outs):
    """The console as it came (ANSI codes and CRs dropped), from the echo of the first command
    whose output does not match (or the last 4000 characters): what a rare failure needs."""
    for (_, cmd, exp), out in zip(steps, outs):
        if out is not None and any(l.strip() for l in exp) and not matches(exp, out):
            i = output.find("spmk> " + cmd + "\n")
            return "raw console from that command on:\n" + output[i:][-8000:]
    return "raw console (end):\n" + output[-4000:]


def update(path):
    """Rewrites the spmk-run blocks of one doc with the real output."""
    name = os.path.basename(path)
    by_machine = {m: s for (d, m), s in SESSIONS.items() if d == name}
    real = {}
    for machine, steps in by_machine.items():
        outs, _ = boot_session(machine, steps)
        for (no, cmd, _), out in zip(steps, outs):
            real.setdefault(no, []).append((cmd, normal(out or "")))
    with open(path, encoding="utf-8") as f:
        text = f.read().split("\n")
    out, i = [], 0
    while i < len(text):
        line = text[i]
        m = FENCE.match(line)
        if m and m.group(2).startswith("spmk-run") and (i + 1) in real:
            out.append(line)
            for cmd, lines in real[i + 1]:
                while lines and not lines[-1]:
                    lines.pop()
                out += ["spmk> " + cmd] + lines
            i += 1
            while text[i] != "```":
                i += 1
            out.append("```")
            i += 1
            continue
        out.append(line)
        i += 1
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(out))


if __name__ == "__main__":
    if len(sys.argv) < 3 or sys.argv[1] != "--update":
        print(__doc__.strip().splitlines()[-2], file=sys.stderr)
        sys.exit(2)
    for p in sys.argv[2:]:
        update(p)
