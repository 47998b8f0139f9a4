// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio_device_ops::match_token_uuid and vfio_pci_core_match_token_uuid(),
 * the VF token check for devices opened through the iommufd cdev.
 * Debian 7.2 and later have it, 6.12 does not.
 */
#include <linux/vfio_pci_core.h>

extern const struct vfio_device_ops vfio_cxl_probe;

const struct vfio_device_ops vfio_cxl_probe = {
	.match_token_uuid = vfio_pci_core_match_token_uuid,
};
