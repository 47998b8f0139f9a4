// SPDX-License-Identifier: GPL-2.0-only
/*
 * User-space unit tests of the virtual HDM decoder block (src/hdm_emu.c),
 * built against the same source the module uses.
 *
 * Copyright (C) 2026 The vfio-cxl-pci authors
 */
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "hdm_emu.h"

/* A CXL.cache/mem area like QEMU's cxl-type3: RAS, Link, then HDM at 0x128 */
#define HDM_OFF		0x128
#define NDEC		4
#define CM_SIZE		(HDM_OFF + 0x10 + 0x20 * NDEC)
#define DPA		(256ULL << 20)
#define HPA		0x110000000ULL
#define DEC(n, r)	(HDM_OFF + 0x10 + 0x20 * (n) + (r))
#define CTRL(n)		DEC(n, 0x10)

static u32 snap[CXL_CM_SIZE / 4];

/* a snapshot with decoder 0 committed to HPA by "firmware" */
static void make_snapshot(u32 ctrl0_extra)
{
	memset(snap, 0, sizeof(snap));
	snap[0] = 0x03110001;				/* array header, 3 entries */
	snap[1] = (0x080u << 20) | 0x20002;		/* RAS */
	snap[2] = (0x0d8u << 20) | 0x20004;		/* Link */
	snap[3] = ((u32)HDM_OFF << 20) | 0x10005;	/* HDM */
	snap[(HDM_OFF) / 4] = 0x00001b12 & ~0xfu;	/* cap: count enc set below */
	snap[(HDM_OFF) / 4] |= 0x2;			/* 4 decoders */
	snap[(HDM_OFF + 4) / 4] = 0x2;			/* HDM Decoder Enable */
	snap[DEC(0, 0) / 4] = (u32)HPA & 0xf0000000;
	snap[DEC(0, 4) / 4] = HPA >> 32;
	snap[DEC(0, 8) / 4] = (u32)DPA;
	snap[DEC(0, 0xc) / 4] = DPA >> 32;
	snap[CTRL(0) / 4] = CXL_HDM_CTRL_COMMIT | CXL_HDM_CTRL_COMMITTED |
			    CXL_HDM_CTRL_TARGET_TYPE | ctrl0_extra;
	/* stale firmware programming in an uncommitted decoder */
	snap[DEC(2, 0) / 4] = 0x40000000;
	snap[DEC(2, 4) / 4] = 0x2;
}

static u32 rd_arr(void *ctx, u32 off)
{
	return ((u32 *)ctx)[off / 4];
}

static u32 rd(struct vfio_cxl_hdm_emu *e, u32 off)
{
	u32 v = 0xdeadbeef;

	if (vfio_cxl_hdm_emu_read(e, off, 4, &v))
		return 0xdeadbeef;
	return v;
}

static void wr(struct vfio_cxl_hdm_emu *e, u32 off, u32 v)
{
	vfio_cxl_hdm_emu_write(e, off, 4, v);
}

static void program(struct vfio_cxl_hdm_emu *e, int n, u64 base, u64 size, u32 ctrl)
{
	wr(e, DEC(n, 0), (u32)base);
	wr(e, DEC(n, 4), base >> 32);
	wr(e, DEC(n, 8), (u32)size);
	wr(e, DEC(n, 0xc), size >> 32);
	wr(e, CTRL(n), ctrl);
}

static struct vfio_cxl_hdm_geom geom(void)
{
	struct vfio_cxl_hdm_geom g;

	if (vfio_cxl_hdm_parse(rd_arr, snap, CXL_CM_SIZE, &g))
		abort();
	return g;
}

FIXTURE(hdm) {
	struct vfio_cxl_hdm_emu e;
};

FIXTURE_SETUP(hdm)
{
	struct vfio_cxl_hdm_geom g;

	make_snapshot(CXL_HDM_CTRL_LOCK);
	g = geom();
	ASSERT_EQ(0, vfio_cxl_hdm_emu_init(&self->e, &g, snap, DPA, false, false));
}

FIXTURE_TEARDOWN(hdm)
{
}

TEST(decoder_count_full_table)
{
	static const int want[16] = { 1, 2, 4, 6, 8, 10, 12, 14, 16, 20, 24, 28, 32,
				      -EINVAL, -EINVAL, -EINVAL };

	for (int enc = 0; enc < 16; enc++) {
		EXPECT_EQ(want[enc], vfio_cxl_hdm_decoder_count(0x1b10 | enc)) TH_LOG("enc %d", enc);
	}
}

TEST(parse_geometry)
{
	struct vfio_cxl_hdm_geom g;

	make_snapshot(0);
	ASSERT_EQ(0, vfio_cxl_hdm_parse(rd_arr, snap, CXL_CM_SIZE, &g));
	EXPECT_EQ(HDM_OFF, g.hdm_off);
	EXPECT_EQ(NDEC, g.count);
	EXPECT_EQ(CM_SIZE, g.cm_size);
	EXPECT_EQ(snap[HDM_OFF / 4], g.hdm_cap);
}

