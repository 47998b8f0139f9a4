// SPDX-License-Identifier: GPL-2.0-only
/*
 * The COMP_REGS region (the virtual HDM decoder block), the sealed component
 * register BAR, and the CXL device capability reported by
 * VFIO_DEVICE_GET_INFO.
 *
 * Copyright (C) 2026 The vfio-cxl-pci authors
 */
#include <linux/cleanup.h>
#include <linux/io.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "vfio_cxl.h"
#include "../include/uapi/linux/vfio_cxl.h"

/**
 * DOC: component register BAR
 *
 * The BAR that holds the 64 KiB component register block is reported at its
 * real size. Its VFIO_REGION_INFO_CAP_SPARSE_MMAP lists only the parts
 * before and after the block (widened to pages), and mmap() of anything that
 * overlaps the block fails with -EINVAL. Accesses through the device fd that
 * fall in the block never reach the device as writes:
 *
 * - inside the COMP_REGS window (block offset 0x1000 up to the end of the HDM
 *   Decoder Capability) they are served by the same virtual view as the
 *   COMP_REGS region;
 * - elsewhere in the block, reads come from the device and writes are
 *   dropped.
 *
 * VFIO_DEVICE_IOEVENTFD is refused with -ENOTTY: an ioeventfd writes to the
 * BAR from the kernel, and the core reads the request from user memory again
 * after any check of ours, so one aimed elsewhere could be turned into the
 * block in between. VMMs fall back to trapping the write.
 */

static u32 comp_hw_read(void *ctx, u32 off, u32 width)
{
	void __iomem *io = ((struct vfio_cxl_device *)ctx)->hw.comp + off;

	switch (width) {
	case 1:
		return readb(io);
	case 2:
		return readw(io);
	default:
		return readl(io);
	}
}

/* a device that does not decode its registers reads all ones */
static u32 comp_hw_ones(void *ctx, u32 off, u32 width)
{
	return width == 4 ? ~0u : (1u << (8 * width)) - 1;
}

/* only ever a 4-byte clear of RAS status bits, see vfio_cxl_comp_regs_rw() */
static void comp_hw_write(void *ctx, u32 off, u32 val, u32 width)
{
	writel(val, ((struct vfio_cxl_device *)ctx)->hw.comp + off);
}

/*
 * The device side of the component block, if it decodes its registers now.
 * Caller holds memory_lock.
 */
static struct vfio_cxl_comp_hw comp_hw(struct vfio_cxl_device *cdev)
{
	struct vfio_pci_core_device *vdev = &cdev->core;

	lockdep_assert_held(&vdev->memory_lock);
	if (vfio_cxl_pm_runtime_engaged(vdev) || !vfio_cxl_memory_enabled(vdev))
		return (struct vfio_cxl_comp_hw){ .read = comp_hw_ones, .ctx = cdev };
	return (struct vfio_cxl_comp_hw){ .read = comp_hw_read, .write = comp_hw_write,
					  .ctx = cdev };
}

