#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The one fuzz runner. Every libFuzzer target build/fuzz/fuzz_* has a minimised corpus in
# tests/fuzz/corpus/TARGET/ and the inputs that ever crashed it in tests/fuzz/crashes/TARGET/.
#
#   fuzz.sh replay          runs every stored corpus and crash input once through its target
#                           (make test). One line per target: `NAME: replayed N inputs (C crash
#                           files)`, or `NAME: CRASH ...` with the end of its log.
#   fuzz.sh fuzz SECS [cov] fuzzes each target for SECS seconds on a scratch copy of its corpus,
#                           build/fuzz-work/TARGET/ (tests/fuzz/ is never written); one line per
#                           target, `NAME: Done N runs in S second(s)` or `NAME: CRASH ...`, crash
#                           files in build/fuzz-crashes/TARGET/. With `cov`, then prints the
#                           source-based coverage of each parser (see coverage) and how to fold the
#                           new inputs back.
#   fuzz.sh coverage        replays build/fuzz-work/TARGET (or the stored corpus when there is none)
#                           through the coverage build build/fuzzcov/TARGET and prints one line per
#                           parser source file named on the target's `Coverage:` header line:
#                           `coverage: NAME FILE lines P% (C/N) regions P% (C/N)`.
#   fuzz.sh merge           folds build/fuzz-work/TARGET into tests/fuzz/corpus/TARGET with
#                           libFuzzer -merge=1 (the smallest set keeping every feature) and copies
#                           build/fuzz-crashes/TARGET/* into tests/fuzz/crashes/TARGET/.
#
# tests/fuzz/TARGET.options holds a target's own libFuzzer flags (one per line, e.g. -max_len=N)
# for fuzz and merge. FUZZ_TARGETS="fuzz_a fuzz_b" limits any mode to those targets. Exits
# non-zero after a crash.
set -uo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
STORE=tests/fuzz
LIBFUZZER_OPTS=(-timeout=10 -rss_limit_mb=2048 -print_final_stats=0)

targets() {
	local bin name
	for bin in "$BUILD"/fuzz/fuzz_*; do
		[ -x "$bin" ] && [ -f "$bin" ] || continue
		name=$(basename "$bin")
		if [ -n "${FUZZ_TARGETS:-}" ] && [[ " $FUZZ_TARGETS " != *" $name "* ]]; then
			continue
		fi
		echo "$name"
	done
}

files_in() {
	local d
	for d in "$@"; do
		[ -d "$d" ] && find "$d" -maxdepth 1 -type f ! -name '.*' | sort
	done
}

# The target's own libFuzzer flags (tests/fuzz/NAME.options, one per line), e.g. -max_len.
target_opts() {
	[ -f "tests/fuzz/$1.options" ] && grep -v '^#' "tests/fuzz/$1.options"
}

crash_report() {
	local name=$1 log=$2
	echo "$name: CRASH (see $log)"
	tail -30 "$log"
}

