// SPDX-License-Identifier: GPL-2.0-only
/*
 * The COMP_REGS region (the virtual HDM decoder block) and the CXL device
 * capability reported by VFIO_DEVICE_GET_INFO.
 *
 * Copyright (C) 2026 The vfio-cxl-pci authors
 */
#include <linux/cleanup.h>
#include <linux/pci.h>
#include <linux/uaccess.h>

#include "vfio_cxl.h"
#include "../include/uapi/linux/vfio_cxl.h"

static ssize_t comp_regs_rw(struct vfio_pci_core_device *vdev, char __user *buf,
			    size_t count, loff_t *ppos, bool iswrite)
{
	struct vfio_cxl_device *cdev = vfio_cxl_from_core(vdev);
	u64 pos = *ppos & VFIO_PCI_OFFSET_MASK;
	__le32 le;
	u32 val;
	int ret;

	if (count != sizeof(le))
		return -EINVAL;
	if (iswrite) {
		if (copy_from_user(&le, buf, sizeof(le)))
			return -EFAULT;
		scoped_guard(mutex, &cdev->hdm_lock)
			ret = vfio_cxl_hdm_emu_write(cdev->hdm, pos, count,
						     le32_to_cpu(le));
	} else {
		scoped_guard(mutex, &cdev->hdm_lock)
			ret = vfio_cxl_hdm_emu_read(cdev->hdm, pos, count, &val);
		le = cpu_to_le32(val);
		if (!ret && copy_to_user(buf, &le, sizeof(le)))
			ret = -EFAULT;
	}
	if (ret)
		return ret;
	*ppos += count;
	return count;
}

static void comp_regs_release(struct vfio_pci_core_device *vdev,
			      struct vfio_pci_region *region)
{
}

static const struct vfio_pci_regops comp_regs_regops = {
	.rw = comp_regs_rw,
	.release = comp_regs_release,
};

/**
 * vfio_cxl_comp_regs_register() - start a fresh virtual HDM view and register
 * the COMP_REGS region for this open
 * @cdev: the device, being opened
 *
 * The view starts from the probe-time snapshot at every open: what a previous
 * VMM programmed is gone (CXL r3.1 8.2.4.20; see hdm_emu.c).
 *
 * Context: open_device; process context.
 * Return: 0, -EINVAL if the view cannot be built, or the errno of
 * vfio_pci_core_register_dev_region().
 */
int vfio_cxl_comp_regs_register(struct vfio_cxl_device *cdev)
{
	struct vfio_pci_core_device *vdev = &cdev->core;
	struct vfio_cxl_hw *hw = &cdev->hw;
	int ret;

	scoped_guard(mutex, &cdev->hdm_lock)
		ret = vfio_cxl_hdm_emu_init(cdev->hdm, &hw->geom, hw->cm_snapshot,
					    hw->dpa_size,
					    hw->dvsec_cap & CXL_DVSEC_CAP_CACHE_CAPABLE,
					    vfio_cxl_strict_hdm_lock);
	if (ret)
		return ret;
	ret = vfio_pci_core_register_dev_region(vdev, VFIO_CXL_REGION_TYPE,
						VFIO_REGION_SUBTYPE_CXL_COMP_REGS,
						&comp_regs_regops, hw->geom.cm_size,
						VFIO_REGION_INFO_FLAG_READ |
						VFIO_REGION_INFO_FLAG_WRITE, cdev);
	if (ret)
		return ret;
	cdev->comp_regs_index = VFIO_PCI_NUM_REGIONS + vdev->num_regions - 1;
	return 0;
}

/* Last capability header of the chain vfio-pci-core wrote at @first. */
static int last_cap(struct vfio_device_info __user *arg, u32 first, u32 end,
		    u32 *last)
{
	struct vfio_info_cap_header hdr;
	unsigned int hops;
	u32 pos = first;

	for (hops = 0; hops < 64; hops++) {
		if (pos < sizeof(struct vfio_device_info) || pos + sizeof(hdr) > end)
			return -EFAULT;
		if (copy_from_user(&hdr, (void __user *)arg + pos, sizeof(hdr)))
			return -EFAULT;
		if (!hdr.next) {
			*last = pos;
			return 0;
		}
		pos = hdr.next;
	}
	return -ELOOP;
}

