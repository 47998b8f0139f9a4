#!/bin/bash
# Cross-build vfio-cxl-pci for Debian's arm64 kernels (4 KiB and 16 KiB
# pages) on this amd64 machine: the arm64 linux-headers package of the same
# ABI as a series' amd64 one, Debian's amd64 linux-kbuild of that version
# (its fixdep and modpost run here), and Debian's aarch64 cross compiler of
# the series' gcc (bookworm's gcc-12 on the host, trixie's gcc-14 in the
# chroot). A W=1 build with no warning, and checks that the module is an
# AArch64 object for that kernel and page size. Prints one "ok|not ok|skip
# build: <series>-<flavour>: ..." line per check.
# Usage: tests/build-arm64.sh <series>[:<flavour>,...]...
#   e.g. tests/build-arm64.sh 7.3:arm64,arm64-16k 6.12-deb12-oldest:arm64
set -uo pipefail
. "$(dirname "$0")/lib/common.sh"
. "$VCP_ROOT/tests/env/series.sh"
need_root "build-arm64.sh"
res() { if [ "$1" = 0 ]; then echo "ok build: $2"; else echo "not ok build: $2 # $3"; fi; }
DEBS=$VCP_CACHE/debs
mkdir -p "$DEBS"

# the cross compiler for a toolchain, installed once
cross_cc() { # cross_cc host|trixie <gcc-major>
	local pkg=gcc-$2-aarch64-linux-gnu
	if [ "$1" = host ]; then
		command -v "aarch64-linux-gnu-gcc-$2" >/dev/null ||
			DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "$pkg" >/dev/null 2>&1
		command -v "aarch64-linux-gnu-gcc-$2" >/dev/null
	else
		"$VCP_ROOT/tests/env/in-trixie.sh" sh -c "command -v aarch64-linux-gnu-gcc-$2 >/dev/null ||
			{ apt-get -o DPkg::Lock::Timeout=600 update -q >/dev/null 2>&1; DEBIAN_FRONTEND=noninteractive \
			  apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends $pkg >/dev/null 2>&1; };
			command -v aarch64-linux-gnu-gcc-$2 >/dev/null"
	fi
}

# fetch the arm64 headers package of <arm-abi>, next to the amd64 one of
# <amd-abi> in the same pool directory; prints the .deb, or fails if the
# archive has no such package
fetch_arm_headers() { # fetch_arm_headers <amd-abi> <arm-abi>
	local uri f
	f=$(compgen -G "$DEBS/linux-headers-${2}_*_arm64.deb" | head -n 1)
	[ -n "$f" ] && { echo "$f"; return 0; }
	uri=$(apt-get download --print-uris "linux-headers-$1" 2>/dev/null | sed -n "s/^'\([^']*\)'.*/\1/p" | head -n 1)
	[ -n "$uri" ] || return 1
	uri=$(echo "$uri" | sed "s#linux-headers-\([^/_]*\)-amd64_\([^/]*\)_amd64\.deb#linux-headers-\1-${2##*+deb[0-9][0-9]-}_\2_arm64.deb#")
	f=$DEBS/$(basename "$uri" | sed 's/%2b/+/g; s/%7e/~/g')
	curl -sfL -o "$f.part" "$uri" || { rm -f "$f.part"; return 1; }
	mv "$f.part" "$f"
	echo "$f"
}

