#!/bin/bash
# Build the real VMM, NVIDIA's QEMU CXL passthrough series on QEMU v11.0.0,
# from ../shared/vmm (or $VFIO_CXL_VMM): verify the tarball's sha256, apply the
# patches, configure a small qtest-only x86_64 binary, build it. The result is
# cached outside the clone, keyed on the hashes of the tarball, the patches and
# this script, so later runs on the same machine reuse it.
# It also packs what the test VM needs to run it into an initramfs addition
# (a cpio that the kernel unpacks after the main initramfs): under /vmm the
# stripped binary, its shared libraries and loader, and the two firmware files
# it loads.
# Prints VMM_QEMU=<binary>, VMM_CPIO=<cpio.gz> and VMM_BUILD_TIME=<s> on
# success; exits 2, with the reason on stderr, when the VMM sources are absent.
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"
# ../shared/vmm beside the checkout; a clone made elsewhere on this
# workplace's machines finds it at /work/shared/vmm
VMM=${VFIO_CXL_VMM:-$VCP_ROOT/../shared/vmm}
[ -d "$VMM" ] || [ -n "${VFIO_CXL_VMM:-}" ] || VMM=/work/shared/vmm
TARBALL=$VMM/qemu-11.0.0.tar.xz
# The tarball ../shared/vmm/README.md describes (upstream v11.0.0, git archive,
# plus the two meson subprojects an offline build needs), as first measured.
TARBALL_SHA256=${VFIO_CXL_VMM_SHA256:-3198b86b105497b5d43cd4e78e7db658a41d0fe7c65a6aabd1d5947be9266622}
if [ ! -f "$TARBALL" ] || ! compgen -G "$VMM/patches/0*.patch" >/dev/null; then
	echo "the VMM sources are not here ($VMM: no qemu-11.0.0.tar.xz and patches)" >&2
	exit 2
fi
PATCHES=("$VMM"/patches/000[1-8]-*.patch)	# x86 q35 needs 1-8 (README)
have=$(sha256sum "$TARBALL" | cut -d' ' -f1)
if [ "$have" != "$TARBALL_SHA256" ]; then
	die "vmm: $TARBALL has sha256 $have, expected $TARBALL_SHA256"
fi
CONFIGURE=(--python=/usr/bin/python3 --target-list=x86_64-softmmu --without-default-features
	--enable-kvm --disable-tcg --disable-docs --disable-rust --disable-tools --disable-fdt)
# the build is keyed on what goes into it: sources, patches, configure options
key=$({ echo "$have"; sha256sum "${PATCHES[@]}" | cut -d' ' -f1; echo "${CONFIGURE[*]}"; } |
	sha256sum | cut -c1-16)
D=$VCP_CACHE/vmm-qemu/$key
if [ ! -e "$D/.ready" ]; then
	need_root "vmm-qemu.sh (apt)"
	DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends \
		ninja-build meson libglib2.0-dev libpixman-1-dev python3-venv flex bison \
		patch xz-utils >/dev/null
	rm -rf "$D"; mkdir -p "$D"
	log "vmm: unpacking QEMU 11.0.0 (sha256 $have) and applying ${#PATCHES[@]} patches"
	tar -xJf "$TARBALL" -C "$D"
	src=$(find "$D" -mindepth 1 -maxdepth 1 -type d | head -n 1)
	for p in "${PATCHES[@]}"; do
		patch -s -p1 -d "$src" < "$p" || die "vmm: $(basename "$p") does not apply"
	done
	mkdir -p "$src/build"
	t0=$SECONDS
	# the Debian python3, not whatever python3 is first on PATH: QEMU makes
	# a venv with it
	(cd "$src/build" && ../configure "${CONFIGURE[@]}" > "$D/configure.log" 2>&1) ||
		{ tail -20 "$D/configure.log" >&2; die "vmm: configure failed"; }
	steps=$(cd "$src/build" && ninja -n qemu-system-x86_64 2>/dev/null | grep -c '^\[' || true)
	log "vmm: building qemu-system-x86_64 ($steps ninja steps)"
	(cd "$src/build" && ninja -j"$(nproc)" qemu-system-x86_64 > "$D/build.log" 2>&1) ||
		{ tail -30 "$D/build.log" >&2; die "vmm: build failed"; }
	echo "$((SECONDS - t0)) $steps" > "$D/build-time"
	log "vmm: built in $((SECONDS - t0)) s"
	ln -sfn "$src/build/qemu-system-x86_64" "$D/qemu-system-x86_64"
	ln -sfn "$src/pc-bios" "$D/pc-bios"
	touch "$D/.ready"
fi
# the initramfs addition: /vmm/{qemu-system-x86_64,lib/,pc-bios/}; made again
# when this script changes
if [ ! -s "$D/vmm.cpio.gz" ] || [ "$0" -nt "$D/vmm.cpio.gz" ]; then
	src=$(dirname "$(readlink "$D/qemu-system-x86_64")")/..
	w=$D/cpio-root
	rm -rf "$w"; mkdir -p "$w/vmm/lib" "$w/vmm/pc-bios"
	strip -o "$w/vmm/qemu-system-x86_64" "$src/build/qemu-system-x86_64"
	ldd "$src/build/qemu-system-x86_64" | awk '$2 == "=>" {print $3} $1 ~ /^\// {print $1}' |
		while read -r lib; do cp -L "$lib" "$w/vmm/lib/"; done
	[ -e "$w/vmm/lib/ld-linux-x86-64.so.2" ] || die "vmm: no dynamic loader in the ldd closure"
	cp "$src/pc-bios/bios-256k.bin" "$src/pc-bios/kvmvapic.bin" "$w/vmm/pc-bios/"
	(cd "$w" && find . | cpio -o -H newc --quiet | gzip -1) > "$D/vmm.cpio.gz.new"
	mv "$D/vmm.cpio.gz.new" "$D/vmm.cpio.gz"
	rm -rf "$w"
fi
echo "VMM_QEMU=$D/qemu-system-x86_64"
echo "VMM_CPIO=$D/vmm.cpio.gz"
echo "VMM_BUILD_TIME=$(cut -d' ' -f1 "$D/build-time")"