TEST(parse_rejects_malformed)
{
	struct vfio_cxl_hdm_geom g;

	make_snapshot(0);
	snap[0] = 0x03110002;				/* not a capability array */
	EXPECT_EQ(-ENODEV, vfio_cxl_hdm_parse(rd_arr, snap, CXL_CM_SIZE, &g));
	make_snapshot(0);
	snap[3] = ((u32)HDM_OFF << 20) | 0x10006;	/* no HDM capability */
	EXPECT_EQ(-ENODEV, vfio_cxl_hdm_parse(rd_arr, snap, CXL_CM_SIZE, &g));
	make_snapshot(0);
	snap[3] = (0x12au << 20) | 0x10005;		/* misaligned pointer */
	EXPECT_EQ(-EINVAL, vfio_cxl_hdm_parse(rd_arr, snap, CXL_CM_SIZE, &g));
	make_snapshot(0);
	snap[3] = (0x8u << 20) | 0x10005;		/* inside the array */
	EXPECT_EQ(-EINVAL, vfio_cxl_hdm_parse(rd_arr, snap, CXL_CM_SIZE, &g));
	make_snapshot(0);
	snap[HDM_OFF / 4] |= 0xf;			/* reserved count */
	EXPECT_EQ(-EINVAL, vfio_cxl_hdm_parse(rd_arr, snap, CXL_CM_SIZE, &g));
	make_snapshot(0);				/* decoders past the limit */
	EXPECT_EQ(-EINVAL, vfio_cxl_hdm_parse(rd_arr, snap, CM_SIZE - 4, &g));
	make_snapshot(0);
	snap[0] = 0xff110001;				/* 255 entries past limit */
	EXPECT_EQ(-EINVAL, vfio_cxl_hdm_parse(rd_arr, snap, 64, &g));
}

TEST(init_rejects_unpresentable_decoder0)
{
	struct vfio_cxl_hdm_emu e;
	struct vfio_cxl_hdm_geom g;

	make_snapshot(1u << 4);				/* 2-way interleave */
	g = geom();
	EXPECT_EQ(-EINVAL, vfio_cxl_hdm_emu_init(&e, &g, snap, DPA, false, false));
	make_snapshot(0);
	g = geom();
	EXPECT_EQ(-EINVAL, vfio_cxl_hdm_emu_init(&e, &g, snap, DPA * 2, false, false));
	EXPECT_EQ(-EINVAL, vfio_cxl_hdm_emu_init(&e, &g, snap, 4096, false, false));
	g.cm_size += 4;
	EXPECT_EQ(-EINVAL, vfio_cxl_hdm_emu_init(&e, &g, snap, DPA, false, false));
}

TEST_F(hdm, initial_view_hides_host_address)
{
	EXPECT_EQ(0, rd(&self->e, DEC(0, 0)));
	EXPECT_EQ(0, rd(&self->e, DEC(0, 4)));
	EXPECT_EQ((u32)DPA, rd(&self->e, DEC(0, 8)));
	EXPECT_EQ(CXL_HDM_CTRL_COMMIT | CXL_HDM_CTRL_COMMITTED | CXL_HDM_CTRL_LOCK |
		  CXL_HDM_CTRL_TARGET_TYPE, rd(&self->e, CTRL(0)));
	/* stale programming of an uncommitted decoder is not shown either */
	EXPECT_EQ(0, rd(&self->e, DEC(2, 0)));
	EXPECT_EQ(0, rd(&self->e, DEC(2, 4)));
	for (u32 off = 0; off + 4 < CM_SIZE; off += 4) {
		u64 q = (u64)rd(&self->e, off + 4) << 32 | rd(&self->e, off);

		EXPECT_NE(HPA, q & ~0xfffffffULL) TH_LOG("offset %#x", off);
	}
	/* the capability array is shown as the device has it */
	EXPECT_EQ(snap[0], rd(&self->e, 0));
	EXPECT_EQ(snap[3], rd(&self->e, 12));
}

TEST_F(hdm, access_rules)
{
	struct vfio_cxl_hdm_emu before = self->e;
	u32 v;

	EXPECT_EQ(-EINVAL, vfio_cxl_hdm_emu_read(&self->e, 2, 4, &v));
	EXPECT_EQ(-EINVAL, vfio_cxl_hdm_emu_read(&self->e, 0, 2, &v));
	EXPECT_EQ(-EINVAL, vfio_cxl_hdm_emu_read(&self->e, 0, 8, &v));
	EXPECT_EQ(-EINVAL, vfio_cxl_hdm_emu_read(&self->e, CM_SIZE, 4, &v));
	EXPECT_EQ(-EINVAL, vfio_cxl_hdm_emu_read(&self->e, 1ULL << 32, 4, &v));
	EXPECT_EQ(-EINVAL, vfio_cxl_hdm_emu_write(&self->e, CTRL(1) + 1, 4, 0));
	EXPECT_EQ(-EINVAL, vfio_cxl_hdm_emu_write(&self->e, CTRL(1), 2, 0));
	EXPECT_EQ(-EINVAL, vfio_cxl_hdm_emu_write(&self->e, CTRL(1), 1, 0));
	EXPECT_EQ(-EINVAL, vfio_cxl_hdm_emu_write(&self->e, CM_SIZE, 4, 0));
	EXPECT_EQ(0, memcmp(&before, &self->e, sizeof(before)));
}

