#!/bin/bash
# The whole test suite, from a fresh Debian 12 machine: installs what it needs
# (apt), then runs the static checks, the user-space unit tests and fuzzers
# (at least one million executions each), the build and dkms matrix over every
# supported kernel series (and the 6.1 refusal), the VM suites on every series
# and on a debug (KASAN, lockdep) kernel. Every check prints one line; the
# last line is "N passed, N failed, N skipped". Exit status 1 if anything
# failed.
#
# Lanes run cheap and high-value first: static checks, unit tests, the build
# matrix, then the VM boots (the foundation checks and the demo on every
# series before any stress boot), then the lanes that need a long build
# first. The builds that take minutes (the fuzzers, the debug kernel) run in
# the background at low priority meanwhile: a VM boot under TCG keeps one core
# busy, so they use the other one. The run has a time budget (60 minutes; the
# CI machine gives 90): a lane whose expected time no longer fits is left out
# with a "skip" line that says why and how to run it, never silently. Each
# lane's time is printed at the end, with the total against the budget.
#
# Env: VFIO_CXL_SERIES="6.12-deb12 7.3" to restrict the kernel series;
#      VFIO_CXL_DEBUG_KERNEL=0 to skip the debug kernel;
#      VFIO_CXL_BUDGET=<seconds> (default 3600).
set -uo pipefail
. "$(dirname "$0")/lib/common.sh"
. "$VCP_ROOT/tests/env/series.sh"
need_root "the test suite"
SERIES=${VFIO_CXL_SERIES:-$VCP_SERIES_SUPPORTED}
# the build matrix also builds the oldest ABI of each series and the rt and
# cloud flavours, and the VM suite runs on the oldest 6.12+deb12 ABI and the
# newest PREEMPT_RT kernel too (unless VFIO_CXL_SERIES narrows it)
BUILD_SERIES="$SERIES ${VFIO_CXL_SERIES:-$VCP_SERIES_OLDEST $VCP_SERIES_FLAVOURS}"
VM_SERIES="$SERIES ${VFIO_CXL_SERIES:-6.12-deb12-oldest $VCP_SERIES_VM_FLAVOURS}"
BUDGET=${VFIO_CXL_BUDGET:-3600}
mkdir -p "$VCP_OUT" "$VCP_OUT/lanes" "$VCP_CACHE"
R=$VCP_OUT/results.txt T=$VCP_OUT/timings.txt
: > "$R"; : > "$T"; : > "$VCP_OUT/vm-times"
rm -f "$VCP_OUT"/lanes/*
T0=$(date +%s)
# how long each lane took the last time it ran on this machine
LANE_TIMES=$VCP_CACHE/lane-times

# A lane that exits non-zero without reporting a failure of its own (a
# script that died early, under set -e or set -u, or on die) counts as one
# failure, so that it cannot vanish from the results.
run_lane() { # run_lane <name> <results file> <command...>
	local name=$1 out=$2 t0 rc start
	shift 2
	t0=$(date +%s)
	touch "$out"
	start=$(wc -l < "$out")
	"$@" 2>>"$VCP_OUT/run.stderr" >> "$out"
	rc=$?
	if [ "$rc" != 0 ] && ! tail -n +$((start + 1)) "$out" | grep '^not ok ' >/dev/null; then
		echo "not ok $name: exited with status $rc (see out/run.stderr)" >> "$out"
	fi
	echo "$name $(( $(date +%s) - t0 ))" >> "$VCP_OUT/lanes/$name.time"
}

# Expected seconds of a lane: its last time on this machine, else the time
# measured on the 2-core CI machine kind, with some room.
estimate() {
	local t
	t=$(awk -v n="$1" '$1 == n {t = $2} END {print t}' "$LANE_TIMES" 2>/dev/null)
	if [ -n "$t" ]; then echo "$t"; return; fi
	case $1 in
	vm-*-debug-stress) echo 900 ;;
	vm-*-debug-*) echo 300 ;;
	vm-*-clear) echo 400 ;;
	vm-*-vmm) echo 300 ;;
	vm-*-stress) echo 150 ;;
	vm-*-huge) echo 120 ;;
	vm-*) echo 60 ;;
	mutants) echo 480 ;;
	*) echo 60 ;;
	esac
}

fits() { # fits <lane>: there is time left in the budget for it
	[ $(( $(date +%s) - T0 + $(estimate "$1") )) -le "$BUDGET" ]
}

# phase <name> <command...>: a lane in the foreground, its lines shown as
# they come
phase() {
	local name=$1
	shift
	log "== $name"
	run_lane "$name" "$VCP_OUT/lanes/$name.res" "$@" &
	local pid=$!
	touch "$VCP_OUT/lanes/$name.res"
	tail -n +1 -f --pid=$pid "$VCP_OUT/lanes/$name.res"
	wait $pid
	cat "$VCP_OUT/lanes/$name.res" >> "$R"
	cat "$VCP_OUT/lanes/$name.time" >> "$T"
}

# vm_phase <series> <boot>: one VM boot, if it fits the budget
vm_phase() {
	local s=$1 boot=$2 name="vm-$1-${2//,/+}"
	if ! fits "$name"; then
		echo "skip $s ${boot//,/+}: lane left out # the $((BUDGET / 60))-minute budget is spent ($(( $(date +%s) - T0 )) s gone, about $(estimate "$name") s needed); run it alone: sudo VFIO_CXL_SERIES=$s bash tests/vm/vm.sh $s $boot" | tee -a "$R"
		return
	fi
	phase "$name" "$VCP_ROOT/tests/vm/vm.sh" "$s" "$boot"
}

# The background track: lanes run one after another in a subshell at nice
# 10; bg_wait <name> waits for one of them and shows its lines.
bg_wait() {
	local name=$1
	[ -n "${BG_PID:-}" ] || return 0
	while [ ! -e "$VCP_OUT/lanes/$name.time" ] && kill -0 "$BG_PID" 2>/dev/null; do sleep 2; done
	log "== $name (background) done"
	if [ -e "$VCP_OUT/lanes/$name.time" ]; then
		tee -a "$R" < "$VCP_OUT/lanes/$name.res"
		cat "$VCP_OUT/lanes/$name.time" >> "$T"
	else
		echo "not ok $name: the background track ended before it ran" | tee -a "$R"
	fi
}

# The real VMM's build (tests/env/vmm-qemu.sh), as one result line.
vmm_build() {
	local out rc
	out=$("$VCP_ROOT/tests/env/vmm-qemu.sh" 2> "$VCP_OUT/vmm-build.log")
	rc=$?
	case $rc in
	0)	eval "$out"
		echo "ok vmm: QEMU 11.0.0 with NVIDIA's CXL series builds from ../shared/vmm ($(cat "$(dirname "$VMM_QEMU")/build-time" | awk '{print $2 " ninja steps in " $1 " s"}'), cached)" ;;
	2)	echo "skip vmm: real-VMM lanes # $(tail -n 1 "$VCP_OUT/vmm-build.log")" ;;
	*)	echo "not ok vmm: QEMU 11.0.0 with NVIDIA's CXL series builds # $(tail -n 3 "$VCP_OUT/vmm-build.log" | tr '\n' ' ')" ;;
	esac
}
# series the real-VMM lane runs on
VMM_SERIES="6.12-deb12 7.3"

phase setup "$VCP_ROOT/tests/env/host-packages.sh"

DEBUG=${VFIO_CXL_DEBUG_KERNEL:-1}
# the background track: the fuzzers, the real VMM's build, the debug kernel
: > "$VCP_OUT/lanes/fuzz.res"; : > "$VCP_OUT/lanes/vmm-build.res"
: > "$VCP_OUT/lanes/debug-kernel-build.res"
log "== background: fuzz, vmm-build, debug-kernel-build"
(
	renice -n 10 $BASHPID >/dev/null
	run_lane fuzz "$VCP_OUT/lanes/fuzz.res" "$VCP_ROOT/tests/fuzz/run.sh"
	run_lane vmm-build "$VCP_OUT/lanes/vmm-build.res" vmm_build
	if [ "$DEBUG" = 1 ]; then
		run_lane debug-kernel-build "$VCP_OUT/lanes/debug-kernel-build.res" \
			"$VCP_ROOT/tests/build-matrix.sh" --dkms-only 6.12-debug
	fi
) &
BG_PID=$!

phase setup-trixie "$VCP_ROOT/tests/env/trixie-root.sh"
phase lint "$VCP_ROOT/tests/lint.sh"
phase unit "$VCP_ROOT/tests/unit/run.sh"
phase build-matrix "$VCP_ROOT/tests/build-matrix.sh" $BUILD_SERIES
# arm64, cross-built: 4 KiB and 16 KiB pages for the oldest and newest ABI
# of every series, and the rt and cloud arm64 flavours for the newest
ARM_TARGETS=""
for s in $BUILD_SERIES; do
	case $s in
	*-rt|*-rt-oldest|*-cloud|*-cloud-oldest) ;;
	6.12-deb12|7.3) ARM_TARGETS="$ARM_TARGETS $s:arm64,arm64-16k,rt-arm64,cloud-arm64" ;;
	*) ARM_TARGETS="$ARM_TARGETS $s:arm64,arm64-16k" ;;
	esac
done
phase build-arm64 "$VCP_ROOT/tests/build-arm64.sh" $ARM_TARGETS
# the .deb and .rpm: built, checked, the .deb installed (dkms builds for
# every kernel with headers, which the build matrix has set up) and purged
phase package "$VCP_ROOT/tests/package.sh"

# VM boots: the foundation checks and the demo on every series, then the
# stress tests on every series, then the memory-clearing tests (a minute or
# more each under emulation) once, on the first series.
for s in $VM_SERIES; do vm_phase "$s" basic,demo,tool; done
for s in $VM_SERIES; do vm_phase "$s" stress; done
# the 2 GiB device at a 1 GiB-aligned address: PUD and PMD mappings
for s in $VM_SERIES; do vm_phase "$s" huge; done
vm_phase "${SERIES%% *}" clear

# the fuzzers ran beside the boots above (one core each)
bg_wait fuzz

# Deliberately broken drivers and emulation libraries (tests/mutants.sh):
# each must be caught by the unit tests or by one VM boot.
if fits mutants; then
	phase mutants "$VCP_ROOT/tests/mutants.sh"
else
	echo "skip mutants: lane left out # the $((BUDGET / 60))-minute budget is spent; run it alone: sudo bash tests/mutants.sh" | tee -a "$R"
fi

# The real VMM (NVIDIA's QEMU CXL series, built from ../shared/vmm) in the
# test VM against the device, on the oldest and the newest series.
bg_wait vmm-build
for s in $VMM_SERIES; do
	case " $SERIES " in *" $s "*) ;; *) continue ;; esac
	if grep -q '^skip vmm' "$VCP_OUT/lanes/vmm-build.res"; then
		echo "skip $s vmm: real-VMM lane # $(sed -n 's/^skip vmm: real-VMM lanes # //p' "$VCP_OUT/lanes/vmm-build.res")" | tee -a "$R"
	elif grep -q '^ok vmm' "$VCP_OUT/lanes/vmm-build.res"; then
		vm_phase "$s" vmm
	fi
done

# The same boots on a KASAN + lockdep + KFENCE kernel built from Debian's
# 6.12 sources. VFIO_CXL_DEBUG_KERNEL=0 skips.
if [ "$DEBUG" = 1 ]; then
	bg_wait debug-kernel-build
	if grep -q '^ok build: 6.12-debug: dkms' "$VCP_OUT/lanes/debug-kernel-build.res"; then
		vm_phase 6.12-debug basic,demo,tool
		vm_phase 6.12-debug stress
		vm_phase 6.12-debug huge
	fi
else
	echo "skip 6.12-debug: debug-kernel lanes left out # VFIO_CXL_DEBUG_KERNEL=0; run them: sudo bash tests/run.sh" | tee -a "$R"
fi

# remember each lane's time for the next run's estimates
cat "$VCP_OUT"/lanes/*.time 2>/dev/null > "$LANE_TIMES.new" && mv "$LANE_TIMES.new" "$LANE_TIMES"

total=$(( $(date +%s) - T0 ))
echo
echo "timings (wall clock, seconds; background lanes overlap the others):"
sed 's/^/  /' "$T"
echo "  VM boots:"
sed 's/^/    /' "$VCP_OUT/vm-times"
printf '  total %d s (%d:%02d) of a %d-minute budget%s\n' "$total" $((total / 60)) $((total % 60)) \
	$((BUDGET / 60)) "$([ "$total" -gt "$BUDGET" ] && echo ': OVER BUDGET')"
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
