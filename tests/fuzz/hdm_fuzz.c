// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness for the virtual HDM decoder block (src/hdm_emu.c).
 *
 * The input picks a device (decoder count, capability bits, firmware lock,
 * CXL.cache, strict lock, junk in reserved and read-only bits) and then a
 * sequence of COMP_REGS and raw component-block accesses of any offset,
 * width and value. Every access also runs on a reference model written
 * separately from the spec tables (hdm_ref.h), and the harness checks:
 *
 * - the return code and every value read, at every width, equal the
 *   model's: commits that should succeed do, writes that should stick do,
 *   refused ones change nothing, and a rejected access (-EINVAL) is rejected
 *   by both;
 * - after every access the whole register area equals the model's;
 * - the host physical address never appears in a read of any width (the
 *   device's registers hold it, so a read served from the device instead of
 *   the view shows it), unless the input itself wrote that value;
 * - the device sees exactly the writes the model forwards (a clear of RAS
 *   status bits) and no other; meanwhile the device logs new errors.
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
#include "hdm_ref.h"

#define HPA_HI		0x8badf00du	/* distinctive host address, high dword */
#define HPA_LO		0x30000000u
#define BLOCK		0x10000u	/* the component register block */
#define CM		0x1000u		/* CXL.cache/mem area in the block */

static u32 snap[CXL_CM_SIZE / 4];
static u32 dev[BLOCK / 4];		/* the device's registers */
static int wrote_hpa_hi;
static struct ref_hdm ref;

static void fail(const char *what, u32 a, u32 b)
{
	fprintf(stderr, "invariant broken: %s (%#x %#x)\n", what, a, b);
	abort();
}

static u32 bytes_of(u32 word, u32 off, u32 width)
{
	word >>= 8 * (off % 4);
	return width == 4 ? word : word & ((1u << (8 * width)) - 1);
}

static u32 hw_read(void *ctx, u32 off, u32 width)
{
	return bytes_of(dev[off / 4], off, width);
}

static struct write_log hw_log;	/* what reached the device */

static void hw_write(void *ctx, u32 off, u32 val, u32 width)
{
	if (width != 4 || off % 4)
		fail("a narrow or unaligned write reached the device", off, width);
	write_log_add(&hw_log, off, val);
	dev[off / 4] &= ~val;	/* all the device lets through is RW1CS */
}

/* the device saw exactly the writes the model forwards */
static void check_forwarded(void)
{
	const char *diff = write_log_diff(&hw_log, &ref.fwd);

	if (diff)
		fail(diff, hw_log.n, ref.fwd.n);
	hw_log.n = 0;
	ref.fwd.n = 0;
}

static u32 rd_arr(void *ctx, u32 off)
{
	return snap[off / 4];
}

/* A read of @width bytes at block offset @off returned @v; the model wants @want. */
static void check_read(u32 off, u32 width, u32 v, u32 want)
{
	if (v == want)
		return;
	if (!wrote_hpa_hi && off >= CM && v == hw_read(NULL, off, width) &&
	    (dev[off / 4] == HPA_HI || dev[off / 4] == HPA_LO))
		fail("host physical address leaked", off, v);
	fail("a read differs from the reference model", off, v ^ want);
}

static const struct vfio_cxl_comp_hw hw = { .read = hw_read, .write = hw_write };

/* the whole COMP_REGS area, register by register, against the model */
static void check_state(struct vfio_cxl_hdm_emu *e)
{
	check_forwarded();
	for (u32 off = 0; off < ref.cm_size; off += 4) {
		u32 v = 0;

		if (vfio_cxl_comp_regs_rw(e, &hw, off, 4, &v, false))
			fail("an in-range read was refused", off, 0);
		if (v != ref_reg(&ref, off))
			fail("the view differs from the reference model at", off, v ^ ref_reg(&ref, off));
	}
}

/* what the model says of a raw block access: -EINVAL or 0 and the value */
static int ref_block_rw(u32 off, u32 width, u32 *v, int write)
{
	if ((width != 1 && width != 2 && width != 4) || off % width || off + width > BLOCK)
		return -EINVAL;
	if (off < CM || off >= CM + ref.cm_size) {
		if (!write)
			*v = hw_read(NULL, off, width);
		else if (width == 4 && off >= CM && off < CM + REF_CM_MAX)
			ref_ras_write(&ref, off - CM, *v);
		return 0;
	}
	if (write) {
		if (width != 4)
			return -EINVAL;
		ref_write(&ref, off - CM, *v);
		return 0;
	}
	*v = bytes_of(ref_reg(&ref, (off - CM) & ~3u), off, width);
	return 0;
}

