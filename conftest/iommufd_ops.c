// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio_device_ops::bind_iommufd and friends, and the physical-device helpers
 * (NULL-cast macros when CONFIG_IOMMUFD is off, as on Debian).
 * Upstream: Jason Gunthorpe's "vfio-iommufd: Support iommufd for physical
 * VFIO devices" (a4d1f91db502, v6.2) added bind, unbind and attach;
 * .detach_ioas and vfio_iommufd_physical_detach_ioas() came later, with
 * "vfio-iommufd: Add detach_ioas support for physical VFIO devices"
 * (9048c7341c4d, v6.6), so the probe needs v6.6. Required.
 */
#include <linux/vfio.h>

extern const struct vfio_device_ops vfio_cxl_probe;

const struct vfio_device_ops vfio_cxl_probe = {
	.bind_iommufd	= vfio_iommufd_physical_bind,
	.unbind_iommufd	= vfio_iommufd_physical_unbind,
	.attach_ioas	= vfio_iommufd_physical_attach_ioas,
	.detach_ioas	= vfio_iommufd_physical_detach_ioas,
};
