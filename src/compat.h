/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The few differences between the supported kernels, chosen by the feature
 * probes in conftest/ (never by LINUX_VERSION_CODE).
 *
 * Copyright (C) 2026 The vfio-cxl-pci authors
 */
#ifndef VFIO_CXL_COMPAT_H
#define VFIO_CXL_COMPAT_H

#include <linux/pci.h>
#include <linux/pm_runtime.h>
#include <linux/slab.h>
#include <linux/vfio_pci_core.h>

#include "conftest.h"

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

#endif /* VFIO_CXL_COMPAT_H */