/**
 * vfio_cxl_get_info_cap() - VFIO_DEVICE_GET_INFO with the CXL capability
 * @cdev: an open device with CXL passthrough active
 * @arg: the user's &struct vfio_device_info
 *
 * vfio-pci-core answers first, with whatever capabilities it reports (the
 * AtomicOps capability, for instance); then %VFIO_DEVICE_FLAGS_CXL and
 * %VFIO_DEVICE_FLAGS_CAPS are set and a &struct vfio_device_info_cap_cxl is
 * appended to the chain. The core is first asked with no room for
 * capabilities, to learn how many bytes its own take. If @arg->argsz is too
 * small for everything, argsz is set to the size needed and no capability is
 * copied, as VFIO requires.
 *
 * Context: ioctl; process context.
 * Return: 0, -EINVAL if argsz is smaller than the fixed fields, -EFAULT, or
 * an error of vfio_pci_core_ioctl().
 */
int vfio_cxl_get_info_cap(struct vfio_cxl_device *cdev,
			  struct vfio_device_info __user *arg)
{
	const unsigned long minsz = offsetofend(struct vfio_device_info, num_irqs);
	struct vfio_device *core_vdev = &cdev->core.vdev;
	struct vfio_device_info_cap_cxl cap = {
		.header.id = VFIO_DEVICE_INFO_CAP_CXL,
		.header.version = 1,
		.hdm_regs_bar_index = cdev->hw.comp_bar,
		.flags = VFIO_CXL_CAP_FIRMWARE_COMMITTED,
		.hdm_regs_offset = cdev->hw.comp_off + CXL_CM_OFFSET,
		.dpa_region_index = cdev->dpa.index,
		.comp_regs_region_index = cdev->comp_regs_index,
	};
	struct vfio_device_info info;
	u32 argsz, core_caps, off, last;
	long ret;

	if (cdev->hw.dvsec_cap & CXL_DVSEC_CAP_CACHE_CAPABLE)
		cap.flags |= VFIO_CXL_CAP_CACHE_CAPABLE;
	if (copy_from_user(&info, arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;
	argsz = info.argsz;

	/* 1. the core's answer without room for capabilities: its caps size */
	if (argsz >= sizeof(info) && put_user((u32)sizeof(info), &arg->argsz))
		return -EFAULT;
	ret = vfio_pci_core_ioctl(core_vdev, VFIO_DEVICE_GET_INFO,
				  (unsigned long)arg);
	if (ret)
		return ret;
	if (copy_from_user(&info, arg, minsz))
		return -EFAULT;
	core_caps = 0;
	if (info.flags & VFIO_DEVICE_FLAGS_CAPS)
		core_caps = info.argsz - sizeof(info);
	off = sizeof(info) + core_caps;

	if (argsz < off + sizeof(cap)) {
		info.argsz = off + sizeof(cap);
		info.flags |= VFIO_DEVICE_FLAGS_CXL | VFIO_DEVICE_FLAGS_CAPS;
		info.cap_offset = 0;
		return copy_to_user(arg, &info, min_t(u32, argsz, sizeof(info))) ?
		       -EFAULT : 0;
	}

	/* 2. room for everything: the core writes its part, we append ours */
	if (put_user(argsz, &arg->argsz))
		return -EFAULT;
	ret = vfio_pci_core_ioctl(core_vdev, VFIO_DEVICE_GET_INFO,
				  (unsigned long)arg);
	if (ret)
		return ret;
	if (copy_from_user(&info, arg, sizeof(info)))
		return -EFAULT;
	if (core_caps) {
		ret = last_cap(arg, info.cap_offset, off, &last);
		if (ret)
			return ret;
		if (put_user(off, &((struct vfio_info_cap_header __user *)
				    ((void __user *)arg + last))->next))
			return -EFAULT;
	} else {
		info.cap_offset = off;
	}
	if (copy_to_user((void __user *)arg + off, &cap, sizeof(cap)))
		return -EFAULT;
	info.argsz = argsz;
	info.flags |= VFIO_DEVICE_FLAGS_CXL | VFIO_DEVICE_FLAGS_CAPS;
	return copy_to_user(arg, &info, sizeof(info)) ? -EFAULT : 0;
}
