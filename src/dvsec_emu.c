// SPDX-License-Identifier: GPL-2.0-only
/*
 * Virtual PCIe DVSEC for CXL Devices.
 *
 * Copyright (C) 2026 The vfio-cxl-pci authors
 */
#include <linux/pci_regs.h>

#include "dvsec_emu.h"

/**
 * DOC: virtual CXL Device DVSEC
 *
 * vfio-pci-core passes guest writes to a DVSEC straight to the device. For the
 * PCIe DVSEC for CXL Devices (CXL r3.1 8.1.3) that would let a guest flip
 * CXL.mem enable, set CONFIG_LOCK or rewrite the range registers of the real
 * device, so vfio-cxl-pci serves the DVSEC body (from DVSEC Header 1 on)
 * from this model instead. The view is seeded from the device at every open
 * and modelled as 16-bit registers; an access of any width is split into the
 * registers it covers, each with the mask of the bytes it writes, so a
 * partial write never touches, or clears, bits it did not target.
 *
 * ==========================  ============================================
 * register                    guest view
 * ==========================  ============================================
 * Header 1/2, Capability,     read-only (device values)
 * Capability2/3, Range Size
 * Control                     RWL (CONFIG_LOCK); IO_Enable reads 1;
 *                             Mem_Enable, Cache_Enable and the rest are
 *                             virtual; bits of features the Capability
 *                             registers do not advertise read 0
 * Status                      Viral_Status RW1CS (if Viral_Capable): the
 *                             device's bit merged with a virtual one the
 *                             guest clears; the clear is not forwarded
 * Control2                    Disable_Caching, CXL_Reset_Mem_Clr_Enable,
 *                             Desired_Volatile_HDM_State, Modified_Completion
 *                             virtual, each gated by its capability;
 *                             Initiate_Cache_WBI starts a write-back on the
 *                             device (CXL.cache devices that can) and reads
 *                             0; Initiate_CXL_Reset is reported to the caller
 *                             (CXL_Reset_Capable devices) and reads 0
 * Status2                     Cache_Invalid, Volatile_HDM_Preservation_Error
 *                             and PM_Init_Completion read live from the
 *                             device; the error bit is RW1CS and the clear is
 *                             forwarded; CXL_Reset_Complete/_Error are
 *                             virtual, set by the driver's reset flow
 * Lock                        CONFIG_LOCK RWO, virtual
 * Range n Base High/Low       RWL, virtual, 0 at open (never the host
 *                             address); Low bits 27:0 reserved; range 2 only
 *                             with HDM_Count 2
 * ==========================  ============================================
 *
 * Reserved bits read 0. Nothing else is ever written to the device. A
 * conventional reset of the virtual device (VFIO_DEVICE_RESET, a hot reset)
 * returns Control, Control2, Lock and the Range Base registers to their
 * open-time values, and the sticky (RW1CS) status bits keep theirs, as on
 * hardware. A function level reset and a CXL reset leave the DVSEC alone:
 * CXL.cache and CXL.mem configuration, the CXL DVSEC included, is not
 * affected by FLR (CXL r3.1 9.5), and CXL reset does not touch configuration
 * space (9.7); the driver decides which kind a reset is (config.c).
 */

static bool has_cap(const struct vfio_cxl_dvsec_emu *emu, u16 bit)
{
	return emu->cap & bit;
}

static unsigned int hdm_ranges(const struct vfio_cxl_dvsec_emu *emu)
{
	return FIELD_GET(CXL_DVSEC_CAP_HDM_COUNT, emu->cap) >= 2 ? 2 : 1;
}

static bool is_range_base(const struct vfio_cxl_dvsec_emu *emu, u32 off)
{
	unsigned int n;

	for (n = 0; n < hdm_ranges(emu); n++)
		if (off >= CXL_DVSEC_RANGE_BASE_HIGH(n) &&
		    off < CXL_DVSEC_RANGE_BASE_LOW(n) + 4)
			return true;
	return false;
}

