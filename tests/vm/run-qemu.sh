#!/bin/bash
# Boot the test VM: q35 with an intel-iommu, and a CXL topology of one
# pxb-cxl host bridge, one cxl-rp root port and one cxl-type3 device whose
# volatile memory is a shared file on the host, plus a 4 GiB CXL fixed memory
# window. KVM only where it really works (VT-x/SVM and not PVM), else TCG.
# Env: KERNEL INITRD APPEND LOG MEMFILE [MEMSIZE=256M] [QEMU]
#      [TIMEOUT=600]: seconds before QEMU is killed, 0 for none (tests/vm/vm.sh
#      passes 0 and watches the serial log for progress instead)
#      [TCG_THREAD=single]: one host thread for both vCPUs. QEMU 10.0's
#      multi-threaded TCG is not reliable with this test-bed: it can abort
#      (an iotlb_to_section assertion) when one vCPU touches device memory
#      while the other remaps BARs during a reset, it has frozen with both
#      vCPUs halted and no interrupt delivered (4 of 17 boots of the basic
#      scenario, at a device open or close), and it once executed a stale
#      int3 left by kernel text patching. Single-threaded boots took the same
#      16 s and ran 8 of 8 clean.
set -euo pipefail
QEMU=${QEMU:-qemu-system-x86_64}
MEMSIZE=${MEMSIZE:-256M}
if [ -w /dev/kvm ] && grep -qw -e vmx -e svm /proc/cpuinfo && [ ! -d /sys/module/kvm_pvm ]; then
	MACHINE=q35,accel=kvm,kernel-irqchip=split,cxl=on CPU=host
	ACCEL_ARGS=()
else
	MACHINE=q35,cxl=on CPU=max
	ACCEL_ARGS=(-accel "tcg,thread=${TCG_THREAD:-single}")
fi
[ -f "$MEMFILE" ] || truncate -s "$MEMSIZE" "$MEMFILE"
exec timeout --foreground -k 10 "${TIMEOUT:-600}" "$QEMU" \
	-nodefaults -no-user-config -nographic -no-reboot \
	-machine "$MACHINE" "${ACCEL_ARGS[@]}" -cpu "$CPU" -smp 2 -m 2G \
	-device intel-iommu,intremap=on,caching-mode=on \
	-kernel "$KERNEL" -initrd "$INITRD" \
	-append "console=ttyS0 intel_iommu=on iomem=relaxed no5lvl panic=-1 oops=panic loglevel=4 $APPEND" \
	-serial "file:$LOG" -monitor none \
	-object "memory-backend-file,id=cxl-mem0,share=on,mem-path=$MEMFILE,size=$MEMSIZE" \
	-device pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1 \
	-device cxl-rp,port=0,bus=cxl.1,id=root_port13,chassis=0,slot=2 \
	-device cxl-type3,bus=root_port13,volatile-memdev=cxl-mem0,id=cxl-vmem0 \
	-M cxl-fmw.0.targets.0=cxl.1,cxl-fmw.0.size=4G
