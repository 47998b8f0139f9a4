#!/bin/bash
# Boot the test VM for one kernel series and report every check as a line
#   ok|not ok|skip <series> <boot>: <check> [# detail]
# Each <boot> argument is one VM boot running the comma-separated scenarios
# in tests/vm/guest/scenarios/. The module comes from $VCP_MODULE, else from
# the dkms build (tests/dkms.sh). Host-side checks of a scenario live in
# host_<scenario>() below. Usage: vm.sh <series> <boot> [<boot>...]
# A boot is stopped, and fails, when its serial log shows no new VCP line for
# VCP_VM_STALL seconds (default 300: a hang), or when it runs for more than
# VCP_VM_CAP seconds in all (default 1800, three times the slowest healthy
# boot measured); a slow machine only makes boots longer.
set -uo pipefail
. "$(dirname "$0")/../lib/common.sh"
S=$1; shift
eval "$("$VCP_ROOT/tests/env/kernels.sh" "$S")" || die "kernel $S unavailable"
KO=${VCP_MODULE:-$VCP_OUT/dkms/$ABI/vfio-cxl-pci.ko}
[ -f "$KO" ] || KO=$("$VCP_ROOT/tests/dkms.sh" "$S") || die "no module for $ABI"
BINS=$VCP_OUT/guest-bin
# The guest programs are the same for every series: build them again only
# when one is missing or one of their sources is newer than the oldest of
# them, so an edited selftest never runs stale and a run over several series
# builds them once.
guest_bins_stale() {
	local t b oldest=""
	local want=(cxlfw vfio-cxl-demo vmm-client json-get vfio-cxl vfio-cxl-bench)
	for t in "$VCP_ROOT"/tests/selftests/*_test.c; do want+=("$(basename "$t" .c)"); done
	for b in "${want[@]}"; do
		[ -x "$BINS/$b" ] || return 0
		if [ -z "$oldest" ] || [ "$BINS/$b" -ot "$oldest" ]; then oldest=$BINS/$b; fi
	done
	[ -n "$(find "$VCP_ROOT/tests/vm/guest" "$VCP_ROOT/tests/lib" "$VCP_ROOT/tests/selftests" \
		"$VCP_ROOT/tools/vfio-cxl" "$VCP_ROOT/bench" \
		"$VCP_ROOT/include/uapi" "$VCP_ROOT/tests/vm/guest-bins.sh" \
		"$VCP_CACHE"/linux-source-*/tools/testing/selftests \
		\( -name '*.[ch]' -o -name guest-bins.sh \) -newer "$oldest" -print -quit 2>/dev/null)" ]
}
if guest_bins_stale; then
	"$VCP_ROOT/tests/vm/guest-bins.sh" >/dev/null || die "guest programs"
fi
V=$VCP_OUT/vm/$ABI
mkdir -p "$V"
INITRD=$V/initrd.gz
"$VCP_ROOT/tests/vm/mkinitramfs.sh" "$MODROOT" "$ABI" "$KO" "$BINS" "$INITRD" || die "initramfs"

report() { # report <status> <boot> <check> [detail]
	if [ -n "${4:-}" ]; then echo "$1 $S $2: $3 # $4"; else echo "$1 $S $2: $3"; fi
}

# Turn the serial log into result lines.
# A scenario's plan (its "# vcp-plan: N" line, printed by init at its begin)
# is the number of results it reports: VCP-TEST lines plus KTAP suites. A
# scenario that stops early, or reports more or fewer, is "not ok".
scenario_done() { # scenario_done <boot> <scenario> <plan> <count> [end line]
	if [ -z "$5" ]; then
		report "not ok" "$1" "scenario $2 ran to its end" "stopped after $4 of ${3} results"
	elif ! [[ "$3" =~ ^[0-9]+$ ]]; then
		report "not ok" "$1" "scenario $2 has a plan" "no '# vcp-plan: N' line; it reported $4 results"
	elif [ "$4" != "$3" ]; then
		report "not ok" "$1" "scenario $2: all $3 planned results reported" "$4 reported"
	else
		report ok "$1" "scenario $2: all $3 planned results reported"
	fi
}

