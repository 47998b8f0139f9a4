# Reset, decode-off and teardown safety under load; the kernel log is
# checked after each stress test.
# vcp-plan: 21 (results: VCP-TEST lines and KTAP suites; see tests/vm/vm.sh)
. /vcp/lib.sh
# vcp.stress=quick (kernel command line) runs each test a few times only
if [ "$(vcp_arg vcp.stress)" = quick ]; then
	export VCP_STRESS_RESETS=10 VCP_STRESS_TOGGLES=10 VCP_STRESS_OPENS=20 STRESS_BINDS=5
fi
ldmod vfio_iommu_type1
vcp_step "stress: firmware commit of decoder 0" cxlfw commit "$BDF" lock
ldmod vfio_cxl_pci allow_type3=1
vcp_check "stress: bind" vcp_bind vfio-cxl-pci
for t in reset_under_load memory_toggle_under_load open_close_cycles unbind_while_mapped restore_failure_blocks pread_is_killable rmmod_while_open; do
	vcp_ktap "stress-$t" env VCP_BDF="$BDF" vfio_cxl_stress_test -r "stress.$t"
	vcp_kernel_log_clean "after $t: kernel log has no WARN, BUG, Oops or lockdep report"
done

n=$(dmesg | grep -c 'cannot restore the host HDM decoder programming (-16): device memory stays blocked')
vcp_check "a failed restore is logged once, with its reason" test "$n" = 1

# bind/unbind cycles
n=${STRESS_BINDS:-100}
cxl0=$(dmesg | grep -c 'vfio-cxl-pci .*CXL passthrough')
t0=$(cut -d' ' -f1 /proc/uptime)
i=0 bad=0
while [ $i -lt "$n" ]; do
	echo "$BDF" > "$SYS/$BDF/driver/unbind" || bad=$((bad + 1))
	echo "$BDF" > /sys/bus/pci/drivers_probe || bad=$((bad + 1))
	[ "$(vcp_driver)" = vfio-cxl-pci ] || bad=$((bad + 1))
	i=$((i + 1))
done
t1=$(cut -d' ' -f1 /proc/uptime)
echo "VCP-STRESS: $n bind/unbind cycles in $(echo "$t0 $t1" | awk '{printf "%.1f", $2 - $1}') s"
vcp_check "$n bind/unbind cycles, each rebound as CXL" test "$bad" = 0
vcp_check "each rebind detected CXL again" test "$(dmesg | grep -c 'vfio-cxl-pci .*CXL passthrough')" = $((cxl0 + n))
vcp_ktap stress-after-binds env VCP_BDF="$BDF" VCP_STRESS_RESETS=5 vfio_cxl_stress_test -r stress.reset_under_load
vcp_kernel_log_clean "after bind/unbind: kernel log has no WARN, BUG, Oops or lockdep report"
vcp_check "the host's decoders are in place" sh -c "cxlfw regs $BDF | grep -q '^dec0 base=00000001_10000000 size=00000000_10000000 ctrl=00001700'"
