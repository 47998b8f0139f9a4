#!/bin/bash
# Install the host tools the build and the tests use (Debian 12 host, apt only).
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"
need_root "host-packages.sh"
"$(dirname "$0")/apt-sources.sh"

PKGS=(make gcc libc6-dev bc kmod dkms pahole xz-utils zstd cpio file
      busybox-static debootstrap sparse perl clang libclang-rt-14-dev llvm
      libkmod-dev pkg-config git ca-certificates gcc-multilib g++
      dpkg-dev debhelper dh-dkms fakeroot lintian rpm openssl libjson-c-dev driverctl man-db)
missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	log "apt-get -o DPkg::Lock::Timeout=600 install ${missing[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi
# QEMU 10.0 from bookworm-backports: bookworm's own 7.2 has no cxl-type3 volatile-memdev.
if ! qemu-system-x86_64 --version 2>/dev/null | grep -qE 'version [1-9][0-9]\.'; then
	log "apt-get -o DPkg::Lock::Timeout=600 install -t bookworm-backports qemu-system-x86"
	DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends \
		-t bookworm-backports qemu-system-x86 >/dev/null
fi
