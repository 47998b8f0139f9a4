/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Virtual PCIe DVSEC for CXL Devices (pure logic, no kernel dependencies: it
 * is also built into user-space tests and fuzzers).
 *
 * Copyright (C) 2026 The vfio-cxl-pci authors
 */
#ifndef VFIO_CXL_DVSEC_EMU_H
#define VFIO_CXL_DVSEC_EMU_H

#include "cxl_regs.h"

/* Longest DVSEC body the model holds; CXL r3.1 defines 0x3c bytes. */
#define VFIO_CXL_DVSEC_MAX_LEN		0x100

/* vfio_cxl_dvsec_write() result: the guest asked for a CXL reset */
#define VFIO_CXL_DVSEC_RESET_REQUESTED	1

/**
 * struct vfio_cxl_dvsec_hw - the device side of the DVSEC
 * @read16: reads a 16-bit register of the device's DVSEC (@off from the
 *	DVSEC start); used for the live Status2 bits
 * @write16: writes a 16-bit register of the device's DVSEC; called only to
 *	start a cache write-back (Control2 Initiate_Cache_WBI) and to clear
 *	Status2 Volatile_HDM_Preservation_Error
 * @ctx: passed to both
 */
struct vfio_cxl_dvsec_hw {
	u16 (*read16)(void *ctx, u16 off);
	void (*write16)(void *ctx, u16 off, u16 val);
	void *ctx;
};

/**
 * struct vfio_cxl_dvsec_emu - the guest's view of the CXL Device DVSEC
 * @len: DVSEC length in bytes (DVSEC Header 1)
 * @cap: Capability register, read from the device at open
 * @cap2: Capability2 register
 * @cap3: Capability3 register, 0 if the DVSEC is too short to have one
 * @seed: the view at open, 16-bit registers by byte offset / 2; a reset of
 *	the virtual device returns the non-sticky registers to it
 * @regs: the current view, same layout
 * @hw: device access for the live and forwarded bits
 *
 * Callers serialize access.
 */
struct vfio_cxl_dvsec_emu {
	u16 len;
	u16 cap;
	u16 cap2;
	u16 cap3;
	u16 seed[VFIO_CXL_DVSEC_MAX_LEN / 2];
	u16 regs[VFIO_CXL_DVSEC_MAX_LEN / 2];
	struct vfio_cxl_dvsec_hw hw;
};

/**
 * struct vfio_cxl_cfg_caps - where the config registers that control memory
 * decode are (0 when the capability is absent)
 * @pm: PCI Power Management capability
 * @pcie: PCI Express capability
 * @af: Advanced Features capability
 */
struct vfio_cxl_cfg_caps {
	u16 pm;
	u16 pcie;
	u16 af;
};

/* vfio_cxl_cfg_write_effects() flags */
#define VFIO_CXL_CFG_STOPS_DECODE	BIT(0)	/* may stop memory decode */
#define VFIO_CXL_CFG_FLR		BIT(1)	/* may start a function level reset */

unsigned int vfio_cxl_cfg_write_effects(const struct vfio_cxl_cfg_caps *caps,
					u32 pos, u32 count);
int vfio_cxl_dvsec_emu_init(struct vfio_cxl_dvsec_emu *emu, const u8 *cfg,
			    u16 len, const struct vfio_cxl_dvsec_hw *hw);
int vfio_cxl_dvsec_read(struct vfio_cxl_dvsec_emu *emu, u32 off, u32 width,
			u32 *val);
int vfio_cxl_dvsec_write(struct vfio_cxl_dvsec_emu *emu, u32 off, u32 width,
			 u32 val);
void vfio_cxl_dvsec_reset(struct vfio_cxl_dvsec_emu *emu);
void vfio_cxl_dvsec_reset_result(struct vfio_cxl_dvsec_emu *emu, bool ok);
bool vfio_cxl_dvsec_mem_clr(const struct vfio_cxl_dvsec_emu *emu);
u16 vfio_cxl_dvsec_rw_mask(const struct vfio_cxl_dvsec_emu *emu, u32 off);
bool vfio_cxl_dvsec_locked(const struct vfio_cxl_dvsec_emu *emu);

#endif /* VFIO_CXL_DVSEC_EMU_H */
