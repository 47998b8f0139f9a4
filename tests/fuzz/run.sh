#!/bin/bash
# Build the libFuzzer harnesses (clang, ASan, UBSan) and run each for a bounded
# number of executions from the corpus kept in tests/fuzz/corpus/<name>/ (the
# run works on a copy; the repository corpus is not changed). Prints
# "ok|not ok fuzz: <name>: <executions> executions" lines.
# Usage: tests/fuzz/run.sh [hdm|dvsec...]   (default: both)
# Env: VFIO_CXL_FUZZ_RUNS (default 1000000), VFIO_CXL_FUZZ_CAP (seconds per
#      fuzzer before it is stopped and fails, default 2400).
set -uo pipefail
. "$(dirname "$0")/../lib/common.sh"
RUNS=${VFIO_CXL_FUZZ_RUNS:-1000000}
# a guard against a hang, not a budget: a slower or busier machine takes longer
# for the same executions (seen: 820,000 of them in 900 s beside VM boots)
CAP=${VFIO_CXL_FUZZ_CAP:-2400}
O=$VCP_OUT/fuzz
mkdir -p "$O"
for f in "$VCP_ROOT"/tests/fuzz/*_fuzz.c; do
	name=$(basename "$f" _fuzz.c)
	[ $# = 0 ] || [[ " $* " == *" $name "* ]] || continue
	if ! clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-I"$VCP_ROOT/src" -o "$O/$name-fuzz" "$f" "$VCP_ROOT/src/${name}_emu.c" \
		> "$O/$name.build.log" 2>&1; then
		echo "not ok fuzz: $name: build # $(head -c 300 "$O/$name.build.log" | tr '\n' ' ')"
		continue
	fi
	rm -rf "$O/$name-corpus"
	cp -r "$VCP_ROOT/tests/fuzz/corpus/$name" "$O/$name-corpus"
	t0=$(date +%s)
	"$O/$name-fuzz" -runs="$RUNS" -max_total_time="$CAP" -print_final_stats=1 \
		-artifact_prefix="$O/$name-crash-" "$O/$name-corpus" > "$O/$name.log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$O/$name.log" | tail -n 1)
	secs=$(( $(date +%s) - t0 ))
	if [ $rc = 0 ] && [ "${execs:-0}" -ge "$RUNS" ]; then
		echo "ok fuzz: $name: ${execs} executions in ${secs}s, corpus $(ls "$O/$name-corpus" | wc -l) inputs"
	else
		echo "not ok fuzz: $name: ${execs:-0} executions in ${secs}s # rc=$rc: $(grep -m1 -E 'invariant|ERROR|runtime error' "$O/$name.log")"
	fi
done
