#!/bin/bash
# Build and install vfio-cxl-pci for one kernel series through the real dkms
# tool (make dkms-install: dkms add/build/install -k), with the series' own
# toolchain, and copy the installed module to $VCP_OUT/dkms/<abi>/.
# Prints the module path. Usage: tests/dkms.sh <series>
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"
need_root "dkms.sh"
S=$1
eval "$("$VCP_ROOT/tests/env/kernels.sh" "$S" --headers-only)"
D=$VCP_OUT/dkms/$ABI
rm -rf "$D"; mkdir -p "$D"
log "dkms add/build/install for $ABI ($TOOLCHAIN toolchain)"
# dkms's tree and /usr/src/vfio-cxl-pci-<ver> are machine-wide: two runs on
# one machine (two clones, a run and a manual build) take turns, or one
# removes the sources the other is building
mkdir -p "$VCP_CACHE"
exec 9> "$VCP_CACHE/dkms.lock"
flock 9
t0=$(date +%s.%N)
if [ "$TOOLCHAIN" = host ]; then
	make -C "$VCP_ROOT" dkms-install KVER="$ABI" KDIR="$KDIR" > "$D/dkms.log" 2>&1 ||
		{ cat "$D/dkms.log" >&2; die "dkms failed for $ABI"; }
	root=
else
	"$VCP_ROOT/tests/env/in-trixie.sh" make -C /src dkms-install KVER="$ABI" KDIR="$KDIR" \
		> "$D/dkms.log" 2>&1 || { cat "$D/dkms.log" >&2; die "dkms failed for $ABI"; }
	root=$VCP_CACHE/trixie-root
fi
t1=$(date +%s.%N)
ko=$(compgen -G "$root/lib/modules/$ABI/updates/dkms/vfio-cxl-pci.ko*" | head -n 1) ||
	die "dkms installed no module for $ABI"
case $ko in
*.xz) xz -dc "$ko" > "$D/vfio-cxl-pci.ko" ;;
*.zst) zstd -qdc "$ko" > "$D/vfio-cxl-pci.ko" ;;
*) cp "$ko" "$D/vfio-cxl-pci.ko" ;;
esac
printf '%s %.1f\n' "$ABI" "$(echo "$t1 - $t0" | bc)" > "$D/dkms.time"
echo "$D/vfio-cxl-pci.ko"