/**
 * vfio_cxl_dvsec_rw_mask() - the bits of a 16-bit DVSEC register that hold
 * guest-writable virtual state
 * @emu: the virtual DVSEC
 * @off: even byte offset of the register from the DVSEC start
 *
 * Return: the writable bits (0 for read-only and reserved registers; Status,
 * Status2 and Lock have their own write rules).
 */
u16 vfio_cxl_dvsec_rw_mask(const struct vfio_cxl_dvsec_emu *emu, u32 off)
{
	bool cache = has_cap(emu, CXL_DVSEC_CAP_CACHE_CAPABLE);
	u16 m = 0;

	switch (off) {
	case CXL_DVSEC_CTRL:
		m = CXL_DVSEC_CTRL_MEM_ENABLE;
		if (cache)
			m |= CXL_DVSEC_CTRL_CACHE_ENABLE | CXL_DVSEC_CTRL_CACHE_SF_COVERAGE |
			     CXL_DVSEC_CTRL_CACHE_SF_GRANULARITY |
			     CXL_DVSEC_CTRL_CACHE_CLEAN_EVICTION;
		if (emu->cap3 & CXL_DVSEC_CAP3_P2P_MEM_CAPABLE)
			m |= CXL_DVSEC_CTRL_P2P_MEM_ENABLE;
		if (has_cap(emu, CXL_DVSEC_CAP_VIRAL_CAPABLE))
			m |= CXL_DVSEC_CTRL_VIRAL_ENABLE;
		return m;
	case CXL_DVSEC_CTRL2:
		if (cache)
			m |= CXL_DVSEC_CTRL2_DISABLE_CACHING;
		if (has_cap(emu, CXL_DVSEC_CAP_RESET_MEM_CLR_CAPABLE))
			m |= CXL_DVSEC_CTRL2_RESET_MEM_CLR;
		if (emu->cap3 & CXL_DVSEC_CAP3_VOLATILE_HDM_CONFIG)
			m |= CXL_DVSEC_CTRL2_DESIRED_VOLATILE_HDM;
		if (emu->cap2 & CXL_DVSEC_CAP2_MOD_COMPLETION_CAPABLE)
			m |= CXL_DVSEC_CTRL2_MOD_COMPLETION;
		return m;
	}
	if (is_range_base(emu, off)) {
		/* Base Low: bits 31:28 only; its lower half is all reserved */
		if (off == CXL_DVSEC_RANGE_BASE_LOW(0) || off == CXL_DVSEC_RANGE_BASE_LOW(1))
			return 0;
		if (off == CXL_DVSEC_RANGE_BASE_LOW(0) + 2 ||
		    off == CXL_DVSEC_RANGE_BASE_LOW(1) + 2)
			return 0xf000;
		return 0xffff;
	}
	return 0;
}

static u16 status_w1c(const struct vfio_cxl_dvsec_emu *emu)
{
	return has_cap(emu, CXL_DVSEC_CAP_VIRAL_CAPABLE) ? CXL_DVSEC_STATUS_VIRAL : 0;
}

/* Status2 bits read live from the device */
static u16 status2_live(const struct vfio_cxl_dvsec_emu *emu)
{
	u16 m = 0;

	if (has_cap(emu, CXL_DVSEC_CAP_CACHE_CAPABLE))
		m |= CXL_DVSEC_STATUS2_CACHE_INVALID;
	if (emu->cap3 & CXL_DVSEC_CAP3_VOLATILE_HDM_CONFIG)
		m |= CXL_DVSEC_STATUS2_VOLATILE_HDM_ERR;
	if (has_cap(emu, CXL_DVSEC_CAP_PM_INIT_REPORTING))
		m |= CXL_DVSEC_STATUS2_PM_INIT_COMPLETION;
	return m;
}

/* Status2 bits the driver synthesizes */
static u16 status2_virtual(const struct vfio_cxl_dvsec_emu *emu)
{
	if (!has_cap(emu, CXL_DVSEC_CAP_RESET_CAPABLE))
		return 0;
	return CXL_DVSEC_STATUS2_RESET_COMPLETE | CXL_DVSEC_STATUS2_RESET_ERROR;
}

