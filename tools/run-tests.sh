#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Runs every test and ends with one summary line `N passed, N failed`:
#   0. the format and layout check (tools/check-format.sh): one count;
#   1. host unit tests (build/tests/test_*, cmocka, ASan+UBSan; build/tsan/test_*, the threaded
#      ones under ThreadSanitizer, where any race report fails): one count per test case;
#   2. fuzz targets (build/fuzz/fuzz_*): every stored corpus and crash input replayed once, then
#      a short libFuzzer run (FUZZ_TEST_SECONDS each, default 5): one count each per target;
#   3. QEMU scenarios (tests/qemu, pytest): one count per scenario.
# --unit-only stops after 1. Exits non-zero when anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
passed=0
failed=0
failures=()

run_unit() {
	local bin name out rc p f
	for bin in "$BUILD"/tests/test_* "$BUILD"/tsan/test_*; do
		[ -x "$bin" ] || continue
		name=$(basename "$bin")
		[ "${bin#"$BUILD"/tsan/}" = "$bin" ] || name="tsan/$name"
		out=$(TSAN_OPTIONS="halt_on_error=1 abort_on_error=1 ${TSAN_OPTIONS:-}" "$bin" 2>&1)
		rc=$?
		p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -1)
		f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -1)
		p=${p:-0}
		f=${f:-0}
		if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
		passed=$((passed + p))
		failed=$((failed + f))
		if [ "$f" -ne 0 ]; then
			failures+=("$name")
			printf '%s\n' "$out" | tail -40
		fi
		echo "unit: $name: $p passed, $f failed"
	done
}

run_fuzz() {
	local line name
	while IFS= read -r line; do
		echo "fuzz: $line"
		case "$line" in
		fuzz_*": Done "* | fuzz_*": replayed "*) passed=$((passed + 1)) ;;
		fuzz_*": CRASH"*)
			name=${line%%:*}
			failed=$((failed + 1))
			failures+=("$name")
			;;
		esac
	done < <(bash tools/fuzz.sh replay; bash tools/fuzz.sh fuzz "${FUZZ_TEST_SECONDS:-5}")
}

run_qemu() {
	local xml="$BUILD/qemu-junit.xml" jobs=${QEMU_JOBS:-2}
	rm -f "$xml"
	pytest-3 -q -p no:cacheprovider -n "$jobs" --junitxml="$xml" tests/qemu
	if [ ! -f "$xml" ]; then
		failed=$((failed + 1))
		failures+=("qemu harness")
		return
	fi
	local counts
	counts=$(/usr/bin/python3 - "$xml" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
suites = [root] if root.tag == "testsuite" else list(root)
t = sum(int(s.get("tests", 0)) for s in suites)
bad = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
skip = sum(int(s.get("skipped", 0)) for s in suites)
print(t - bad - skip, bad)
PY
)
	passed=$((passed + ${counts% *}))
	local qf=${counts#* }
	failed=$((failed + qf))
	[ "$qf" -ne 0 ] && failures+=("qemu scenarios: $qf")
}

run_format() {
	if bash tools/check-format.sh; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		failures+=("check-format")
	fi
}

run_format
run_unit
if [ "${1:-}" != "--unit-only" ]; then
	run_fuzz
	run_qemu
fi
[ ${#failures[@]} -ne 0 ] && echo "failed: ${failures[*]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
