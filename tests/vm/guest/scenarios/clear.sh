# Clearing device memory: the scrub parameter (between owners) and a guest
# CXL reset with CXL_Reset_Mem_Clr_Enable. Each writes all of device memory,
# which takes about a minute under QEMU 10.0's emulation (the cost is printed).
# vcp-plan: 5 (results: VCP-TEST lines and KTAP suites; see tests/vm/vm.sh)
. /vcp/lib.sh
ldmod vfio_iommu_type1
vcp_step "clear: firmware commit of decoder 0" cxlfw commit "$BDF" lock
ldmod vfio_cxl_pci allow_type3=1 scrub=1 emulate_cxl_reset=1
export VCP_EXPECT_CXL=1 VCP_EXPECT_CXL_RESET=1
vcp_check "clear: bind with scrub=1 emulate_cxl_reset=1" vcp_bind vfio-cxl-pci
vcp_ktap clear-scrub env VCP_BDF="$BDF" vfio_cxl_stress_test \
	-r stress.scrub_finished_after_kill -r stress.scrub_between_owners
vcp_ktap clear-cxl-reset env VCP_BDF="$BDF" vfio_cxl_test -r cxl.guest_cxl_reset
vcp_check "clear: a scrub a kill interrupted is finished by the driver, not left to the next open" \
	vcp_dmesg_has "device memory scrubbed after its owner was killed"
vcp_kernel_log_clean "after the clears: kernel log has no WARN, BUG, Oops or lockdep report"
