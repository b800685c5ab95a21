#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# `make check-format` (and `make test`): two rules, each failure named with its file and line.
#   1. every C source and header is as clang-format leaves it (.clang-format; `make format`
#      fixes it);
#   2. the layout: mm/, acpi/ and lib/ include nothing from kernel/, boot/ or arch/ (they are
#      also compiled for the host, docs/architecture.md).
# Prints "check-format: ok" or the offences; exits non-zero on any.
set -uo pipefail
cd "$(dirname "$0")/.."
CLANG_FORMAT=${CLANG_FORMAT:-clang-format}
bad=0

if ! command -v "$CLANG_FORMAT" >/dev/null; then
	echo "check-format: $CLANG_FORMAT not found (bash tools/deps.sh installs it)" >&2
	exit 2
fi
mapfile -t srcs < <(bash tools/format-files.sh)
if ! out=$("$CLANG_FORMAT" --dry-run --Werror "${srcs[@]}" 2>&1); then
	printf '%s\n' "$out" | grep -E '^[^ ].*: error:' | head -40
	echo "check-format: $(printf '%s\n' "$out" | grep -cE '^[^ ].*: error:') places differ from" \
		"clang-format's layout (.clang-format); 'make format' fixes them"
	bad=1
fi

layout=$(grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"(kernel|boot|arch)/' \
	mm/*.[ch] acpi/*.[ch] lib/*.[ch] 2>/dev/null)
if [ -n "$layout" ]; then
	printf '%s\n' "$layout"
	echo "check-format: mm/, acpi/ and lib/ must not include kernel/, boot/ or arch/ headers"
	bad=1
fi

[ "$bad" -eq 0 ] && echo "check-format: ok"
exit "$bad"
