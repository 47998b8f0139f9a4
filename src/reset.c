// SPDX-License-Identifier: GPL-2.0-only
/*
 * Resets: the host's HDM decoder programming is put back after every reset.
 *
 * Copyright (C) 2026 The vfio-cxl-pci authors
 */
#include <linux/delay.h>
#include <linux/iopoll.h>
#include <linux/pci.h>
#include <linux/pm_runtime.h>

#include "cache_wbi.h"
#include "vfio_cxl.h"

/**
 * DOC: host state across resets
 *
 * The device's HDM decoders belong to the host: platform firmware committed
 * them, probe saved them, and nothing the guest or the VMM does is ever
 * written to them. A reset may clear them (a secondary bus reset does, and
 * in QEMU every VFIO open and close resets the device), so after every reset
 * the driver restores, in this order (CXL r3.1 8.1.3.2, 8.2.4.20):
 *
 * 1. the DVSEC Control register as the host left it (Mem_Enable);
 * 2. waits for DVSEC Range 1 Memory_Active, up to the device's advertised
 *    Memory_Active_Timeout;
 * 3. the HDM Decoder Global Control register;
 * 4. each committed decoder, in order: BASE, SIZE, DPA skip, then Control
 *    with Commit set, polling up to 10 ms for Committed or Error Not
 *    Committed;
 * 5. a read-back check that every decoder is committed with the saved
 *    programming.
 *
 * A decoder that already holds the saved programming is left alone, so the
 * restore doubles as a verification. The registers are in a memory BAR: if
 * the guest cleared Memory Space Enable, the restore sets it for as long as
 * it takes, with the user's config access blocked.
 *
 * The reset_prepare and reset_done PCI error handlers bracket every reset
 * the PCI core performs on the device, whoever asks for it: VFIO_DEVICE_RESET,
 * a hot reset through any device of the dev-set, a guest FLR, the sysfs reset
 * attribute, and vfio-pci-core's own resets at open and close.
 */

#define VFIO_CXL_COMMIT_TIMEOUT_US	10000
/* a guest CXL reset retries a busy device lock for up to a second */
#define VFIO_CXL_RESET_TRIES		50
#define VFIO_CXL_RESET_RETRY_MS		20

static void __iomem *dec_reg(struct vfio_cxl_hw *hw, unsigned int n, u32 reg)
{
	return hw->comp + CXL_CM_OFFSET + hw->geom.hdm_off + CXL_HDM_DECODER(n) + reg;
}

static bool decoder_matches(struct vfio_cxl_hw *hw, unsigned int n)
{
	const struct vfio_cxl_saved_decoder *d = &hw->saved[n];
	u32 ctrl = readl(dec_reg(hw, n, CXL_HDM_DEC_CTRL));

	return (ctrl & CXL_HDM_CTRL_COMMITTED) &&
	       (ctrl & ~(CXL_HDM_CTRL_COMMITTED | CXL_HDM_CTRL_ERR_NOT_COMMITTED)) == d->ctrl &&
	       readl(dec_reg(hw, n, CXL_HDM_DEC_BASE_LOW)) == d->base_lo &&
	       readl(dec_reg(hw, n, CXL_HDM_DEC_BASE_HIGH)) == d->base_hi &&
	       readl(dec_reg(hw, n, CXL_HDM_DEC_SIZE_LOW)) == d->size_lo &&
	       readl(dec_reg(hw, n, CXL_HDM_DEC_SIZE_HIGH)) == d->size_hi &&
	       readl(dec_reg(hw, n, CXL_HDM_DEC_SKIP_LOW)) == d->skip_lo &&
	       readl(dec_reg(hw, n, CXL_HDM_DEC_SKIP_HIGH)) == d->skip_hi;
}

