#!/bin/bash
# Make the Debian suites the test-bed needs reachable through apt:
#   bookworm-backports  QEMU 10.0 (the host's bookworm QEMU 7.2 lacks volatile-memdev)
#   trixie, trixie-backports  the 6.12+deb13, 7.2 and 7.3 kernels and the gcc-14 chroot
# trixie suites get a low pin priority so that nothing on the bookworm host is
# upgraded from them; they are only used for downloads and the chroot.
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"
need_root "apt-sources.sh"

MIRROR=$(debian_mirror)
SRC=/etc/apt/sources.list.d/vfio-cxl-pci-testbed.sources
PIN=/etc/apt/preferences.d/vfio-cxl-pci-testbed

have_suite() { apt-cache policy 2>/dev/null | grep -q "n=$1,"; }

changed=0
if ! have_suite bookworm-backports || ! have_suite trixie || ! have_suite trixie-backports; then
	cat > "$SRC" <<EOT
Types: deb
URIs: $MIRROR
Suites: bookworm-backports trixie trixie-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOT
	changed=1
fi
if [ ! -e "$PIN" ] && ! grep -rqs 'n=trixie' /etc/apt/preferences /etc/apt/preferences.d/; then
	cat > "$PIN" <<'EOT'
Package: *
Pin: release n=trixie
Pin-Priority: 50

Package: *
Pin: release n=trixie-backports
Pin-Priority: 50
EOT
	changed=1
fi
stamp=$VCP_CACHE/apt-updated
mkdir -p "$VCP_CACHE"
if [ $changed = 1 ] || [ -z "$(find "$stamp" -mmin -360 2>/dev/null)" ]; then
	log "apt-get update"
	apt-get -o DPkg::Lock::Timeout=600 update -q >/dev/null
	touch "$stamp"
fi