parse() { # parse <boot> <log>
	local boot=$1 log=$2 line st rest name suite rc scn="" splan=0 scount=0
	declare -A plan=() seen=() failed=()
	while IFS= read -r line; do
		line=${line%$'\r'}
		case $line in
		"VCP: scenario "*" begin plan="*)
			[ -n "$scn" ] && scenario_done "$boot" "$scn" "$splan" "$scount"
			rest=${line#VCP: scenario }
			scn=${rest%% *}; splan=${rest##*plan=}; scount=0
			;;
		"VCP: scenario "*" end rc="*)
			[ -n "$scn" ] && scenario_done "$boot" "$scn" "$splan" "$scount" "$line"
			scn=""
			;;
		"VCP-TEST: "*)
			scount=$((scount + 1))
			rest=${line#VCP-TEST: }
			case $rest in
			"not ok "*) st="not ok"; rest=${rest#not ok } ;;
			"ok "*) st=ok; rest=${rest#ok } ;;
			"skip "*) st=skip; rest=${rest#skip } ;;
			*) continue ;;
			esac
			name=${rest%% # *}
			if [ "$name" != "$rest" ]; then report "$st" "$boot" "$name" "${rest#* # }"; else report "$st" "$boot" "$name"; fi
			;;
		"VCP-KTAP "*)
			suite=${line#VCP-KTAP }; suite=${suite%%: *}
			rest=${line#VCP-KTAP "$suite": }
			case $rest in
			1..*) plan[$suite]=${rest#1..} ;;
			"ok "*|"not ok "*)
				st=ok; [ "${rest#not ok }" != "$rest" ] && st="not ok"
				rest=${rest#not ok }; rest=${rest#ok }
				name=${rest#* }			# drop the test number
				seen[$suite]=$(( ${seen[$suite]:-0} + 1 ))
				[ "$st" = ok ] || failed[$suite]=1
				case $name in
				*"# SKIP"*) report skip "$boot" "$suite: ${name%% # SKIP*}" "${name#*# SKIP }" ;;
				*) report "$st" "$boot" "$suite: $name" ;;
				esac
				;;
			"exit "*)
				scount=$((scount + 1))
				rc=${rest#exit }
				if [ "${plan[$suite]:-0}" = 0 ]; then
					report "not ok" "$boot" "$suite: ran tests" "no test selected or no plan, exit $rc"
				elif [ "${seen[$suite]:-0}" != "${plan[$suite]}" ]; then
					report "not ok" "$boot" "$suite: all tests ran" \
						"${seen[$suite]:-0} of ${plan[$suite]} reported, exit $rc"
				elif [ "$rc" != 0 ] && [ "${failed[$suite]:-0}" = 0 ]; then
					report "not ok" "$boot" "$suite: exit status" "exit $rc with no test failing"
				fi
				;;
			esac
			;;
		esac
	done < "$log"
	[ -z "$scn" ] || scenario_done "$boot" "$scn" "$splan" "$scount"
}

# --- host-side set-up and checks, per scenario -----------------------------
# seed_<scenario> <memfile> runs before the boot, host_<scenario> after it.

put_u64() { # put_u64 <file> <offset> <value>: 8 bytes, little-endian
	local v=$3 i b=""
	for i in 0 1 2 3 4 5 6 7; do b+=$(printf '\\x%02x' $(( (v >> (8 * i)) & 255 ))); done
	printf "$b" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}
get_u64() { od -An -tx8 -j "$2" -N 8 "$1" | tr -d ' '; }

# the real-VMM lane's layout (tests/vm/guest/vmm_layout.h), for 256 MiB
VMM_SIZE=$((256 << 20)) VMM_STRIDE=$(((256 << 20) / 64))
vmm_seed() { echo $(( 0x5eedc0de00000000 ^ ($1 * 0x9e3779b97f4a7c15) )); }
vmm_val() { echo $(( (0xd00d000000000000 + ($1 << 40)) ^ ($2 * 0x2545f4914f6cdd1d) )); }
seed_vmm() { # distinctive values the VM must read back
	local mem=$1 k
	truncate -s "$VMM_SIZE" "$mem"
	for k in $(seq 0 63); do put_u64 "$mem" $((k * VMM_STRIDE + 0x800)) "$(vmm_seed "$k")"; done
}
host_vmm() { # what the VM wrote through QEMU is in the backing file
	local boot=$1 mem=$2 s k off want got bad=0 first=""
	check() { # check <offset> <value> <what>
		want=$(printf '%016x' "$2"); got=$(get_u64 "$mem" "$1")
		if [ "$got" != "$want" ]; then
			bad=$((bad + 1))
			[ -n "$first" ] || first="$3 at DPA $(printf '%#x' "$1"): $got, expected $want"
		fi
	}
	for s in 1 2 3 4; do
		for k in $(seq 0 63); do check $((k * VMM_STRIDE + s * 0x1000 + 0x40)) "$(vmm_val $s "$k")" "set $s"; done
		check $((0x100 + s * 8)) "$(vmm_val $s 100)" "set $s first page"
	done
	check $((VMM_SIZE - 8)) "$(vmm_val 4 101)" "last 8 bytes"
	for k in $(seq 0 63); do check $((k * VMM_STRIDE + 0x800)) "$(vmm_seed "$k")" "seed"; done
	if [ $bad = 0 ]; then
		report ok "$boot" "host backing file holds every value the VM wrote through QEMU (4 runs x 66), at the same DPA offsets, and the seeds"
	else
		report "not ok" "$boot" "host backing file holds every value the VM wrote through QEMU (4 runs x 66), at the same DPA offsets, and the seeds" \
			"$bad differ; first: $first"
	fi
}