/**
 * vfio_cxl_dvsec_locked() - is CONFIG_LOCK set in the virtual DVSEC
 * @emu: the virtual DVSEC
 *
 * Return: true once the guest (or firmware, before open) set CONFIG_LOCK.
 */
bool vfio_cxl_dvsec_locked(const struct vfio_cxl_dvsec_emu *emu)
{
	return emu->regs[CXL_DVSEC_LOCK / 2] & CXL_DVSEC_LOCK_CONFIG_LOCK;
}

/**
 * vfio_cxl_dvsec_emu_init() - seed the virtual DVSEC from the device
 * @emu: the view to initialise
 * @cfg: @len bytes of the device's DVSEC, little-endian, from its start
 * @len: DVSEC length from DVSEC Header 1
 * @hw: device access for the live and forwarded bits
 *
 * Read-only registers keep the device's values; Control and Control2 keep
 * the device's bits that the guest may write, with IO_Enable set; Lock keeps
 * CONFIG_LOCK; the Range Base registers start at 0; reserved registers read 0.
 *
 * Context: any; does not sleep.
 * Return: 0, or -EINVAL if @len is odd, too short for the CXL r3.1 layout or
 * longer than the model holds.
 */
int vfio_cxl_dvsec_emu_init(struct vfio_cxl_dvsec_emu *emu, const u8 *cfg,
			    u16 len, const struct vfio_cxl_dvsec_hw *hw)
{
	unsigned int i, n;

	if (len % 2 || len < CXL_DVSEC_DEVICE_MIN_LEN || len > VFIO_CXL_DVSEC_MAX_LEN)
		return -EINVAL;
	memset(emu, 0, sizeof(*emu));
	emu->len = len;
	emu->hw = *hw;
	for (i = 0; i < len / 2; i++)
		emu->regs[i] = cfg[2 * i] | cfg[2 * i + 1] << 8;
	emu->cap = emu->regs[CXL_DVSEC_CAP / 2];
	emu->cap2 = emu->regs[CXL_DVSEC_CAP2 / 2];
	if (len >= CXL_DVSEC_CAP3 + 2)
		emu->cap3 = emu->regs[CXL_DVSEC_CAP3 / 2];

	emu->regs[CXL_DVSEC_CTRL / 2] &= vfio_cxl_dvsec_rw_mask(emu, CXL_DVSEC_CTRL);
	emu->regs[CXL_DVSEC_CTRL / 2] |= CXL_DVSEC_CTRL_IO_ENABLE;
	emu->regs[CXL_DVSEC_STATUS / 2] &= status_w1c(emu);
	emu->regs[CXL_DVSEC_CTRL2 / 2] &= vfio_cxl_dvsec_rw_mask(emu, CXL_DVSEC_CTRL2);
	emu->regs[CXL_DVSEC_STATUS2 / 2] = 0;
	emu->regs[CXL_DVSEC_LOCK / 2] &= CXL_DVSEC_LOCK_CONFIG_LOCK;
	for (n = 0; n < 2; n++) {
		emu->regs[CXL_DVSEC_RANGE_BASE_HIGH(n) / 2] = 0;
		emu->regs[CXL_DVSEC_RANGE_BASE_HIGH(n) / 2 + 1] = 0;
		emu->regs[CXL_DVSEC_RANGE_BASE_LOW(n) / 2] = 0;
		emu->regs[CXL_DVSEC_RANGE_BASE_LOW(n) / 2 + 1] = 0;
	}
	if (hdm_ranges(emu) < 2) {
		emu->regs[CXL_DVSEC_RANGE_SIZE_HIGH(1) / 2] = 0;
		emu->regs[CXL_DVSEC_RANGE_SIZE_HIGH(1) / 2 + 1] = 0;
		emu->regs[CXL_DVSEC_RANGE_SIZE_LOW(1) / 2] = 0;
		emu->regs[CXL_DVSEC_RANGE_SIZE_LOW(1) / 2 + 1] = 0;
	}
	if (len >= CXL_DVSEC_CAP3 + 4)
		emu->regs[(CXL_DVSEC_CAP3 + 2) / 2] = 0;	/* reserved */
	memcpy(emu->seed, emu->regs, sizeof(emu->seed));
	return 0;
}

