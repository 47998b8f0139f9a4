# The main job: firmware commits decoder 0, vfio-cxl-pci binds, a VFIO
# program writes a message through the DPA mmap; the host then reads it back
# from the device's memory backing file.
# vcp-plan: 3 (results: VCP-TEST lines and KTAP suites; see tests/vm/vm.sh)
. /vcp/lib.sh
msg="$(vcp_arg vcp.msg | tr _ ' ')"
say() { echo "VCP-DEMO: $*"; }
say "CXL device $BDF: $(cat "$SYS/$BDF/vendor"):$(cat "$SYS/$BDF/device") class $(cat "$SYS/$BDF/class")"
say "[firmware] committing HDM decoder 0 to the CXL fixed memory window"
cxlfw commit "$BDF" lock | sed 's/^/VCP-DEMO:   /'
cxlfw regs "$BDF" | grep -E '^dvsec|^dec0' > /tmp/demo.regs
say "[host] loading vfio-cxl-pci (allow_type3=1: QEMU only emulates Type-3 devices)"
ldmod vfio_iommu_type1
ldmod vfio_cxl_pci allow_type3=1
say "[host] binding $BDF with driver_override=vfio-cxl-pci"
vcp_check "demo: bind through driver_override" vcp_bind vfio-cxl-pci
dmesg | grep -E 'vfio.cxl.pci [0-9a-f]{4}:' | sed 's/^[^]]*] /VCP-DEMO:   kernel: /'
say "[VMM] opening the device through VFIO and writing into device memory"
vfio-cxl-demo "$BDF" 0x1000 "$msg" > /tmp/demo.out 2>&1
rc=$?
sed 's/^/VCP-DEMO:   /' /tmp/demo.out
vcp_check "demo: VMM wrote the message through the DPA mmap" test "$rc" = 0
say "[host] after close: real decoder 0 is back to the host's programming:"
cxlfw regs "$BDF" | grep -E '^dvsec|^dec0' > /tmp/demo.regs.after
sed 's/^/VCP-DEMO:   /' /tmp/demo.regs.after
vcp_check "demo: the host's decoder 0 is as firmware left it" cmp -s /tmp/demo.regs /tmp/demo.regs.after
