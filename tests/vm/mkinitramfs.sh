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

cp "$VCP_ROOT/tests/vm/guest/init" "$W/init"
chmod +x "$W/init"
cp "$VCP_ROOT/tests/vm/guest/lib.sh" "$W/vcp/"
cp -r "$VCP_ROOT/tests/vm/guest/scenarios" "$W/vcp/"
cp "$BINS"/* "$W/vcp/bin/"
(cd "$W" && find . | cpio -o -H newc --quiet | gzip -1) > "$OUT"
