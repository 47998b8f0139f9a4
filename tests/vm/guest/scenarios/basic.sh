# Foundation checks: binding, detection, GET_INFO, regions, DPA I/O, and the
# plain vfio-pci fall-backs.
. /vcp/lib.sh
ldmod vfio_iommu_type1
ldmod vfio_cxl_pci allow_type3=1
P=/sys/module/vfio_cxl_pci/parameters

# 1. no committed decoder yet: plain vfio-pci, reason logged
vcp_check "bind without a committed decoder" vcp_bind vfio-cxl-pci
vcp_check "uncommitted decoder: reason logged" \
	vcp_dmesg_has "plain vfio-pci device: HDM decoder 0 is not committed"
vcp_ktap plain-uncommitted env VCP_BDF="$BDF" vfio_cxl_test -f plain
vcp_check "unbind" vcp_unbind

# 2. firmware commits decoder 0 (and locks it, as firmware does)
vcp_check "firmware commit of decoder 0" cxlfw commit "$BDF" lock
cxlfw regs "$BDF" > /tmp/regs.before
hpa=$(cxlfw hpa | cut -d' ' -f1)

vcp_check "bind as vfio-cxl-pci" vcp_bind vfio-cxl-pci
vcp_check "CXL passthrough logged" vcp_dmesg_has "CXL passthrough: HDM decoder 0 maps 256 MiB"
vcp_ktap cxl env VCP_BDF="$BDF" VCP_DPA_SIZE=0x10000000 vfio_cxl_test -f cxl
vcp_check "the host's decoder programming survives open/close" \
	sh -c "cxlfw regs $BDF | cmp -s - /tmp/regs.before"
vcp_check "the host HPA range is claimed" grep -q "$(printf %x "$hpa")-.* : vfio-cxl-pci DPA" /proc/iomem
vcp_check "unbind vfio-cxl-pci" vcp_unbind

# 3. libvirt writes the module name
vcp_check "bind as vfio_cxl_pci (libvirt's name)" vcp_bind vfio_cxl_pci
vcp_ktap cxl-modname env VCP_BDF="$BDF" VCP_DPA_SIZE=0x10000000 vfio_cxl_test -r cxl.device_flags -r cxl.dpa_mmap_first_last_page
vcp_check "unbind vfio_cxl_pci" vcp_unbind
vcp_check "the host's decoder programming is in place after unbind" \
	sh -c "cxlfw regs $BDF | cmp -s - /tmp/regs.before"

# 4. guest-initiated CXL reset (QEMU's device has no CXL reset: emulate it);
#    the memory clear is tested by the "clear" scenario
echo Y > $P/emulate_cxl_reset
vcp_check "bind with emulate_cxl_reset" vcp_bind vfio-cxl-pci
vcp_ktap cxl-reset env VCP_BDF="$BDF" VCP_SKIP_MEMCLR=1 vfio_cxl_test -r cxl.guest_cxl_reset -r cxl.dvsec_status_and_control2
vcp_check "unbind after the CXL resets" vcp_unbind
echo N > $P/emulate_cxl_reset
vcp_check "the host's decoders are in place after the CXL resets" \
	sh -c "cxlfw regs $BDF | cmp -s - /tmp/regs.before"

# From here on the device is bound without CXL: nothing restores the
# decoders after the resets of an open and close, as with vfio-pci.

# 5. per-device opt-out
echo "$BDF" > $P/disable_cxl_bdf
vcp_check "bind with disable_cxl_bdf" vcp_bind vfio-cxl-pci
vcp_check "disable_cxl_bdf: reason logged" \
	vcp_dmesg_has "$BDF: bound as a plain vfio-pci device: CXL disabled by module parameter"
vcp_ktap plain-bdf env VCP_BDF="$BDF" vfio_cxl_test -f plain
vcp_unbind
echo > $P/disable_cxl_bdf

# 6. Type-3 devices need the opt-in
echo N > $P/allow_type3
dmesg -C
vcp_check "bind a Type-3 device without allow_type3" vcp_bind vfio-cxl-pci
vcp_check "Type-3 refused: reason logged" vcp_dmesg_has "plain vfio-pci device: CXL Type-3 memory device"
vcp_unbind
echo Y > $P/allow_type3

# 7. disable_cxl=1 for every device
rmmod vfio_cxl_pci
ldmod vfio_cxl_pci allow_type3=1 disable_cxl=1
dmesg -C
vcp_check "bind with disable_cxl=1" vcp_bind vfio-cxl-pci
vcp_check "disable_cxl: reason logged" vcp_dmesg_has "plain vfio-pci device: CXL disabled by module parameter"
vcp_ktap plain-disabled env VCP_BDF="$BDF" vfio_cxl_test -f plain
vcp_unbind
vcp_check "rmmod" rmmod vfio_cxl_pci