TEST_F(hdm, read_only_registers)
{
	struct vfio_cxl_hdm_emu before = self->e;

	for (u32 off = 0; off < HDM_OFF; off += 4)
		wr(&self->e, off, 0xffffffff);		/* array, RAS, Link */
	wr(&self->e, HDM_OFF, 0xffffffff);		/* HDM capability */
	wr(&self->e, HDM_OFF + 8, 0xffffffff);		/* reserved */
	wr(&self->e, HDM_OFF + 0xc, 0xffffffff);
	wr(&self->e, DEC(1, 0x14), 0xf0000000);		/* DPA skip */
	wr(&self->e, DEC(1, 0x18), 1);
	wr(&self->e, DEC(1, 0x1c), 0xffffffff);		/* reserved */
	EXPECT_EQ(0, memcmp(&before, &self->e, sizeof(before)));
}

TEST_F(hdm, global_control)
{
	wr(&self->e, HDM_OFF + 4, 0xffffffff);
	EXPECT_EQ(CXL_HDM_GLOBAL_CTRL_ENABLE, rd(&self->e, HDM_OFF + 4))
		TH_LOG("poison enable needs the capability bit");
	wr(&self->e, HDM_OFF + 4, 0);
	EXPECT_EQ(0, rd(&self->e, HDM_OFF + 4));
}

TEST(global_control_poison_capable)
{
	struct vfio_cxl_hdm_emu e;
	struct vfio_cxl_hdm_geom g;

	make_snapshot(0);
	snap[HDM_OFF / 4] |= CXL_HDM_CAP_POISON_ON_DECODE_ERR;
	g = geom();
	ASSERT_EQ(0, vfio_cxl_hdm_emu_init(&e, &g, snap, DPA, false, false));
	wr(&e, HDM_OFF + 4, 0xffffffff);
	EXPECT_EQ(CXL_HDM_GLOBAL_CTRL_ENABLE | CXL_HDM_GLOBAL_CTRL_POISON_ENABLE,
		  rd(&e, HDM_OFF + 4));
}

TEST_F(hdm, base_size_reserved_bits)
{
	program(&self->e, 1, 0xffffffffffffffffULL, 0xffffffffffffffffULL, 0);
	EXPECT_EQ(0xf0000000, rd(&self->e, DEC(1, 0)));
	EXPECT_EQ(0xffffffff, rd(&self->e, DEC(1, 4)));
	EXPECT_EQ(0xf0000000, rd(&self->e, DEC(1, 8)));
	EXPECT_EQ(0xffffffff, rd(&self->e, DEC(1, 0xc)));
}

TEST_F(hdm, ctrl_reserved_and_read_only_bits)
{
	wr(&self->e, CTRL(1), 0xffffffff & ~CXL_HDM_CTRL_COMMIT);
	/* IG, IW, LOCK; no BI (not cache capable), no UIO/ISP, RO bits kept 0 */
	EXPECT_EQ(CXL_HDM_CTRL_IG | CXL_HDM_CTRL_IW | CXL_HDM_CTRL_LOCK, rd(&self->e, CTRL(1)));
}

TEST(ctrl_bi_on_cache_capable)
{
	struct vfio_cxl_hdm_emu e;
	struct vfio_cxl_hdm_geom g;

	make_snapshot(0);
	g = geom();
	ASSERT_EQ(0, vfio_cxl_hdm_emu_init(&e, &g, snap, DPA, true, false));
	wr(&e, CTRL(1), CXL_HDM_CTRL_BI);
	EXPECT_EQ(CXL_HDM_CTRL_BI, rd(&e, CTRL(1)));
}

TEST(firmware_bi_kept_only_on_cache_capable)
{
	struct vfio_cxl_hdm_emu e;
	struct vfio_cxl_hdm_geom g;

	/* an HDM-DB decoder firmware committed with BI set */
	make_snapshot(CXL_HDM_CTRL_BI);
	g = geom();
	ASSERT_EQ(0, vfio_cxl_hdm_emu_init(&e, &g, snap, DPA, true, false));
	EXPECT_TRUE(rd(&e, CTRL(0)) & CXL_HDM_CTRL_BI);
	ASSERT_EQ(0, vfio_cxl_hdm_emu_init(&e, &g, snap, DPA, false, false));
	EXPECT_FALSE(rd(&e, CTRL(0)) & CXL_HDM_CTRL_BI) TH_LOG("reserved without CXL.cache");
}

TEST_F(hdm, fw_locked_decoder_is_frozen)
{
	struct vfio_cxl_hdm_emu before = self->e;

	wr(&self->e, DEC(0, 0), 0x20000000);
	wr(&self->e, DEC(0, 4), 5);
	wr(&self->e, DEC(0, 8), 0x10000000);
	wr(&self->e, CTRL(0), CXL_HDM_CTRL_LOCK);	/* de-commit attempt */
	EXPECT_EQ(0, memcmp(&before, &self->e, sizeof(before)));
}

