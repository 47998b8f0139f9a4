// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio_pci_core_range_intersect_range(), exported for variant drivers that
 * emulate parts of the config space (nvgrace-gpu and virtio use it).
 * Exported by Debian 6.12 and later, absent from 6.1. Required.
 */
#include <linux/vfio_pci_core.h>

bool (*vfio_cxl_probe)(loff_t, size_t, loff_t, size_t, loff_t *, size_t *,
		       size_t *) = vfio_pci_core_range_intersect_range;
