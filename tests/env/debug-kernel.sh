#!/bin/bash
# Build (once, then cached) a KASAN + lockdep + KFENCE + DEBUG_VM kernel from
# Debian's linux-source-6.12 for the same QEMU CXL test-bed, and print its
# description in the kernels.sh format (ABI, TOOLCHAIN, KDIR, VMLINUZ,
# MODROOT). The configuration is `make allnoconfig` plus
# tests/env/debug-kernel.config: only what the test-bed boots, and every debug
# option. The build is cached outside the clone, keyed on the source package,
# that file and this script; the time it took is in $D/build-time.
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"
need_root "debug-kernel.sh"
FRAG=$VCP_ROOT/tests/env/debug-kernel.config
DK=$VCP_CACHE/debug-kernel
mkdir -p "$DK" "$VCP_CACHE/debs"

# the source package: the one already downloaded, else the newest apt has
deb=$(compgen -G "$VCP_CACHE/debs/linux-source-6.12_*.deb" | sort -V | tail -n 1 || true)
if [ -z "$deb" ]; then
	log "debug kernel: downloading linux-source-6.12"
	(cd "$VCP_CACHE/debs" && apt-get download -q linux-source-6.12 >/dev/null 2>&1) ||
		die "apt-get download linux-source-6.12 failed"
	deb=$(compgen -G "$VCP_CACHE/debs/linux-source-6.12_*.deb" | sort -V | tail -n 1)
fi
srcver=$(basename "$deb" .deb)
key=$({ echo "$srcver"; sha256sum "$FRAG" "$0" | cut -d' ' -f1; } | sha256sum | cut -c1-16)
D=$DK/$key
SRC=$DK/src/$srcver/linux-source-6.12
OUT=$D/build
MODROOT=$D/modroot

# two runs on one machine (two clones, or a run and a manual vm.sh) build
# one at a time; the second finds the first one's result
mkdir -p "$DK"
exec 8> "$DK/.lock"
flock 8
if [ ! -e "$D/.ready" ]; then
	log "debug kernel: build tools"
	DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends \
		build-essential bc bison flex libelf-dev libssl-dev dwarves cpio kmod xz-utils python3 >/dev/null
	if [ ! -e "$SRC/.vcp-ready" ]; then
		log "debug kernel: unpacking $srcver"
		rm -rf "$DK/src/$srcver"; mkdir -p "$DK/src/$srcver"
		dpkg-deb --fsys-tarfile "$deb" | tar -xO ./usr/src/linux-source-6.12.tar.xz |
			tar -xJ -C "$DK/src/$srcver"
		touch "$SRC/.vcp-ready"
	fi
	log "debug kernel: config (allnoconfig + $(basename "$FRAG"))"
	rm -rf "$D"; mkdir -p "$OUT"
	make -s -C "$SRC" O="$OUT" KCONFIG_ALLCONFIG="$FRAG" allnoconfig
	bad=""
	while IFS= read -r line; do
		case $line in CONFIG_*=*) ;; *) continue ;; esac
		grep -qxF "$line" "$OUT/.config" || bad="$bad ${line%%=*}"
	done < "$FRAG"
	[ -z "$bad" ] || die "debug kernel: not set as asked:$bad"
	log "debug kernel: build ($(nproc) jobs)"
	t0=$SECONDS
	make -s -C "$OUT" -j"$(nproc)" bzImage modules > "$D/build.log" 2>&1 ||
		{ tail -30 "$D/build.log" >&2; die "debug kernel build failed"; }
	make -s -C "$OUT" modules_install INSTALL_MOD_PATH="$MODROOT" >/dev/null
	echo "$((SECONDS - t0))" > "$D/build-time"
	log "debug kernel: built in $((SECONDS - t0)) s"
	touch "$D/.ready"
fi
ABI=$(cat "$OUT/include/config/kernel.release")
echo "ABI=$ABI"
echo "TOOLCHAIN=host"
echo "KDIR=$OUT"
echo "VMLINUZ=$OUT/arch/x86/boot/bzImage"
echo "MODROOT=$MODROOT"
