# Foundation checks: binding, detection, GET_INFO, regions, DPA I/O, the
# emulated COMP_REGS and DVSEC, resets, and the plain vfio-pci fall-backs.
# vcp-plan: 45 (results: VCP-TEST lines and KTAP suites; see tests/vm/vm.sh)
. /vcp/lib.sh
ldmod vfio_iommu_type1
ldmod vfio_cxl_pci allow_type3=1
P=/sys/module/vfio_cxl_pci/parameters
export VCP_BDF="$BDF"
regs_same() { cxlfw regs "$BDF" > /tmp/regs.now && cmp -s /tmp/regs.now /tmp/regs.before; }

# 1. no committed decoder yet: plain vfio-pci, reason logged
vcp_check "bind without a committed decoder" vcp_bind vfio-cxl-pci
vcp_check "uncommitted decoder: reason logged" \
	vcp_dmesg_has "plain vfio-pci device: HDM decoder 0 is not committed"
vcp_check "sysfs: vfio_cxl/reason gives the same reason" \
	grep -qx "HDM decoder 0 is not committed (platform firmware must commit it)" "$SYS/$BDF/vfio_cxl/reason"
vcp_ktap plain-uncommitted vfio_cxl_test -f plain
vcp_check "unbind" vcp_unbind

# 2. detection refuses decoders it cannot pass through
vcp_step "firmware commits an interleaved decoder 0" cxlfw commit "$BDF" iw=1
vcp_check "bind" vcp_bind vfio-cxl-pci
vcp_check "interleaved decoder: reason logged" vcp_dmesg_has "plain vfio-pci device: HDM decoder 0 is interleaved"
vcp_unbind
vcp_step "firmware commits decoder 0 outside the CXL window" cxlfw commit "$BDF" shift=0x100000000
vcp_check "bind" vcp_bind vfio-cxl-pci
vcp_check "decoder outside the CFMWS: reason logged" \
	vcp_dmesg_has "plain vfio-pci device: HDM decoder 0 maps outside every CXL Fixed Memory Window"
vcp_unbind

# 3. firmware commits decoder 0 (and locks it, as firmware does)
vcp_step "firmware commit of decoder 0" cxlfw commit "$BDF" lock
cxlfw regs "$BDF" > /tmp/regs.before
vcp_check "the host's decoder 0 is committed" \
	grep -q '^dec0 base=00000001_10000000 size=00000000_10000000 ctrl=00001700' /tmp/regs.before
hpa=$(cxlfw hpa | cut -d' ' -f1)
vcp_check "the CXL window is known" test -n "$hpa"

export VCP_EXPECT_CXL=1
vcp_check "bind as vfio-cxl-pci" vcp_bind vfio-cxl-pci
vcp_check "CXL passthrough logged" vcp_dmesg_has "CXL passthrough: HDM decoder 0 maps 256 MiB"
vcp_check "sysfs: vfio_cxl/ says cxl, 256 MiB, not open" \
	sh -c "test \"\$(cat $SYS/$BDF/vfio_cxl/mode $SYS/$BDF/vfio_cxl/dpa_size $SYS/$BDF/vfio_cxl/open | tr '\n' ' ')\" = 'cxl 268435456 0 '"
vcp_check "no kernel mapping of device memory while the device is closed" \
	sh -c "! grep -qi ' phys=0x0*${hpa#0x} ' /proc/vmallocinfo"
# all the cxl tests but two that need other module parameters (run below)
vcp_ktap cxl env VCP_DPA_SIZE=0x10000000 VCP_FW_LOCKED=1 VCP_HPA="$hpa" vfio_cxl_test \
	-T hdm_strict_lock -T guest_cxl_reset -f cxl
vcp_check "the host's decoder programming survives open/close" regs_same
vcp_check "the host HPA range is claimed" grep -qE "^ *0*${hpa#0x}-[0-9a-f]+ : vfio-cxl-pci DPA" /proc/iomem
vcp_check "no kernel mapping of device memory after the last close" \
	sh -c "! grep -qi ' phys=0x0*${hpa#0x} ' /proc/vmallocinfo"
vcp_check "unbind vfio-cxl-pci" vcp_unbind
vcp_check "sysfs: vfio_cxl/ goes away at unbind" test ! -e "$SYS/$BDF/vfio_cxl"

