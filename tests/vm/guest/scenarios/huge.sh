# Huge DPA mappings on the second test-bed layout: a 2 GiB device (sparse
# backing file) that firmware commits at a 1 GiB-aligned host physical
# address, so 1 GiB PUD entries can map it. Fault counts (the process's
# page-fault counter), huge_pages=N, a mapping at an offset that is not
# 2 MiB aligned, partial munmap, mremap and fork of huge mappings, and the
# reset and unbind stress tests with 1 GiB entries in place.
# vcp-plan: 5 (results: VCP-TEST lines and KTAP suites; see tests/vm/vm.sh)
. /vcp/lib.sh
ldmod vfio_iommu_type1
ldmod vfio_cxl_pci allow_type3=1
gib=$((1 << 30))
vcp_step "firmware commits decoder 0 at a 1 GiB boundary" vcp_commit_at_gib
vcp_check "the host's decoder 0 maps 2 GiB at a 1 GiB-aligned address" sh -c "
	set -- \$(cxlfw regs $BDF | sed -n 's/^dec0 base=\\([0-9a-f]*\\)_\\([0-9a-f]*\\) size=\\([0-9a-f]*\\)_\\([0-9a-f]*\\).*/0x\\1\\2 0x\\3\\4/p')
	[ \$((\$1 % $gib)) = 0 ] && [ \$((\$2)) = \$((2 * $gib)) ]"
export VCP_EXPECT_CXL=1 VCP_BDF="$BDF"
vcp_check "bind as vfio-cxl-pci" vcp_bind vfio-cxl-pci
vcp_check "CXL passthrough of 2048 MiB logged" vcp_dmesg_has "CXL passthrough: HDM decoder 0 maps 2048 MiB"
vcp_ktap huge-pud env VCP_DPA_SIZE=0x80000000 VCP_EXPECT_PUD=1 vfio_cxl_test \
	-r cxl.dpa_huge_faults -r cxl.dpa_huge_pages_param -r cxl.dpa_unaligned_offset_maps_pages \
	-r cxl.dpa_huge_partial_munmap -r cxl.dpa_huge_mremap -r cxl.dpa_huge_fork \
	-r cxl.dpa_mmap_first_last_page -r cxl.dpa_pread_pwrite
vcp_ktap huge-stress env VCP_STRESS_RESETS=5 vfio_cxl_stress_test \
	-r stress.reset_under_load -r stress.unbind_while_mapped
vcp_unbind
vcp_step "rmmod" rmmod vfio_cxl_pci
