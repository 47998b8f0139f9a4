#!/bin/bash
# The main job, from a fresh Debian 12 machine: set up the test-bed, build
# and install vfio-cxl-pci with dkms for a Debian kernel, boot that kernel in
# QEMU with an emulated CXL device, let "firmware" commit HDM decoder 0, bind
# the driver, write a message through the DPA mmap from a VFIO program, and
# read the message back on the host from the device's memory backing file.
# With --vmm (make demo-vmm) the VMM is the real one: NVIDIA's QEMU CXL
# passthrough series, built from ../shared/vmm, runs in the test VM with the
# device and its VM writes the message into its CXL memory.
# Env: VFIO_CXL_SERIES=<series> (default 6.12-deb12), DEMO_MSG=<text>.
set -uo pipefail
. "$(dirname "$0")/lib/common.sh"
need_root "the demo"
SCENARIO=demo
if [ "${1:-}" = --vmm ]; then
	SCENARIO=vmm-demo
elif [ -n "${1:-}" ]; then
	die "usage: demo.sh [--vmm]"
fi
S=${VFIO_CXL_SERIES:-6.12-deb12}
S=${S%% *}
export DEMO_MSG=${DEMO_MSG:-hello from the VMM through vfio-cxl-pci, $(date -u +%Y-%m-%dT%H:%M:%SZ)}
export VCP_KEEP_MEM=1

say() { printf '\n\033[1m%s\033[0m\n' "$*"; }
say "1. host tools (apt: QEMU 10.0 from bookworm-backports, dkms, busybox, ...)"
"$VCP_ROOT/tests/env/host-packages.sh" || exit 1
say "2. Debian kernel series $S: newest ABI from apt, headers and image"
"$VCP_ROOT/tests/env/kernels.sh" "$S" | sed 's/^/   /' || exit 1
say "3. dkms add/build/install vfio-cxl-pci for that kernel"
ko=$("$VCP_ROOT/tests/dkms.sh" "$S") || exit 1
echo "   $(modinfo -F vermagic "$ko" | cut -d' ' -f1): $ko"
if [ "$SCENARIO" = vmm-demo ]; then
	say "3b. the real VMM: QEMU 11.0.0 with NVIDIA's CXL series, from ../shared/vmm (built once, cached)"
	"$VCP_ROOT/tests/env/vmm-qemu.sh" | sed 's/^/   /'
	[ "${PIPESTATUS[0]}" = 0 ] || die "the real VMM is not available (see above)"
fi
say "4. boot it in QEMU (pxb-cxl, cxl-rp, cxl-type3 on a shared memory file, CFMWS, intel-iommu)"
out=$(VCP_MODULE=$ko "$VCP_ROOT/tests/vm/vm.sh" "$S" "$SCENARIO")
vm_rc=$?
eval "$("$VCP_ROOT/tests/env/kernels.sh" "$S" --headers-only)"
log_file=$VCP_OUT/vm/$ABI/$SCENARIO.log
sed -n 's/^VCP-DEMO: /   /p' "$log_file"
say "5. on the host: the device's memory backing file at DPA offset 0x1000"
mem=$VCP_OUT/vm/$ABI/$SCENARIO.mem
[ -f "$mem" ] && od -A x -t x1z -j 4096 -N 64 "$mem" | sed 's/^/   /'
echo "   read back: \"$(cat "$VCP_OUT/vm/$ABI/$SCENARIO.readback" 2>/dev/null)\""
echo
echo "$out"
fail=$(echo "$out" | grep -c '^not ok')
# a boot that died before reporting, or reported nothing, is a failure too
if [ "$fail" = 0 ] && { [ "$vm_rc" != 0 ] || ! echo "$out" | grep -q '^ok '; }; then
	fail=1
fi
if [ "$fail" = 0 ]; then
	say "The host read back the message the guest's VMM wrote through the DPA mmap."
else
	say "The demo FAILED ($fail checks); serial log: $log_file"
fi
[ "$fail" = 0 ]
