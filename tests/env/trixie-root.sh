#!/bin/bash
# Create (once) and cache a Debian trixie chroot with gcc-14, pahole 1.30, make,
# kmod and dkms: the toolchain the +deb13 kernels are built with. A bookworm host
# cannot build modules for them (gcc-12 lacks -fmin-function-alignment, and their
# kbuild tools need glibc 2.38).
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"
need_root "trixie-root.sh"
ROOT=$VCP_CACHE/trixie-root
[ -e "$ROOT/.ready" ] && exit 0

"$(dirname "$0")/apt-sources.sh"
command -v debootstrap >/dev/null || "$(dirname "$0")/host-packages.sh"
MIRROR=$(debian_mirror)
rm -rf "$ROOT"
log "debootstrap trixie into $ROOT (a few minutes, once)"
debootstrap --variant=minbase \
	--include=gcc-14,make,libc6-dev,pahole,kmod,dkms,libelf1t64,libssl3t64,zlib1g,xz-utils,zstd,bc,patch \
	trixie "$ROOT" "$MIRROR" > "$VCP_CACHE/debootstrap.log" 2>&1 ||
	{ tail -20 "$VCP_CACHE/debootstrap.log" >&2; die "debootstrap failed"; }
printf 'Types: deb\nURIs: %s\nSuites: trixie trixie-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
	"$MIRROR" > "$ROOT/etc/apt/sources.list.d/debian.sources"
rm -f "$ROOT/etc/apt/sources.list"
touch "$ROOT/.ready"
log "trixie chroot ready"
