#!/bin/bash
# Build the test VM's initramfs: busybox, the kernel's vfio (and cxl) module
# closure from modules.dep, our module, the guest programs and scripts.
# Usage: mkinitramfs.sh <modroot> <abi> <vfio-cxl-pci.ko> <guest-bin dir> <out.cpio.gz>
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"
MODROOT=$1 ABI=$2 KO=$3 BINS=$4 OUT=$5
MODDIR=$MODROOT/lib/modules/$ABI
WANT="irqbypass vfio vfio_iommu_type1 vfio_pci_core vfio_pci"
W=$(mktemp -d "$VCP_OUT/initrd.XXXXXX")
chmod 755 "$W"
trap 'rm -rf "$W"' EXIT
mkdir -p "$W"/{bin,sbin,dev,proc,sys,tmp,etc,vcp/bin,lib/modules/"$ABI"}
BB=$(command -v busybox || echo /bin/busybox)
cp "$BB" "$W/bin/busybox"
for a in $("$W/bin/busybox" --list); do [ "$a" = busybox ] || ln -sf busybox "$W/bin/$a"; done

declare -A seen=()
order=()
dep_line() { awk -v n="$1" -F: '{p=$1; sub(/.*\//,"",p); sub(/\.ko(\.xz|\.zst|\.gz)?$/,"",p); gsub(/-/,"_",p); if (p==n) {print; exit}}' "$MODDIR/modules.dep"; }
resolve() {
	local n=${1//-/_} line d
	[ -n "${seen[$n]:-}" ] && return 0
	seen[$n]=1
	line=$(dep_line "$n")
	if [ -z "$line" ]; then
		grep -qE "/${n//_/[-_]}\.ko" "$MODDIR/modules.builtin" || log "warning: module $n not found"
		return 0
	fi
	for d in ${line#*:}; do d=${d##*/}; resolve "${d%%.ko*}"; done
	order+=("${line%%:*}")
}
for m in $WANT; do resolve "$m"; done
: > "$W/lib/modules/$ABI/deps"
for p in "${order[@]}"; do
	b=${p##*/}; b=${b%%.ko*}; b=${b//-/_}
	case $p in
	*.xz) xz -dc "$MODDIR/$p" > "$W/lib/modules/$ABI/$b.ko" ;;
	*.zst) zstd -qdc "$MODDIR/$p" > "$W/lib/modules/$ABI/$b.ko" ;;
	*) cp "$MODDIR/$p" "$W/lib/modules/$ABI/$b.ko" ;;
	esac
	deps=""
	for d in $(grep -E "^$p:" "$MODDIR/modules.dep" | cut -d: -f2); do d=${d##*/}; d=${d%%.ko*}; deps="$deps ${d//-/_}"; done
	echo "$b:$deps" >> "$W/lib/modules/$ABI/deps"
done
cp "$KO" "$W/lib/modules/$ABI/vfio_cxl_pci.ko"
echo "vfio_cxl_pci: $(modinfo -F depends "$KO" | tr , ' ' | tr - _)" >> "$W/lib/modules/$ABI/deps"

# modules.dep(.bin) for libkmod (vfio-cxl loads the module through it) and
# busybox's modprobe (driverctl calls /sbin/modprobe)
depmod -b "$W" "$ABI"
ln -sf ../bin/busybox "$W/sbin/modprobe"

# a dynamically linked program and the shared libraries it needs, at their
# host paths
with_libs() { # with_libs <program> <path in the image>
	local l
	mkdir -p "$W$(dirname "$2")"
	cp "$1" "$W$2"
	for l in $(ldd "$1" 2>/dev/null | grep -oE '/[^ ]+'); do
		[ -e "$W$l" ] || { mkdir -p "$W$(dirname "$l")"; cp -L "$l" "$W$l"; }
	done
}
# driverctl's own script and the bash it needs, for `vfio-cxl bind --persist`
if [ -x /usr/sbin/driverctl ]; then
	with_libs /bin/bash /bin/bash
	cp /usr/sbin/driverctl "$W/sbin/driverctl"
fi

cp "$VCP_ROOT/tests/vm/guest/init" "$W/init"
chmod +x "$W/init"
cp "$VCP_ROOT/tests/vm/guest/lib.sh" "$W/vcp/"
cp -r "$VCP_ROOT/tests/vm/guest/scenarios" "$W/vcp/"
for b in "$BINS"/*; do
	if ldd "$b" >/dev/null 2>&1; then with_libs "$b" "/vcp/bin/${b##*/}"; else cp "$b" "$W/vcp/bin/"; fi
done
(cd "$W" && find . | cpio -o -H newc --quiet | gzip -1) > "$OUT"
