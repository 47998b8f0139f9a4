// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness for the virtual CXL Device DVSEC (src/dvsec_emu.c).
 *
 * The input picks the device's capabilities and firmware state (with
 * distinctive values in its Control, Control2, Lock and Range registers),
 * then a sequence of config accesses of any offset and width, conventional
 * resets, CXL reset outcomes and changes of the device's live status bits.
 * Every step also runs on a reference model written separately from the
 * spec's register table (dvsec_ref.h), which keeps the open-time state a
 * reset returns to. After every step the harness checks:
 *
 * - the return code and every value read, at every width, equal the
 *   model's, and so does every register of the view: writes that should
 *   stick do, locked and read-only ones do not, and a reset restores the
 *   open-time state;
 * - the device sees exactly the writes the model forwards (a cache
 *   write-back start, the clear of Volatile_HDM_Preservation_Error) and no
 *   other;
 * - the host physical address in the device's Range Base registers never
 *   appears in a read of any width unless the input wrote it;
 * - a rejected access changes nothing.
 *
 * Copyright (C) 2026 The vfio-cxl-pci authors
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dvsec_emu.h"

#include "dvsec_ref.h"

#define HPA_HI	0xc0ffee11u

static u8 dev[VFIO_CXL_DVSEC_MAX_LEN];
static struct ref_dvsec ref;
static struct write_log hw_log;	/* what reached the device */

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
	write_log_add(&hw_log, off, val);
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

/* every register of the view against the model */
static void check_state(struct vfio_cxl_dvsec_emu *e)
{
	for (u32 off = 4; off + 2 <= e->len; off += 2) {
		u32 v;

		if (vfio_cxl_dvsec_read(e, off, 2, &v))
			fail("an in-range read was refused", off, 0);
		if (v != ref_dvsec_reg(&ref, dev, off))
			fail("the view differs from the reference model at", off,
			     v ^ ref_dvsec_reg(&ref, dev, off));
	}
	check_forwarded();
}

/* @v of @width bytes at @off was read; does it show the host's Range Base? */
static int shows_hpa(u32 off, u32 width, u32 v)
{
	for (u32 n = 0; n < 2; n++) {
		u32 b = CXL_DVSEC_RANGE_BASE_HIGH(n);

		if (off + width <= b || off >= b + 4)
			continue;
		if (v == hw_read16(NULL, off) >> (width == 1 ? 8 * (off & 1) : 0) ||
		    (width == 4 && v == HPA_HI))
			return 1;
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const u32 widths[] = { 1, 2, 4, 3 };
	static struct vfio_cxl_dvsec_emu e, before;
	struct vfio_cxl_dvsec_hw hw = { .read16 = hw_read16, .write16 = hw_write16 };
	int wrote_hpa = 0;
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
	for (u32 n = 0; n < 2; n++) {
		/* firmware's ranges: distinctive sizes and the host's bases */
		dev[CXL_DVSEC_RANGE_SIZE_HIGH(n)] = 0x5 + n;
		dev[CXL_DVSEC_RANGE_SIZE_LOW(n)] = 0x03;
		dev[CXL_DVSEC_RANGE_SIZE_LOW(n) + 3] = 0x70 + 0x10 * n;
		for (u32 b = 0; b < 4; b++)
			dev[CXL_DVSEC_RANGE_BASE_HIGH(n) + b] = HPA_HI >> (8 * b);
		dev[CXL_DVSEC_RANGE_BASE_LOW(n) + 3] = 0xf0;
		dev[CXL_DVSEC_RANGE_BASE_LOW(n)] = 0xff;	/* reserved junk */
	}
	if (len > CXL_DVSEC_CAP3) {
		dev[CXL_DVSEC_CAP3] = data[1];
		dev[CXL_DVSEC_CAP3 + 2] = 0xa5;			/* reserved junk */
	}
	if (vfio_cxl_dvsec_emu_init(&e, dev, len, &hw))
		fail("init refused a valid DVSEC", len, 0);
	ref_dvsec_init(&ref, dev, len);
	hw_log.n = 0;
	check_state(&e);

	for (i = 16; i + 6 <= size; i += 6) {
		u32 op = data[i], off = data[i + 1] % (len + 8);
		u32 val = data[i + 2] | data[i + 3] << 8 | data[i + 4] << 16 | (u32)data[i + 5] << 24;
		u32 width = widths[op >> 6], v = 0, want = 0;
		int ret = 0, ref_ret = 0;

		if ((op & 7) >= 3 && (op & 7) <= 5)
			wrote_hpa |= shows_hpa(off, width, val & (width == 4 ? ~0u : (1u << (8 * width)) - 1));
		before = e;
		switch (op & 7) {
		case 0: case 1: case 2:
			ret = vfio_cxl_dvsec_read(&e, off, width, &v);
			ref_ret = ref_dvsec_access(&ref, dev, off, width, &want, false);
			if (!ret && !ref_ret && v != want) {
				if (!wrote_hpa && shows_hpa(off, width, v))
					fail("host physical address read", off, v);
				fail("a read differs from the reference model", off, v ^ want);
			}
			break;
		case 3: case 4: case 5:
			ret = vfio_cxl_dvsec_write(&e, off, width, val);
			want = val;
			ref_ret = ref_dvsec_access(&ref, dev, off, width, &want, true);
			break;
		case 6:
			vfio_cxl_dvsec_reset(&e);
			ref_dvsec_reset(&ref);
			break;
		default:
			vfio_cxl_dvsec_reset_result(&e, val & 1);
			ref_dvsec_reset_result(&ref, val & 1);
			if (val & 0x100) {
				/* the device's status changes under the guest */
				dev[CXL_DVSEC_STATUS2] = val >> 16;
				dev[CXL_DVSEC_STATUS2 + 1] = val >> 24;
				dev[CXL_DVSEC_STATUS + 1] = val & 0x4000 ? 0x40 : 0;
			}
			if (val & 0x200)	/* Control2 as the device has it */
				dev[CXL_DVSEC_CTRL2] = val >> 10;
			break;
		}
		if (ret != ref_ret)
			fail("return code differs from the reference model", off, (u32)ret);
		if (ret < 0 && memcmp(&before, &e, sizeof(e)))
			fail("a rejected access changed the view", op, off);
		check_state(&e);
	}
	return 0;
}
