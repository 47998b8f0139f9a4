#!/bin/bash
# Build (once, then cached) a KASAN + lockdep + KFENCE + DEBUG_VM kernel from
# Debian's linux-source-6.12 for the same QEMU CXL test-bed, and print its
# description in the kernels.sh format (ABI, TOOLCHAIN, KDIR, VMLINUZ,
# MODROOT). About 20 minutes on 2 cores the first time.
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"
need_root "debug-kernel.sh"
D=$VCP_CACHE/debug-kernel
SRC=$D/linux-source-6.12
OUT=$D/build
MODROOT=$D/modroot
kcfg() { "$SRC/scripts/config" --file "$OUT/.config" "$@"; }

WANT_Y="PCI PCI_MSI PCIEPORTBUS PCIEAER HOTPLUG_PCI HOTPLUG_PCI_PCIE ACPI NUMA ACPI_NUMA
  IOMMU_SUPPORT INTEL_IOMMU IRQ_REMAP X86_X2APIC
  VFIO_GROUP VFIO_CONTAINER VFIO_PCI_MMAP VFIO_PCI_INTX
  CXL_REGION SPARSEMEM MEMORY_HOTPLUG EFI
  SERIAL_8250 SERIAL_8250_CONSOLE DEVTMPFS BLK_DEV_INITRD RD_GZIP
  MODULES MODULE_UNLOAD TRANSPARENT_HUGEPAGE TMPFS PROC_FS SYSFS DEBUG_FS
  DEBUG_KERNEL KALLSYMS KALLSYMS_ALL
  KASAN KASAN_GENERIC KASAN_INLINE KASAN_VMALLOC KFENCE
  PROVE_LOCKING LOCKDEP DEBUG_LOCK_ALLOC DEBUG_SPINLOCK DEBUG_MUTEXES DEBUG_RWSEMS PROVE_RCU
  DEBUG_ATOMIC_SLEEP DEBUG_VM DEBUG_LIST DEBUG_SG
  DEBUG_OBJECTS DEBUG_OBJECTS_FREE DEBUG_OBJECTS_TIMERS DEBUG_OBJECTS_WORK"
WANT_M="VFIO VFIO_PCI VFIO_PCI_CORE VFIO_IOMMU_TYPE1 CXL_BUS CXL_PCI CXL_ACPI CXL_MEM"
WANT_N="INTEL_IOMMU_DEFAULT_ON MODULE_SIG MODULE_COMPRESS DEBUG_INFO DEBUG_INFO_BTF LOCALVERSION_AUTO
  DRM AGP SOUND SND CFG80211 MAC80211 WLAN WIRELESS RFKILL NETFILTER IPV6 USB_SUPPORT HID_SUPPORT
  NFS_FS ROOT_NFS SECURITY_SELINUX AUDIT ETHERNET ATA INPUT_JOYSTICK INPUT_TABLET INPUT_TOUCHSCREEN
  INPUT_MISC FB LOGO HIBERNATION DEBUG_WX BLK_DEV_LOOP"

if [ ! -e "$D/.ready" ]; then
	log "debug kernel: build tools"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
		build-essential bc bison flex libelf-dev libssl-dev dwarves cpio kmod xz-utils python3 >/dev/null
	mkdir -p "$D/debs"
	if [ ! -f "$SRC/Makefile" ]; then
		log "debug kernel: linux-source-6.12"
		(cd "$D/debs" && { compgen -G 'linux-source-6.12_*.deb' >/dev/null || apt-get download -q linux-source-6.12 >/dev/null 2>&1; })
		rm -rf "$D/pkg"; mkdir -p "$D/pkg"
		dpkg-deb -x "$(compgen -G "$D/debs/linux-source-6.12_*.deb" | tail -n 1)" "$D/pkg"
		tar -xf "$D"/pkg/usr/src/linux-source-6.12.tar.xz -C "$D"
		rm -rf "$D/pkg"
	fi
	log "debug kernel: config"
	mkdir -p "$OUT"
	make -s -C "$SRC" O="$OUT" x86_64_defconfig
	make -s -C "$SRC" O="$OUT" kvm_guest.config
	for o in $WANT_Y; do kcfg -e "$o"; done
	for o in $WANT_M; do kcfg -m "$o"; done
	for o in $WANT_N; do kcfg -d "$o"; done
	kcfg --set-val DEBUG_OBJECTS_ENABLE_DEFAULT 1
	kcfg --set-str LOCALVERSION "-dbg"
	kcfg -e DEBUG_INFO_NONE
	make -s -C "$SRC" O="$OUT" olddefconfig
	for o in $WANT_Y; do [ "$(kcfg -s "$o")" = y ] || die "debug kernel: $o is not y"; done
	for o in $WANT_M; do [ "$(kcfg -s "$o")" = m ] || die "debug kernel: $o is not m"; done
	log "debug kernel: build (about 20 minutes)"
	t0=$SECONDS
	make -s -C "$OUT" -j"$(nproc)" bzImage modules > "$D/build.log" 2>&1 || { tail -30 "$D/build.log" >&2; die "debug kernel build failed"; }
	rm -rf "$MODROOT"
	make -s -C "$OUT" modules_install INSTALL_MOD_PATH="$MODROOT" >/dev/null
	log "debug kernel: built in $((SECONDS - t0)) s"
	touch "$D/.ready"
fi
ABI=$(cat "$OUT/include/config/kernel.release")
echo "ABI=$ABI"
echo "TOOLCHAIN=host"
echo "KDIR=$OUT"
echo "VMLINUZ=$OUT/arch/x86/boot/bzImage"
echo "MODROOT=$MODROOT"
