/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vfio-cxl-pci: types shared by the driver's files.
 *
 * Copyright (C) 2026 The vfio-cxl-pci authors
 */
#ifndef VFIO_CXL_H
#define VFIO_CXL_H

#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/vfio_pci_core.h>
#include <linux/workqueue.h>

#include "compat.h"
#include "cxl_regs.h"
#include "dvsec_emu.h"
#include "hdm_emu.h"

#define VFIO_CXL_MAX_RO_DVSECS	8

/**
 * struct vfio_cxl_saved_decoder - one HDM decoder as platform firmware
 * committed it; the registers the host restores after a reset
 * @base_lo: Decoder n Base Low
 * @base_hi: Decoder n Base High
 * @size_lo: Decoder n Size Low
 * @size_hi: Decoder n Size High
 * @ctrl: Decoder n Control, without the read-only status bits
 * @skip_lo: Decoder n DPA Skip Low
 * @skip_hi: Decoder n DPA Skip High
 */
struct vfio_cxl_saved_decoder {
	u32 base_lo;
	u32 base_hi;
	u32 size_lo;
	u32 size_hi;
	u32 ctrl;
	u32 skip_lo;
	u32 skip_hi;
};

/**
 * struct vfio_cxl_hw - what probe found; read-only once probe succeeded
 * @dvsec: config-space offset of the CXL Device DVSEC
 * @dvsec_len: its length in bytes (DVSEC Header 1)
 * @dvsec_cap: its Capability register
 * @comp_bar: BAR holding the component register block
 * @comp_off: offset of the component register block in @comp_bar
 * @comp: mapping of the 64 KiB component register block (devres)
 * @geom: geometry of the CXL.cache/mem area, see vfio_cxl_hdm_parse()
 * @cm_snapshot: @geom.cm_size bytes of the CXL.cache/mem area taken at probe,
 *	CPU byte order; seeds the virtual view at every open (devres)
 * @hpa: host physical address decoder 0 maps
 * @dpa_size: bytes decoder 0 maps: the DPA region size
 * @dpa_map: write-back kernel mapping of [@hpa, @hpa + @dpa_size) for fd
 *	read/write and the scrub; only from open to the end of the
 *	close-time scrub, NULL otherwise (under @dpa.lock)
 * @dvsec_ctrl: DVSEC Control as the host left it (Mem_Enable ...)
 * @dvsec_ctrl2: DVSEC Control2 as the host left it (Disable_Caching ...),
 *	without the action bits
 * @hdm_global_ctrl: HDM Decoder Global Control as firmware left it
 * @ro_dvsec: the device's other CXL DVSECs (Register Locator, GPF, ...):
 *	config offset and length; read-only to the guest
 * @nr_ro_dvsec: entries in @ro_dvsec
 * @cfg_caps: where the PM, PCIe and AF capabilities are, for
 *	vfio_cxl_cfg_write_effects()
 * @nr_saved: number of committed decoders saved in @saved (decoders
 *	commit in order, so these are decoders 0 .. @nr_saved - 1)
 * @saved: the committed decoders
 */
struct vfio_cxl_hw {
	u16 dvsec;
	u16 dvsec_len;
	u16 dvsec_cap;
	u8 comp_bar;
	u64 comp_off;
	void __iomem *comp;
	struct vfio_cxl_hdm_geom geom;
	u32 *cm_snapshot;
	phys_addr_t hpa;
	u64 dpa_size;
	void *dpa_map;
	u16 dvsec_ctrl;
	u16 dvsec_ctrl2;
	u32 hdm_global_ctrl;
	struct {
		u16 pos;
		u16 len;
	} ro_dvsec[VFIO_CXL_MAX_RO_DVSECS];
	unsigned int nr_ro_dvsec;
	struct vfio_cxl_cfg_caps cfg_caps;
	unsigned int nr_saved;
	struct vfio_cxl_saved_decoder saved[CXL_HDM_MAX_DECODERS];
};

/**
 * struct vfio_cxl_dpa - state of the DPA region
 * @lock: protects the fields below and serialises page-table insertion in
 *	the fault handler against zapping; nests inside vdev->memory_lock
 * @index: VFIO region index of the DPA region while @registered
 * @registered: the region exists (between open and close)
 * @host_ok: the host's decoder programming has been verified in hardware
 *	since the last reset; cleared by every reset
 * @blockers: number of operations in progress that stop, or may stop, the
 *	device decoding memory (reset, memory disable, power transition)
 * @removing: the device is being unbound: blocked for good
 * @error_blocked: PCI error recovery is in progress and holds a block
 * @restore_warned: a failed restore has been logged and not yet succeeded
 * @verified_suspended_ns: pm_runtime_suspended_time() of the device when the
 *	host's programming was last verified; a different value means the
 *	device was runtime suspended since
 * @cpu_cached: a fault inserted an entry or the kernel alias was used since
 *	the last CPU cache write-back (see "DOC: CPU caches and the DPA range")
 * @cpu_inval_pending: a write-back ran for a lossy block; invalidate again
 *	once the host's programming is back
 * @cpu_cache_warned: the kernel has no way to write back CPU caches, and the
 *	log said so
 *
 * The region is usable (faults insert PTEs, fd I/O works) only when
 * @registered && @host_ok && !@blockers && !@removing, the device is in D0,
 * the device is not in low power and was not runtime suspended since
 * @host_ok was established.
 */