/* v2 UAPI: the VMM clears the firmware LOCK, then places decoder 0 at a GPA */
TEST_F(hdm, v2_unlock_then_place_base)
{
	u32 ctrl = rd(&self->e, CTRL(0));

	wr(&self->e, CTRL(0), ctrl & ~CXL_HDM_CTRL_LOCK);
	EXPECT_EQ(ctrl & ~CXL_HDM_CTRL_LOCK, rd(&self->e, CTRL(0)));
	EXPECT_TRUE(rd(&self->e, CTRL(0)) & CXL_HDM_CTRL_COMMITTED);
	wr(&self->e, DEC(0, 0), 0x30000000);
	wr(&self->e, DEC(0, 4), 0x4);
	EXPECT_EQ(0x30000000, rd(&self->e, DEC(0, 0)));
	EXPECT_EQ(0x4, rd(&self->e, DEC(0, 4)));
	/* SIZE stays frozen while committed */
	wr(&self->e, DEC(0, 8), 0x20000000);
	EXPECT_EQ((u32)DPA, rd(&self->e, DEC(0, 8)));
	/* a lock the guest sets is for good */
	wr(&self->e, CTRL(0), rd(&self->e, CTRL(0)) | CXL_HDM_CTRL_LOCK);
	wr(&self->e, CTRL(0), 0);
	EXPECT_TRUE(rd(&self->e, CTRL(0)) & CXL_HDM_CTRL_LOCK);
	EXPECT_TRUE(rd(&self->e, CTRL(0)) & CXL_HDM_CTRL_COMMITTED);
	wr(&self->e, DEC(0, 0), 0x50000000);
	EXPECT_EQ(0x30000000, rd(&self->e, DEC(0, 0)));
}

TEST(strict_lock_refuses_v2_unlock)
{
	struct vfio_cxl_hdm_emu e;
	struct vfio_cxl_hdm_geom g;

	make_snapshot(CXL_HDM_CTRL_LOCK);
	g = geom();
	ASSERT_EQ(0, vfio_cxl_hdm_emu_init(&e, &g, snap, DPA, false, true));
	wr(&e, CTRL(0), CXL_HDM_CTRL_COMMIT);
	EXPECT_TRUE(rd(&e, CTRL(0)) & CXL_HDM_CTRL_LOCK);
	wr(&e, DEC(0, 0), 0x30000000);
	EXPECT_EQ(0, rd(&e, DEC(0, 0)));
}

/* unlock decoder 0 and uncommit it, leaving an empty virtual device */
static void release_decoder0(struct vfio_cxl_hdm_emu *e)
{
	wr(e, CTRL(0), CXL_HDM_CTRL_COMMIT);		/* LOCK -> 0 */
	wr(e, CTRL(0), 0);				/* uncommit */
}

TEST_F(hdm, commit_fsm_round_trip)
{
	release_decoder0(&self->e);
	EXPECT_EQ(0, rd(&self->e, CTRL(0)) & (CXL_HDM_CTRL_COMMITTED | CXL_HDM_CTRL_COMMIT));
	program(&self->e, 0, 0x10000000, 0x10000000, CXL_HDM_CTRL_COMMIT | 2);
	EXPECT_EQ(CXL_HDM_CTRL_COMMIT | CXL_HDM_CTRL_COMMITTED | CXL_HDM_CTRL_TARGET_TYPE | 2,
		  rd(&self->e, CTRL(0)));
	/* uncommit; IG was frozen while committed, so it stays */
	wr(&self->e, CTRL(0), 0);
	EXPECT_EQ(CXL_HDM_CTRL_TARGET_TYPE | 2, rd(&self->e, CTRL(0)));
	wr(&self->e, CTRL(0), 0);
	EXPECT_EQ(CXL_HDM_CTRL_TARGET_TYPE, rd(&self->e, CTRL(0)));
}

TEST_F(hdm, commit_validation)
{
	static const struct { u64 base, size; u32 ctrl; const char *what; } bad[] = {
		{ 0x10000000, 0, 0, "size 0" },
		{ 0x10000000, 2 * DPA, 0, "larger than the device memory" },
		{ 0x10000000, DPA, 1u << 4, "2-way interleave" },
		{ 0x10000000, DPA, 7, "reserved granularity" },
		{ 0xfffffffff0000000ULL, DPA, 0, "HPA wraps" },
	};

	release_decoder0(&self->e);
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		u32 st;

		program(&self->e, 0, bad[i].base, bad[i].size, bad[i].ctrl | CXL_HDM_CTRL_COMMIT);
		st = rd(&self->e, CTRL(0)) &
		     (CXL_HDM_CTRL_ERR_NOT_COMMITTED | CXL_HDM_CTRL_COMMITTED);
		EXPECT_EQ(CXL_HDM_CTRL_ERR_NOT_COMMITTED, st) TH_LOG("%s", bad[i].what);
		wr(&self->e, CTRL(0), 0);
		EXPECT_EQ(0, rd(&self->e, CTRL(0)) & CXL_HDM_CTRL_ERR_NOT_COMMITTED);
	}
}

