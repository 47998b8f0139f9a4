// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio_pci_core_range_intersect_range(), exported for variant drivers that
 * emulate parts of the config space (nvgrace-gpu and virtio use it).
 * Upstream: Ankit Agrawal's "vfio/pci: rename and export
 * range_intersect_range" (30e920e1debb, v6.9), which moved the virtio
 * variant driver's static helper into vfio-pci-core, for the new
 * nvgrace-gpu driver. Debian 6.12 and later have it; 6.1 does not declare
 * the name.
 * Required.
 */
#include <linux/vfio_pci_core.h>

bool (*vfio_cxl_probe)(loff_t, size_t, loff_t, size_t, loff_t *, size_t *,
		       size_t *) = vfio_pci_core_range_intersect_range;
