/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The few differences between the supported kernels, chosen by the feature
 * probes in conftest/ (never by LINUX_VERSION_CODE).
 *
 * Copyright (C) 2026 The vfio-cxl-pci authors
 */
#ifndef VFIO_CXL_COMPAT_H
#define VFIO_CXL_COMPAT_H

#include <linux/mm.h>
#include <linux/pci.h>
#include <linux/pm_runtime.h>
#include <linux/slab.h>
#include <linux/vfio_pci_core.h>

#include "conftest.h"

#ifndef VFIO_CXL_HAVE_VMF_INSERT_PFN_ULONG
#include <linux/pfn_t.h>
#endif

#if !defined(VFIO_CXL_HAVE_VFIO_DEVICE_INODE) || \
	!defined(VFIO_CXL_HAVE_RANGE_INTERSECT) || \
	!defined(VFIO_CXL_HAVE_IOMMUFD_OPS)
/* the vfio_device inode, range_intersect_range() and iommufd device ops */
#error "vfio-cxl-pci needs Linux 6.12 or newer (see conftest/)"
#endif

#ifndef CONFIG_PM
/* without runtime PM a device is never runtime suspended */
static inline u64 pm_runtime_suspended_time(struct device *dev)
{
	return 0;
}
#endif

#ifndef VFIO_CXL_HAVE_KZALLOC_OBJ
#define kzalloc_obj(P, gfp)	kzalloc(sizeof(P), gfp)
#endif

/**
 * vfio_cxl_pm_runtime_engaged() - is the device in VFIO's low-power state
 * @vdev: the vfio-pci-core device
 *
 * Read without a lock: a plain bool on newer kernels, read with READ_ONCE();
 * a one-bit bit-field on older 6.12 ABIs, which neither READ_ONCE() nor
 * data_race() can take, read plainly there as vfio-pci-core itself does.
 *
 * Return: @vdev->pm_runtime_engaged.
 */
static inline bool vfio_cxl_pm_runtime_engaged(struct vfio_pci_core_device *vdev)
{
#ifdef VFIO_CXL_HAVE_PM_RUNTIME_ENGAGED_BOOL
	return READ_ONCE(vdev->pm_runtime_engaged);
#else
	return vdev->pm_runtime_engaged;
#endif
}

/**
 * vfio_cxl_keep_d0() - keep a bound device out of idle D3
 * @vdev: the vfio-pci-core device, before vfio_pci_core_register_device()
 *
 * D3hot with No_Soft_Reset clear resets the HDM decoders, so a CXL device
 * stays in D0 while it is bound and idle. Where vfio-pci-core has a
 * per-device disable_idle_d3 it is set; elsewhere vfio_cxl_keep_d0_bound()
 * takes a runtime PM reference after registration, which has the same
 * effect.
 */
static inline void vfio_cxl_keep_d0(struct vfio_pci_core_device *vdev)
{
#ifdef VFIO_CXL_HAVE_DISABLE_IDLE_D3
	vdev->disable_idle_d3 = true;
#endif
}

/**
 * vfio_cxl_keep_d0_bound() - second half of vfio_cxl_keep_d0()
 * @vdev: the vfio-pci-core device, just registered
 *
 * Context: probe; process context, may sleep (resumes the device).
 */
static inline void vfio_cxl_keep_d0_bound(struct vfio_pci_core_device *vdev)
{
#ifndef VFIO_CXL_HAVE_DISABLE_IDLE_D3
	pm_runtime_get_sync(&vdev->pdev->dev);
#endif
}

/**
 * vfio_cxl_keep_d0_unbind() - undo vfio_cxl_keep_d0_bound()
 * @vdev: the vfio-pci-core device, before vfio_pci_core_unregister_device()
 */
static inline void vfio_cxl_keep_d0_unbind(struct vfio_pci_core_device *vdev)
{
#ifndef VFIO_CXL_HAVE_DISABLE_IDLE_D3
	pm_runtime_put_noidle(&vdev->pdev->dev);
#endif
}

/**
 * vfio_cxl_memory_enabled() - does the device decode memory, as vfio-pci-core
 * sees it
 * @vdev: the vfio-pci-core device, opened (its virtual config space exists)
 *
 * True when the virtual PCI_COMMAND has Memory Space Enable set (or the device
 * has no such bit) and the device is in D0.
 *
 * Context: the caller holds @vdev->memory_lock, for read or write.
 * Return: true if memory decode is on.
 */
static inline bool vfio_cxl_memory_enabled(struct vfio_pci_core_device *vdev)
{
#ifdef VFIO_CXL_HAVE_MEMORY_ENABLED
	return __vfio_pci_memory_enabled(vdev);
#else
	u16 cmd = le16_to_cpu(*(__le16 *)&vdev->vconfig[PCI_COMMAND]);

	if (vdev->pdev->current_state != PCI_D0)
		return false;
	return vdev->pdev->no_command_memory || (cmd & PCI_COMMAND_MEMORY);
#endif
}

/**
 * vfio_cxl_vmf_insert_huge() - map a PMD- or PUD-sized block of device memory
 * @vmf: the fault, for the aligned block that contains its address
 * @pfn: first page frame of the block, aligned to the block's size
 * @order: PMD_ORDER or PUD_ORDER
 *
 * The PFN argument became an unsigned long when pfn_t went away (probed,
 * conftest/vmf_insert_pfn_ulong.c); before, it is a pfn_t marked PFN_DEV,
 * as vfio-pci-core passes it. Only the orders the architecture supports for
 * PFN maps (CONFIG_ARCH_SUPPORTS_PMD_PFNMAP, _PUD_PFNMAP) are inserted.
 *
 * Context: the fault handler, with the VMA's mmap lock held.
 * Return: what vmf_insert_pfn_pmd()/_pud() return, or VM_FAULT_FALLBACK for
 * an order this kernel cannot map.
 */
static inline vm_fault_t vfio_cxl_vmf_insert_huge(struct vm_fault *vmf, unsigned long pfn,
						  unsigned int order)
{
	bool __maybe_unused write = vmf->flags & FAULT_FLAG_WRITE;

#ifdef VFIO_CXL_HAVE_VMF_INSERT_PFN_ULONG
#define VFIO_CXL_PFN(pfn)	(pfn)
#else
#define VFIO_CXL_PFN(pfn)	__pfn_to_pfn_t(pfn, PFN_DEV)
#endif
#ifdef CONFIG_ARCH_SUPPORTS_PMD_PFNMAP
	if (order == PMD_ORDER)
		return vmf_insert_pfn_pmd(vmf, VFIO_CXL_PFN(pfn), write);
#endif
#ifdef CONFIG_ARCH_SUPPORTS_PUD_PFNMAP
	if (order == PUD_ORDER)
		return vmf_insert_pfn_pud(vmf, VFIO_CXL_PFN(pfn), write);
#endif
#undef VFIO_CXL_PFN
	return VM_FAULT_FALLBACK;
}

#endif /* VFIO_CXL_COMPAT_H */