TEST_F(hdm, commit_order_and_dpa_space)
{
	release_decoder0(&self->e);
	/* decoder 1 cannot commit before decoder 0 */
	program(&self->e, 1, 0x20000000, 0x10000000, CXL_HDM_CTRL_COMMIT);
	EXPECT_TRUE(rd(&self->e, CTRL(1)) & CXL_HDM_CTRL_ERR_NOT_COMMITTED);
	wr(&self->e, CTRL(1), 0);
	/* decoder 0 takes all 256 MiB: nothing is left for decoder 1 */
	program(&self->e, 0, 0x100000000ULL, DPA, CXL_HDM_CTRL_COMMIT);
	EXPECT_TRUE(rd(&self->e, CTRL(0)) & CXL_HDM_CTRL_COMMITTED);
	program(&self->e, 1, 0x200000000ULL, 0x10000000, CXL_HDM_CTRL_COMMIT);
	EXPECT_TRUE(rd(&self->e, CTRL(1)) & CXL_HDM_CTRL_ERR_NOT_COMMITTED);
}

/* a device with 512 MiB whose decoders firmware left uncommitted */
static int init_uncommitted(struct vfio_cxl_hdm_emu *e)
{
	struct vfio_cxl_hdm_geom g;

	make_snapshot(0);
	snap[CTRL(0) / 4] = 0;
	g = geom();
	return vfio_cxl_hdm_emu_init(e, &g, snap, 2 * DPA, false, false);
}

TEST(commit_two_decoders_and_uncommit_order)
{
	struct vfio_cxl_hdm_emu e;

	ASSERT_EQ(0, init_uncommitted(&e));
	program(&e, 0, 0x100000000ULL, DPA, CXL_HDM_CTRL_COMMIT);
	/* HPA below decoder 0's end: refused */
	program(&e, 1, 0x100000000ULL, DPA, CXL_HDM_CTRL_COMMIT);
	EXPECT_TRUE(rd(&e, CTRL(1)) & CXL_HDM_CTRL_ERR_NOT_COMMITTED);
	wr(&e, CTRL(1), 0);
	program(&e, 1, 0x100000000ULL + DPA, DPA, CXL_HDM_CTRL_COMMIT);
	EXPECT_TRUE(rd(&e, CTRL(1)) & CXL_HDM_CTRL_COMMITTED);
	/* decoder 0 cannot uncommit while decoder 1 is committed */
	wr(&e, CTRL(0), 0);
	EXPECT_TRUE(rd(&e, CTRL(0)) & CXL_HDM_CTRL_COMMITTED);
	wr(&e, CTRL(1), 0);
	wr(&e, CTRL(0), 0);
	EXPECT_FALSE(rd(&e, CTRL(0)) & CXL_HDM_CTRL_COMMITTED);
}

TEST(committed_base_moves_only_where_it_could_commit)
{
	struct vfio_cxl_hdm_emu e;

	ASSERT_EQ(0, init_uncommitted(&e));
	program(&e, 0, 0x100000000ULL, DPA, CXL_HDM_CTRL_COMMIT);
	program(&e, 1, 0x100000000ULL + DPA, DPA, CXL_HDM_CTRL_COMMIT);
	ASSERT_TRUE(rd(&e, CTRL(1)) & CXL_HDM_CTRL_COMMITTED);
	/* decoder 0 above decoder 1, decoder 1 into decoder 0: dropped */
	wr(&e, DEC(0, 4), 0x5);
	EXPECT_EQ(0x1, rd(&e, DEC(0, 4)));
	wr(&e, DEC(1, 0), 0x00000000);
	EXPECT_EQ((u32)DPA, rd(&e, DEC(1, 0)));
	/* decoder 1 further up: fine */
	wr(&e, DEC(1, 4), 0x7);
	EXPECT_EQ(0x7, rd(&e, DEC(1, 4)));
	/* to the top of the address space, so that BASE + SIZE wraps: dropped */
	wr(&e, DEC(1, 4), 0xffffffff);
	EXPECT_EQ(0xffffffff, rd(&e, DEC(1, 4))) TH_LOG("0xffffffff_10000000 + 256 MiB fits");
	wr(&e, DEC(1, 0), 0xf0000000);
	EXPECT_EQ(0x10000000, rd(&e, DEC(1, 0))) TH_LOG("would wrap");
	EXPECT_TRUE(rd(&e, CTRL(1)) & CXL_HDM_CTRL_COMMITTED);
}

TEST_F(hdm, v2_placed_base_cannot_wrap)
{
	u32 ctrl = rd(&self->e, CTRL(0));

	wr(&self->e, CTRL(0), ctrl & ~CXL_HDM_CTRL_LOCK);
	wr(&self->e, DEC(0, 4), 0xffffffff);
	wr(&self->e, DEC(0, 0), 0xf0000000);
	EXPECT_EQ(0xffffffff, rd(&self->e, DEC(0, 4)));
	EXPECT_EQ(0, rd(&self->e, DEC(0, 0)));
	EXPECT_TRUE(rd(&self->e, CTRL(0)) & CXL_HDM_CTRL_COMMITTED);
}

TEST_F(hdm, lock_on_commit)
{
	release_decoder0(&self->e);
	program(&self->e, 0, 0x10000000, DPA, CXL_HDM_CTRL_COMMIT | CXL_HDM_CTRL_LOCK);
	EXPECT_TRUE(rd(&self->e, CTRL(0)) & CXL_HDM_CTRL_COMMITTED);
	EXPECT_TRUE(rd(&self->e, CTRL(0)) & CXL_HDM_CTRL_LOCK);
	wr(&self->e, CTRL(0), 0);
	EXPECT_TRUE(rd(&self->e, CTRL(0)) & CXL_HDM_CTRL_COMMITTED);
	wr(&self->e, DEC(0, 0), 0x70000000);
	EXPECT_EQ(0x10000000, rd(&self->e, DEC(0, 0)));
}