/*
 * The device's bits @live of the register at @off. A device that does not
 * answer (all ones, during a reset) reports none of them.
 */
static u16 hw_live(const struct vfio_cxl_dvsec_emu *emu, u32 off, u16 live)
{
	u16 v;

	if (!live || !emu->hw.read16)
		return 0;
	v = emu->hw.read16(emu->hw.ctx, off);
	return v == 0xffff ? 0 : v & live;
}

static u16 reg_read(const struct vfio_cxl_dvsec_emu *emu, u32 off)
{
	u16 v = emu->regs[off / 2];

	if (off == CXL_DVSEC_STATUS)
		v |= hw_live(emu, off, status_w1c(emu));
	else if (off == CXL_DVSEC_STATUS2)
		v = (v & status2_virtual(emu)) | hw_live(emu, off, status2_live(emu));
	return v;
}

static void start_wbi(struct vfio_cxl_dvsec_emu *emu)
{
	u16 v;

	if (!has_cap(emu, CXL_DVSEC_CAP_CACHE_CAPABLE) ||
	    !has_cap(emu, CXL_DVSEC_CAP_CACHE_WBI_CAPABLE) ||
	    !emu->hw.read16 || !emu->hw.write16)
		return;
	/*
	 * The device's own Control2, with the guest's Disable_Caching; the
	 * host's value is put back at the next reset and at close.
	 */
	v = emu->hw.read16(emu->hw.ctx, CXL_DVSEC_CTRL2);
	if (v == 0xffff)
		return;
	v &= ~(CXL_DVSEC_CTRL2_ACTIONS | CXL_DVSEC_CTRL2_DISABLE_CACHING);
	v |= emu->regs[CXL_DVSEC_CTRL2 / 2] & CXL_DVSEC_CTRL2_DISABLE_CACHING;
	emu->hw.write16(emu->hw.ctx, CXL_DVSEC_CTRL2, v | CXL_DVSEC_CTRL2_INITIATE_WBI);
}

/* A write of the bits in @m of the 16-bit register at @off. */
static int reg_write(struct vfio_cxl_dvsec_emu *emu, u32 off, u16 val, u16 m)
{
	u16 *r = &emu->regs[off / 2];
	u16 rw = vfio_cxl_dvsec_rw_mask(emu, off) & m;
	int ret = 0;

	val &= m;
	switch (off) {
	case CXL_DVSEC_CTRL:
		if (!vfio_cxl_dvsec_locked(emu))
			*r = (*r & ~rw) | (val & rw);
		break;
	case CXL_DVSEC_STATUS:
		*r &= ~(val & status_w1c(emu));
		break;
	case CXL_DVSEC_CTRL2:
		*r = (*r & ~rw) | (val & rw);
		if (val & CXL_DVSEC_CTRL2_INITIATE_WBI)
			start_wbi(emu);
		if ((val & CXL_DVSEC_CTRL2_INITIATE_RESET) &&
		    has_cap(emu, CXL_DVSEC_CAP_RESET_CAPABLE)) {
			/* the outcome of the previous reset is gone (8.1.3.6) */
			emu->regs[CXL_DVSEC_STATUS2 / 2] &=
				~(CXL_DVSEC_STATUS2_RESET_COMPLETE |
				  CXL_DVSEC_STATUS2_RESET_ERROR);
			ret = VFIO_CXL_DVSEC_RESET_REQUESTED;
		}
		break;
	case CXL_DVSEC_STATUS2:
		if ((val & CXL_DVSEC_STATUS2_VOLATILE_HDM_ERR) &&
		    (status2_live(emu) & CXL_DVSEC_STATUS2_VOLATILE_HDM_ERR) && emu->hw.write16)
			emu->hw.write16(emu->hw.ctx, CXL_DVSEC_STATUS2,
					CXL_DVSEC_STATUS2_VOLATILE_HDM_ERR);
		break;
	case CXL_DVSEC_LOCK:
		*r |= val & CXL_DVSEC_LOCK_CONFIG_LOCK;
		break;
	default:
		if (rw && !vfio_cxl_dvsec_locked(emu))
			*r = (*r & ~rw) | (val & rw);
		break;
	}
	return ret;
}

