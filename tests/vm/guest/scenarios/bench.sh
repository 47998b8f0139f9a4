# The benchmark's measurements (bench/run.sh), on the 2 GiB layout: page
# faults and first-touch time of DPA mappings of 256 MiB to 2 GiB with 4 KiB
# entries (huge_pages=N) and with the default (PMD/PUD) entries; 32-bit
# config-space and COMP_REGS preads and VFIO_DEVICE_RESET cycles through
# vfio-cxl-pci, then the same config preads and resets through plain
# vfio-pci on the same device, the drivers in turn. Figures go out as
# VCP-BENCH lines.
# vcp-plan: 13 (results: VCP-TEST lines and KTAP suites; see tests/vm/vm.sh)
. /vcp/lib.sh
ldmod vfio_iommu_type1
ldmod vfio_pci
ldmod vfio_cxl_pci allow_type3=1
N=$(vcp_arg vcp.bench_n)
N=${N:-20000}
SIZES="0x10000000 0x20000000 0x40000000 0x80000000"
P=/sys/module/vfio_cxl_pci/parameters
bench() { # bench <name> <args...>: its VCP-BENCH lines go to the console
	local name=$1 rc
	shift
	vfio-cxl-bench "$BDF" "$@" > /tmp/bench.out 2>&1
	rc=$?
	cat /tmp/bench.out
	vcp_check "bench: $name" test "$rc" = 0
}
vcp_step "firmware commits decoder 0 at a 1 GiB boundary" vcp_commit_at_gib
vcp_check "bench: bind vfio-cxl-pci" vcp_bind vfio-cxl-pci
# every page of the backing file once, so that no measured pass pays the
# host's first touch of the file
bench "warm-up pass" map warm 0x80000000
echo N > $P/huge_pages
bench "mappings with 4 KiB entries" map 4k $SIZES
echo Y > $P/huge_pages
bench "mappings with the default entries" map default $SIZES
# the two drivers in turn, three times: a change in the machine's speed
# during the boot (TCG shares the host) hits both alike; bench/run.sh takes
# each driver's best
for round in 1 2 3; do
	[ "$round" = 1 ] || vcp_bind vfio-cxl-pci
	bench "accesses and resets through vfio-cxl-pci, round $round" access "$N"
	vcp_unbind
	vcp_check "bench: bind vfio-pci, round $round" vcp_bind vfio-pci
	bench "accesses and resets through vfio-pci, round $round" access "$N"
	vcp_unbind
done