TEST_F(hdm, failed_commit_does_not_lock)
{
	release_decoder0(&self->e);
	program(&self->e, 0, 0x10000000, 0, CXL_HDM_CTRL_COMMIT | CXL_HDM_CTRL_LOCK);
	EXPECT_TRUE(rd(&self->e, CTRL(0)) & CXL_HDM_CTRL_ERR_NOT_COMMITTED);
	wr(&self->e, DEC(0, 8), 0x10000000);
	EXPECT_EQ(0x10000000, rd(&self->e, DEC(0, 8)));
}

TEST_F(hdm, ig_iw_frozen_while_committed)
{
	release_decoder0(&self->e);
	program(&self->e, 0, 0x10000000, DPA, CXL_HDM_CTRL_COMMIT | 3);
	wr(&self->e, CTRL(0), CXL_HDM_CTRL_COMMIT | 5 | (1u << 4));
	EXPECT_EQ(3, rd(&self->e, CTRL(0)) & (CXL_HDM_CTRL_IG | CXL_HDM_CTRL_IW));
}

static unsigned int hw_reads, hw_writes;

static u32 hw_read(void *ctx, u32 off, u32 width)
{
	hw_reads++;
	return 0xa5a5a5a5u & (width == 4 ? ~0u : (1u << (8 * width)) - 1);
}

static void hw_write(void *ctx, u32 off, u32 val, u32 width)
{
	hw_writes++;
}

TEST_F(hdm, component_block_routing)
{
	struct vfio_cxl_comp_hw hw = { .read = hw_read, .write = hw_write };
	struct vfio_cxl_hdm_emu before;
	u32 v;

	hw_reads = hw_writes = 0;
	/* outside the window: reads from the device, writes dropped */
	ASSERT_EQ(0, vfio_cxl_comp_block_rw(&self->e, &hw, 0x0, 4, &v, false));
	EXPECT_EQ(0xa5a5a5a5, v);
	ASSERT_EQ(0, vfio_cxl_comp_block_rw(&self->e, &hw, 0x1000 + CM_SIZE, 2, &v, false));
	EXPECT_EQ(0xa5a5, v);
	before = self->e;
	v = 0xffffffff;
	EXPECT_EQ(0, vfio_cxl_comp_block_rw(&self->e, &hw, 0x10, 4, &v, true));
	EXPECT_EQ(0, vfio_cxl_comp_block_rw(&self->e, &hw, 0xfffc, 4, &v, true));
	EXPECT_EQ(0, memcmp(&before, &self->e, sizeof(before)));
	EXPECT_EQ(2, hw_reads);
	/* inside: the virtual view */
	ASSERT_EQ(0, vfio_cxl_comp_block_rw(&self->e, &hw, 0x1000, 4, &v, false));
	EXPECT_EQ(snap[0], v);
	ASSERT_EQ(0, vfio_cxl_comp_block_rw(&self->e, &hw, 0x1003, 1, &v, false));
	EXPECT_EQ(snap[0] >> 24, v);
	ASSERT_EQ(0, vfio_cxl_comp_block_rw(&self->e, &hw, 0x1002, 2, &v, false));
	EXPECT_EQ(snap[0] >> 16, v);
	v = 0x30000000;
	ASSERT_EQ(0, vfio_cxl_comp_block_rw(&self->e, &hw, 0x1000 + DEC(1, 0), 4, &v, true));
	EXPECT_EQ(0x30000000, rd(&self->e, DEC(1, 0)));
	/* malformed */
	EXPECT_EQ(-EINVAL, vfio_cxl_comp_block_rw(&self->e, &hw, 0x1000 + DEC(1, 0), 2, &v, true));
	EXPECT_EQ(-EINVAL, vfio_cxl_comp_block_rw(&self->e, &hw, 0x1001, 2, &v, false));
	EXPECT_EQ(-EINVAL, vfio_cxl_comp_block_rw(&self->e, &hw, 0x10, 3, &v, false));
	EXPECT_EQ(-EINVAL, vfio_cxl_comp_block_rw(&self->e, &hw, 0x10000, 4, &v, false));
	EXPECT_EQ(0, hw_writes);
}

/* a device whose component block is an array, with RW1CS RAS status */
static u32 blk[0x10000 / 4];
static unsigned int blk_writes, blk_bad_width;
static u32 blk_last_off, blk_last_val;

static u32 blk_read(void *ctx, u32 off, u32 width)
{
	u32 v = blk[off / 4] >> (8 * (off % 4));

	return width == 4 ? v : v & ((1u << (8 * width)) - 1);
}

static void blk_write(void *ctx, u32 off, u32 val, u32 width)
{
	blk_writes++;
	blk_last_off = off;
	blk_last_val = val;
	blk_bad_width += width != 4;
	blk[off / 4] &= ~val;		/* the device's RW1CS */
}

#define RAS	(0x1000 + 0x80)		/* block offset of the snapshot's RAS */

