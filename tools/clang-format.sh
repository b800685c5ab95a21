#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Runs clang-format 14 (the version .clang-format is tuned for; another version lays the same
# code out differently, so `make format` on two machines would disagree) with the arguments
# given. Uses $CLANG_FORMAT when set, else clang-format-14, else clang-format; refuses, naming
# the version found, when it is not 14. Exit status: clang-format's, or 2 when refused.
set -euo pipefail
want=14
cf=${CLANG_FORMAT:-}
if [ -z "$cf" ]; then
	if command -v clang-format-$want >/dev/null; then
		cf=clang-format-$want
	else
		cf=clang-format
	fi
fi
if ! command -v "$cf" >/dev/null; then
	echo "clang-format.sh: $cf not found (bash tools/deps.sh installs clang-format $want)" >&2
	exit 2
fi
ver=$("$cf" --version 2>/dev/null | sed -n 's/.*clang-format version \([0-9][0-9]*\)\..*/\1/p') || ver=
if [ "$ver" != "$want" ]; then
	echo "clang-format.sh: $cf is version '${ver:-unknown}', the layout needs version $want" >&2
	exit 2
fi
exec "$cf" "$@"
