// SPDX-License-Identifier: GPL-2.0-only
/*
 * struct vfio_device::inode, the per-device address space that the device
 * fd's mmaps live in; unmap_mapping_range() on it zaps the DPA region.
 * Upstream: "vfio: Create vfio_fs_type with inode per device" (v6.10).
 * Required: vfio-cxl-pci refuses kernels without it.
 */
#include <linux/vfio.h>

struct inode *vfio_cxl_probe(struct vfio_device *vdev);

struct inode *vfio_cxl_probe(struct vfio_device *vdev)
{
	return vdev->inode;
}
