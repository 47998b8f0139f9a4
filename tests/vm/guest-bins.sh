#!/bin/bash
# Build the guest programs into $VCP_OUT/guest-bin: static cxlfw (firmware
# emulation and register dumps), vfio-cxl-demo, vmm-client (drives the real
# VMM), json-get (json-c), the kselftest-harness suites (kselftest_harness.h
# from Debian's linux-source, never committed), and the product's own
# vfio-cxl command, linked against libkmod as it ships (mkinitramfs.sh copies
# the shared libraries it needs).
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"
eval "$("$VCP_ROOT/tests/env/linux-source.sh")"
O=$VCP_OUT/guest-bin
mkdir -p "$O"
CFLAGS=(-static -O2 -g -Wall -Wextra -Werror -Wno-sign-compare -Wno-unused-parameter
	-I"$LINUX_SOURCE/tools/testing/selftests")
T=$VCP_ROOT/tests
cc() { gcc "${CFLAGS[@]}" -o "$@"; }
cc "$O/cxlfw" "$T/vm/guest/cxlfw.c"
cc "$O/vfio-cxl-demo" "$T/vm/guest/vfio-cxl-demo.c" "$T/lib/vfio_dev.c"
cc "$O/vmm-client" "$T/vm/guest/vmm-client.c" "$T/lib/vfio_dev.c"
cc "$O/json-get" "$T/vm/guest/json-get.c" -ljson-c
cc "$O/vfio-cxl-bench" "$VCP_ROOT/bench/vfio-cxl-bench.c" "$T/lib/vfio_dev.c"
VER=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$VCP_ROOT/dkms.conf")
# shellcheck disable=SC2046
gcc -O2 -g -Wall -Wextra -Werror -Wno-sign-compare -DVFIO_CXL_VERSION="\"$VER\"" \
	$(pkg-config --cflags libkmod) -o "$O/vfio-cxl" "$VCP_ROOT"/tools/vfio-cxl/*.c \
	$(pkg-config --libs libkmod)
for t in "$T"/selftests/*_test.c; do
	cc "$O/$(basename "$t" .c)" "$t" "$T/lib/vfio_dev.c" -lpthread
done
echo "$O"
