#!/bin/bash
# Fetch one kernel series for the build and the VM tests, and print "KEY=value"
# lines describing it:
#   ABI=7.3.4+deb13-amd64  TOOLCHAIN=host|trixie
#   KDIR=<headers dir, as seen by the toolchain>   VMLINUZ=<path>   MODROOT=<dir with lib/modules/ABI>
# Headers for host-built series are unpacked into the cache (their Makefile's
# absolute paths are rewritten); for trixie-built series they are unpacked into
# the trixie chroot at their real paths. Images are unpacked with only the
# module trees the guest needs. Usage: kernels.sh <series> [--headers-only]
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/series.sh"
need_root "kernels.sh"
S=$1; MODE=${2:-}
if [ "$S" = 6.12-debug ]; then
	out=$("$(dirname "$0")/debug-kernel.sh") || exit 1
	echo "$out"
	eval "$out"
	# what installing headers leaves for dkms: /lib/modules/<abi>/build
	mkdir -p "/lib/modules/$ABI"
	[ "$(readlink "/lib/modules/$ABI/build")" = "$KDIR" ] || ln -sfn "$KDIR" "/lib/modules/$ABI/build"
	exit 0
fi
ABI=$(series_abi "$S")
TOOLCHAIN=$(series_toolchain "$S")
K=$VCP_CACHE/kernels/$ABI
DEBS=$VCP_CACHE/debs
mkdir -p "$K" "$DEBS"

dl() {
	local p
	for p in "$@"; do
		compgen -G "$DEBS/${p}_*.deb" >/dev/null && continue
		(cd "$DEBS" && apt-get download -q "$p" >/dev/null 2>&1) || die "apt-get download $p failed"
	done
}
deb() { compgen -G "$DEBS/${1}_*.deb" | sort -V | tail -n 1; }
# The -common headers and the kbuild package this header package depends on.
hdr_deps() {
	apt-cache depends "linux-headers-$ABI" 2>/dev/null |
		awk '/Depends: linux-(headers-.*-common|kbuild-)/ {print $2}' | sort -u
}

# --- headers ---------------------------------------------------------------
HPKGS=("linux-headers-$ABI" $(hdr_deps))
if [ "$TOOLCHAIN" = host ]; then
	HROOT=$K/root
	if [ ! -e "$HROOT/.ready" ]; then
		log "fetching headers $ABI"
		dl "${HPKGS[@]}"
		rm -rf "$HROOT"; mkdir -p "$HROOT"
		for p in "${HPKGS[@]}"; do dpkg-deb -x "$(deb "$p")" "$HROOT"; done
		sed -i "s#/usr/src/#$HROOT/usr/src/#g" "$HROOT/usr/src/linux-headers-$ABI/Makefile"
		touch "$HROOT/.ready"
	fi
	KDIR=$HROOT/usr/src/linux-headers-$ABI
	# what installing the headers package leaves for dkms: /lib/modules/<abi>/build
	mkdir -p "/lib/modules/$ABI"
	[ "$(readlink "/lib/modules/$ABI/build")" = "$KDIR" ] || ln -sfn "$KDIR" "/lib/modules/$ABI/build"
else
	TROOT=$VCP_CACHE/trixie-root
	[ -e "$TROOT/.ready" ] || "$(dirname "$0")/trixie-root.sh"
	if [ ! -e "$TROOT/usr/src/linux-headers-$ABI/.vcp-ready" ]; then
		log "fetching headers $ABI into the trixie chroot"
		dl "${HPKGS[@]}"
		for p in "${HPKGS[@]}"; do dpkg-deb -x "$(deb "$p")" "$TROOT"; done
		touch "$TROOT/usr/src/linux-headers-$ABI/.vcp-ready"
	fi
	KDIR=/usr/src/linux-headers-$ABI
fi
echo "ABI=$ABI"
echo "TOOLCHAIN=$TOOLCHAIN"
echo "KDIR=$KDIR"
[ "$MODE" = --headers-only ] && exit 0

# --- kernel image and the guest's module trees -----------------------------
IMG=$K/img
if [ ! -e "$IMG/.ready" ]; then
	log "fetching kernel image $ABI"
	has() { [ -n "$(apt-cache madison "$1" 2>/dev/null)" ]; }
	if has "linux-binary-$ABI"; then
		IPKGS=("linux-binary-$ABI" "linux-modules-$ABI" "linux-base-$ABI")
	elif has "linux-image-$ABI"; then
		IPKGS=("linux-image-$ABI")
	else
		# a security update publishes the unsigned image first; the signed
		# one follows later, with the same kernel inside
		IPKGS=("linux-image-$ABI-unsigned")
	fi
	dl "${IPKGS[@]}"
	rm -rf "$IMG" "$K/raw"; mkdir -p "$IMG/lib/modules" "$K/raw"
	for p in "${IPKGS[@]}"; do
		dpkg-deb --fsys-tarfile "$(deb "$p")" | tar -x -C "$K/raw" --wildcards \
			'*vmlinuz*' '*/modules.*' '*/config*' '*/kernel/drivers/vfio/*' '*/kernel/virt/*' \
			'*/kernel/drivers/cxl/*' '*/kernel/drivers/nvdimm/*' '*/kernel/drivers/dax/*' \
			'*/kernel/drivers/iommu/*' 2>/dev/null || true
	done
	vmlinuz=$(find "$K/raw" -name 'vmlinuz*' -type f | head -n 1)
	[ -n "$vmlinuz" ] || die "no vmlinuz in ${IPKGS[*]}"
	cp "$vmlinuz" "$IMG/vmlinuz"
	mdir=$(find "$K/raw" -type d -path "*/modules/$ABI" | head -n 1)
	mv "$mdir" "$IMG/lib/modules/$ABI"
	rm -rf "$K/raw"
	depmod -b "$IMG" "$ABI"
	touch "$IMG/.ready"
fi
echo "VMLINUZ=$IMG/vmlinuz"
echo "MODROOT=$IMG"
