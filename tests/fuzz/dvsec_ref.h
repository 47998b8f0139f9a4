/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A reference model of the virtual CXL Device DVSEC, the fuzzer's oracle.
 *
 * Written from the register table of CXL r3.1 8.1.3 (PCIe DVSEC for CXL
 * Devices) and the guest-view policy in README, not from src/dvsec_emu.c:
 * the guest-visible state is kept as named fields, one per spec field, with
 * the spec's bit numbers; a register is composed only when it is read, and
 * a write updates a field only when the write's bytes cover it. The open
 * state is kept too, and a conventional reset returns to it.
 *
 * Policy shared with the driver (the contract): IO_Enable reads 1; a field
 * of a feature the Capability registers do not advertise reads 0 and ignores
 * writes; Status Viral_Status and Status2 Cache_Invalid,
 * Volatile_HDM_Preservation_Error and PM_Init_Completion show the device's
 * live bits (none from a device reading all ones); the guest's Viral_Status
 * clear is virtual, its Volatile_HDM_Preservation_Error clear is forwarded;
 * Initiate_Cache_WBI forwards one write (the device's Control2 with the
 * guest's Disable_Caching); Initiate_CXL_Reset is reported to the caller;
 * the Range Base registers start at 0; CONFIG_LOCK freezes Control and the
 * Range Base registers (RWL) until a conventional reset.
 *
 * Copyright (C) 2026 The vfio-cxl-pci authors
 */
#ifndef VFIO_CXL_DVSEC_REF_H
#define VFIO_CXL_DVSEC_REF_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "write_log.h"

struct ref_dvsec_rw {			/* the guest-writable state */
	bool cache_en, mem_en, clean_evict, p2p_en, viral_en;
	unsigned int sf_cov, sf_gran;
	bool disable_caching, mem_clr, desired_volatile, mod_completion;
	bool config_lock;
	uint32_t base_hi[2], base_lo[2];
};

struct ref_dvsec {
	unsigned int len;
	uint8_t ro[0x100];		/* the device's DVSEC at open */
	uint16_t cap, cap2, cap3;
	struct ref_dvsec_rw w, open;
	bool viral_status;		/* the virtual RW1CS bit */
	bool reset_complete, reset_error;
	/* the writes to the device the accesses so far should have made */
	struct write_log fwd;
};

static bool rcap(const struct ref_dvsec *m, int bit)
{
	return m->cap >> bit & 1;
}

static unsigned int ref_ranges(const struct ref_dvsec *m)
{
	return (m->cap >> 4 & 3) >= 2 ? 2 : 1;
}

static uint16_t ref_dev16(const uint8_t *dev, unsigned int off)
{
	return dev[off] | dev[off + 1] << 8;
}

/* Control bits as they would be written, gated by the capabilities */
static void ref_set_ctrl(struct ref_dvsec *m, struct ref_dvsec_rw *w,
			 uint16_t v, uint16_t mask)
{
	bool cache = rcap(m, 0);

	if ((mask & 0x00ff) && cache) {
		w->cache_en = v & 1;
		w->sf_cov = v >> 3 & 0x1f;
	}
	if (mask & 0x00ff)
		w->mem_en = v >> 2 & 1;
	if ((mask & 0xff00) && cache) {
		w->sf_gran = v >> 8 & 7;
		w->clean_evict = v >> 11 & 1;
	}
	if ((mask & 0xff00) && (m->cap3 >> 4 & 1))
		w->p2p_en = v >> 12 & 1;
	if ((mask & 0xff00) && rcap(m, 14))
		w->viral_en = v >> 14 & 1;
}

static void ref_set_ctrl2(struct ref_dvsec *m, struct ref_dvsec_rw *w, uint16_t v)
{
	w->disable_caching = rcap(m, 0) && (v & 1);
	w->mem_clr = rcap(m, 11) && (v >> 3 & 1);
	w->desired_volatile = (m->cap3 >> 3 & 1) && (v >> 4 & 1);
	w->mod_completion = (m->cap2 >> 6 & 1) && (v >> 5 & 1);
}

/* the view at open of a device whose DVSEC (from offset 0) is @dev */
static void ref_dvsec_init(struct ref_dvsec *m, const uint8_t *dev, unsigned int len)
{
	memset(m, 0, sizeof(*m));
	m->len = len;
	memcpy(m->ro, dev, len);
	m->cap = ref_dev16(dev, 0x0a);
	m->cap2 = ref_dev16(dev, 0x16);
	m->cap3 = len >= 0x3a ? ref_dev16(dev, 0x38) : 0;
	ref_set_ctrl(m, &m->w, ref_dev16(dev, 0x0c), 0xffff);
	ref_set_ctrl2(m, &m->w, ref_dev16(dev, 0x10));
	m->w.config_lock = dev[0x14] & 1;
	m->viral_status = rcap(m, 14) && (dev[0x0f] >> 6 & 1);
	m->open = m->w;
}

/* the device's live bits @bits of the register at @off */
static uint16_t ref_live(const uint8_t *dev, unsigned int off, uint16_t bits)
{
	uint16_t v = ref_dev16(dev, off);

	return v == 0xffff ? 0 : v & bits;
}

/* a 16-bit register of the guest's view; @dev is the device now */
static uint16_t ref_dvsec_reg(const struct ref_dvsec *m, const uint8_t *dev,
			      unsigned int off)
{
	const struct ref_dvsec_rw *w = &m->w;
	uint16_t live = 0;
	unsigned int n;

	switch (off) {
	case 0x0c:
		return w->cache_en | 1u << 1 | w->mem_en << 2 | w->sf_cov << 3 |
		       w->sf_gran << 8 | w->clean_evict << 11 | w->p2p_en << 12 |
		       w->viral_en << 14;
	case 0x0e:
		if (!rcap(m, 14))
			return 0;
		return (m->viral_status << 14) | ref_live(dev, 0x0e, 1u << 14);
	case 0x10:
		return w->disable_caching | w->mem_clr << 3 |
		       w->desired_volatile << 4 | w->mod_completion << 5;
	case 0x12:
		if (rcap(m, 0))
			live |= 1;
		if (m->cap3 >> 3 & 1)
			live |= 1u << 3;
		if (rcap(m, 15))
			live |= 1u << 15;
		return ref_live(dev, 0x12, live) |
		       (rcap(m, 7) ? m->reset_complete << 1 | m->reset_error << 2 : 0);
	case 0x14:
		return w->config_lock;
	case 0x3a:
		return 0;
	}
	for (n = 0; n < 2; n++) {
		if (off == 0x20 + 0x10 * n)
			return n < ref_ranges(m) ? w->base_hi[n] & 0xffff : 0;
		if (off == 0x22 + 0x10 * n)
			return n < ref_ranges(m) ? w->base_hi[n] >> 16 : 0;
		if (off == 0x24 + 0x10 * n)
			return 0;
		if (off == 0x26 + 0x10 * n)
			return n < ref_ranges(m) ? w->base_lo[n] >> 16 : 0;
		if (n == 1 && ref_ranges(m) < 2 && off >= 0x28 && off < 0x30)
			return 0;	/* Range 2 Size: no second range */
	}
	return ref_dev16(m->ro, off);	/* read-only: the device's at open */
}

/*
 * A write of the bytes @mask of the 16-bit register at @off. Return 1 if it
 * asks for a CXL reset, else 0.
 */
static int ref_dvsec_write16(struct ref_dvsec *m, const uint8_t *dev,
			     unsigned int off, uint16_t v, uint16_t mask)
{
	struct ref_dvsec_rw *w = &m->w;
	uint16_t d;
	unsigned int n;

	v &= mask;
	switch (off) {
	case 0x0c:
		if (!w->config_lock)
			ref_set_ctrl(m, w, v, mask);
		return 0;
	case 0x0e:
		if (v >> 14 & 1)
			m->viral_status = false;
		return 0;
	case 0x10:
		if (mask & 0xff)	/* all of its fields are in the low byte */
			ref_set_ctrl2(m, w, v);
		if ((v >> 1 & 1) && rcap(m, 0) && rcap(m, 6)) {
			d = ref_dev16(dev, 0x10);
			if (d != 0xffff)
				write_log_add(&m->fwd, 0x10, (d & ~7u) | w->disable_caching | 2);
		}
		if ((v >> 2 & 1) && rcap(m, 7)) {
			m->reset_complete = false;
			m->reset_error = false;
			return 1;
		}
		return 0;
	case 0x12:
		if ((v >> 3 & 1) && (m->cap3 >> 3 & 1))
			write_log_add(&m->fwd, 0x12, 1u << 3);
		return 0;
	case 0x14:
		if (v & 1)
			w->config_lock = true;
		return 0;
	}
	if (w->config_lock)
		return 0;
	for (n = 0; n < ref_ranges(m); n++) {
		if (off == 0x20 + 0x10 * n)
			w->base_hi[n] = (w->base_hi[n] & ~(uint32_t)mask) | v;
		else if (off == 0x22 + 0x10 * n)
			w->base_hi[n] = (w->base_hi[n] & ~((uint32_t)mask << 16)) |
					(uint32_t)v << 16;
		else if (off == 0x26 + 0x10 * n && (mask & 0xff00))
			w->base_lo[n] = (uint32_t)(v & 0xf000) << 16;
	}
	return 0;
}

/*
 * An access of @width bytes at @off: -EINVAL if the driver must refuse it,
 * else 0 (and @val read, or written); a write returns 1 if it asks for a
 * CXL reset.
 */
static int ref_dvsec_access(struct ref_dvsec *m, const uint8_t *dev,
			    unsigned int off, unsigned int width, uint32_t *val,
			    bool write)
{
	unsigned int o;
	int ret = 0;

	if ((width != 1 && width != 2 && width != 4) || off % width || off < 4 ||
	    off + width > m->len)
		return -EINVAL;
	if (!write) {
		uint32_t v = 0;

		for (o = off & ~1u; o < off + width; o += 2)
			v |= (uint32_t)ref_dvsec_reg(m, dev, o) << (8 * (o - (off & ~1u)));
		*val = width == 1 ? v >> (8 * (off & 1)) & 0xff : v;
		return 0;
	}
	if (width == 1)
		return ref_dvsec_write16(m, dev, off & ~1u, (*val & 0xff) << (8 * (off & 1)),
					 0xff << (8 * (off & 1)));
	for (o = 0; o < width; o += 2)
		ret |= ref_dvsec_write16(m, dev, off + o, *val >> (8 * o) & 0xffff, 0xffff);
	return ret;
}

/* A conventional reset: the writable state returns to its open values. */
static void ref_dvsec_reset(struct ref_dvsec *m)
{
	m->w = m->open;
}

static void ref_dvsec_reset_result(struct ref_dvsec *m, bool ok)
{
	m->reset_complete = ok;
	m->reset_error = !ok;
}

#endif /* VFIO_CXL_DVSEC_REF_H */
