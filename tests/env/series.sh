# shellcheck shell=bash
# Kernel series under test (sourced). A series is a Debian kernel branch; its
# newest ABI is resolved from apt on every run, so a mirror that moves on never
# breaks the harness.
#   id          header package pattern                     toolchain
#   6.12-deb12  linux-headers-6.12.N+deb12-amd64           host (bookworm gcc-12, pahole 1.24)
#   6.12-deb13  linux-headers-6.12.N+deb13-amd64           trixie chroot (gcc-14)
#   7.2         linux-headers-7.2.N+deb13-amd64            trixie chroot (gcc-14)
#   7.3         linux-headers-7.3.N+deb13-amd64            trixie chroot (gcc-14)
#   6.1         linux-headers-6.1.0-N-amd64                host; refused, used by the refusal test
#   <id>-rt, <id>-cloud   the rt-amd64 and cloud-amd64 flavours of 6.12-deb12
#               and 7.3 (same toolchain as <id>)
#   6.12-debug  Debian's linux-source-6.12 built with KASAN, lockdep, KFENCE and
#               DEBUG_VM (tests/env/debug-kernel.sh)       host
# <series>-oldest is the oldest ABI of that series still in the archive: DKMS
# builds for every installed kernel, and a user who has not rebooted since an
# update runs an older one (6.12.95+deb12 lacks fields that 6.12.96 added).
VCP_SERIES_SUPPORTED="6.12-deb12 6.12-deb13 7.2 7.3"
VCP_SERIES_OLDEST="6.12-deb12-oldest 6.12-deb13-oldest 7.2-oldest"
# the other amd64 flavours: built (oldest and newest ABI) on every run; the
# VM suite runs on the newest PREEMPT_RT kernel
VCP_SERIES_FLAVOURS="6.12-deb12-rt 6.12-deb12-rt-oldest 7.3-rt 6.12-deb12-cloud 6.12-deb12-cloud-oldest 7.3-cloud"
VCP_SERIES_VM_FLAVOURS="7.3-rt"

# abi=<ABI> names one exact ABI (any flavour), as tests/build-matrix.sh --all
# uses: abi=6.12.107+deb12-rt-amd64
series_regex() {
	case $1 in abi=*)
		local a=${1#abi=}
		a=${a//./\\.}; echo "^linux-headers-${a//+/\\+}\$"; return ;;
	esac
	case ${1%-oldest} in
	6.12-deb12) echo '^linux-headers-6\.12\.[0-9]+\+deb12-amd64$' ;;
	6.12-deb13) echo '^linux-headers-6\.12\.[0-9]+\+deb13-amd64$' ;;
	7.2)        echo '^linux-headers-7\.2\.[0-9]+\+deb13-amd64$' ;;
	7.3)        echo '^linux-headers-7\.3\.[0-9]+\+deb13-amd64$' ;;
	6.12-deb12-rt|6.12-deb12-cloud|7.3-rt|7.3-cloud)
		local base=${1%-oldest} flav
		flav=${base##*-}; base=${base%-*}
		series_regex "$base" | sed "s/-amd64\\\$\$/-$flav-amd64\$/" ;;
	6.1)        echo '^linux-headers-6\.1\.0-[0-9]+-amd64$' ;;
	*) return 1 ;;
	esac
}

series_toolchain() {
	case $1 in abi=*+deb12-*) echo host; return ;; abi=*) echo trixie; return ;; esac
	case ${1%-oldest} in
	6.12-deb12|6.12-deb12-rt|6.12-deb12-cloud|6.1|6.12-debug) echo host ;;
	*) echo trixie ;;
	esac
}

# Newest ABI of a series known to apt, e.g. "7.3.4+deb13-amd64" (the oldest
# for <series>-oldest).
series_abi() {
	local re pkg pick="tail -n 1"
	re=$(series_regex "$1") || { echo "unknown series $1" >&2; return 1; }
	[ "${1%-oldest}" = "$1" ] || pick="head -n 1"
	pkg=$(apt-cache pkgnames linux-headers- 2>/dev/null | grep -E "$re" | sort -V | $pick)
	[ -n "$pkg" ] || { echo "no headers for series $1 in apt" >&2; return 1; }
	echo "${pkg#linux-headers-}"
}
