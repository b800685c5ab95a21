#!/usr/bin/env bash
# Runs every fuzz target for the given number of seconds (default 60), keeping a corpus in
# build/fuzz-corpus/; prints the executions each made. Exits non-zero when one found a crash.
set -uo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
rc=0
for bin in build/fuzz/fuzz_*; do
	[ -x "$bin" ] && [ -f "$bin" ] || continue
	name=$(basename "$bin")
	mkdir -p "build/fuzz-corpus/$name"
	if "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="build/fuzz-corpus/$name-" "build/fuzz-corpus/$name" >"build/fuzz-$name.log" 2>&1; then
		echo "$name: $(grep -o 'Done [0-9]* runs in [0-9]* second' "build/fuzz-$name.log" | tail -1)"
	else
		echo "$name: CRASH (see build/fuzz-$name.log)"
		rc=1
	fi
done
exit $rc
