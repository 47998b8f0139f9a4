# The main job through the real VMM (make demo-vmm): firmware commits HDM
# decoder 0, vfio-cxl-pci binds, NVIDIA's QEMU CXL series sets the device up
# for a VM (qtest plays the VM's CPU) and the VM writes a message into its CXL
# memory; the host then reads it from the device's memory backing file.
# vcp-plan: 9 (results: VCP-TEST lines and KTAP suites; see tests/vm/vm.sh)
. /vcp/lib.sh
msg="$(vcp_arg vcp.msg | tr _ ' ')"
say() { echo "VCP-DEMO: $*"; }
say "[firmware] committing HDM decoder 0 to the CXL fixed memory window"
cxlfw commit "$BDF" lock | sed 's/^/VCP-DEMO:   /'
ldmod vfio_iommu_type1
ldmod vfio_cxl_pci allow_type3=1
say "[host] binding $BDF to vfio-cxl-pci"
vcp_check "vmm-demo: bind through driver_override" vcp_bind vfio-cxl-pci
say "[VMM] starting the series' QEMU with the device on a pxb-cxl root port"
vmm-client "$BDF" "$(cxlfw hpa | cut -d' ' -f1)" demo "$msg" > /tmp/vmm-demo.out 2>&1
grep -E '^VCP-(DEMO|VMM)' /tmp/vmm-demo.out
grep '^VCP-TEST' /tmp/vmm-demo.out | sed 's/^VCP-TEST: /VCP-DEMO:   check: /'
grep '^VCP-TEST' /tmp/vmm-demo.out
sed 's/^/VCP-DEMO:   QEMU stderr: /' /tmp/vmm-demo.err 2>/dev/null