static ssize_t comp_regs_rw(struct vfio_pci_core_device *vdev, char __user *buf,
			    size_t count, loff_t *ppos, bool iswrite)
{
	struct vfio_cxl_device *cdev = vfio_cxl_from_core(vdev);
	u64 pos = *ppos & VFIO_PCI_OFFSET_MASK;
	struct vfio_cxl_comp_hw hw;
	__le32 le = 0;
	u32 val;
	int ret;

	if (count != sizeof(le))
		return -EINVAL;
	if (iswrite && copy_from_user(&le, buf, sizeof(le)))
		return -EFAULT;
	val = le32_to_cpu(le);
	scoped_guard(rwsem_read, &vdev->memory_lock) {
		hw = comp_hw(cdev);
		guard(mutex)(&cdev->hdm_lock);
		ret = vfio_cxl_comp_regs_rw(cdev->hdm, &hw, pos, count, &val, iswrite);
	}
	if (!ret && !iswrite) {
		le = cpu_to_le32(val);
		if (copy_to_user(buf, &le, sizeof(le)))
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
	struct vfio_device_info info = {};
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

/* ----- the component register BAR ----- */

/**
 * vfio_cxl_comp_bar_region_info() - VFIO_DEVICE_GET_REGION_INFO for the
 * component register BAR
 * @cdev: a device with CXL passthrough active
 * @info: the reply; @info->index is the component BAR
 * @caps: capability chain being built
 *
 * Fills in the real BAR size, READ | WRITE, and, when the BAR can be mapped,
 * a sparse-mmap capability without the component block; MMAP is set only if
 * some area remains. Also adds the MSI-X mappable capability when the MSI-X
 * table shares the BAR, as vfio-pci-core does.
 *
 * Context: ioctl; process context.
 * Return: 0 or -ENOMEM.
 */
int vfio_cxl_comp_bar_region_info(struct vfio_cxl_device *cdev,
				  struct vfio_region_info *info,
				  struct vfio_info_cap *caps)
{
	struct vfio_pci_core_device *vdev = &cdev->core;
	struct vfio_region_info_cap_sparse_mmap *sparse;
	struct vfio_cxl_bar_area areas[2];
	unsigned int i, n;
	size_t size;
	int ret;

	info->offset = VFIO_PCI_INDEX_TO_OFFSET(info->index);
	info->size = pci_resource_len(vdev->pdev, info->index);
	info->flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;
	if (!vdev->bar_mmap_supported[info->index])
		return 0;

	n = vfio_cxl_comp_bar_areas(info->size, cdev->hw.comp_off, PAGE_SIZE, areas);
	size = struct_size(sparse, areas, n);
	sparse = kzalloc(size, GFP_KERNEL);
	if (!sparse)
		return -ENOMEM;
	sparse->header.id = VFIO_REGION_INFO_CAP_SPARSE_MMAP;
	sparse->header.version = 1;
	sparse->nr_areas = n;
	for (i = 0; i < n; i++) {
		sparse->areas[i].offset = areas[i].offset;
		sparse->areas[i].size = areas[i].size;
	}
	ret = vfio_info_add_capability(caps, &sparse->header, size);
	kfree(sparse);
	if (ret)
		return ret;
	if (n)
		info->flags |= VFIO_REGION_INFO_FLAG_MMAP;
	if (info->index == vdev->msix_bar) {
		struct vfio_info_cap_header msix = {
			.id = VFIO_REGION_INFO_CAP_MSIX_MAPPABLE,
			.version = 1,
		};

		ret = vfio_info_add_capability(caps, &msix, sizeof(msix));
	}
	return ret;
}

/* One naturally aligned access of 1, 2 or 4 bytes inside the block. */
static int comp_block_access(void *ctx, u32 off, u32 width, u32 *val, bool iswrite)
{
	struct vfio_cxl_device *cdev = ctx;
	struct vfio_pci_core_device *vdev = &cdev->core;
	struct vfio_cxl_comp_hw hw;

	guard(rwsem_read)(&vdev->memory_lock);
	if (!iswrite && (vfio_cxl_pm_runtime_engaged(vdev) || !vfio_cxl_memory_enabled(vdev)))
		return -EIO;
	hw = comp_hw(cdev);
	guard(mutex)(&cdev->hdm_lock);
	return vfio_cxl_comp_block_rw(cdev->hdm, &hw, off, width, val, iswrite);
}

static ssize_t comp_block_part(struct vfio_cxl_device *cdev, char __user *buf,
			       size_t n, u64 at, loff_t *p, bool iswrite)
{
	return vfio_cxl_rw_regs(buf, n, at - cdev->hw.comp_off, iswrite,
				comp_block_access, cdev);
}

static vfio_cxl_part_rw_t comp_bar_part(struct vfio_cxl_device *cdev, u64 at,
					u64 *end)
{
	u64 bstart = cdev->hw.comp_off, bend = bstart + CXL_COMPONENT_BLOCK_SIZE;

	if (at >= bstart && at < bend) {
		*end = bend;
		return comp_block_part;
	}
	*end = at < bstart ? bstart : U64_MAX;
	return vfio_cxl_core_rw;
}

/**
 * vfio_cxl_comp_bar_rw() - read or write the component register BAR
 * through the device fd
 * @cdev: a device with CXL passthrough active
 * @buf: user buffer
 * @count: bytes
 * @ppos: file position, inside the component BAR's region
 * @iswrite: true for a write
 *
 * Parts of the access outside the component block go to vfio-pci-core;
 * the part inside is routed as the DOC section above says, in naturally
 * aligned pieces of at most 4 bytes.
 *
 * Context: read/write; process context.
 * Return: bytes done, or -EINVAL (a narrow write into the COMP_REGS window),
 * -EIO (memory decode off), -EFAULT, or an error of vfio-pci-core.
 */
ssize_t vfio_cxl_comp_bar_rw(struct vfio_cxl_device *cdev, char __user *buf,
			     size_t count, loff_t *ppos, bool iswrite)
{
	return vfio_cxl_route_rw(cdev, buf, count, ppos, iswrite, comp_bar_part);
}

/**
 * vfio_cxl_comp_bar_mmap_allowed() - may this mmap of the component BAR go on
 * @cdev: a device with CXL passthrough active
 * @vma: the mapping requested on the component BAR's region
 *
 * Return: false if the mapping overlaps the component block (widened to
 * pages): such a mapping would reach the HDM decoders.
 */
bool vfio_cxl_comp_bar_mmap_allowed(struct vfio_cxl_device *cdev,
				    struct vm_area_struct *vma)
{
	u64 start = (u64)(vma->vm_pgoff & (VFIO_PCI_OFFSET_MASK >> PAGE_SHIFT)) << PAGE_SHIFT;

	return !vfio_cxl_comp_bar_overlaps(cdev->hw.comp_off, PAGE_SIZE, start,
					   vma->vm_end - vma->vm_start);
}

#ifndef VFIO_CXL_HAVE_GET_REGION_INFO_CAPS
/**
 * vfio_cxl_ioctl_get_region_info() - VFIO_DEVICE_GET_REGION_INFO for the
 * component BAR on kernels where the ioctl still goes through ->ioctl
 * @cdev: a device with CXL passthrough active
 * @arg: the user's &struct vfio_region_info, for the component BAR
 *
 * Copies the reply out the way the vfio core does on newer kernels: the
 * capabilities when argsz has room for them, else the size needed.
 *
 * Context: ioctl; process context.
 * Return: 0, -EINVAL (argsz too small), -EFAULT or -ENOMEM.
 */
int vfio_cxl_ioctl_get_region_info(struct vfio_cxl_device *cdev,
				   struct vfio_region_info __user *arg)
{
	unsigned long minsz = offsetofend(struct vfio_region_info, offset);
	struct vfio_info_cap caps = {};
	struct vfio_region_info info;
	int ret;

	if (copy_from_user(&info, arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;
	ret = vfio_cxl_comp_bar_region_info(cdev, &info, &caps);
	if (!ret && caps.size) {
		info.flags |= VFIO_REGION_INFO_FLAG_CAPS;
		if (info.argsz < sizeof(info) + caps.size) {
			info.argsz = sizeof(info) + caps.size;
			info.cap_offset = 0;
		} else {
			vfio_info_cap_shift(&caps, sizeof(info));
			if (copy_to_user(arg + 1, caps.buf, caps.size))
				ret = -EFAULT;
			info.cap_offset = sizeof(info);
		}
	}
	kfree(caps.buf);
	if (!ret && copy_to_user(arg, &info, minsz))
		ret = -EFAULT;
	return ret;
}
#endif
