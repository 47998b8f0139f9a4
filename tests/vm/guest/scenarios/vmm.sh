# The real VMM: NVIDIA's QEMU CXL passthrough series (from ../shared/vmm,
# in /vmm of the initramfs) runs against the device bound to vfio-cxl-pci,
# with qtest as the VM's CPU (tests/vm/guest/vmm-client.c). Three QEMU runs
# on the same device (the second killed with SIGKILL), then one against the
# device bound to plain vfio-pci. The host checks the backing file after the
# boot (host_vmm in tests/vm/vm.sh).
# vcp-plan: 48 (results: VCP-TEST lines and KTAP suites; see tests/vm/vm.sh)
. /vcp/lib.sh
# vmm-client's result lines, then its exit status: 0 or 1, anything else
# (a crash) is a failure of its own
client() {
	vmm-client "$BDF" "$hpa" "$@"
	rc=$?
	[ $rc -le 1 ] || vcp_result "not ok" "vmm: $1 run: the client ran to its end" "exit status $rc"
	sed "s/^/VCP-VMM: $1 run: QEMU stderr: /" "/tmp/vmm-$1.err" 2>/dev/null
	if [ $rc != 0 ]; then
		dmesg | tail -n 30 | sed "s/^/VCP-VMM: $1 run: dmesg: /"
	fi
}
if [ ! -x /vmm/qemu-system-x86_64 ]; then
	vcp_result "not ok" "vmm: QEMU is in the initramfs" "no /vmm/qemu-system-x86_64"
	exit 1
fi
ldmod vfio_iommu_type1
vcp_step "vmm: firmware commit of decoder 0" cxlfw commit "$BDF" lock
cxlfw regs "$BDF" > /tmp/vmm-regs.before
hpa=$(cxlfw hpa | cut -d' ' -f1)
ldmod vfio_cxl_pci allow_type3=1
vcp_check "vmm: bind as vfio-cxl-pci" vcp_bind vfio-cxl-pci
client first
client second kill
client third
vcp_check "vmm: the host's decoders are as firmware left them after the QEMU runs" \
	sh -c "cxlfw regs $BDF | cmp -s - /tmp/vmm-regs.before"
vcp_kernel_log_clean "vmm: kernel log has no WARN, BUG, Oops or lockdep report after the QEMU runs"
vcp_check "vmm: unbind vfio-cxl-pci" vcp_unbind

# what a user gets without this driver
ldmod vfio_pci
vcp_check "vmm: bind as plain vfio-pci" vcp_bind vfio-pci
client plain
vcp_check "vmm: unbind vfio-pci" vcp_unbind
