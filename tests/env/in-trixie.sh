#!/bin/bash
# Run a command inside the cached trixie chroot, with the repository bind-mounted
# at /src and proc/sys/dev available, in a private mount namespace (nothing leaks
# to the host's mount table).  Usage: in-trixie.sh <command> [args...]
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"
need_root "in-trixie.sh"
ROOT=$VCP_CACHE/trixie-root
[ -e "$ROOT/.ready" ] || "$(dirname "$0")/trixie-root.sh"
mkdir -p "$ROOT/src"
cp -L /etc/resolv.conf "$ROOT/etc/resolv.conf" 2>/dev/null || true
exec unshare --mount --propagation private /bin/bash -c '
	set -e
	root=$1; repo=$2; shift 2
	mount --bind "$repo" "$root/src"
	mount -t proc proc "$root/proc"
	mount --rbind /sys "$root/sys"
	mount --rbind /dev "$root/dev"
	exec chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"
' _ "$ROOT" "$VCP_ROOT" "$@"
