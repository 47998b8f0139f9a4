// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness for the virtual HDM decoder block (src/hdm_emu.c).
 *
 * The input picks a device (decoder count, capability bits, firmware lock,
 * CXL.cache, strict lock) and then a sequence of COMP_REGS and raw
 * component-block accesses of any offset, width and value. After every access
 * it checks the invariants the driver relies on:
 *
 * - no access reaches the device as a write (the hardware write callback
 *   aborts);
 * - reserved bits and read-only-zero registers stay zero;
 * - a committed decoder always holds a valid programming (checked by rules
 *   written here, not by the code under test);
 * - a locked decoder never changes, except the one v2 firmware unlock;
 *   a committed one keeps its SIZE, IG and IW;
 * - the host physical address never appears in a read (unless the input
 *   itself wrote that value);
 * - a rejected access (-EINVAL) changes nothing.
 *
 * An input starting with 0xff instead feeds its bytes to the capability
 * array parser as the device's register area.
 *
 * Copyright (C) 2026 The vfio-cxl-pci authors
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hdm_emu.h"

#define HPA_HI		0x8badf00du	/* distinctive host address, high dword */
#define HPA_LO		0x30000000u

static u32 snap[CXL_CM_SIZE / 4];
static int wrote_hpa_hi, fw_lock_left;

static void fail(const char *what, u32 a, u32 b)
{
	fprintf(stderr, "invariant broken: %s (%#x %#x)\n", what, a, b);
	abort();
}

static u32 hw_read(void *ctx, u32 off, u32 width)
{
	return 0x5a5a5a5au & (width == 4 ? ~0u : (1u << (8 * width)) - 1);
}

static void hw_write(void *ctx, u32 off, u32 val, u32 width)
{
	fail("a write reached the device", off, val);
}

static u32 rd_arr(void *ctx, u32 off)
{
	return snap[off / 4];
}

static u32 dec_rsvd(const struct vfio_cxl_hdm_emu *e)
{
	u32 r = BIT(15) | GENMASK(31, 28) | CXL_HDM_CTRL_UIG | CXL_HDM_CTRL_UIW;

	if (!(e->geom.hdm_cap & CXL_HDM_CAP_UIO_CAPABLE))
		r |= CXL_HDM_CTRL_UIO | CXL_HDM_CTRL_ISP;
	if (!e->cache_capable)
		r |= CXL_HDM_CTRL_BI;
	return r;
}

static u32 dreg(const struct vfio_cxl_hdm_emu *e, unsigned int n, u32 r)
{
	return e->regs[(e->geom.hdm_off + 0x10 + 0x20 * n + r) / 4];
}

static u64 daddr(const struct vfio_cxl_hdm_emu *e, unsigned int n, u32 lo)
{
	return (u64)dreg(e, n, lo + 4) << 32 | (dreg(e, n, lo) & 0xf0000000u);
}

/* CXL r3.1 8.2.4.20: what a committed decoder of a 1-way device must hold */
static int valid_programming(const struct vfio_cxl_hdm_emu *e, unsigned int n)
{
	u32 ctrl = dreg(e, n, 0x10);
	u64 end = 0, base, hpa_end;

	if ((ctrl >> 4 & 0xf) != 0 || (ctrl & 0xf) > 6 || !daddr(e, n, 0x8))
		return 0;
	for (unsigned int i = 0; i <= n; i++) {
		u64 skip = daddr(e, i, 0x14), size = daddr(e, i, 0x8);

		if (i < n && !(dreg(e, i, 0x10) & (1u << 10)))
			return 0;
		if (skip > e->dpa_size || size > e->dpa_size || end + skip + size > e->dpa_size)
			return 0;
		end += skip + size;
	}
	/* HPA: no wrap, in order with the committed neighbours */
	base = daddr(e, n, 0x0);
	hpa_end = base + daddr(e, n, 0x8);
	if (hpa_end < base)
		return 0;
	if (n > 0 && base < daddr(e, n - 1, 0x0) + daddr(e, n - 1, 0x8))
		return 0;
	if (n + 1 < e->geom.count && (dreg(e, n + 1, 0x10) & (1u << 10)) &&
	    hpa_end > daddr(e, n + 1, 0x0))
		return 0;
	return 1;
}

