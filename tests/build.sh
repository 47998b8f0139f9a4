#!/bin/bash
# Build vfio-cxl-pci.ko for one kernel series with its own toolchain, W=1, in
# a per-kernel copy of the sources (out/build/<abi>). Prints the path of the
# module. Usage: tests/build.sh <series> [extra make args]
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"
S=$1; shift
eval "$("$VCP_ROOT/tests/env/kernels.sh" "$S" --headers-only)"
B=$VCP_OUT/build/$ABI
rm -rf "$B"; mkdir -p "$B"
(cd "$VCP_ROOT" && cp -r dkms.conf Makefile Kbuild src include conftest "$B/")
log "build $ABI ($TOOLCHAIN toolchain)"
t0=$(date +%s.%N)
if [ "$TOOLCHAIN" = host ]; then
	make -C "$B" KVER="$ABI" KDIR="$KDIR" W=1 "$@" > "$B/build.log" 2>&1 || { cat "$B/build.log" >&2; exit 1; }
else
	rel=${B#"$VCP_ROOT"/}
	[ "$rel" != "$B" ] || die "VFIO_CXL_OUT must be inside the repository for chroot builds"
	"$VCP_ROOT/tests/env/in-trixie.sh" make -C "/src/$rel" KVER="$ABI" KDIR="$KDIR" W=1 "$@" \
		> "$B/build.log" 2>&1 || { cat "$B/build.log" >&2; exit 1; }
fi
t1=$(date +%s.%N)
if grep -n -i -E 'warning:|error:' "$B/build.log" >&2; then
	die "build for $ABI has warnings"
fi
printf '%s %.1f\n' "$ABI" "$(echo "$t1 - $t0" | bc)" > "$B/build.time"
echo "$B/vfio-cxl-pci.ko"