static int check(const struct vfio_cxl_dvsec_emu *emu, u32 off, u32 width)
{
	if ((width != 1 && width != 2 && width != 4) || off % width ||
	    off < CXL_DVSEC_HEADER1 || off + width > emu->len)
		return -EINVAL;
	return 0;
}

/**
 * vfio_cxl_dvsec_read() - a guest read of the DVSEC body
 * @emu: the virtual DVSEC
 * @off: byte offset from the DVSEC start, at least 4 (the extended
 *	capability header itself is vfio-pci-core's)
 * @width: 1, 2 or 4 bytes, @off naturally aligned
 * @val: the value, CPU byte order
 *
 * Context: the caller serializes; calls @emu->hw.read16 for Status and
 * Status2.
 * Return: 0, or -EINVAL for an access outside the body or misaligned.
 */
int vfio_cxl_dvsec_read(struct vfio_cxl_dvsec_emu *emu, u32 off, u32 width,
			u32 *val)
{
	int ret = check(emu, off, width);
	u32 v;

	if (ret)
		return ret;
	v = reg_read(emu, off & ~1u);
	if (width == 4)
		v |= (u32)reg_read(emu, off + 2) << 16;
	else if (width == 1)
		v = (v >> (8 * (off & 1))) & 0xff;
	*val = v;
	return 0;
}

/**
 * vfio_cxl_dvsec_write() - a guest write of the DVSEC body
 * @emu: the virtual DVSEC
 * @off: byte offset from the DVSEC start, at least 4
 * @width: 1, 2 or 4 bytes, @off naturally aligned
 * @val: the value, CPU byte order
 *
 * Applies the register rules in the DOC section above to the bytes written.
 *
 * Context: the caller serializes; may call @emu->hw.write16 (cache
 * write-back, Status2 error clear).
 * Return: 0; %VFIO_CXL_DVSEC_RESET_REQUESTED if the write sets
 * Initiate_CXL_Reset on a CXL_Reset_Capable device (the caller performs the
 * reset, see vfio_cxl_dvsec_reset_result()); -EINVAL, with nothing changed,
 * for an access outside the body or misaligned.
 */
int vfio_cxl_dvsec_write(struct vfio_cxl_dvsec_emu *emu, u32 off, u32 width,
			 u32 val)
{
	int ret = check(emu, off, width);

	if (ret)
		return ret;
	if (width == 1)
		return reg_write(emu, off & ~1u, (val & 0xff) << (8 * (off & 1)),
				 0xff << (8 * (off & 1)));
	ret = reg_write(emu, off, val & 0xffff, 0xffff);
	if (width == 4)
		ret |= reg_write(emu, off + 2, val >> 16, 0xffff);
	return ret;
}

/* The byte of PCIe Device Control that holds Initiate FLR (bit 15). */
#define CFG_EXP_DEVCTL_HI	(PCI_EXP_DEVCTL + 1)

static bool write_covers(u32 pos, u32 count, u32 off)
{
	return off >= pos && off < pos + count;
}

