// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio_device_ops::bind_iommufd and friends, and the physical-device helpers
 * (NULL-cast macros when CONFIG_IOMMUFD is off, as on Debian).
 * Upstream: "vfio: Add iommufd bind/unbind ops to vfio_device_ops" (v6.2).
 * Required.
 */
#include <linux/vfio.h>

extern const struct vfio_device_ops vfio_cxl_probe;

const struct vfio_device_ops vfio_cxl_probe = {
	.bind_iommufd	= vfio_iommufd_physical_bind,
	.unbind_iommufd	= vfio_iommufd_physical_unbind,
	.attach_ioas	= vfio_iommufd_physical_attach_ioas,
	.detach_ioas	= vfio_iommufd_physical_detach_ioas,
};
