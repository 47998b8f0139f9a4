// SPDX-License-Identifier: GPL-2.0-only
/*
 * struct vfio_pci_core_device has a per-device disable_idle_d3. Before it,
 * vfio-pci-core read one module-wide setting that only vfio-pci itself can
 * set, and the member below does not exist.
 * Upstream: "vfio/pci: Latch disable_idle_d3 per device"; in Debian's 6.12
 * from 6.12.96 on (6.12.95+deb12 lacks it).
 */
#include <linux/vfio_pci_core.h>

void vfio_cxl_probe(struct vfio_pci_core_device *vdev);

void vfio_cxl_probe(struct vfio_pci_core_device *vdev)
{
	vdev->disable_idle_d3 = true;
}