static void blk_seed(void)
{
	memset(blk, 0, sizeof(blk));
	memcpy(blk + 0x1000 / 4, snap, sizeof(snap));
	blk[(RAS + 0x00) / 4] = 0x00000005;	/* UE status: two errors */
	blk[(RAS + 0x04) / 4] = 0x0001cfff;	/* UE mask */
	blk[(RAS + 0x0c) / 4] = 0x00000041;	/* CE status */
	blk[(RAS + 0x14) / 4] = 0x00000200;	/* first error pointer */
	blk[(0x1000 + 0xd8) / 4] = 0x12345678;	/* Link capability */
	blk_writes = 0;
	blk_bad_width = 0;
}

TEST_F(hdm, ras_and_link_read_live)
{
	struct vfio_cxl_comp_hw hw = { .read = blk_read, .write = blk_write };
	u32 v;

	blk_seed();
	EXPECT_EQ(0x80, self->e.geom.ras_off);
	EXPECT_EQ(0x10, self->e.geom.array_end);
	ASSERT_EQ(0, vfio_cxl_comp_regs_rw(&self->e, &hw, 0x80, 4, &v, false));
	EXPECT_EQ(0x5, v) TH_LOG("UE status as the device has it, not the snapshot's 0");
	blk[(RAS + 0x00) / 4] |= 0x100;		/* a new error */
	ASSERT_EQ(0, vfio_cxl_comp_regs_rw(&self->e, &hw, 0x80, 4, &v, false));
	EXPECT_EQ(0x105, v);
	ASSERT_EQ(0, vfio_cxl_comp_regs_rw(&self->e, &hw, 0xd8, 4, &v, false));
	EXPECT_EQ(0x12345678, v);
	/* the raw BAR read inside the window sees the same, at any width */
	ASSERT_EQ(0, vfio_cxl_comp_block_rw(&self->e, &hw, RAS + 0xc, 1, &v, false));
	EXPECT_EQ(0x41, v);
	/* the array and the decoders stay the view's */
	blk[0x1000 / 4] = 0xdeadbeef;
	blk[(0x1000 + DEC(0, 4)) / 4] = HPA >> 32;
	ASSERT_EQ(0, vfio_cxl_comp_regs_rw(&self->e, &hw, 0, 4, &v, false));
	EXPECT_EQ(snap[0], v);
	ASSERT_EQ(0, vfio_cxl_comp_regs_rw(&self->e, &hw, DEC(0, 4), 4, &v, false));
	EXPECT_EQ(0, v) TH_LOG("the host address never shows");
	EXPECT_EQ(0, blk_writes);
}

TEST_F(hdm, ras_status_clear_is_forwarded_nothing_else)
{
	struct vfio_cxl_comp_hw hw = { .read = blk_read, .write = blk_write };
	u32 v;

	blk_seed();
	/* clearing one of two UE errors clears just that one */
	v = 0x4;
	ASSERT_EQ(0, vfio_cxl_comp_regs_rw(&self->e, &hw, 0x80, 4, &v, true));
	EXPECT_EQ(1, blk_writes);
	EXPECT_EQ(RAS, blk_last_off);
	EXPECT_EQ(0x4, blk_last_val);
	EXPECT_EQ(0x1, blk[RAS / 4]);
	/* ones for bits that are not set write nothing (RsvdZ stays 0) */
	v = 0xfffffffe;
	ASSERT_EQ(0, vfio_cxl_comp_regs_rw(&self->e, &hw, 0x80, 4, &v, true));
	EXPECT_EQ(1, blk_writes);
	/* CE status through the raw BAR */
	v = 0xffffffff;
	ASSERT_EQ(0, vfio_cxl_comp_block_rw(&self->e, &hw, RAS + 0xc, 4, &v, true));
	EXPECT_EQ(2, blk_writes);
	EXPECT_EQ(0x41, blk_last_val);
	EXPECT_EQ(0, blk[(RAS + 0xc) / 4]);
	/* masks, severity, control, Link: dropped */
	v = 0;
	ASSERT_EQ(0, vfio_cxl_comp_regs_rw(&self->e, &hw, 0x84, 4, &v, true));
	ASSERT_EQ(0, vfio_cxl_comp_regs_rw(&self->e, &hw, 0x94, 4, &v, true));
	ASSERT_EQ(0, vfio_cxl_comp_regs_rw(&self->e, &hw, 0xd8, 4, &v, true));
	EXPECT_EQ(2, blk_writes);
	EXPECT_EQ(0x0001cfff, blk[(RAS + 4) / 4]);
	/* a narrow write is refused, and a device that does not decode gets none */
	EXPECT_EQ(-EINVAL, vfio_cxl_comp_block_rw(&self->e, &hw, RAS, 2, &v, true));
	hw.write = NULL;
	blk[RAS / 4] = 0x3;
	v = 0x3;
	ASSERT_EQ(0, vfio_cxl_comp_regs_rw(&self->e, &hw, 0x80, 4, &v, true));
	EXPECT_EQ(0x3, blk[RAS / 4]);
	EXPECT_EQ(2, blk_writes);
	/* malformed accesses */
	EXPECT_EQ(-EINVAL, vfio_cxl_comp_regs_rw(&self->e, &hw, 0x82, 4, &v, false));
	EXPECT_EQ(-EINVAL, vfio_cxl_comp_regs_rw(&self->e, &hw, 0x80, 2, &v, false));
	EXPECT_EQ(-EINVAL, vfio_cxl_comp_regs_rw(&self->e, &hw, CM_SIZE, 4, &v, false));
	EXPECT_EQ(0, blk_bad_width) TH_LOG("the device only gets 4-byte writes");
}

