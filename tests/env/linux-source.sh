#!/bin/bash
# Unpack the few files the tests take from Debian's linux-source package (the
# newest one apt knows): checkpatch.pl and its data files, and the kselftest
# harness headers. Nothing from it is committed. Prints LINUX_SOURCE=<dir>.
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"
need_root "linux-source.sh"
pkg=$(apt-cache pkgnames linux-source- | grep -E '^linux-source-[0-9]+\.[0-9]+$' | sort -V | tail -n 1)
[ -n "$pkg" ] || die "no linux-source package in apt"
ver=${pkg#linux-source-}
D=$VCP_CACHE/$pkg
if [ ! -e "$D/.ready" ]; then
	log "fetching $pkg for checkpatch.pl and kselftest_harness.h"
	mkdir -p "$VCP_CACHE/debs"
	(cd "$VCP_CACHE/debs" && { compgen -G "${pkg}_*.deb" >/dev/null || apt-get download -q "$pkg" >/dev/null 2>&1; }) ||
		die "apt-get download $pkg failed"
	rm -rf "$D"; mkdir -p "$D"
	dpkg-deb --fsys-tarfile "$(compgen -G "$VCP_CACHE/debs/${pkg}_*.deb" | tail -n 1)" |
		tar -xO "./usr/src/linux-source-$ver.tar.xz" |
		tar -xJ -C "$D" --strip-components=1 --wildcards \
			"linux-source-$ver/scripts/checkpatch.pl" \
			"linux-source-$ver/scripts/spelling.txt" \
			"linux-source-$ver/scripts/const_structs.checkpatch" \
			"linux-source-$ver/tools/testing/selftests/kselftest.h" \
			"linux-source-$ver/tools/testing/selftests/kselftest_harness.h" \
			"linux-source-$ver/.clang-format"
	touch "$D/.ready"
fi
echo "LINUX_SOURCE=$D"
