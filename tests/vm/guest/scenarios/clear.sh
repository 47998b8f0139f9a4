# Clearing device memory: the scrub parameter (between owners) and a guest
# CXL reset with CXL_Reset_Mem_Clr_Enable. Each writes all of device memory,
# which takes about a minute under QEMU 10.0's emulation (the cost is printed).
. /vcp/lib.sh
ldmod vfio_iommu_type1
vcp_check "clear: firmware commit of decoder 0" cxlfw commit "$BDF" lock
ldmod vfio_cxl_pci allow_type3=1 scrub=1 emulate_cxl_reset=1
export VCP_EXPECT_CXL=1 VCP_EXPECT_CXL_RESET=1
vcp_check "clear: bind with scrub=1 emulate_cxl_reset=1" vcp_bind vfio-cxl-pci
vcp_ktap clear-scrub env VCP_BDF="$BDF" vfio_cxl_stress_test \
	-r stress.scrub_finished_by_next_open -r stress.scrub_between_owners
vcp_ktap clear-cxl-reset env VCP_BDF="$BDF" vfio_cxl_test -r cxl.guest_cxl_reset
vcp_check "clear: an interrupted scrub is reported" \
	vcp_dmesg_has "cannot scrub device memory after close; the next open scrubs first"
vcp_kernel_log_clean "after the clears: kernel log has no WARN, BUG, Oops or lockdep report"