struct vfio_cxl_dpa {
	struct mutex lock;	/* see @lock above */
	u32 index;
	bool registered;
	bool host_ok;
	unsigned int blockers;
	bool removing;
	bool error_blocked;
	bool restore_warned;
	u64 verified_suspended_ns;
	bool cpu_cached;
	bool cpu_inval_pending;
	bool cpu_cache_warned;
};

/**
 * struct vfio_cxl_device - a device bound to vfio-cxl-pci
 * @core: the vfio-pci-core device; first, as vfio_alloc_device() requires
 * @cxl: CXL passthrough is active (else this is a plain vfio-pci device)
 * @hw: probe-time discovery and the saved host programming
 * @hdm_lock: protects @hdm
 * @hdm: virtual view of the COMP_REGS window, re-created at every open
 * @comp_regs_index: VFIO region index of the COMP_REGS region while open
 * @dvsec_lock: protects @dvsec and @dvsec_keeper
 * @dvsec: the guest's view of the CXL Device DVSEC, seeded at every open
 * @dvsec_keeper: the task carrying out a guest FLR or a guest CXL reset,
 *	whose device reset leaves the virtual DVSEC alone; NULL otherwise
 * @dpa: the DPA region
 * @scrub_pending: the scrub parameter was set and device memory has not
 *	been cleared since the last owner closed; the next open clears it
 *	first or fails, and unbind tries once more. Open, close and remove
 *	are serialized by the vfio core; @scrub_work is the only other
 *	writer, and open and remove flush it before they read the flag.
 * @scrub_work: finishes, in a kworker, a close-time scrub that a fatal
 *	signal stopped (the usual end of a killed VMM)
 * @plain_reason: why a device bound without CXL is plain vfio-pci (a
 *	string constant, the words of the bind's log line); NULL for CXL
 * @cache_wbi_failed: the last write-back of the device cache did not
 *	complete (see "DOC: device cache write-back"); open fails with -EIO
 *	until a reset of the device clears it. Written in reset, close, error
 *	and remove paths, which the PCI core's device lock or the vfio core
 *	serialize; read at open.
 */
struct vfio_cxl_device {
	struct vfio_pci_core_device core;
	bool cxl;
	struct vfio_cxl_hw hw;
	struct mutex hdm_lock;	/* protects @hdm */
	struct vfio_cxl_hdm_emu *hdm;
	u32 comp_regs_index;
	struct mutex dvsec_lock;	/* protects @dvsec, @dvsec_keeper */
	struct vfio_cxl_dvsec_emu dvsec;
	struct task_struct *dvsec_keeper;
	struct vfio_cxl_dpa dpa;
	bool scrub_pending;
	struct work_struct scrub_work;
	const char *plain_reason;
	bool cache_wbi_failed;
};

/* sysfs.c: the per-device vfio_cxl/ attribute directory (driver dev_groups) */
extern const struct attribute_group *vfio_cxl_dev_groups[];

static inline struct vfio_cxl_device *
vfio_cxl_from_core(struct vfio_pci_core_device *vdev)
{
	return container_of(vdev, struct vfio_cxl_device, core);
}

static inline struct vfio_cxl_device *vfio_cxl_from_vdev(struct vfio_device *vdev)
{
	return container_of(vdev, struct vfio_cxl_device, core.vdev);
}

/**
 * typedef vfio_cxl_reg_access_t - one naturally aligned register access
 * @ctx: caller context
 * @off: offset of the register access
 * @width: 1, 2 or 4 bytes
 * @val: value read, or value to write, CPU byte order
 * @write: true for a write
 *
 * Return: 0 or a negative errno.
 */
typedef int (*vfio_cxl_reg_access_t)(void *ctx, u32 off, u32 width, u32 *val,
				     bool write);

/**
 * typedef vfio_cxl_part_rw_t - handles one part of a device-fd access
 * @cdev: the device
 * @buf: user buffer for the part
 * @n: bytes in the part
 * @at: offset of the part in its region
 * @p: file position of the part
 * @write: true for a write
 *
 * Return: bytes done, or a negative errno.
 */