static int commit_decoder(struct vfio_cxl_hw *hw, unsigned int n)
{
	const struct vfio_cxl_saved_decoder *d = &hw->saved[n];
	void __iomem *ctrl_reg = dec_reg(hw, n, CXL_HDM_DEC_CTRL);
	u32 ctrl;
	int ret;

	if (decoder_matches(hw, n))
		return 0;
	ctrl = readl(ctrl_reg);
	if ((ctrl & CXL_HDM_CTRL_LOCK) && (ctrl & CXL_HDM_CTRL_COMMITTED))
		return -EBUSY;	/* locked with some other programming */
	if (ctrl & CXL_HDM_CTRL_COMMIT) {
		writel(ctrl & ~CXL_HDM_CTRL_COMMIT, ctrl_reg);
		ret = readl_poll_timeout(ctrl_reg, ctrl,
					 !(ctrl & CXL_HDM_CTRL_COMMITTED), 10,
					 VFIO_CXL_COMMIT_TIMEOUT_US);
		if (ret)
			return ret;
	}
	writel(d->base_lo, dec_reg(hw, n, CXL_HDM_DEC_BASE_LOW));
	writel(d->base_hi, dec_reg(hw, n, CXL_HDM_DEC_BASE_HIGH));
	writel(d->size_lo, dec_reg(hw, n, CXL_HDM_DEC_SIZE_LOW));
	writel(d->size_hi, dec_reg(hw, n, CXL_HDM_DEC_SIZE_HIGH));
	writel(d->skip_lo, dec_reg(hw, n, CXL_HDM_DEC_SKIP_LOW));
	writel(d->skip_hi, dec_reg(hw, n, CXL_HDM_DEC_SKIP_HIGH));
	writel(d->ctrl | CXL_HDM_CTRL_COMMIT, ctrl_reg);
	ret = readl_poll_timeout(ctrl_reg, ctrl,
				 ctrl & (CXL_HDM_CTRL_COMMITTED |
					 CXL_HDM_CTRL_ERR_NOT_COMMITTED),
				 10, VFIO_CXL_COMMIT_TIMEOUT_US);
	if (ret)
		return ret;
	return decoder_matches(hw, n) ? 0 : -EIO;
}

/* Memory_Active_Timeout encodings: 1 s, 4 s, 16 s, 64 s, 256 s (8.1.3.8.2) */
static int wait_memory_active(struct pci_dev *pdev, struct vfio_cxl_hw *hw)
{
	unsigned long deadline;
	u32 size_lo;
	u32 enc;

	pci_read_config_dword(pdev, hw->dvsec + CXL_DVSEC_RANGE_SIZE_LOW(0), &size_lo);
	enc = min_t(u32, FIELD_GET(CXL_DVSEC_RANGE_MEM_ACTIVE_TIMEOUT, size_lo), 4);
	deadline = jiffies + msecs_to_jiffies(1000U << (2 * enc));
	while (!(size_lo & CXL_DVSEC_RANGE_MEM_ACTIVE)) {
		if (size_lo == ~0U || time_after(jiffies, deadline))
			return -ETIMEDOUT;
		msleep(20);
		pci_read_config_dword(pdev, hw->dvsec + CXL_DVSEC_RANGE_SIZE_LOW(0),
				      &size_lo);
	}
	return 0;
}

static int restore_decoders(struct vfio_cxl_device *cdev)
{
	struct pci_dev *pdev = cdev->core.pdev;
	struct vfio_cxl_hw *hw = &cdev->hw;
	void __iomem *gctrl;
	unsigned int n;
	u16 ctrl;
	int ret;

	pci_read_config_word(pdev, hw->dvsec + CXL_DVSEC_CTRL, &ctrl);
	if (ctrl != hw->dvsec_ctrl)
		pci_write_config_word(pdev, hw->dvsec + CXL_DVSEC_CTRL, hw->dvsec_ctrl);
	ret = wait_memory_active(pdev, hw);
	if (ret)
		return ret;

	gctrl = hw->comp + CXL_CM_OFFSET + hw->geom.hdm_off + CXL_HDM_GLOBAL_CTRL;
	if (readl(gctrl) != hw->hdm_global_ctrl)
		writel(hw->hdm_global_ctrl, gctrl);
	for (n = 0; n < hw->nr_saved; n++) {
		ret = commit_decoder(hw, n);
		if (ret)
			return ret;
	}
	return 0;
}

