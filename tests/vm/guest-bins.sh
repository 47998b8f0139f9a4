#!/bin/bash
# Build the static guest programs into $VCP_OUT/guest-bin: cxlfw (firmware
# emulation and register dumps), vfio-cxl-demo, vmm-client (drives the real
# VMM), and the kselftest-harness
# suites (kselftest_harness.h from Debian's linux-source, never committed).
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
for t in "$T"/selftests/*_test.c; do
	cc "$O/$(basename "$t" .c)" "$t" "$T/lib/vfio_dev.c" -lpthread
done
echo "$O"