static void check_frozen(const struct vfio_cxl_hdm_emu *b, const struct vfio_cxl_hdm_emu *e)
{
	for (unsigned int n = 0; n < e->geom.count; n++) {
		u32 bc = dreg(b, n, 0x10), ec = dreg(e, n, 0x10);

		if ((bc & (1u << 8)) && (bc & (1u << 10))) {
			for (u32 r = 0; r < 0x10; r += 4)
				if (dreg(b, n, r) != dreg(e, n, r))
					fail("a locked decoder's BASE or SIZE changed", n, r);
			if (ec != bc) {
				if (n || !fw_lock_left || ec != (bc & ~(1u << 8)))
					fail("a locked decoder's control changed", bc, ec);
				fw_lock_left = 0;	/* the one v2 unlock */
			}
		} else if (bc & (1u << 10)) {
			if (dreg(b, n, 0x8) != dreg(e, n, 0x8) || dreg(b, n, 0xc) != dreg(e, n, 0xc))
				fail("a committed decoder's SIZE changed", n, 0);
			if ((bc & 0xff) != (ec & 0xff))
				fail("a committed decoder's IG/IW changed", bc, ec);
		}
	}
}

static void check(const struct vfio_cxl_hdm_emu *e)
{
	const u32 *h = e->regs + e->geom.hdm_off / 4;
	u32 gmask = CXL_HDM_GLOBAL_CTRL_ENABLE;
	unsigned int n;

	if (e->geom.hdm_cap & CXL_HDM_CAP_POISON_ON_DECODE_ERR)
		gmask |= CXL_HDM_GLOBAL_CTRL_POISON_ENABLE;
	if (h[1] & ~gmask)
		fail("global control reserved bits", h[1], gmask);
	if (h[2] || h[3])
		fail("HDM reserved registers", h[2], h[3]);
	if (memcmp(e->regs, snap, e->geom.hdm_off))
		fail("capability array changed", 0, 0);
	for (n = 0; n < e->geom.count; n++) {
		const u32 *d = h + (CXL_HDM_DECODER(n)) / 4;

		if ((d[0] | d[2]) & ~CXL_HDM_DEC_LOW_ADDR)
			fail("BASE/SIZE low reserved bits", d[0], d[2]);
		if (d[4] & dec_rsvd(e))
			fail("decoder control reserved bits", n, d[4]);
		if (d[5] | d[6] | d[7])
			fail("DPA skip / reserved not zero", n, d[5] | d[6] | d[7]);
		if ((d[4] & CXL_HDM_CTRL_COMMITTED) && !valid_programming(e, n))
			fail("committed decoder with an invalid programming", n, d[4]);
		if ((d[4] & CXL_HDM_CTRL_COMMITTED) && (d[4] & CXL_HDM_CTRL_ERR_NOT_COMMITTED))
			fail("committed and error", n, d[4]);
	}
}

static void check_read(u32 v)
{
	if (v == HPA_HI && !wrote_hpa_hi)
		fail("host physical address leaked", v, 0);
}

struct input {
	const uint8_t *p;
	size_t left;
};

static u32 take(struct input *in, unsigned int bytes)
{
	u32 v = 0;

	while (bytes--) {
		v = v << 8 | (in->left ? *in->p : 0);
		if (in->left) {
			in->p++;
			in->left--;
		}
	}
	return v;
}

