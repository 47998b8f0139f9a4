#!/bin/bash
# For every supported kernel series: a W=1 build with no warning, and the real
# dkms lifecycle (add/build/install -k) whose module the VM tests then load;
# modinfo checks on it. For 6.1: refused by the Makefile, by dkms.conf and by
# the compiler. Prints "ok|not ok build: <check>" lines.
# Usage: tests/build-matrix.sh [series...] | --dkms-only <series> | --all
set -uo pipefail
. "$(dirname "$0")/lib/common.sh"
. "$VCP_ROOT/tests/env/series.sh"
res() { if [ "$1" = 0 ]; then echo "ok build: $2"; else echo "not ok build: $2 # $3"; fi; }
# --all: every linux-headers package of 6.12 or newer that apt knows, at run
# time: each amd64 flavour (amd64, cloud-amd64, rt-amd64) W=1 here, each
# arm64 flavour (arm64, arm64-16k, cloud-arm64, rt-arm64) cross-built
# (tests/build-arm64.sh); one line per package, no dkms. Too long for CI
# (about half an hour); README gives its last result.
if [ "${1:-}" = --all ]; then
	abis=$(apt-cache pkgnames linux-headers- 2>/dev/null |
		sed -n 's/^linux-headers-\(\(6\.1[2-9]\|6\.[2-9][0-9]\|[7-9]\.[0-9]*\)\.[0-9]*+deb1[2-9]-\(amd64\|cloud-amd64\|rt-amd64\)\)$/\1/p' |
		sort -V)
	[ -n "$abis" ] || { echo "not ok build: all: no linux-headers package of 6.12 or newer in apt"; exit 1; }
	for a in $abis; do
		out=$("$VCP_ROOT/tests/build.sh" "abi=$a" 2>&1)
		res $? "all: linux-headers-$a: W=1 build, no warnings" \
			"$(echo "$out" | grep -iE 'warning|error' | head -n 2 | tr '\n' ' ')"
	done
	for a in $abis; do
		case $a in *-cloud-amd64|*-rt-amd64) continue ;; esac
		"$VCP_ROOT/tests/build-arm64.sh" "abi=$a:arm64,arm64-16k,cloud-arm64,rt-arm64"
	done
	exit 0
fi
DKMS_ONLY=0
[ "${1:-}" = --dkms-only ] && { DKMS_ONLY=1; shift; }
SERIES=${*:-$VCP_SERIES_SUPPORTED}

for s in $SERIES; do
	if [ $DKMS_ONLY = 0 ]; then
		out=$("$VCP_ROOT/tests/build.sh" "$s" 2>&1)
		res $? "$s: W=1 build, no warnings" "$(echo "$out" | grep -iE 'warning|error' | head -n 2 | tr '\n' ' ')"
	fi
	out=$("$VCP_ROOT/tests/dkms.sh" "$s" 2>&1)
	rc=$?
	res $rc "$s: dkms add/build/install" "$(echo "$out" | tail -n 3 | tr '\n' ' ')"
	[ $rc = 0 ] || continue
	ko=$(echo "$out" | tail -n 1)
	abi=$("$VCP_ROOT/tests/env/kernels.sh" "$s" --headers-only | sed -n 's/^ABI=//p')
	alias=$(modinfo -F alias "$ko")
	res $([ "$alias" = 'vfio_pci:v*d*sv*sd*bc05sc02i*' ]; echo $?) \
		"$s: modules.alias entry is a vfio_pci: override-only alias" "$alias"
	res $([ "$(modinfo -F name "$ko")" = vfio_cxl_pci ]; echo $?) "$s: module name vfio_cxl_pci" ""
	res $(modinfo -F vermagic "$ko" | grep -q "^$abi "; echo $?) "$s: vermagic $abi" \
		"$(modinfo -F vermagic "$ko")"
	# every parameter the README documents exists and carries a description
	parm=$(modinfo -F parm "$ko")
	missing=""
	for p in disable_cxl disable_cxl_bdf allow_type3 scrub emulate_cxl_reset strict_hdm_lock huge_pages; do
		echo "$parm" | grep -qE "^$p:[A-Za-z].{15,}" || missing="$missing $p"
		grep -q "^| \`$p\`" "$VCP_ROOT/README.md" || missing="$missing $p(README)"
	done
	extra=$(echo "$parm" | sed -n 's/^\([a-z_0-9]*\):.*/\1/p' |
		grep -vxE 'disable_cxl|disable_cxl_bdf|allow_type3|scrub|emulate_cxl_reset|strict_hdm_lock|huge_pages')
	res $([ -z "$missing$extra" ]; echo $?) "$s: module parameters documented (modinfo and README)" \
		"missing:$missing undocumented: $extra"
done

[ $DKMS_ONLY = 1 ] && exit 0

# --- kernels older than 6.12 are refused ------------------------------------
eval "$("$VCP_ROOT/tests/env/kernels.sh" 6.1 --headers-only)" || { echo "not ok build: 6.1 headers"; exit 0; }
B=$VCP_OUT/build/$ABI
rm -rf "$B"; mkdir -p "$B"
cp -r dkms.conf Makefile Kbuild src include conftest "$B/" 2>/dev/null || (cd "$VCP_ROOT" && cp -r dkms.conf Makefile Kbuild src include conftest "$B/")
out=$(make -C "$B" KVER="$ABI" KDIR="$KDIR" 2>&1)
rc=$?
res $([ $rc != 0 ] && echo "$out" | grep -q "kernel $ABI (Linux 6.1.[0-9]*) is not supported; Linux 6.12 or newer is required"; echo $?) \
	"6.1: make refuses with a clear message" "rc=$rc $(echo "$out" | tail -n 2 | tr '\n' ' ')"
out=$(make -C "$KDIR" M="$B" modules 2>&1)
rc=$?
res $([ $rc != 0 ] && echo "$out" | grep -q 'error: #error "vfio-cxl-pci needs Linux 6.12 or newer'; echo $?) \
	"6.1: the compiler refuses kernels lacking the 6.12 features" "rc=$rc $(echo "$out" | grep -m1 error | cut -c1-200)"
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$VCP_ROOT/dkms.conf")
make -C "$VCP_ROOT" -s dkms-uninstall >/dev/null 2>&1
mkdir -p "/usr/src/vfio-cxl-pci-$ver"
(cd "$VCP_ROOT" && cp -r dkms.conf Makefile Kbuild src include conftest "/usr/src/vfio-cxl-pci-$ver/")
dkms add -m vfio-cxl-pci -v "$ver" >/dev/null 2>&1
out=$(dkms build -m vfio-cxl-pci -v "$ver" -k "$ABI" 2>&1)
rc=$?
res $([ $rc != 0 ] && echo "$out" | grep -q 'BUILD_EXCLUSIVE'; echo $?) \
	"6.1: dkms.conf refuses the kernel (BUILD_EXCLUSIVE_KERNEL)" "rc=$rc $(echo "$out" | tail -n 2 | tr '\n' ' ')"
res $([ ! -e "/var/lib/dkms/vfio-cxl-pci/$ver/$ABI" ] || [ -z "$(ls "/var/lib/dkms/vfio-cxl-pci/$ver/$ABI" 2>/dev/null)" ]; echo $?) \
	"6.1: dkms built nothing" ""
make -C "$VCP_ROOT" -s dkms-uninstall >/dev/null 2>&1