build_one() { # build_one <series> <flavour>
	local s=$1 flav=$2 name="$1-$2" amd arm tc gccv deb root kdir rel b out ko
	eval "$("$VCP_ROOT/tests/env/kernels.sh" "$s" --headers-only)" || {
		echo "not ok build: $name: the amd64 headers of $s"; return; }
	amd=$ABI tc=$TOOLCHAIN
	arm=${amd%-amd64}-$flav
	# one exact ABI (build-matrix.sh --all): name the package
	case $s in abi=*) name="all: linux-headers-$arm" ;; esac
	if ! deb=$(fetch_arm_headers "$amd" "$arm"); then
		echo "skip build: $name: W=1 cross build # the archive has no linux-headers-$arm"
		return
	fi
	# the compiler the kernel was built with: its headers depend on it
	gccv=$(dpkg-deb -f "$deb" Depends | grep -o 'gcc-[0-9]*' | head -n 1 | cut -d- -f2)
	if ! cross_cc "$tc" "$gccv"; then
		echo "not ok build: $name: W=1 cross build # cannot install gcc-$gccv-aarch64-linux-gnu ($tc)"
		return
	fi
	# the headers go where the amd64 ones of the same version are, so the
	# -common and kbuild trees they point to are mostly there already; a
	# flavour's own -common (6.12's -common-rt) is fetched from apt (arch all)
	local dep deps=()
	for dep in $(dpkg-deb -f "$deb" Depends | grep -oE 'linux-(headers-[^ ,]*-common[^ ,]*|kbuild-[^ ,]*)'); do
		compgen -G "$DEBS/${dep}_*.deb" >/dev/null ||
			(cd "$DEBS" && apt-get download -q "$dep" >/dev/null 2>&1) || {
			echo "not ok build: $name: W=1 cross build # apt-get download $dep failed"; return; }
		deps+=("$(compgen -G "$DEBS/${dep}_*.deb" | sort -V | tail -n 1)")
	done
	if [ "$tc" = host ]; then
		root=$VCP_CACHE/kernels/$arm/root
		if [ ! -e "$root/.ready" ]; then
			rm -rf "$root"; mkdir -p "$root"
			cp -a "$VCP_CACHE/kernels/$amd/root/usr" "$root/"
			for dep in "${deps[@]}" "$deb"; do dpkg-deb -x "$dep" "$root"; done
			sed -i "s#/usr/src/#$root/usr/src/#g" "$root/usr/src/linux-headers-$arm/Makefile"
			touch "$root/.ready"
		fi
		kdir=$root/usr/src/linux-headers-$arm
		rel=$kdir
	else
		root=$VCP_CACHE/trixie-root
		[ -e "$root/usr/src/linux-headers-$arm/.vcp-ready" ] || {
			for dep in "${deps[@]}" "$deb"; do dpkg-deb -x "$dep" "$root"; done
			touch "$root/usr/src/linux-headers-$arm/.vcp-ready"
		}
		kdir=/usr/src/linux-headers-$arm
		rel=$root$kdir
	fi
	b=$VCP_OUT/build/$arm
	rm -rf "$b"; mkdir -p "$b"
	(cd "$VCP_ROOT" && cp -r dkms.conf Makefile Kbuild src include conftest "$b/")
	if [ "$tc" = host ]; then
		out=$(make -C "$b" KVER="$arm" KDIR="$kdir" W=1 2>&1)
	else
		out=$("$VCP_ROOT/tests/env/in-trixie.sh" make -C "/src/${b#"$VCP_ROOT"/}" KVER="$arm" KDIR="$kdir" W=1 2>&1)
	fi
	echo "$out" > "$b/build.log"
	ko=$b/vfio-cxl-pci.ko
	res $([ -f "$ko" ] && [ "$(echo "$out" | grep -ciE 'warning:|error:')" = 0 ]; echo $?) \
		"$name: W=1 cross build ($arm, gcc-$gccv), no warnings" \
		"$(echo "$out" | grep -iE 'warning:|error:' | head -n 2 | tr '\n' ' ')"
	[ -f "$ko" ] || return
	res $(readelf -h "$ko" | grep 'Machine:.*AArch64' >/dev/null; echo $?) "$name: the module is an AArch64 object" \
		"$(readelf -h "$ko" | grep Machine:)"
	res $(strings "$ko" | grep "^vermagic=$arm " >/dev/null; echo $?) "$name: vermagic $arm" \
		"$(strings "$ko" | grep -m1 '^vermagic=')"
	local want=CONFIG_ARM64_4K_PAGES
	[ "$flav" = arm64-16k ] && want=CONFIG_ARM64_16K_PAGES
	res $(grep -q "^$want=y" "$rel/include/config/auto.conf"; echo $?) \
		"$name: built against a kernel with $want" "$(grep -m1 '^CONFIG_ARM64_.*K_PAGES=y' "$rel/include/config/auto.conf")"
}

for t in "$@"; do
	s=${t%%:*}
	flavs=arm64
	[ "$s" != "$t" ] && flavs=${t#*:}
	for f in ${flavs//,/ }; do build_one "$s" "$f"; done
done
