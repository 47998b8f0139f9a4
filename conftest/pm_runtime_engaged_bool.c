// SPDX-License-Identifier: GPL-2.0-only
/*
 * struct vfio_pci_core_device's pm_runtime_engaged is a plain bool, whose
 * address can be taken (READ_ONCE() needs it). Before, it was a one-bit
 * bit-field beside the others, and taking its address does not compile.
 * Upstream: "vfio/pci: Fix racy bitfields and tighten struct layout"; in
 * Debian's 6.12 from 6.12.96 on (6.12.95+deb12 lacks it).
 */
#include <linux/vfio_pci_core.h>

bool *vfio_cxl_probe(struct vfio_pci_core_device *vdev);

bool *vfio_cxl_probe(struct vfio_pci_core_device *vdev)
{
	return &vdev->pm_runtime_engaged;
}
