#!/bin/bash
# The whole test suite, from a fresh Debian 12 machine: installs what it needs
# (apt), then runs the static checks, the user-space unit tests and fuzzers
# (at least one million executions each), the build and
# dkms matrix over every supported kernel series (and the 6.1 refusal), and
# the VM suites on every series and on a debug (KASAN, lockdep) kernel. Every
# check prints one line; the last line is "N passed, N failed, N skipped".
# Exit status 1 if anything failed.
# Env: VFIO_CXL_SERIES="6.12-deb12 7.3" to restrict the kernel series;
#      VFIO_CXL_DEBUG_KERNEL=0 to skip the debug kernel.
set -uo pipefail
. "$(dirname "$0")/lib/common.sh"
. "$VCP_ROOT/tests/env/series.sh"
need_root "the test suite"
SERIES=${VFIO_CXL_SERIES:-$VCP_SERIES_SUPPORTED}
mkdir -p "$VCP_OUT"
R=$VCP_OUT/results.txt T=$VCP_OUT/timings.txt
: > "$R"; : > "$T"; : > "$VCP_OUT/vm-times"
T0=$(date +%s)

# A phase that exits non-zero without reporting a failure of its own (a
# script that died early, under set -e or set -u, or on die) counts as one
# failure, so that it cannot vanish from the results.
phase() { # phase <name> <command...>
	local name=$1 t0 t1 rc start
	shift
	log "== $name"
	t0=$(date +%s)
	start=$(wc -l < "$R")
	"$@" 2>>"$VCP_OUT/run.stderr" | tee -a "$R"
	rc=${PIPESTATUS[0]}
	if [ "$rc" != 0 ] && ! tail -n +$((start + 1)) "$R" | grep '^not ok ' >/dev/null; then
		echo "not ok $name: exited with status $rc (see out/run.stderr)" | tee -a "$R"
	fi
	t1=$(date +%s)
	echo "$name $((t1 - t0))s" >> "$T"
}

phase setup "$VCP_ROOT/tests/env/host-packages.sh"
phase setup-trixie "$VCP_ROOT/tests/env/trixie-root.sh"
phase lint "$VCP_ROOT/tests/lint.sh"
phase unit "$VCP_ROOT/tests/unit/run.sh"
phase fuzz "$VCP_ROOT/tests/fuzz/run.sh"
phase build-matrix "$VCP_ROOT/tests/build-matrix.sh" $SERIES
# VM boots per series: the foundation checks and the demo in one boot, the
# stress tests in another; the memory-clearing tests (a minute each under
# emulation) once, on the first series.
first=${SERIES%% *}
for s in $SERIES; do
	boots=(basic,demo stress)
	[ "$s" = "$first" ] && boots+=(clear)
	phase "vm-$s" "$VCP_ROOT/tests/vm/vm.sh" "$s" "${boots[@]}"
done
# The same boots on a KASAN + lockdep + KFENCE kernel built from Debian's
# 6.12 sources (about 15 minutes to build once). VFIO_CXL_DEBUG_KERNEL=0 skips.
if [ "${VFIO_CXL_DEBUG_KERNEL:-1}" = 1 ]; then
	phase debug-kernel-build "$VCP_ROOT/tests/build-matrix.sh" --dkms-only 6.12-debug
	phase vm-6.12-debug "$VCP_ROOT/tests/vm/vm.sh" 6.12-debug basic,demo stress
fi

echo
echo "timings (wall clock):"
sed 's/^/  /' "$T"
echo "  VM boots:"
sed 's/^/    /' "$VCP_OUT/vm-times"
echo "  total $(( $(date +%s) - T0 ))s"
pass=$(grep -c '^ok ' "$R")
fail=$(grep -c '^not ok ' "$R")
skip=$(grep -c '^skip ' "$R")
if [ "$fail" -gt 0 ]; then
	echo
	echo "failures:"
	grep '^not ok ' "$R" | sed 's/^/  /'
fi
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