/**
 * vfio_cxl_restore_host_state() - put the host's CXL programming back
 * @cdev: a device bound with CXL passthrough active
 * @in_reset: called from reset_done, where the reset holds config access
 *	blocked for the user
 *
 * Restores the DVSEC Control register and restores and verifies the
 * committed HDM decoders saved at probe, as described in the DOC section
 * above. Only the host's own saved values are written; guest-visible state
 * is not involved.
 *
 * The decoders sit in a memory BAR, reachable only while the function's
 * Memory Space Enable is set; the guest may have cleared it (CXL.mem does not
 * depend on it, see dpa.c). It is then set for the restore and cleared
 * again, with user config access blocked meanwhile (pci_cfg_access_lock(), or
 * the reset's own block) so the user's view of PCI_COMMAND never changes.
 *
 * Context: process context, may sleep; the caller holds @cdev->dpa.lock.
 * Return: 0 when the device decodes the host's programming; -EAGAIN if the
 * registers cannot be reached now (not in D0, config space unreadable, or
 * config access blocked by a reset in another task, whose reset_done
 * restores); -ETIMEDOUT, -EBUSY or -EIO if the device does not accept it.
 */
int vfio_cxl_restore_host_state(struct vfio_cxl_device *cdev, bool in_reset)
{
	struct pci_dev *pdev = cdev->core.pdev;
	u16 cmd;
	int ret;

	lockdep_assert_held(&cdev->dpa.lock);
	if (pdev->current_state != PCI_D0)
		return -EAGAIN;
	if (!in_reset && !pci_cfg_access_trylock(pdev))
		return -EAGAIN;
	pci_read_config_word(pdev, PCI_COMMAND, &cmd);
	if (cmd == (u16)~0) {
		ret = -EAGAIN;
	} else {
		if (!(cmd & PCI_COMMAND_MEMORY))
			pci_write_config_word(pdev, PCI_COMMAND, cmd | PCI_COMMAND_MEMORY);
		ret = restore_decoders(cdev);
		if (!(cmd & PCI_COMMAND_MEMORY))
			pci_write_config_word(pdev, PCI_COMMAND, cmd);
	}
	if (!in_reset)
		pci_cfg_access_unlock(pdev);
	return ret;
}

/**
 * vfio_cxl_restore_host_ctrl2() - put the host's DVSEC Control2 back
 * @cdev: a device bound with CXL passthrough active
 *
 * A guest cache write-back (Initiate_Cache_WBI, CXL r3.1 8.1.3.4) carries
 * the guest's Disable_Caching to the device. The host's Control2 returns
 * after every reset of the device and when the VFIO user closes it, not in
 * between, so a write-back flow the guest started keeps its setting.
 *
 * Context: process context; config access only.
 */
void vfio_cxl_restore_host_ctrl2(struct vfio_cxl_device *cdev)
{
	struct pci_dev *pdev = cdev->core.pdev;
	u16 v;

	pci_read_config_word(pdev, cdev->hw.dvsec + CXL_DVSEC_CTRL2, &v);
	if (v != (u16)~0 && (v & ~CXL_DVSEC_CTRL2_ACTIONS) != cdev->hw.dvsec_ctrl2)
		pci_write_config_word(pdev, cdev->hw.dvsec + CXL_DVSEC_CTRL2,
				      cdev->hw.dvsec_ctrl2);
}

static u16 wbi_read16(void *ctx, u16 off)
{
	struct vfio_cxl_device *cdev = ctx;
	u16 v;

	if (pci_read_config_word(cdev->core.pdev, cdev->hw.dvsec + off, &v))
		return (u16)~0;
	return v;
}

static void wbi_write16(void *ctx, u16 off, u16 val)
{
	struct vfio_cxl_device *cdev = ctx;

	pci_write_config_word(cdev->core.pdev, cdev->hw.dvsec + off, val);
}

static void wbi_delay_us(void *ctx, u32 us)
{
	fsleep(us);
}