replay() {
	local name rc=0 log files ncrash
	for name in $(targets); do
		log="$BUILD/fuzz-$name.replay.log"
		mapfile -t files < <(files_in "$STORE/corpus/$name" "$STORE/crashes/$name")
		ncrash=$(files_in "$STORE/crashes/$name" | wc -l)
		if [ ${#files[@]} -eq 0 ]; then
			echo "$name: CRASH (no stored inputs: $STORE/corpus/$name is empty)"
			rc=1
			continue
		fi
		if "$BUILD/fuzz/$name" "${LIBFUZZER_OPTS[@]}" "${files[@]}" >"$log" 2>&1; then
			echo "$name: replayed ${#files[@]} inputs ($ncrash crash files)"
		else
			crash_report "$name" "$log"
			rc=1
		fi
	done
	return $rc
}

fuzz() {
	local secs=$1 name rc=0 log work crashes
	for name in $(targets); do
		log="$BUILD/fuzz-$name.log"
		work="$BUILD/fuzz-work/$name"
		crashes="$BUILD/fuzz-crashes/$name"
		mkdir -p "$work" "$crashes"
		files_in "$STORE/corpus/$name" | xargs -r cp -n -t "$work"
		if "$BUILD/fuzz/$name" "${LIBFUZZER_OPTS[@]}" $(target_opts "$name") -max_total_time="$secs" \
			-artifact_prefix="$crashes/" "$work" >"$log" 2>&1; then
			echo "$name: $(grep -o 'Done [0-9]* runs in [0-9]* second' "$log" | tail -1)"
		else
			crash_report "$name" "$log"
			rc=1
		fi
	done
	return $rc
}

# Prints the coverage lines of one target from its coverage build.
coverage_of() {
	local name=$1 cov="$BUILD/fuzzcov/$1" dir prof files
	dir="$BUILD/fuzz-work/$name"
	[ -d "$dir" ] || dir="$STORE/corpus/$name"
	mapfile -t files < <(sed -n 's/^ \* Coverage: \(.*\)/\1/p' "tests/fuzz/$name.c" |
		sed 's|\*/||' | tr ' ' '\n' | grep .)
	if [ ! -x "$cov" ] || [ ${#files[@]} -eq 0 ]; then
		echo "coverage: $name: no coverage build or no Coverage: line"
		return
	fi
	prof="$BUILD/fuzzcov/$name"
	rm -f "$prof".*.profraw
	if ! LLVM_PROFILE_FILE="$prof.%p.profraw" "$cov" -runs=0 "${LIBFUZZER_OPTS[@]}" "$dir" \
		>"$prof.log" 2>&1; then
		echo "coverage: $name: an input of $dir crashes the coverage build (see $prof.log)"
		return
	fi
	"$PROFDATA" merge -sparse "$prof".*.profraw -o "$prof.profdata"
	"$LLVMCOV" export -summary-only -instr-profile="$prof.profdata" "$cov" "${files[@]}" |
		/usr/bin/python3 tools/fuzz-coverage.py "$name" "${files[@]}"
}

coverage() {
	PROFDATA=$(command -v llvm-profdata-14 || command -v llvm-profdata)
	LLVMCOV=$(command -v llvm-cov-14 || command -v llvm-cov)
	if [ -z "$PROFDATA" ] || [ -z "$LLVMCOV" ]; then
		echo "coverage: llvm-profdata/llvm-cov not found (Debian package llvm-14: make deps)"
		return 1
	fi
	local name
	for name in $(targets); do
		coverage_of "$name"
	done
}

merge() {
	local name tmp before after bytes f n
	for name in $(targets); do
		mkdir -p "$STORE/corpus/$name"
		tmp="$BUILD/fuzz-merge/$name"
		rm -rf "$tmp"
		mkdir -p "$tmp" "$BUILD/fuzz-work/$name"
		before=$(files_in "$STORE/corpus/$name" | wc -l)
		if ! "$BUILD/fuzz/$name" "${LIBFUZZER_OPTS[@]}" $(target_opts "$name") -merge=1 "$tmp" "$STORE/corpus/$name" \
			"$BUILD/fuzz-work/$name" >"$BUILD/fuzz-$name.merge.log" 2>&1; then
			crash_report "$name" "$BUILD/fuzz-$name.merge.log"
			return 1
		fi
		find "$STORE/corpus/$name" -maxdepth 1 -type f -delete
		files_in "$tmp" | xargs -r cp -t "$STORE/corpus/$name"
		after=$(files_in "$STORE/corpus/$name" | wc -l)
		bytes=$(du -cb "$STORE/corpus/$name" | tail -1 | cut -f1)
		echo "$name: corpus $before -> $after inputs ($bytes bytes)"
		n=0
		for f in $(files_in "$BUILD/fuzz-crashes/$name"); do
			mkdir -p "$STORE/crashes/$name"
			cp -n "$f" "$STORE/crashes/$name/"
			echo "$name: crash input $STORE/crashes/$name/$(basename "$f") (make test fails on it until fixed)"
			n=$((n + 1))
		done
	done
	echo "merge: review with 'git status $STORE', then commit"
}

case "${1:-}" in
replay) replay ;;
fuzz)
	fuzz "${2:-60}"
	rc=$?
	if [ "${3:-}" = cov ]; then
		coverage
		echo "fuzz: new inputs are in $BUILD/fuzz-work/; 'make fuzz-merge' folds them (minimised) and any crash files into $STORE/"
	fi
	exit $rc
	;;
coverage) coverage ;;
merge) merge ;;
*)
	echo "usage: $0 replay | fuzz SECONDS [cov] | coverage | merge" >&2
	exit 2
	;;
esac
