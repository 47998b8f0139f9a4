// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio_device_ops::match_token_uuid and vfio_pci_core_match_token_uuid(),
 * the VF token check for devices opened through the iommufd cdev.
 * Upstream: Jason Gunthorpe's "vfio/pci: Do vf_token checks for
 * VFIO_DEVICE_BIND_IOMMUFD" (86624ba3b522, v6.17). Debian 7.2 and later
 * have it; on 6.12 the ops structure has no such member and the
 * initialiser below is an error.
 *
 * conftest-symbol: vfio_pci_core_match_token_uuid
 */
#include <linux/vfio_pci_core.h>

extern const struct vfio_device_ops vfio_cxl_probe;

const struct vfio_device_ops vfio_cxl_probe = {
	.match_token_uuid = vfio_pci_core_match_token_uuid,
};
