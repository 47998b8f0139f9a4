// SPDX-License-Identifier: GPL-2.0-only
/*
 * Splitting device-fd accesses the way hardware sees them: into the parts of
 * a region that are handled differently, and into naturally aligned register
 * accesses.
 *
 * Copyright (C) 2026 The vfio-cxl-pci authors
 */
#include <linux/uaccess.h>

#include "vfio_cxl.h"

/**
 * vfio_cxl_rw_regs() - a user access as naturally aligned register accesses
 * @buf: user buffer
 * @count: bytes
 * @pos: offset of the first byte, as @access counts offsets
 * @iswrite: true for a write
 * @access: performs one access of 1, 2 or 4 bytes at a naturally aligned
 *	offset; values in CPU byte order, little-endian in @buf
 * @ctx: passed to @access
 *
 * Context: process context; @access may sleep.
 * Return: bytes done, or the error of the first piece that failed (-EFAULT
 * for the user buffer).
 */
ssize_t vfio_cxl_rw_regs(char __user *buf, size_t count, u32 pos, bool iswrite,
			 vfio_cxl_reg_access_t access, void *ctx)
{
	size_t done = 0;
	int ret;

	while (done < count) {
		u32 at = pos + done, left = count - done;
		u32 width = (at % 4 == 0 && left >= 4) ? 4 : (at % 2 == 0 && left >= 2) ? 2 : 1;
		__le32 le = 0;
		u32 val = 0;

		if (iswrite) {
			if (copy_from_user(&le, buf + done, width))
				return done ? done : -EFAULT;
			val = le32_to_cpu(le);
		}
		ret = access(ctx, at, width, &val, iswrite);
		if (ret)
			return done ? done : ret;
		if (!iswrite) {
			le = cpu_to_le32(val);
			if (copy_to_user(buf + done, &le, width))
				return done ? done : -EFAULT;
		}
		done += width;
	}
	return done;
}

/**
 * vfio_cxl_core_rw() - hand part of an access to vfio-pci-core
 * @cdev: the device
 * @buf: user buffer
 * @n: bytes
 * @at: offset in the region (unused: @p carries it)
 * @p: file position of the part
 * @iswrite: true for a write
 *
 * A &vfio_cxl_part_rw_t for the parts vfio-cxl-pci leaves alone.
 *
 * Return: what vfio_pci_core_read() or vfio_pci_core_write() returns.
 */
ssize_t vfio_cxl_core_rw(struct vfio_cxl_device *cdev, char __user *buf,
			 size_t n, u64 at, loff_t *p, bool iswrite)
{
	if (iswrite)
		return vfio_pci_core_write(&cdev->core.vdev, buf, n, p);
	return vfio_pci_core_read(&cdev->core.vdev, buf, n, p);
}

/**
 * vfio_cxl_route_rw() - a device-fd access, split into the parts of its
 * region that are handled differently
 * @cdev: the device
 * @buf: user buffer
 * @count: bytes
 * @ppos: file position; advanced by the bytes done
 * @iswrite: true for a write
 * @part: for an offset in the region, returns the handler of the part it
 *	falls in and the offset where that part ends
 *
 * Context: read/write; process context.
 * Return: bytes done, or the error of the first part that failed.
 */
ssize_t vfio_cxl_route_rw(struct vfio_cxl_device *cdev, char __user *buf,
			  size_t count, loff_t *ppos, bool iswrite,
			  vfio_cxl_part_t part)
{
	u64 pos = *ppos & VFIO_PCI_OFFSET_MASK, base = *ppos - pos;
	size_t done = 0;
	ssize_t ret = 0;

	while (done < count) {
		u64 at = pos + done, end;
		vfio_cxl_part_rw_t rw = part(cdev, at, &end);
		size_t n = min_t(u64, count - done, end - at);
		loff_t p = base + at;

		ret = rw(cdev, buf + done, n, at, &p, iswrite);
		if (ret <= 0)
			break;
		done += ret;
		if (ret < n)
			break;
	}
	if (!done)
		return ret;
	*ppos += done;
	return done;
}
