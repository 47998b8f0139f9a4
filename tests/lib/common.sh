# shellcheck shell=bash
# Shared paths and helpers for the test scripts (sourced, never run).
VCP_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# Downloads and expensive builds (kernels, the trixie chroot, the debug kernel,
# the VMM) are cached outside the clone, so a fresh clone on the same machine
# reuses them; each entry is keyed on its inputs.
VCP_CACHE=${VFIO_CXL_CACHE:-/var/cache/vfio-cxl-pci}
VCP_OUT=${VFIO_CXL_OUT:-$VCP_ROOT/out}
export VCP_ROOT VCP_CACHE VCP_OUT

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# The Debian mirror this machine already uses (deb822 or one-line format).
debian_mirror() {
	local m
	m=$(awk '/^URIs:/ && $2 ~ /debian\/?$/ {print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null)
	[ -n "$m" ] || m=$(awk '$1 == "deb" && $2 ~ /debian\/?$/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null)
	echo "${m:-http://deb.debian.org/debian}"
}

need_root() { [ "$(id -u)" = 0 ] || die "$1 needs root (apt, chroot, dkms)"; }