/**
 * vfio_cxl_cache_writeback() - write back and invalidate the device's cache
 * @cdev: a device bound with CXL passthrough active
 * @why: the event, for the log ("reset", "close", ...)
 *
 * Runs "DOC: device cache write-back" (src/cache_wbi.c, CXL r3.1 8.1.3.4,
 * 8.1.3.5) on a Cache_Capable device, before the host resets it or takes it
 * from its user; a device without a cache costs one config read. A failure
 * is logged once and sets @cdev->cache_wbi_failed, so that open fails with
 * -EIO until a reset has discarded whatever the cache held. Control2 keeps
 * Disable_Caching set; vfio_cxl_restore_host_ctrl2() puts the host's value
 * back after the reset (or at close).
 *
 * Context: process context, may sleep up to 2.65 s (the bound for the
 * largest cache a device can report); the caller keeps the DPA region
 * blocked or has no user mapping it.
 * Return: 0, -ENODEV if the device reads all ones, -ETIMEDOUT.
 */
int vfio_cxl_cache_writeback(struct vfio_cxl_device *cdev, const char *why)
{
	struct pci_dev *pdev = cdev->core.pdev;
	struct vfio_cxl_cache_hw hw = {
		.read16 = wbi_read16, .write16 = wbi_write16, .delay_us = wbi_delay_us, .ctx = cdev,
	};
	u16 cap, cap2;
	int ret;

	cap = wbi_read16(cdev, CXL_DVSEC_CAP);
	if (cap == (u16)~0 || !(cap & CXL_DVSEC_CAP_CACHE_CAPABLE))
		return 0;
	cap2 = wbi_read16(cdev, CXL_DVSEC_CAP2);
	ret = vfio_cxl_cache_wbi(&hw, cap, cap2 == (u16)~0 ? 0 : cap2);
	if (ret && !cdev->cache_wbi_failed)
		pci_warn(pdev, "device cache write-back before %s did not complete (%d): open refused until a reset\n",
			 why, ret);
	if (ret)
		cdev->cache_wbi_failed = true;
	return ret;
}

static struct vfio_cxl_device *cxl_from_pdev(struct pci_dev *pdev)
{
	struct vfio_pci_core_device *vdev = dev_get_drvdata(&pdev->dev);
	struct vfio_cxl_device *cdev;

	if (!vdev)
		return NULL;
	cdev = vfio_cxl_from_core(vdev);
	return cdev->cxl ? cdev : NULL;
}

/**
 * vfio_cxl_reset_prepare() - PCI core callback before any reset of the device
 * @pdev: the device
 *
 * Zaps and blocks the DPA region until vfio_cxl_reset_done(): from here
 * until the host's decoders are restored a fault gets SIGBUS and fd I/O
 * -EIO, never an access to a device that does not decode.
 *
 * Context: the PCI core holds the device lock; vdev->memory_lock may be held
 * for write by the caller of the reset.
 */
void vfio_cxl_reset_prepare(struct pci_dev *pdev)
{
	struct vfio_cxl_device *cdev = cxl_from_pdev(pdev);

	if (!cdev)
		return;
	vfio_cxl_dpa_block(cdev, true);
	vfio_cxl_cache_writeback(cdev, "reset");
}

/**
 * vfio_cxl_reset_done() - PCI core callback after any reset of the device
 * @pdev: the device
 *
 * Restores the host's HDM decoder programming and lifts the block taken in
 * vfio_cxl_reset_prepare().
 *
 * Context: as vfio_cxl_reset_prepare().
 */
void vfio_cxl_reset_done(struct pci_dev *pdev)
{
	struct vfio_cxl_device *cdev = cxl_from_pdev(pdev);

	if (!cdev)
		return;
	/* the reset discarded the cache, whatever the write-back did */
	cdev->cache_wbi_failed = false;
	vfio_cxl_dpa_reset_done(cdev);
	vfio_cxl_restore_host_ctrl2(cdev);
	vfio_cxl_dvsec_device_reset(cdev);
}