static int ref_regs_rw(u32 off, u32 width, u32 *v, int write)
{
	if (width != 4 || off % 4 || off >= ref.cm_size)
		return -EINVAL;
	if (write)
		ref_write(&ref, off, *v);
	else
		*v = ref_reg(&ref, off);
	return 0;
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
	memcpy(dev + CM / 4, snap, sizeof(snap));
	ref_init(&ref, snap, limit, g.hdm_off, 256ULL << 20, false, false);
	ref.live = dev + CM / 4;
	if (ref.ras != g.ras_off || ref.array_end != g.array_end)
		fail("parse placed RAS or the array end elsewhere than the model", g.ras_off, ref.ras);
	if (vfio_cxl_hdm_emu_init(&e, &g, snap, 256ULL << 20, false, false) != ref_init_err(&ref))
		fail("init and the reference model disagree on the snapshot", g.hdm_off, 0);
	if (!ref_init_err(&ref))
		check_state(&e);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size && data[0] == 0xff)
		return parse_mode(data, size);

	static const u32 widths[] = { 0, 1, 2, 3, 4, 8 };
	struct input in = { data, size };
	struct vfio_cxl_hdm_geom g;
	static struct vfio_cxl_hdm_emu e, before;
	u32 cfg = take(&in, 2), junk = take(&in, 1), lay = take(&in, 1), hdm_off, enc, ctrl0, *d0;
	u64 dpa = (u64)(1 + (cfg >> 12 & 3)) << 28;
	bool cache = cfg & 0x4000, strict = cfg & 0x8000;

	/* the device: decoder count, capabilities, lock, cache, strictness */
	enc = cfg & 0xf;
	if (enc > 12)
		enc = 12;
	memset(snap, 0, sizeof(snap));
	if (lay & 1) {
		/* RAS (and room for others) before HDM, as on QEMU's device */
		hdm_off = 0x70 + 4 * (cfg >> 4 & 0x3);
		snap[0] = 0x02110001;
		snap[1] = (0x10u << 20) | 0x20002;
		snap[2] = (hdm_off << 20) | 0x10005;
	} else {
		/* RAS at 0x100: after HDM if the decoders end before it */
		hdm_off = 0x10 + 4 * (cfg >> 4 & 0x3);
		snap[0] = 0x01110001 | (u32)(hdm_off > 0x10) << 24;
		snap[1] = (hdm_off << 20) | 0x10005;
		snap[2] = (0x100u << 20) | 0x20002;
	}
	snap[hdm_off / 4] = enc | 0x10 | (cfg & 0x100 ? CXL_HDM_CAP_POISON_ON_DECODE_ERR : 0) |
			    (cfg & 0x200 ? CXL_HDM_CAP_UIO_CAPABLE : 0);
	snap[hdm_off / 4 + 1] = 0xfffffffe | (cfg >> 10 & 1);	/* junk in reserved bits */
	snap[hdm_off / 4 + 2] = 0xffffffff;
	/* firmware's decoder 0, with junk in reserved and read-only bits */
	ctrl0 = CXL_HDM_CTRL_COMMIT | CXL_HDM_CTRL_COMMITTED | (cfg & 0x800 ? CXL_HDM_CTRL_LOCK : 0) |
		(junk & 0xf8) << 8 | (u32)(junk & 7) << 28 | (junk & 0x80 ? 0x0fff0000u : 0);
	if (cfg & 0x40)
		ctrl0 &= ~(CXL_HDM_CTRL_COMMIT | CXL_HDM_CTRL_COMMITTED);	/* none committed */
	d0 = snap + (hdm_off + CXL_HDM_DECODER(0)) / 4;
	d0[0] = HPA_LO | 0x0fffffff;
	d0[1] = HPA_HI;
	d0[2] = (u32)dpa | 0x0fffffff;
	d0[3] = dpa >> 32;
	d0[4] = ctrl0;
	d0[5] = 0xffffffff;
	if (vfio_cxl_hdm_parse(rd_arr, snap, CXL_CM_SIZE, &g))
		return 0;
	/* the stale programming of every other decoder holds the HPA too */
	for (unsigned int n = 1; n < g.count; n++) {
		u32 *d = snap + (hdm_off + CXL_HDM_DECODER(n)) / 4;

		d[0] = HPA_LO;
		d[1] = HPA_HI;
		d[4] = cfg & 0x80 ? CXL_HDM_CTRL_TARGET_TYPE : 0;
	}
	for (u32 i = 0; i < BLOCK / 4; i++)
		dev[i] = 0xa5000000u | i;
	memcpy(dev + CM / 4, snap, sizeof(snap));
	if (vfio_cxl_hdm_emu_init(&e, &g, snap, dpa, cache, strict))
		fail("init refused a valid snapshot", cfg, 0);
	ref_init(&ref, snap, CXL_CM_SIZE, hdm_off, dpa, cache, strict);
	ref.live = dev + CM / 4;
	if (ref.ras) {
		/* the device's RAS: errors logged, masks, a header log */
		u32 *r = dev + (CM + ref.ras) / 4;

		r[0] = 0x5 | (lay & 0xf0) << 4;
		r[1] = 0x1cfff;
		r[3] = lay >> 1 & 0x7f;
		r[5] = 0x200;
		r[6] = 0xc0de0000u | lay;
	}
	if (ref.ras != g.ras_off || ref.array_end != g.array_end)
		fail("parse placed RAS or the array end elsewhere than the model", g.ras_off, ref.ras);
	if (ref_init_err(&ref))
		fail("the reference model refuses the snapshot", cfg, 0);
	if (ref.cm_size != g.cm_size)
		fail("parse found another geometry than the spec's", g.cm_size, ref.cm_size);
	wrote_hpa_hi = 0;
	check_state(&e);

	while (in.left) {
		u32 op = take(&in, 1), off = take(&in, 2), val = take(&in, 4);
		u32 width = widths[op >> 4 & 7 ? (op >> 4 & 7) % 6 : 4];
		u32 v = 0, want = 0, blk;
		int ret, ref_ret;

		if ((op & 1) && val == HPA_HI)
			wrote_hpa_hi = 1;	/* a write: the guest's own value */
		if (!(op & 1) && (op & 8) && ref.ras)
			dev[(CM + ref.ras) / 4 + (op & 0x80 ? 3 : 0)] |= 1u << (val & 15);	/* new error */
		before = e;
		switch (op & 3) {
		case 0:		/* COMP_REGS read */
			off %= g.cm_size + 16;
			ret = vfio_cxl_comp_regs_rw(&e, &hw, off, width, &v, false);
			ref_ret = ref_regs_rw(off, width, &want, 0);
			blk = CM + off;
			break;
		case 1:		/* COMP_REGS write, mostly into the decoders */
			if (op & 4)
				off = g.hdm_off + CXL_HDM_DECODER_FIRST +
				      (off % (g.count * CXL_HDM_DECODER_STRIDE) & ~3u);
			else
				off %= g.cm_size + 16;
			want = val;
			ref_ret = ref_regs_rw(off, width, &want, 1);
			v = val;
			ret = vfio_cxl_comp_regs_rw(&e, &hw, off, width, &v, true);
			break;
		case 2:		/* raw component block read through the BAR */
			ret = vfio_cxl_comp_block_rw(&e, &hw, off, width, &v, false);
			ref_ret = ref_block_rw(off, width, &want, 0);
			blk = off;
			break;
		default:	/* raw component block write through the BAR */
			if (op & 4)
				off = CXL_CM_OFFSET + (off % (g.cm_size + 64));
			want = val;
			ref_ret = ref_block_rw(off, width, &want, 1);
			v = val;
			ret = vfio_cxl_comp_block_rw(&e, &hw, off, width, &v, true);
			break;
		}
		if (ret != ref_ret)
			fail("return code differs from the reference model", off, (u32)ret);
		if (ret && memcmp(&before, &e, sizeof(e)))
			fail("a rejected access changed the view", op, off);
		if (!ret && !(op & 1))
			check_read(blk, (op & 3) == 0 ? 4 : width, v, want);
		check_state(&e);
	}
	return 0;
}
