#!/usr/bin/env bash
# Runs every fuzz target (build/fuzz/fuzz_*) for the given number of seconds (default 60),
# keeping a corpus in build/fuzz-corpus/. Prints one line per target, `NAME: Done N runs in S
# second(s)` or `NAME: CRASH` followed by the end of its log. Exits non-zero after a crash.
set -uo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
secs=${1:-60}
rc=0
for bin in "$BUILD"/fuzz/fuzz_*; do
	[ -x "$bin" ] && [ -f "$bin" ] || continue
	name=$(basename "$bin")
	log="$BUILD/fuzz-$name.log"
	mkdir -p "$BUILD/fuzz-corpus/$name"
	if "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="$BUILD/fuzz-corpus/$name-" "$BUILD/fuzz-corpus/$name" >"$log" 2>&1; then
		echo "$name: $(grep -o 'Done [0-9]* runs in [0-9]* second' "$log" | tail -1)"
	else
		echo "$name: CRASH (see $log)"
		tail -30 "$log"
		rc=1
	fi
done
exit $rc