# 4. libvirt writes the module name
vcp_check "bind as vfio_cxl_pci (libvirt's name)" vcp_bind vfio_cxl_pci
vcp_ktap cxl-modname env VCP_DPA_SIZE=0x10000000 vfio_cxl_test -r cxl.device_flags -r cxl.dpa_mmap_first_last_page
vcp_check "unbind vfio_cxl_pci" vcp_unbind
vcp_check "the host's decoder programming is in place after unbind" regs_same

# 4b. firmware committed decoder 0 without locking it: the view still hides
#     the host address, shows no lock, and the v2 BASE placement works
vcp_step "firmware commit of decoder 0 without lock" cxlfw commit "$BDF"
cxlfw regs "$BDF" > /tmp/regs.unlocked
vcp_check "bind with an unlocked firmware decoder" vcp_bind vfio-cxl-pci
vcp_ktap cxl-fw-unlocked env VCP_DPA_SIZE=0x10000000 VCP_FW_LOCKED=0 vfio_cxl_test \
	-r cxl.comp_regs_decoder0_committed_base0 -r cxl.hdm_commit_fsm \
	-r cxl.hdm_view_survives_reset -r cxl.dpa_pread_pwrite -r cxl.comp_write_storm
vcp_check "unbind after the unlocked decoder" vcp_unbind
vcp_check "the unlocked firmware programming is in place after the suite" \
	sh -c "cxlfw regs $BDF | cmp -s - /tmp/regs.unlocked"
vcp_step "firmware commits and locks decoder 0 again" cxlfw commit "$BDF" lock
vcp_check "the same host programming as before" regs_same

# 5. guest-initiated CXL reset (QEMU's device has no CXL reset: emulate it);
#    the memory clear is tested by the "clear" scenario
vcp_step "set emulate_cxl_reset" sh -c "echo Y > $P/emulate_cxl_reset"
vcp_check "bind with emulate_cxl_reset" vcp_bind vfio-cxl-pci
vcp_ktap cxl-reset env VCP_SKIP_MEMCLR=1 VCP_EXPECT_CXL_RESET=1 vfio_cxl_test \
	-r cxl.guest_cxl_reset -r cxl.dvsec_status_and_control2
vcp_check "unbind after the CXL resets" vcp_unbind
echo N > $P/emulate_cxl_reset
vcp_check "the host's decoders are in place after the CXL resets" regs_same

# 6. strict_hdm_lock: the VMM cannot clear the firmware lock
vcp_step "set strict_hdm_lock" sh -c "echo Y > $P/strict_hdm_lock"
vcp_check "bind with strict_hdm_lock" vcp_bind vfio-cxl-pci
vcp_ktap cxl-strict env VCP_EXPECT_STRICT=1 vfio_cxl_test -r cxl.hdm_strict_lock
vcp_unbind
echo N > $P/strict_hdm_lock
vcp_check "the host's decoders are in place after the strict-lock suite" regs_same
unset VCP_EXPECT_CXL

# From here on the device is bound without CXL: nothing restores the
# decoders after the resets of an open and close, as with vfio-pci.
# 7. per-device opt-out
echo "$BDF" > $P/disable_cxl_bdf
vcp_check "bind with disable_cxl_bdf" vcp_bind vfio-cxl-pci
vcp_check "disable_cxl_bdf: reason logged" \
	vcp_dmesg_has "$BDF: bound as a plain vfio-pci device: CXL disabled by module parameter"
vcp_ktap plain-bdf vfio_cxl_test -f plain
vcp_unbind
echo > $P/disable_cxl_bdf

# 8. Type-3 devices need the opt-in
echo N > $P/allow_type3
vcp_check "bind a Type-3 device without allow_type3" vcp_bind vfio-cxl-pci
vcp_check "Type-3 refused: reason logged" vcp_dmesg_has "plain vfio-pci device: CXL Type-3 memory device"
vcp_unbind
echo Y > $P/allow_type3

# 9. disable_cxl=1 for every device
rmmod vfio_cxl_pci
ldmod vfio_cxl_pci allow_type3=1 disable_cxl=1
vcp_check "bind with disable_cxl=1" vcp_bind vfio-cxl-pci
vcp_check "disable_cxl: reason logged" vcp_dmesg_has "plain vfio-pci device: CXL disabled by module parameter"
vcp_ktap plain-disabled vfio_cxl_test -f plain
vcp_unbind
vcp_step "rmmod" rmmod vfio_cxl_pci
