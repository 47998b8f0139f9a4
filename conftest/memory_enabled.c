// SPDX-License-Identifier: GPL-2.0-only
/*
 * __vfio_pci_memory_enabled() declared in <linux/vfio_pci_core.h> and
 * exported; older kernels keep it in the private vfio_pci_priv.h.
 * Debian 7.2 and later export it (together with vfio_pci_vmf_insert_pfn()),
 * 6.12 does not.
 */
#include <linux/vfio_pci_core.h>

bool (*vfio_cxl_probe)(struct vfio_pci_core_device *) = __vfio_pci_memory_enabled;
