#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The C files `make format` and `make check-format` cover, one a line, sorted: every tracked
# (or new, not ignored) .c and .h file except fuzz inputs.
set -euo pipefail
cd "$(dirname "$0")/.."
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git ls-files --cached --others --exclude-standard -- '*.c' '*.h'
else
	find . -name '*.[ch]' -not -path './build/*' | sed 's#^\./##'
fi | grep -v '^tests/fuzz/\(corpus\|crashes\|seeds\)/' | while IFS= read -r f; do
	[ -f "$f" ] && printf '%s\n' "$f"
done | LC_ALL=C sort -u