/**
 * vfio_cxl_error_detected() - PCI error recovery begins
 * @pdev: the device
 * @state: the channel state
 *
 * Blocks the DPA region until vfio_cxl_error_resume() (recovery may reset
 * the link without reset_prepare), then lets vfio-pci-core notify the user.
 *
 * Context: PCI error recovery; process context.
 * Return: what vfio_pci_core_aer_err_detected() returns.
 */
pci_ers_result_t vfio_cxl_error_detected(struct pci_dev *pdev,
					 pci_channel_state_t state)
{
	struct vfio_cxl_device *cdev = cxl_from_pdev(pdev);

	if (cdev) {
		vfio_cxl_dpa_error(cdev, true);
		/* a link that is down answers all ones: the write-back ends at once */
		vfio_cxl_cache_writeback(cdev, "error recovery");
	}
	return vfio_pci_core_aer_err_detected(pdev, state);
}

/**
 * vfio_cxl_error_resume() - PCI error recovery is done
 * @pdev: the device
 *
 * Context: PCI error recovery; process context.
 */
void vfio_cxl_error_resume(struct pci_dev *pdev)
{
	struct vfio_cxl_device *cdev = cxl_from_pdev(pdev);

	if (cdev)
		vfio_cxl_dpa_error(cdev, false);
}

/**
 * vfio_cxl_guest_cxl_reset() - the guest set Initiate_CXL_Reset
 * @cdev: a device whose DVSEC Capability has CXL_Reset_Capable
 *
 * Runs the reset the guest asked for (CXL r3.1 8.1.3.4, 9.7), with what the
 * kernel offers for the device: vfio-pci-core's VFIO_DEVICE_RESET path,
 * which zaps the BAR mappings and resets the function with the best method
 * the PCI core has for it. The DPA region is zapped and blocked throughout;
 * the host's decoders are restored by reset_done. If the guest also set
 * CXL_Reset_Mem_Clr_Enable (on a device that advertises it), device memory is
 * cleared before the region comes back. The outcome is reported in the
 * virtual Status2 (CXL_Reset_Complete or CXL_Reset_Error); the virtual DVSEC
 * is otherwise untouched, as a CXL reset leaves configuration space alone.
 *
 * Context: config write; process context; the caller holds no lock.
 * Return: 0: the config write itself always succeeds.
 */
int vfio_cxl_guest_cxl_reset(struct vfio_cxl_device *cdev)
{
	unsigned int tries = 0;
	bool mem_clr, ok;
	int ret;

	scoped_guard(mutex, &cdev->dvsec_lock)
		mem_clr = vfio_cxl_dvsec_mem_clr(&cdev->dvsec) &&
			  (cdev->dvsec.cap & CXL_DVSEC_CAP_RESET_MEM_CLR_CAPABLE);
	vfio_cxl_dvsec_keep(cdev, true);
	/* the config write path does not hold a runtime PM reference */
	ret = pm_runtime_resume_and_get(&cdev->core.pdev->dev);
	if (!ret) {
		vfio_cxl_dpa_block(cdev, true);
		/* -EAGAIN: someone else holds the device lock for a moment */
		do {
			ret = vfio_pci_core_ioctl(&cdev->core.vdev, VFIO_DEVICE_RESET, 0);
		} while (ret == -EAGAIN && ++tries < VFIO_CXL_RESET_TRIES &&
			 !msleep_interruptible(VFIO_CXL_RESET_RETRY_MS));
		if (!ret && mem_clr)
			ret = vfio_cxl_dpa_clear(cdev);
		scoped_guard(mutex, &cdev->dpa.lock)
			ok = !ret && cdev->dpa.host_ok;
		vfio_cxl_dpa_unblock(cdev);
		pm_runtime_put(&cdev->core.pdev->dev);
	} else {
		ok = false;
	}
	vfio_cxl_dvsec_keep(cdev, false);
	scoped_guard(mutex, &cdev->dvsec_lock)
		vfio_cxl_dvsec_reset_result(&cdev->dvsec, ok);
	if (!ok)
		pci_warn(cdev->core.pdev, "guest-initiated CXL reset failed (%d)\n", ret);
	return 0;
}