TEST(ras_geometry_rules)
{
	struct vfio_cxl_comp_hw hw = { .read = blk_read, .write = blk_write };
	static struct vfio_cxl_hdm_emu e;
	struct vfio_cxl_hdm_geom g;
	u32 v = 0x1;

	/* RAS overlapping the HDM structure, or before the array end: ignored */
	make_snapshot(0);
	snap[1] = ((u32)(HDM_OFF - 0x20) << 20) | 0x20002;
	ASSERT_EQ(0, vfio_cxl_hdm_parse(rd_arr, snap, CXL_CM_SIZE, &g));
	EXPECT_EQ(0, g.ras_off);
	snap[1] = (0x8u << 20) | 0x20002;
	ASSERT_EQ(0, vfio_cxl_hdm_parse(rd_arr, snap, CXL_CM_SIZE, &g));
	EXPECT_EQ(0, g.ras_off);
	snap[1] = (0x82u << 20) | 0x20002;	/* misaligned */
	ASSERT_EQ(0, vfio_cxl_hdm_parse(rd_arr, snap, CXL_CM_SIZE, &g));
	EXPECT_EQ(0, g.ras_off);
	/* after the HDM structure: found, and cleared through the raw BAR */
	snap[1] = (0x400u << 20) | 0x20002;
	ASSERT_EQ(0, vfio_cxl_hdm_parse(rd_arr, snap, CXL_CM_SIZE, &g));
	EXPECT_EQ(0x400, g.ras_off);
	ASSERT_EQ(0, vfio_cxl_hdm_emu_init(&e, &g, snap, DPA, false, false));
	blk_seed();
	blk[(0x1400 + 0xc) / 4] = 0x3;
	ASSERT_EQ(0, vfio_cxl_comp_block_rw(&e, &hw, 0x1400 + 0xc, 4, &v, true));
	EXPECT_EQ(0x2, blk[(0x1400 + 0xc) / 4]);
	v = 0xffffffff;
	ASSERT_EQ(0, vfio_cxl_comp_block_rw(&e, &hw, 0x1400 + 0x4, 4, &v, true));
	EXPECT_EQ(1, blk_writes) TH_LOG("only the status register");
}

TEST(comp_bar_sparse_areas)
{
	struct vfio_cxl_bar_area a[2];

	/* QEMU's cxl-type3: the block is the whole 64 KiB BAR */
	EXPECT_EQ(0, vfio_cxl_comp_bar_areas(0x10000, 0, 4096, a));
	/* block at the start */
	ASSERT_EQ(1, vfio_cxl_comp_bar_areas(0x100000, 0, 4096, a));
	EXPECT_EQ(0x10000, a[0].offset);
	EXPECT_EQ(0xf0000, a[0].size);
	/* block at the end */
	ASSERT_EQ(1, vfio_cxl_comp_bar_areas(0x100000, 0xf0000, 4096, a));
	EXPECT_EQ(0, a[0].offset);
	EXPECT_EQ(0xf0000, a[0].size);
	/* block in the middle */
	ASSERT_EQ(2, vfio_cxl_comp_bar_areas(0x100000, 0x40000, 4096, a));
	EXPECT_EQ(0, a[0].offset);
	EXPECT_EQ(0x40000, a[0].size);
	EXPECT_EQ(0x50000, a[1].offset);
	EXPECT_EQ(0xb0000, a[1].size);
	/* 64 KiB pages: a block not on a 64 KiB boundary widens both ways */
	ASSERT_EQ(2, vfio_cxl_comp_bar_areas(0x100000, 0x48000, 0x10000, a));
	EXPECT_EQ(0x40000, a[0].size);
	EXPECT_EQ(0x60000, a[1].offset);
	EXPECT_EQ(0xa0000, a[1].size);
}

TEST(comp_bar_overlap)
{
	EXPECT_TRUE(vfio_cxl_comp_bar_overlaps(0x40000, 4096, 0, 0x41000));
	EXPECT_FALSE(vfio_cxl_comp_bar_overlaps(0x40000, 4096, 0, 0x40000));
	EXPECT_TRUE(vfio_cxl_comp_bar_overlaps(0x40000, 4096, 0x4f000, 0x1000));
	EXPECT_FALSE(vfio_cxl_comp_bar_overlaps(0x40000, 4096, 0x50000, 0x1000));
	EXPECT_FALSE(vfio_cxl_comp_bar_overlaps(0x40000, 4096, 0x3f000, 0));
	EXPECT_TRUE(vfio_cxl_comp_bar_overlaps(0x48000, 0x10000, 0x40000, 0x1000));
	EXPECT_TRUE(vfio_cxl_comp_bar_overlaps(0x40000, 1, 0x4ffff, 1));
	EXPECT_FALSE(vfio_cxl_comp_bar_overlaps(0x40000, 1, 0x3fffc, 4));
}

TEST_HARNESS_MAIN
