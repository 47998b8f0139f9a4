// SPDX-License-Identifier: GPL-2.0-only
/*
 * Config space: the CXL DVSECs a guest sees, routed around vfio-pci-core.
 *
 * Copyright (C) 2026 The vfio-cxl-pci authors
 */
#include <linux/cleanup.h>
#include <linux/pci.h>
#include <linux/uaccess.h>
#include <linux/unaligned.h>

#include "vfio_cxl.h"

/**
 * DOC: config space
 *
 * vfio-pci-core gives the guest raw access to DVSECs. vfio-cxl-pci catches
 * config-region accesses in its read and write ops and splits each into
 * naturally aligned pieces of 1, 2 or 4 bytes, so an access of any size or
 * alignment, or one that straddles a capability edge, is handled piece by
 * piece as hardware would:
 *
 * - the body of the CXL Device DVSEC (from DVSEC Header 1 to its length) is
 *   served by the virtual DVSEC (dvsec_emu.c), seeded from the device at
 *   every open;
 * - writes to any other CXL DVSEC (Register Locator, GPF, Flex Bus Port, ...)
 *   are dropped; reads go to vfio-pci-core;
 * - everything else, including the DVSEC's extended capability header, goes
 *   to vfio-pci-core unchanged; a write that may stop CXL.mem decode (a
 *   power-state change, an FLR; not Memory Space Enable) is bracketed by a
 *   block of the DPA region, see vfio_cxl_cfg_write_effects(); a reset it
 *   causes through FLR leaves the virtual DVSEC alone (CXL r3.1 9.5).
 */

static u16 dvsec_hw_read16(void *ctx, u16 off)
{
	struct vfio_cxl_device *cdev = ctx;
	u16 v = 0;

	/*
	 * Not pci_user_*(): those wait while a reset blocks config access, and
	 * this runs under dvsec_lock, which reset_done takes.
	 */
	pci_read_config_word(cdev->core.pdev, cdev->hw.dvsec + off, &v);
	return v;
}

static void dvsec_hw_write16(void *ctx, u16 off, u16 val)
{
	struct vfio_cxl_device *cdev = ctx;

	pci_write_config_word(cdev->core.pdev, cdev->hw.dvsec + off, val);
}

/**
 * vfio_cxl_dvsec_open() - seed the virtual CXL Device DVSEC from the device
 * @cdev: the device, being opened (after vfio_pci_core_enable())
 *
 * With the emulate_cxl_reset parameter the virtual Capability also shows
 * CXL_Reset_Capable and CXL_Reset_Mem_Clr_Capable; the reset is then done
 * with the PCI reset the kernel has for the device (see
 * vfio_cxl_guest_cxl_reset()).
 *
 * Context: open_device; process context.
 * Return: 0, or -EINVAL if the DVSEC cannot be modelled.
 */
int vfio_cxl_dvsec_open(struct vfio_cxl_device *cdev)
{
	const struct vfio_cxl_dvsec_hw hw = {
		.read16 = dvsec_hw_read16,
		.write16 = dvsec_hw_write16,
		.ctx = cdev,
	};
	u8 cfg[VFIO_CXL_DVSEC_MAX_LEN] = {};
	unsigned int i, len = min_t(unsigned int, cdev->hw.dvsec_len, sizeof(cfg));

	for (i = 0; i < len; i += 4) {
		u32 v = 0;

		pci_read_config_dword(cdev->core.pdev, cdev->hw.dvsec + i, &v);
		put_unaligned_le32(v, &cfg[i]);
	}
	if (vfio_cxl_emulate_cxl_reset)
		put_unaligned_le16(get_unaligned_le16(&cfg[CXL_DVSEC_CAP]) |
				   CXL_DVSEC_CAP_RESET_CAPABLE |
				   CXL_DVSEC_CAP_RESET_MEM_CLR_CAPABLE, &cfg[CXL_DVSEC_CAP]);
	guard(mutex)(&cdev->dvsec_lock);
	return vfio_cxl_dvsec_emu_init(&cdev->dvsec, cfg, cdev->hw.dvsec_len, &hw);
}

/**
 * vfio_cxl_dvsec_keep() - mark the current task as carrying out a guest FLR
 * or CXL reset, or unmark it
 * @cdev: the device
 * @keep: true before the reset, false after it
 *
 * A device reset done by the marked task leaves the virtual DVSEC as the
 * guest programmed it: CXL.cache and CXL.mem configuration is not affected
 * by FLR (CXL r3.1 9.5) and a CXL reset leaves configuration space alone
 * (9.7). Resets by any other task in the meantime (VFIO_DEVICE_RESET, a hot
 * reset) are conventional resets and reset the view. One task at a time is
 * marked; a second concurrent guest FLR is treated as a conventional reset.
 *
 * Unmarking is a no-op for a task that is not the marked one.
 *
 * Context: process context; takes @cdev->dvsec_lock.
 */
void vfio_cxl_dvsec_keep(struct vfio_cxl_device *cdev, bool keep)
{
	guard(mutex)(&cdev->dvsec_lock);
	if (keep && !cdev->dvsec_keeper)
		cdev->dvsec_keeper = current;
	else if (!keep && cdev->dvsec_keeper == current)
		cdev->dvsec_keeper = NULL;
}

/**
 * vfio_cxl_dvsec_device_reset() - the device was reset
 * @cdev: the device
 *
 * The virtual DVSEC follows a conventional reset (see vfio_cxl_dvsec_reset());
 * the reset a guest FLR or guest CXL reset does leaves it alone, see
 * vfio_cxl_dvsec_keep().
 *
 * Context: reset_done, in the task that reset the device; process context;
 * takes @cdev->dvsec_lock.
 */