/**
 * vfio_cxl_cfg_write_effects() - what a config write may do to the device
 * @caps: where the device's PM, PCIe and AF capabilities are
 * @pos: config-space offset of the write
 * @count: bytes written
 *
 * %VFIO_CXL_CFG_STOPS_DECODE for writes to the PM Control/Status register
 * (D3 stops decode, and D3hot to D0 may reset the device), to the byte of
 * PCIe Device Control that holds Initiate Function Level Reset, or to AF
 * Control; the last two also get %VFIO_CXL_CFG_FLR. Not PCI_COMMAND: Memory
 * Space Enable governs the memory BARs, not CXL.mem decode (CXL r3.1 8.1.3.2,
 * 8.2.4.20; see the DPA region's DOC section). Decided by location only: the
 * written value is in user memory, and reading it here and again when the
 * write is performed would leave a window to change it in between.
 *
 * Return: a mask of VFIO_CXL_CFG_* flags, 0 for a write with no such effect.
 */
unsigned int vfio_cxl_cfg_write_effects(const struct vfio_cxl_cfg_caps *caps,
					u32 pos, u32 count)
{
	const unsigned int flr = VFIO_CXL_CFG_STOPS_DECODE | VFIO_CXL_CFG_FLR;

	if (caps->pcie && write_covers(pos, count, caps->pcie + CFG_EXP_DEVCTL_HI))
		return flr;
	if (caps->af && write_covers(pos, count, caps->af + PCI_AF_CTRL))
		return flr;
	if (caps->pm && (write_covers(pos, count, caps->pm + PCI_PM_CTRL) ||
			 write_covers(pos, count, caps->pm + PCI_PM_CTRL + 1)))
		return VFIO_CXL_CFG_STOPS_DECODE;
	return 0;
}

/**
 * vfio_cxl_dvsec_reset() - the virtual device went through a conventional
 * reset
 * @emu: the virtual DVSEC
 *
 * Control, Control2, Lock and the Range Base registers return to their
 * open-time values; the sticky RW1CS status bits and the CXL reset outcome
 * bits keep theirs. Not for FLR or CXL reset, which leave the DVSEC alone
 * (see the DOC section above).
 */
void vfio_cxl_dvsec_reset(struct vfio_cxl_dvsec_emu *emu)
{
	static const u16 regs[] = { CXL_DVSEC_CTRL, CXL_DVSEC_CTRL2, CXL_DVSEC_LOCK };
	unsigned int i, n;

	for (i = 0; i < ARRAY_SIZE(regs); i++)
		emu->regs[regs[i] / 2] = emu->seed[regs[i] / 2];
	for (n = 0; n < 2; n++)
		for (i = CXL_DVSEC_RANGE_BASE_HIGH(n); i < CXL_DVSEC_RANGE_BASE_LOW(n) + 4; i += 2)
			emu->regs[i / 2] = emu->seed[i / 2];
}

/**
 * vfio_cxl_dvsec_reset_result() - report the outcome of a guest-initiated CXL
 * reset in the virtual Status2
 * @emu: the virtual DVSEC
 * @ok: the reset completed and the device is usable again
 *
 * Sets CXL_Reset_Complete on success, CXL_Reset_Error on failure, and clears
 * the other (CXL r3.1 8.1.3.6).
 */
void vfio_cxl_dvsec_reset_result(struct vfio_cxl_dvsec_emu *emu, bool ok)
{
	u16 *r = &emu->regs[CXL_DVSEC_STATUS2 / 2];

	*r &= ~(CXL_DVSEC_STATUS2_RESET_COMPLETE | CXL_DVSEC_STATUS2_RESET_ERROR);
	*r |= ok ? CXL_DVSEC_STATUS2_RESET_COMPLETE : CXL_DVSEC_STATUS2_RESET_ERROR;
}

/**
 * vfio_cxl_dvsec_mem_clr() - did the guest ask for memory clearing with its
 * CXL reset
 * @emu: the virtual DVSEC
 *
 * Return: the virtual Control2 CXL_Reset_Mem_Clr_Enable.
 */
bool vfio_cxl_dvsec_mem_clr(const struct vfio_cxl_dvsec_emu *emu)
{
	return emu->regs[CXL_DVSEC_CTRL2 / 2] & CXL_DVSEC_CTRL2_RESET_MEM_CLR;
}
