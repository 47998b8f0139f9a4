// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio_device_ops::get_region_info_caps. When present, the vfio core answers
 * VFIO_DEVICE_GET_REGION_INFO itself through this op and never passes it to
 * ->ioctl (it fails with -EINVAL if the op is NULL).
 * Upstream: "vfio: Add get_region_info_caps op" (775f726a742a, v6.19), in
 * Jason Gunthorpe's series that gave every driver a get_region_info op.
 * Debian 7.2 and later have it, 6.12 does not.
 */
#include <linux/vfio.h>

static int vfio_cxl_probe_fn(struct vfio_device *vdev,
			     struct vfio_region_info *info,
			     struct vfio_info_cap *caps)
{
	return 0;
}

extern const struct vfio_device_ops vfio_cxl_probe;

const struct vfio_device_ops vfio_cxl_probe = {
	.get_region_info_caps = vfio_cxl_probe_fn,
};