void vfio_cxl_dvsec_device_reset(struct vfio_cxl_device *cdev)
{
	guard(mutex)(&cdev->dvsec_lock);
	if (cdev->dvsec_keeper != current)
		vfio_cxl_dvsec_reset(&cdev->dvsec);
}

/*
 * Parts vfio-pci-core handles. A write that may stop memory decode (or reset
 * the device) is bracketed by a block of the DPA region, so no fault can map
 * device memory while the device does not decode it; one that may start an
 * FLR also marks the reset as one that keeps the virtual DVSEC.
 */
static ssize_t core_part(struct vfio_cxl_device *cdev, char __user *buf,
			 size_t n, u64 at, loff_t *p, bool iswrite)
{
	unsigned int effects = 0;
	ssize_t ret;

	if (iswrite)
		effects = vfio_cxl_cfg_write_effects(&cdev->hw.cfg_caps, at, n);
	if (!effects)
		return vfio_cxl_core_rw(cdev, buf, n, at, p, iswrite);
	if (effects & VFIO_CXL_CFG_FLR)
		vfio_cxl_dvsec_keep(cdev, true);
	vfio_cxl_dpa_block(cdev, true);
	ret = vfio_cxl_core_rw(cdev, buf, n, at, p, true);
	vfio_cxl_dpa_unblock(cdev);
	if (effects & VFIO_CXL_CFG_FLR)
		vfio_cxl_dvsec_keep(cdev, false);
	return ret;
}

/* other CXL DVSECs: reads from vfio-pci-core, writes dropped */
static ssize_t ro_dvsec_part(struct vfio_cxl_device *cdev, char __user *buf,
			     size_t n, u64 at, loff_t *p, bool iswrite)
{
	return iswrite ? n : vfio_cxl_core_rw(cdev, buf, n, at, p, false);
}

/* One naturally aligned access of the virtual DVSEC; @at in config space. */
static int dvsec_access(void *ctx, u32 at, u32 width, u32 *val, bool iswrite)
{
	struct vfio_cxl_device *cdev = ctx;
	u32 off = at - cdev->hw.dvsec;
	int ret;

	if (!iswrite) {
		guard(mutex)(&cdev->dvsec_lock);
		return vfio_cxl_dvsec_read(&cdev->dvsec, off, width, val);
	}
	scoped_guard(mutex, &cdev->dvsec_lock)
		ret = vfio_cxl_dvsec_write(&cdev->dvsec, off, width, *val);
	if (ret == VFIO_CXL_DVSEC_RESET_REQUESTED)
		ret = vfio_cxl_guest_cxl_reset(cdev);
	return ret;
}

static ssize_t dvsec_part(struct vfio_cxl_device *cdev, char __user *buf,
			  size_t n, u64 at, loff_t *p, bool iswrite)
{
	return vfio_cxl_rw_regs(buf, n, at, iswrite, dvsec_access, cdev);
}

/* Which part of config space an offset is in, and where that part ends. */
static vfio_cxl_part_rw_t cfg_part(struct vfio_cxl_device *cdev, u64 at, u64 *end)
{
	const struct vfio_cxl_hw *hw = &cdev->hw;
	u64 next = U64_MAX, s, e;
	unsigned int i;

	s = hw->dvsec + CXL_DVSEC_HEADER1;
	e = hw->dvsec + hw->dvsec_len;
	if (at >= s && at < e) {
		*end = e;
		return dvsec_part;
	}
	if (s > at)
		next = s;
	for (i = 0; i < hw->nr_ro_dvsec; i++) {
		s = hw->ro_dvsec[i].pos;
		e = s + hw->ro_dvsec[i].len;
		if (at >= s && at < e) {
			*end = e;
			return ro_dvsec_part;
		}
		if (s > at && s < next)
			next = s;
	}
	*end = next;
	return core_part;
}

/* Does [at, at + n) stay clear of every CXL DVSEC? Then a read is vfio-pci-core's alone. */
static bool cfg_outside_dvsecs(const struct vfio_cxl_hw *hw, u64 at, size_t n)
{
	unsigned int i;

	if (at < hw->dvsec + hw->dvsec_len && at + n > hw->dvsec + CXL_DVSEC_HEADER1)
		return false;
	for (i = 0; i < hw->nr_ro_dvsec; i++)
		if (at < hw->ro_dvsec[i].pos + hw->ro_dvsec[i].len && at + n > hw->ro_dvsec[i].pos)
			return false;
	return true;
}

/**
 * vfio_cxl_config_rw() - a read or write of the VFIO config region
 * @cdev: a device with CXL passthrough active
 * @buf: user buffer
 * @count: bytes
 * @ppos: file position in the config region
 * @iswrite: true for a write
 *
 * Routes each part of the access as the DOC section above describes.
 *
 * Context: read/write; process context.
 * Return: bytes done, or an errno of the first part that failed (-EFAULT,
 * -EINVAL, or one of vfio-pci-core's).
 */
ssize_t vfio_cxl_config_rw(struct vfio_cxl_device *cdev, char __user *buf,
			   size_t count, loff_t *ppos, bool iswrite)
{
	/* the common case, without the per-part routing's indirect calls */
	if (!iswrite && cfg_outside_dvsecs(&cdev->hw, *ppos & VFIO_PCI_OFFSET_MASK, count))
		return vfio_pci_core_read(&cdev->core.vdev, buf, count, ppos);
	return vfio_cxl_route_rw(cdev, buf, count, ppos, iswrite, cfg_part);
}
