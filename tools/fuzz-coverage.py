#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""Reads `llvm-cov export -summary-only` JSON on stdin and prints one line per wanted source
file: `coverage: TARGET FILE lines P% (C/N) regions P% (C/N)` (tools/fuzz.sh coverage).
Usage: fuzz-coverage.py TARGET FILE..."""
import json
import os
import sys


def main():
    name, want = sys.argv[1], sys.argv[2:]
    seen = {}
    for f in json.load(sys.stdin)["data"][0]["files"]:
        seen[os.path.relpath(f["filename"])] = f["summary"]
    for rel in want:
        s = seen.get(rel)
        if s is None:
            print(f"coverage: {name} {rel}: not in the binary")
            continue
        line, reg = s["lines"], s["regions"]
        print("coverage: {} {} lines {:.1f}% ({}/{}) regions {:.1f}% ({}/{})".format(
            name, rel, line["percent"], line["covered"], line["count"],
            reg["percent"], reg["covered"], reg["count"]))


if __name__ == "__main__":
    main()