typedef ssize_t (*vfio_cxl_part_rw_t)(struct vfio_cxl_device *cdev,
				      char __user *buf, size_t n, u64 at,
				      loff_t *p, bool write);

/**
 * typedef vfio_cxl_part_t - which part of a region an offset falls in
 * @cdev: the device
 * @at: offset in the region
 * @end: set to the offset where the part ends
 *
 * Return: the handler of the part.
 */
typedef vfio_cxl_part_rw_t (*vfio_cxl_part_t)(struct vfio_cxl_device *cdev,
					      u64 at, u64 *end);

/* access.c */
ssize_t vfio_cxl_rw_regs(char __user *buf, size_t count, u32 pos, bool iswrite,
			 vfio_cxl_reg_access_t access, void *ctx);
ssize_t vfio_cxl_core_rw(struct vfio_cxl_device *cdev, char __user *buf,
			 size_t n, u64 at, loff_t *p, bool iswrite);
ssize_t vfio_cxl_route_rw(struct vfio_cxl_device *cdev, char __user *buf,
			  size_t count, loff_t *ppos, bool iswrite,
			  vfio_cxl_part_t part);

/* module parameters (main.c) */
extern bool vfio_cxl_allow_type3;
extern bool vfio_cxl_strict_hdm_lock;
extern bool vfio_cxl_scrub;
extern bool vfio_cxl_emulate_cxl_reset;
bool vfio_cxl_disabled_for(struct pci_dev *pdev);

/* detect.c */
int vfio_cxl_detect(struct pci_dev *pdev, struct vfio_cxl_hw *hw,
		    struct vfio_cxl_hdm_emu **hdm, const char **reason);

/* reset.c */
int vfio_cxl_restore_host_state(struct vfio_cxl_device *cdev, bool in_reset);
void vfio_cxl_restore_host_ctrl2(struct vfio_cxl_device *cdev);
int vfio_cxl_cache_writeback(struct vfio_cxl_device *cdev, const char *why);
int vfio_cxl_cpu_cache_flush(struct vfio_cxl_device *cdev);
int vfio_cxl_cpu_cache_invalidate(struct vfio_cxl_device *cdev);
void vfio_cxl_dpa_unmap_alias(struct vfio_cxl_device *cdev);
void vfio_cxl_reset_prepare(struct pci_dev *pdev);
void vfio_cxl_reset_done(struct pci_dev *pdev);
int vfio_cxl_guest_cxl_reset(struct vfio_cxl_device *cdev);
pci_ers_result_t vfio_cxl_error_detected(struct pci_dev *pdev,
					 pci_channel_state_t state);
void vfio_cxl_error_resume(struct pci_dev *pdev);

/* dpa.c */
int vfio_cxl_dpa_register(struct vfio_cxl_device *cdev);
void vfio_cxl_dpa_block(struct vfio_cxl_device *cdev, bool lossy);
void vfio_cxl_dpa_unblock(struct vfio_cxl_device *cdev);
void vfio_cxl_dpa_reset_done(struct vfio_cxl_device *cdev);
void vfio_cxl_dpa_verify(struct vfio_cxl_device *cdev);
void vfio_cxl_dpa_remove(struct vfio_cxl_device *cdev);
int vfio_cxl_dpa_clear(struct vfio_cxl_device *cdev);
void vfio_cxl_dpa_error(struct vfio_cxl_device *cdev, bool recovering);

/* config.c */
int vfio_cxl_dvsec_open(struct vfio_cxl_device *cdev);
void vfio_cxl_dvsec_device_reset(struct vfio_cxl_device *cdev);
void vfio_cxl_dvsec_keep(struct vfio_cxl_device *cdev, bool keep);
ssize_t vfio_cxl_config_rw(struct vfio_cxl_device *cdev, char __user *buf,
			   size_t count, loff_t *ppos, bool iswrite);

/* comp_regs.c */
int vfio_cxl_comp_regs_register(struct vfio_cxl_device *cdev);
int vfio_cxl_get_info_cap(struct vfio_cxl_device *cdev,
			  struct vfio_device_info __user *arg);
int vfio_cxl_comp_bar_region_info(struct vfio_cxl_device *cdev,
				  struct vfio_region_info *info,
				  struct vfio_info_cap *caps);
ssize_t vfio_cxl_comp_bar_rw(struct vfio_cxl_device *cdev, char __user *buf,
			     size_t count, loff_t *ppos, bool iswrite);
bool vfio_cxl_comp_bar_mmap_allowed(struct vfio_cxl_device *cdev,
				    struct vm_area_struct *vma);
int vfio_cxl_ioctl_get_region_info(struct vfio_cxl_device *cdev,
				   struct vfio_region_info __user *arg);

#endif /* VFIO_CXL_H */
