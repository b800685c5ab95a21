#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# `make check-format`: two rules, each failure named with its file and line.
#   1. every C source and header is as clang-format 14 leaves it (.clang-format,
#      tools/clang-format.sh; `make format` fixes it);
#   2. the layout: mm/, acpi/ and lib/ include nothing from kernel/, boot/ or arch/ (they are
#      also compiled for the host, docs/architecture.md);
#   3. the console: only kernel/printk.c writes to the serial port (serial_write, serial_putc),
#      under the console lock, so no output interleaves mid-line with another CPU's
#      (docs/smp.md); everything else prints through printk, kprintf or kout.
# Prints "check-format: ok" or the offences; exits non-zero on any.
set -uo pipefail
cd "$(dirname "$0")/.."
bad=0

bash tools/clang-format.sh --version >/dev/null || exit 2
mapfile -t srcs < <(bash tools/format-files.sh)
if ! out=$(bash tools/clang-format.sh --dry-run --Werror "${srcs[@]}" 2>&1); then
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

console=$(grep -nE '\bserial_(write|putc)[[:space:]]*\(' \
	kernel/*.[ch] kernel/shell/*.[ch] arch/x86_64/*.[ch] 2>/dev/null |
	grep -vE '^(kernel/printk\.c|arch/x86_64/serial\.[ch]):')
if [ -n "$console" ]; then
	printf '%s\n' "$console"
	echo "check-format: only kernel/printk.c writes to the serial port (under the console" \
		"lock): print through printk, kprintf or kout"
	bad=1
fi

[ "$bad" -eq 0 ] && echo "check-format: ok"
exit "$bad"
