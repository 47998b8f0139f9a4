// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness for the virtual CXL Device DVSEC (src/dvsec_emu.c).
 *
 * The input picks the device's capabilities and firmware state, then a
 * sequence of config accesses of any offset and width, resets and CXL reset
 * outcomes. After every step it checks:
 *
 * - no write reaches the device except a cache write-back start (Control2
 *   Initiate_Cache_WBI, on CXL.cache devices that can, carrying the device's
 *   own Control2 with only the guest's Disable_Caching) and the clear of
 *   Status2 Volatile_HDM_Preservation_Error (RW1CS, forwarded by design);
 * - Status and Status2 read the device's live bits (none from a device that
 *   reads all ones), and only the capability-gated ones;
 * - IO_Enable reads 1; reserved and unsupported bits read 0;
 * - read-only registers never change; with CONFIG_LOCK set, Control and the
 *   Range Base registers never change until a reset;
 * - the Range Base registers read 0 at open and after every reset (the host
 *   physical address in the device's registers never appears), and no read
 *   returns that address unless the input wrote it;
 * - a rejected access changes nothing.
 *
 * Copyright (C) 2026 The vfio-cxl-pci authors
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dvsec_emu.h"

#define HPA_HI	0xc0ffee11u

static u8 dev[VFIO_CXL_DVSEC_MAX_LEN];
static u16 cap, cap3;
static int wrote_hpa;
static const struct vfio_cxl_dvsec_emu *cur;	/* the view under test */

static void fail(const char *what, u32 a, u32 b)
{
	fprintf(stderr, "invariant broken: %s (%#x %#x)\n", what, a, b);
	abort();
}

static u16 hw_read16(void *ctx, u16 off)
{
	return dev[off] | dev[off + 1] << 8;
}

static void hw_write16(void *ctx, u16 off, u16 val)
{
	u16 dc2 = hw_read16(NULL, CXL_DVSEC_CTRL2);

	/* bits 0..2: Disable_Caching, Initiate_Cache_WBI, Initiate_CXL_Reset */
	if (off == CXL_DVSEC_CTRL2 && (cap & 1) && (cap & (1u << 6)) && dc2 != 0xffff &&
	    val == ((dc2 & ~7u) | (cur->regs[CXL_DVSEC_CTRL2 / 2] & 1) | 2))
		return;
	if (off == CXL_DVSEC_STATUS2 && val == CXL_DVSEC_STATUS2_VOLATILE_HDM_ERR &&
	    (cap3 & CXL_DVSEC_CAP3_VOLATILE_HDM_CONFIG))
		return;
	fail("a write reached the device", off, val);
}

static u16 reg(const struct vfio_cxl_dvsec_emu *e, u32 off)
{
	return e->regs[off / 2];
}

/* the writable bits, from CXL r3.1 8.1.3, written independently of the model */
static u16 ctrl_rw(void)
{
	u16 m = 1u << 2;

	if (cap & 1)
		m |= 0x0ff9;		/* Cache_Enable, SF coverage/granularity, clean eviction */
	if (cap3 & (1u << 4))
		m |= 1u << 12;		/* P2P_Mem_Enable */
	if (cap & (1u << 14))
		m |= 1u << 14;		/* Viral_Enable */
	return m;
}

static u16 ctrl2_rw(u16 cap2)
{
	u16 m = 0;

	if (cap & 1)
		m |= 1;			/* Disable_Caching */
	if (cap & (1u << 11))
		m |= 1u << 3;		/* CXL_Reset_Mem_Clr_Enable */
	if (cap3 & (1u << 3))
		m |= 1u << 4;		/* Desired_Volatile_HDM_State */
	if (cap2 & (1u << 6))
		m |= 1u << 5;		/* Modified_Completion_Enable */
	return m;
}

static int same_frozen(const struct vfio_cxl_dvsec_emu *a, const struct vfio_cxl_dvsec_emu *b)
{
	for (u32 off = CXL_DVSEC_RANGE_BASE_HIGH(0); off < CXL_DVSEC_RANGE_BASE_LOW(1) + 4; off += 2)
		if ((off < CXL_DVSEC_RANGE_SIZE_HIGH(1) || off >= CXL_DVSEC_RANGE_BASE_HIGH(1)) &&
		    reg(a, off) != reg(b, off))
			return 0;
	return reg(a, CXL_DVSEC_CTRL) == reg(b, CXL_DVSEC_CTRL);
}

/* At open and after a reset the Range Base registers hold no host address. */
static void check_bases_clear(const struct vfio_cxl_dvsec_emu *e)
{
	for (u32 n = 0; n < 2; n++)
		for (u32 off = CXL_DVSEC_RANGE_BASE_HIGH(n); off < CXL_DVSEC_RANGE_BASE_LOW(n) + 4; off += 2)
			if (reg(e, off))
				fail("Range Base not 0 at open or after reset", off, reg(e, off));
}

/* Status and Status2 as read: live device bits, gated by capabilities */
static void check_status(struct vfio_cxl_dvsec_emu *e)
{
	u16 live2 = 0, d2 = hw_read16(NULL, CXL_DVSEC_STATUS2);
	u16 d1 = hw_read16(NULL, CXL_DVSEC_STATUS);
	u32 v;

	if (cap & 1)
		live2 |= 1;		/* Cache_Invalid */
	if (cap3 & (1u << 3))
		live2 |= 1u << 3;	/* Volatile_HDM_Preservation_Error */
	if (cap & (1u << 15))
		live2 |= 1u << 15;	/* PM_Init_Completion */
	if (d2 == 0xffff)
		d2 = 0;
	if (vfio_cxl_dvsec_read(e, CXL_DVSEC_STATUS2, 2, &v))
		fail("Status2 read refused", 0, 0);
	if ((v & live2) != (d2 & live2))
		fail("Status2 live bits differ from the device", v, d2);
	if (v & ~(live2 | ((cap & (1u << 7)) ? 6u : 0u)))
		fail("Status2 bits the capabilities do not allow", v, cap);
	if (vfio_cxl_dvsec_read(e, CXL_DVSEC_STATUS, 2, &v))
		fail("Status read refused", 0, 0);
	if (v & ~((cap & (1u << 14)) ? 0x4000u : 0u))
		fail("Status bits the capabilities do not allow", v, cap);
	if ((cap & (1u << 14)) && d1 != 0xffff && (d1 & 0x4000) && !(v & 0x4000))
		fail("the device's Viral_Status is hidden", v, d1);
}

static void check(const struct vfio_cxl_dvsec_emu *e, const struct vfio_cxl_dvsec_emu *open)
{
	static const u32 ro[] = { 0x04, 0x06, 0x08, CXL_DVSEC_CAP, CXL_DVSEC_CAP2,
				  CXL_DVSEC_RANGE_SIZE_HIGH(0), CXL_DVSEC_RANGE_SIZE_HIGH(0) + 2,
				  CXL_DVSEC_RANGE_SIZE_LOW(0), CXL_DVSEC_RANGE_SIZE_LOW(0) + 2,
				  CXL_DVSEC_CAP3 };
	u16 ctrl = reg(e, CXL_DVSEC_CTRL), cap2 = hw_read16(NULL, CXL_DVSEC_CAP2);

	/* read-only registers read as the device has them */
	for (unsigned int i = 0; i < ARRAY_SIZE(ro); i++) {
		u32 v;

		if (ro[i] + 2 > e->len)
			continue;
		if (vfio_cxl_dvsec_read((struct vfio_cxl_dvsec_emu *)e, ro[i], 2, &v) ||
		    v != hw_read16(NULL, ro[i]))
			fail("read-only register differs from the device", ro[i], v);
	}
	(void)open;
	if (!(ctrl & CXL_DVSEC_CTRL_IO_ENABLE))
		fail("IO_Enable reads 0", ctrl, 0);
	if (ctrl & ~(ctrl_rw() | CXL_DVSEC_CTRL_IO_ENABLE))
		fail("Control reserved bits", ctrl, 0);
	if (reg(e, CXL_DVSEC_CTRL2) & ~ctrl2_rw(cap2))
		fail("Control2 reserved or action bits", reg(e, CXL_DVSEC_CTRL2), 0);
	if (reg(e, CXL_DVSEC_STATUS) & ~CXL_DVSEC_STATUS_VIRAL)
		fail("Status reserved bits", reg(e, CXL_DVSEC_STATUS), 0);
	if (reg(e, CXL_DVSEC_LOCK) & ~CXL_DVSEC_LOCK_CONFIG_LOCK)
		fail("Lock reserved bits", reg(e, CXL_DVSEC_LOCK), 0);
	for (unsigned int n = 0; n < 2; n++)
		if (reg(e, CXL_DVSEC_RANGE_BASE_LOW(n)) || reg(e, CXL_DVSEC_RANGE_BASE_LOW(n) + 2) & 0x0fff)
			fail("Range Base Low reserved bits", n, 0);
	if (e->len >= CXL_DVSEC_CAP3 + 4 && reg(e, CXL_DVSEC_CAP3 + 2))
		fail("reserved register", CXL_DVSEC_CAP3 + 2, 0);
	check_status((struct vfio_cxl_dvsec_emu *)e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const u32 widths[] = { 1, 2, 4, 3 };
	static struct vfio_cxl_dvsec_emu e, before, open;
	struct vfio_cxl_dvsec_hw hw = { .read16 = hw_read16, .write16 = hw_write16 };
	size_t i = 0;
	u16 len;

	if (size < 16)
		return 0;
	/* the device: its capabilities and the host's register values */
	len = (data[0] & 1) ? 0x3c : 0x38;
	memset(dev, 0, sizeof(dev));
	for (i = 0; i < 14 && i + 2 < size; i++)
		dev[CXL_DVSEC_CAP + i] = data[2 + i];	/* Cap .. Cap2 from the input */
	dev[4] = 0x98;
	dev[5] = 0x1e;
	dev[6] = 0x20 | ((len << 4) & 0xf0);
	dev[7] = len >> 4;
	dev[CXL_DVSEC_CAP] |= CXL_DVSEC_CAP_MEM_CAPABLE;
	dev[CXL_DVSEC_RANGE_BASE_HIGH(0)] = HPA_HI & 0xff;
	dev[CXL_DVSEC_RANGE_BASE_HIGH(0) + 1] = (HPA_HI >> 8) & 0xff;
	dev[CXL_DVSEC_RANGE_BASE_HIGH(0) + 2] = (HPA_HI >> 16) & 0xff;
	dev[CXL_DVSEC_RANGE_BASE_HIGH(0) + 3] = (HPA_HI >> 24) & 0xff;
	dev[CXL_DVSEC_RANGE_BASE_HIGH(1) + 3] = (HPA_HI >> 24) & 0xff;
	dev[CXL_DVSEC_RANGE_BASE_LOW(0) + 3] = 0xf0;
	if (len > CXL_DVSEC_CAP3)
		dev[CXL_DVSEC_CAP3] = data[1];
	cap = dev[CXL_DVSEC_CAP] | dev[CXL_DVSEC_CAP + 1] << 8;
	cap3 = len > CXL_DVSEC_CAP3 ? data[1] : 0;
	cur = &e;
	if (vfio_cxl_dvsec_emu_init(&e, dev, len, &hw))
		fail("init refused a valid DVSEC", len, 0);
	open = e;
	wrote_hpa = 0;
	check_bases_clear(&e);
	check(&e, &open);

	for (i = 16; i + 6 <= size; i += 6) {
		u32 op = data[i], off = data[i + 1] % (len + 8);
		u32 val = data[i + 2] | data[i + 3] << 8 | data[i + 4] << 16 | (u32)data[i + 5] << 24;
		u32 width = widths[op >> 6], v;
		int ret = 0, was_locked = vfio_cxl_dvsec_locked(&e);

		if ((op & 7) >= 3 && (op & 7) <= 5 &&
		    (val == HPA_HI || (val >> 16) == (HPA_HI >> 16) || (val & 0xffff) == (HPA_HI >> 16) ||
		     (val >> 8 & 0xffff) == (HPA_HI >> 16) || (val >> 24) == (HPA_HI >> 24)))
			wrote_hpa = 1;	/* a write: the guest's own value */
		before = e;
		switch (op & 7) {
		case 0: case 1: case 2:
			ret = vfio_cxl_dvsec_read(&e, off, width, &v);
			if (!ret && !wrote_hpa && width == 4 && v == HPA_HI)
				fail("host physical address read", off, v);
			break;
		case 3: case 4: case 5:
			ret = vfio_cxl_dvsec_write(&e, off, width, val);
			if (ret == VFIO_CXL_DVSEC_RESET_REQUESTED &&
			    !(cap & CXL_DVSEC_CAP_RESET_CAPABLE))
				fail("reset requested without CXL_Reset_Capable", cap, 0);
			if (ret > 0)
				ret = 0;
			if (was_locked && !same_frozen(&before, &e))
				fail("locked registers changed", off, val);
			break;
		case 6:
			vfio_cxl_dvsec_reset(&e);
			check_bases_clear(&e);
			if (reg(&e, CXL_DVSEC_CTRL) != reg(&open, CXL_DVSEC_CTRL) ||
			    reg(&e, CXL_DVSEC_CTRL2) != reg(&open, CXL_DVSEC_CTRL2) ||
			    reg(&e, CXL_DVSEC_LOCK) != reg(&open, CXL_DVSEC_LOCK))
				fail("reset did not restore Control, Control2 and Lock", 0, 0);
			if (reg(&e, CXL_DVSEC_STATUS) != reg(&before, CXL_DVSEC_STATUS))
				fail("reset changed the sticky Status", 0, 0);
			break;
		default:
			vfio_cxl_dvsec_reset_result(&e, val & 1);
			if (val & 0x100) {
				/* the device's status changes under the guest */
				dev[CXL_DVSEC_STATUS2] = val >> 16;
				dev[CXL_DVSEC_STATUS2 + 1] = val >> 24;
				dev[CXL_DVSEC_STATUS + 1] = val & 0x4000 ? 0x40 : 0;
			}
			break;
		}
		if (ret && memcmp(&before, &e, sizeof(e)))
			fail("a rejected access changed the view", op, off);
		check(&e, &open);
	}
	return 0;
}