# --- host-side checks, per scenario ---------------------------------------
word_at() { od -An -tx1 -j "$2" -N "$3" "$1" | tr -d ' \n'; }
host_demo() { # the message the guest wrote through the mmap is in the backing file
	local boot=$1 mem=$2 got
	got=$(dd if="$mem" bs=1 skip=4096 count=${#DEMO_MSG} status=none 2>/dev/null | tr -d '\0')
	echo "$got" > "$V/$boot.readback"
	if [ "$got" = "$DEMO_MSG" ]; then
		report ok "$boot" "host reads the guest's message back from the device memory file"
	else
		report "not ok" "$boot" "host reads the guest's message back from the device memory file" \
			"read '$got' at offset 0x1000 of $mem"
	fi
}

# the demo through the real VMM writes the same message at the same offset
host_vmm-demo() { host_demo "$@"; }

# the stress tests leave their page pattern in device memory: page p starts
# with PAT(p) (tests/selftests/vfio_cxl_stress_test.c)
host_stress() {
	local boot=$1 mem=$2 p want got bad=0
	for p in 0 1 4095 32768 65535; do
		want=$(printf '%016x' $(( 0x5eed000000000000 ^ (p * 0x9e3779b97f4a7c15) )))
		got=$(od -An -tx8 -j $((p * 4096)) -N 8 "$mem" | tr -d ' ')
		[ "$got" = "$want" ] || { bad=$((bad + 1)); echo "page $p: $got, expected $want" >> "$V/$boot.memcheck"; }
	done
	if [ $bad = 0 ]; then
		report ok "$boot" "host backing file holds the data written before the stress"
	else
		report "not ok" "$boot" "host backing file holds the data written before the stress" "$(cat "$V/$boot.memcheck" | tr '\n' ' ')"
	fi
}

# the guest cleared device memory last: the backing file reads zeros where
# the tests had written (the first MiB and page 4096)
host_clear() {
	local boot=$1 mem=$2 nz="not checked: both clears must pass first"
	if [ "$(stat -c %s "$mem" 2>/dev/null)" = $((256 << 20)) ] &&
	   tr -d '\r' < "$V/$boot.log" | grep -qE '^VCP-KTAP clear-scrub: ok [0-9]+ stress.scrub_between_owners$' &&
	   tr -d '\r' < "$V/$boot.log" | grep -q '^VCP-KTAP clear-cxl-reset: ok 1 cxl.guest_cxl_reset$'; then
		nz=$( { head -c 1048576 "$mem"; dd if="$mem" bs=4096 skip=4096 count=1 status=none; } | tr -d '\0' | wc -c)
	fi
	if [ "$nz" = 0 ]; then
		report ok "$boot" "host backing file reads zeros after the memory clear"
	else
		report "not ok" "$boot" "host backing file reads zeros after the memory clear" "$nz (non-zero bytes)"
	fi
}

# watch_boot <serial log> <qemu output>: run tests/vm/run-qemu.sh and stop it
# when the log makes no progress (no new VCP line) for $STALL seconds, or
# after $CAP seconds in all. Sets rc (QEMU's exit status), stopped (why the
# boot was stopped, empty if QEMU exited by itself) and elapsed (seconds).
STALL=${VCP_VM_STALL:-300} CAP=${VCP_VM_CAP:-1800}
watch_boot() {
	local log=$1 out=$2 pid n seen=-1 t0=$SECONDS last=$SECONDS
	stopped=""
	TIMEOUT=0 "$VCP_ROOT/tests/vm/run-qemu.sh" > "$out" 2>&1 &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		sleep 2
		n=$(grep -ac '^VCP' "$log" 2>/dev/null)
		if [ "${n:-0}" != "$seen" ]; then
			seen=${n:-0} last=$SECONDS
		elif [ $((SECONDS - last)) -ge "$STALL" ]; then
			stopped="stopped: no new result line for $((SECONDS - last)) s (stall limit $STALL s, hard cap $CAP s)"
		fi
		if [ -z "$stopped" ] && [ $((SECONDS - t0)) -ge "$CAP" ]; then
			stopped="stopped: still running at the hard cap of $CAP s (stall limit $STALL s)"
		fi
		if [ -n "$stopped" ]; then
			kill "$pid" 2>/dev/null	# timeout(1) passes it on to QEMU
			for n in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$pid" 2>/dev/null && sleep 1; done
			pkill -KILL -P "$pid" 2>/dev/null
			kill -KILL "$pid" 2>/dev/null
			break
		fi
	done
	wait "$pid"
	rc=$?
	elapsed=$((SECONDS - t0))
}

DEMO_MSG=${DEMO_MSG:-hello from the VMM through vfio-cxl-pci}
for boot in "$@"; do
	name=${boot//,/+}
	LOG=$V/$name.log MEMFILE=$V/$name.mem
	rm -f "$LOG" "$MEMFILE"
	BOOT_INITRD=$INITRD
	case ,$boot, in
	*,vmm,* | *,vmm-demo,*)
		# the real VMM goes in an initramfs addition of its own
		if ! vmm=$("$VCP_ROOT/tests/env/vmm-qemu.sh" 2> "$V/$name.vmm-build"); then
			if grep -q 'sources are not here' "$V/$name.vmm-build"; then
				report skip "$name" "real-VMM lane" "$(tail -n 1 "$V/$name.vmm-build")"
			else
				report "not ok" "$name" "real-VMM lane: QEMU builds" "$(tail -n 2 "$V/$name.vmm-build" | tr '\n' ' ')"
			fi
			continue
		fi
		eval "$vmm"
		BOOT_INITRD=$V/$name.initrd.gz
		cat "$INITRD" "$VMM_CPIO" > "$BOOT_INITRD"
		;;
	esac
	for s in ${boot//,/ }; do
		if declare -F "seed_$s" >/dev/null; then "seed_$s" "$MEMFILE"; fi
	done
	# the second test-bed layout: a device big enough for 1 GiB entries
	case ,$boot, in *,huge,* | *,bench,*) memsize=2G ;; *) memsize=256M ;; esac
	t0=$(date +%s.%N)
	# single-threaded TCG (see run-qemu.sh); VCP_TCG_THREAD=multi to try
	thread=${VCP_TCG_THREAD:-single}
	# A kernel that dies before /init prints its first line ran none of our
	# code (the module is loaded by the scenarios): an emulator fault, such
	# as multi-threaded TCG executing a stale int3 left by kernel text
	# patching. Boot once more; the first log is kept as .boot-crash.log.
	# (SeaBIOS output precedes that first line on the same serial line.)
	for attempt in 1 2; do
		rm -f "$LOG"
		KERNEL=$VMLINUZ INITRD=$BOOT_INITRD LOG=$LOG MEMFILE=$MEMFILE MEMSIZE=$memsize TCG_THREAD=$thread \
			APPEND="vcp.scenario=$boot vcp.msg=${DEMO_MSG// /_} ${VCP_APPEND:-}" \
			watch_boot "$LOG" "$V/$name.qemu"
		grep -aq 'VCP: boot kernel=' "$LOG" 2>/dev/null && break
		[ "$attempt" = 2 ] && break
		cp "$LOG" "$V/$name.boot-crash.log" 2>/dev/null
		log "$ABI $name: the kernel died before /init ($(grep -a -m1 -E 'Oops|panic|BUG' "$LOG" 2>/dev/null | cut -c1-120)); booting again"
		echo "$ABI $name boot-crash-before-init, retried" >> "$VCP_OUT/vm-times"
	done
	t1=$(date +%s.%N)
	printf '%s %s %.1f\n' "$ABI" "$name" "$(echo "$t1 - $t0" | bc)" >> "$VCP_OUT/vm-times"
	parse "$name" "$LOG"
	if grep -q '^VCP: done' "$LOG"; then
		report ok "$name" "VM ran to completion"
		# a flavour series must really have booted that flavour
		case $S in
		*-rt)
			if grep -aq 'VCP: boot kernel=.* version=.*PREEMPT_RT' "$LOG"; then
				report ok "$name" "the kernel is PREEMPT_RT"
			else
				report "not ok" "$name" "the kernel is PREEMPT_RT" "$(grep -a -m1 'VCP: boot kernel=' "$LOG" | cut -c1-200)"
			fi ;;
		esac
	else
		report "not ok" "$name" "VM ran to completion" \
			"${stopped:-qemu exited with rc=$rc} after ${elapsed} s, log $LOG: $(tail -n 5 "$LOG" | tr '\n' ' ' | cut -c1-300)"
	fi
	for s in ${boot//,/ }; do
		if declare -F "host_$s" >/dev/null; then "host_$s" "$name" "$MEMFILE"; fi
	done
	[ "${VCP_KEEP_MEM:-0}" = 1 ] || rm -f "$MEMFILE"
done