/* arbitrary bytes as the device's CXL.cache/mem area */
static int parse_mode(const uint8_t *data, size_t size)
{
	static struct vfio_cxl_hdm_emu e;
	static const int counts[] = { 1, 2, 4, 6, 8, 10, 12, 14, 16, 20, 24, 28, 32 };
	struct vfio_cxl_hdm_geom g;
	u32 limit = size - 1 > CXL_CM_SIZE ? CXL_CM_SIZE : (size - 1) & ~3u;
	int ok = 0;

	memset(snap, 0, sizeof(snap));
	memcpy(snap, data + 1, limit);
	if (vfio_cxl_hdm_parse(rd_arr, snap, limit, &g))
		return 0;
	for (unsigned int i = 0; i < sizeof(counts) / sizeof(counts[0]); i++)
		ok |= (int)g.count == counts[i];
	if (!ok || g.hdm_off % 4 || g.hdm_off < 8 || g.cm_size > limit ||
	    g.cm_size != g.hdm_off + 0x10 + 0x20 * g.count ||
	    (snap[g.hdm_off / 4] & 0xf) > 12 || snap[0] >> 24 == 0)
		fail("parse accepted an impossible geometry", g.hdm_off, g.cm_size);
	if (!vfio_cxl_hdm_emu_init(&e, &g, snap, 256ULL << 20, false, false))
		check(&e);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size && data[0] == 0xff)
		return parse_mode(data, size);

	static const u32 widths[] = { 0, 1, 2, 3, 4, 8 };
	struct vfio_cxl_comp_hw hw = { .read = hw_read, .write = hw_write };
	struct input in = { data, size };
	struct vfio_cxl_hdm_geom g;
	static struct vfio_cxl_hdm_emu e, before;
	u32 cfg = take(&in, 2), hdm_off, enc, ctrl0;
	u64 dpa = (u64)(1 + (cfg >> 12 & 3)) << 28;

	/* the device: decoder count, capabilities, lock, cache, strictness */
	enc = cfg & 0xf;
	if (enc > 12)
		enc = 12;
	hdm_off = 0x10 + 4 * (cfg >> 4 & 0x3);
	memset(snap, 0, sizeof(snap));
	snap[0] = 0x01110001 | (u32)(hdm_off > 0x10) << 24;
	snap[1] = (hdm_off << 20) | 0x10005;
	snap[2] = (0x100u << 20) | 0x20002;
	snap[hdm_off / 4] = enc | 0x10 | (cfg & 0x100 ? CXL_HDM_CAP_POISON_ON_DECODE_ERR : 0) |
			    (cfg & 0x200 ? CXL_HDM_CAP_UIO_CAPABLE : 0);
	snap[hdm_off / 4 + 1] = 0xfffffffe | (cfg >> 10 & 1);	/* junk in reserved bits */
	snap[hdm_off / 4 + 2] = 0xffffffff;
	ctrl0 = CXL_HDM_CTRL_COMMIT | CXL_HDM_CTRL_COMMITTED | 0xffff0000 |
		(cfg & 0x800 ? CXL_HDM_CTRL_LOCK : 0);
	snap[(hdm_off + CXL_HDM_DECODER(0)) / 4 + 0] = HPA_LO | 0x0fffffff;
	snap[(hdm_off + CXL_HDM_DECODER(0)) / 4 + 1] = HPA_HI;
	snap[(hdm_off + CXL_HDM_DECODER(0)) / 4 + 2] = (u32)dpa | 0x0fffffff;
	snap[(hdm_off + CXL_HDM_DECODER(0)) / 4 + 3] = dpa >> 32;
	snap[(hdm_off + CXL_HDM_DECODER(0)) / 4 + 4] = ctrl0;
	snap[(hdm_off + CXL_HDM_DECODER(0)) / 4 + 5] = 0xffffffff;
	if (vfio_cxl_hdm_parse(rd_arr, snap, CXL_CM_SIZE, &g))
		return 0;
	/* the stale programming of every other decoder holds the HPA too */
	for (unsigned int n = 1; n < g.count; n++) {
		snap[(hdm_off + CXL_HDM_DECODER(n)) / 4 + 0] = HPA_LO;
		snap[(hdm_off + CXL_HDM_DECODER(n)) / 4 + 1] = HPA_HI;
	}
	if (vfio_cxl_hdm_emu_init(&e, &g, snap, dpa, cfg & 0x4000, cfg & 0x8000))
		fail("init refused a valid snapshot", cfg, 0);
	wrote_hpa_hi = 0;
	fw_lock_left = !!(cfg & 0x800) && !(cfg & 0x8000);
	check(&e);

	while (in.left) {
		u32 op = take(&in, 1), off = take(&in, 2), val = take(&in, 4);
		u32 width = widths[op >> 4 & 7 ? (op >> 4 & 7) % 6 : 4];
		u32 v = 0;
		int ret;

		if ((op & 1) && val == HPA_HI)
			wrote_hpa_hi = 1;	/* a write: the guest's own value */
		before = e;
		switch (op & 3) {
		case 0:		/* COMP_REGS read */
			off %= g.cm_size + 16;
			ret = vfio_cxl_hdm_emu_read(&e, off, width, &v);
			if (!ret)
				check_read(v);
			break;
		case 1:		/* COMP_REGS write, mostly into the decoders */
			if (op & 4)
				off = g.hdm_off + CXL_HDM_DECODER_FIRST +
				      (off % (g.count * CXL_HDM_DECODER_STRIDE) & ~3u);
			else
				off %= g.cm_size + 16;
			ret = vfio_cxl_hdm_emu_write(&e, off, width, val);
			break;
		case 2:		/* raw component block read through the BAR */
			ret = vfio_cxl_comp_block_rw(&e, &hw, off, width, &v, false);
			if (!ret)
				check_read(v);
			break;
		default:	/* raw component block write through the BAR */
			if (op & 4)
				off = CXL_CM_OFFSET + (off % (g.cm_size + 64));
			v = val;
			ret = vfio_cxl_comp_block_rw(&e, &hw, off, width, &v, true);
			break;
		}
		if (ret && memcmp(&before, &e, sizeof(e)))
			fail("a rejected access changed the view", op, off);
		check_frozen(&before, &e);
		check(&e);
	}
	return 0;
}
