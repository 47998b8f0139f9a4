# Helpers for the in-guest scenarios (sourced by init and the scenarios).
KVER=$(uname -r)
MODDIR=/lib/modules/$KVER
SYS=/sys/bus/pci/devices

vcp_arg() { sed -n "s/.*\b$1=\([^ ]*\).*/\1/p" /proc/cmdline; }

# vcp_result "ok"|"not ok"|"skip" <name> [detail]
vcp_result() {
	if [ -n "$3" ]; then echo "VCP-TEST: $1 $2 # $3"; else echo "VCP-TEST: $1 $2"; fi
}

# vcp_step <name> <command...>: a set-up step, not a check: no result when it
# works (a "VCP: step" line), a "not ok" result with its output when it fails
vcp_step() {
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then
		echo "VCP: step $name"
	else
		vcp_result "not ok" "$name" "$(echo "$out" | tail -n 3 | tr '\n' ' ')"
	fi
}

# vcp_check <name> <command...>: ok if the command succeeds
vcp_check() {
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then
		vcp_result ok "$name"
	else
		vcp_result "not ok" "$name" "$(echo "$out" | tail -n 3 | tr '\n' ' ')"
	fi
}

# vcp_ktap <suite> <command...>: run a kselftest binary, its KTAP prefixed
# and streamed (a suite cut off by the VM timeout still shows how far it got),
# then its exit status
vcp_ktap() {
	local suite=$1
	shift
	{ "$@" 2>&1; echo "exit $?"; } | sed "s/^/VCP-KTAP $suite: /"
}

# Load a module (and what it depends on) from the initramfs. Parameters for a
# module that is already loaded would be lost: that is an error.
ldmod() {
	local n d
	n=$(echo "$1" | tr - _); shift
	if grep -q "^$n " /proc/modules; then
		[ $# = 0 ] && return 0
		vcp_result "not ok" "load $n $*" "already loaded; parameters not applied"
		return 1
	fi
	for d in $(sed -n "s/^$n://p" "$MODDIR/deps"); do ldmod "$d"; done
	insmod "$MODDIR/$n.ko" "$@"
}

# The emulated CXL device: the function with the CXL Device DVSEC (class 0x0502).
vcp_find_dev() {
	for d in "$SYS"/*; do
		[ "$(cat "$d/class")" = 0x050210 ] && { basename "$d"; return 0; }
	done
	return 1
}

# The second test-bed layout (boots "huge" and "bench", a 2 GiB device):
# firmware commits decoder 0 at the first 1 GiB boundary of the CXL window,
# so that the DPA region can be mapped with 1 GiB entries.
vcp_commit_at_gib() {
	local base gib=$((1 << 30))
	base=$(cxlfw hpa | cut -d' ' -f1)
	cxlfw commit "$BDF" lock "shift=$(( (base + gib - 1) / gib * gib - base ))"
}

# Bind $BDF to driver name $1 through driver_override. Marks the kernel log
# first: the vcp_dmesg_has checks that follow see only what this bind and
# later steps logged.
vcp_bind() {
	vcp_log_mark
	echo "$1" > "$SYS/$BDF/driver_override" &&
	echo "$BDF" > /sys/bus/pci/drivers_probe &&
	[ "$(basename "$(readlink "$SYS/$BDF/driver")")" = "$1" ]
}

vcp_unbind() {
	[ -e "$SYS/$BDF/driver" ] && echo "$BDF" > "$SYS/$BDF/driver/unbind"
	echo > "$SYS/$BDF/driver_override"
	[ ! -e "$SYS/$BDF/driver" ]
}

vcp_driver() { basename "$(readlink "$SYS/$BDF/driver" 2>/dev/null)" 2>/dev/null; }

# busybox's dmesg cannot clear the log (no -C): a step writes a unique line
# to the kernel log instead, kept in a file so that it holds across the
# subshells of vcp_check and across scenarios.
VCP_MARK_FILE=/tmp/vcp-log-mark
vcp_log_mark() {
	local m
	m="vcp-log-mark $$ $(cut -d' ' -f1 /proc/uptime) $(od -An -N4 -tx4 /dev/urandom | tr -d ' ')"
	echo "$m" > /dev/kmsg && echo "$m" > "$VCP_MARK_FILE"
}

# the kernel log since the last vcp_log_mark (all of it before the first);
# empty if the mark has left the ring buffer, so a check fails, never passes
vcp_dmesg_since_mark() {
	local m
	m=$(cat "$VCP_MARK_FILE" 2>/dev/null)
	if [ -n "$m" ]; then dmesg | sed -n "/$m\$/,\$p"; else dmesg; fi
}

# the kernel log since the last mark contains a pattern (grep -E)
vcp_dmesg_has() { vcp_dmesg_since_mark | grep -qE "$1"; }

# the whole kernel log since boot contains a pattern (grep -E)
vcp_boot_log_has() { dmesg | grep -qE "$1"; }

vcp_kernel_log_clean() {
	bad=$(dmesg | grep -E 'WARNING:|BUG:|Oops|general protection fault|possible circular locking|possible recursive locking|inconsistent lock state|suspicious RCU usage|sleeping function called from invalid context|INFO: possible|lock held when returning|KASAN:|UBSAN:|KFENCE:|ODEBUG:|kernel NULL pointer' | head -n 3)
	if [ -z "$bad" ]; then
		vcp_result ok "$1"
	else
		vcp_result "not ok" "$1" "$(echo "$bad" | tr '\n' ' ')"
		dmesg | sed 's/^/VCP-DMESG: /' | tail -n 80
	fi
}

BDF=$(vcp_find_dev)
# cxlfw commit leaves distinctive values in the device's DVSEC Range Bases
# and GPF DVSEC; the selftests check the guest never sees or changes them
export VCP_FW_VALUES=1
