// SPDX-License-Identifier: GPL-2.0-only
/*
 * User-space unit tests of the virtual CXL Device DVSEC (src/dvsec_emu.c).
 *
 * Copyright (C) 2026 The vfio-cxl-pci authors
 */
#include <string.h>

#include "kselftest_harness.h"
#include "dvsec_emu.h"

#define LEN	0x3c

/* the "device": its DVSEC bytes, and a log of what reached it */
static u8 dev[LEN];
static u16 dev_status2;
static struct { u16 off, val; } writes[16];
static unsigned int nwrites;

static u16 hw_read16(void *ctx, u16 off)
{
	if (off == CXL_DVSEC_STATUS2)
		return dev_status2;
	return dev[off] | dev[off + 1] << 8;
}

static void hw_write16(void *ctx, u16 off, u16 val)
{
	if (nwrites < 16) {
		writes[nwrites].off = off;
		writes[nwrites].val = val;
	}
	nwrites++;
}

static const struct vfio_cxl_dvsec_hw hw = { .read16 = hw_read16, .write16 = hw_write16 };

static void put16(unsigned int off, u16 v)
{
	dev[off] = v;
	dev[off + 1] = v >> 8;
}

static void put32(unsigned int off, u32 v)
{
	put16(off, v);
	put16(off + 2, v >> 16);
}

/* a DVSEC as a device would have it; @cap picks the capabilities */
static void make_dev(u16 cap, u16 cap2, u16 cap3)
{
	memset(dev, 0, sizeof(dev));
	put32(0x00, 0x13c10023);			/* ext cap header */
	put32(0x04, (LEN << 20) | (2 << 16) | 0x1e98);
	put16(0x08, 0);
	put16(CXL_DVSEC_CAP, cap);
	put16(CXL_DVSEC_CTRL, 0xffff);			/* host: everything set */
	put16(CXL_DVSEC_STATUS, CXL_DVSEC_STATUS_VIRAL);
	put16(CXL_DVSEC_CTRL2, 0xffff);
	put16(CXL_DVSEC_LOCK, 0);
	put16(CXL_DVSEC_CAP2, cap2);
	put32(CXL_DVSEC_RANGE_SIZE_HIGH(0), 0);
	put32(CXL_DVSEC_RANGE_SIZE_LOW(0), 0x10000003);
	put32(CXL_DVSEC_RANGE_BASE_HIGH(0), 0x1);	/* the host address */
	put32(CXL_DVSEC_RANGE_BASE_LOW(0), 0x10000000);
	put32(CXL_DVSEC_RANGE_BASE_HIGH(1), 0x2);
	put32(CXL_DVSEC_RANGE_BASE_LOW(1), 0x20000000);
	put16(CXL_DVSEC_CAP3, cap3);
	put16(CXL_DVSEC_CAP3 + 2, 0xffff);
	dev_status2 = 0x800f;	/* every live bit and the reset bits */
	nwrites = 0;
}

static u32 rd(struct vfio_cxl_dvsec_emu *e, u32 off, u32 w)
{
	u32 v = 0xdeadbeef;

	if (vfio_cxl_dvsec_read(e, off, w, &v))
		return 0xdeadbeef;
	return v;
}

#define CAP_TYPE3	0x001e		/* QEMU cxl-type3: IO, Mem, HwInit, 1 range */
#define CAP_ALL		0xffff

FIXTURE(type3) {
	struct vfio_cxl_dvsec_emu e;
};

FIXTURE_SETUP(type3)
{
	make_dev(CAP_TYPE3, 0, 0);
	ASSERT_EQ(0, vfio_cxl_dvsec_emu_init(&self->e, dev, LEN, &hw));
}

FIXTURE_TEARDOWN(type3)
{
}

FIXTURE(full) {
	struct vfio_cxl_dvsec_emu e;
};

FIXTURE_SETUP(full)
{
	/* every capability, two ranges */
	make_dev((CAP_ALL & ~CXL_DVSEC_CAP_HDM_COUNT) | FIELD_PREP(CXL_DVSEC_CAP_HDM_COUNT, 2),
		 CXL_DVSEC_CAP2_MOD_COMPLETION_CAPABLE,
		 CXL_DVSEC_CAP3_VOLATILE_HDM_CONFIG | CXL_DVSEC_CAP3_P2P_MEM_CAPABLE);
	ASSERT_EQ(0, vfio_cxl_dvsec_emu_init(&self->e, dev, LEN, &hw));
}

FIXTURE_TEARDOWN(full)
{
}

TEST(init_rejects_bad_length)
{
	struct vfio_cxl_dvsec_emu e;

	make_dev(CAP_TYPE3, 0, 0);
	EXPECT_EQ(-EINVAL, vfio_cxl_dvsec_emu_init(&e, dev, 0x36, &hw));
	EXPECT_EQ(-EINVAL, vfio_cxl_dvsec_emu_init(&e, dev, 0x3b, &hw));
	EXPECT_EQ(-EINVAL, vfio_cxl_dvsec_emu_init(&e, dev, VFIO_CXL_DVSEC_MAX_LEN + 2, &hw));
	EXPECT_EQ(0, vfio_cxl_dvsec_emu_init(&e, dev, 0x38, &hw));
	EXPECT_EQ(0, e.cap3);
}

TEST_F(type3, read_only_registers)
{
	struct vfio_cxl_dvsec_emu before = self->e;
	static const u32 ro[] = { 0x04, 0x06, 0x08, CXL_DVSEC_CAP, CXL_DVSEC_CAP2,
				  CXL_DVSEC_RANGE_SIZE_HIGH(0), CXL_DVSEC_RANGE_SIZE_LOW(0),
				  CXL_DVSEC_RANGE_SIZE_LOW(0) + 2, CXL_DVSEC_CAP3, 0x3a };

	for (unsigned int i = 0; i < ARRAY_SIZE(ro); i++)
		EXPECT_EQ(0, vfio_cxl_dvsec_write(&self->e, ro[i], 2, 0x5a5a));
	EXPECT_EQ(0, memcmp(&before, &self->e, sizeof(before)));
	EXPECT_EQ(CAP_TYPE3, rd(&self->e, CXL_DVSEC_CAP, 2));
	EXPECT_EQ(0x10000003, rd(&self->e, CXL_DVSEC_RANGE_SIZE_LOW(0), 4));
	EXPECT_EQ(0, rd(&self->e, 0x3a, 2)) TH_LOG("reserved reads 0");
	EXPECT_EQ(0, nwrites);
}

TEST_F(type3, control_virtual_io_enable_reads_1)
{
	/* seeded from the device: Mem_Enable kept, reserved/unsupported cleared */
	EXPECT_EQ(CXL_DVSEC_CTRL_IO_ENABLE | CXL_DVSEC_CTRL_MEM_ENABLE,
		  rd(&self->e, CXL_DVSEC_CTRL, 2));
	vfio_cxl_dvsec_write(&self->e, CXL_DVSEC_CTRL, 2, 0);
	EXPECT_EQ(CXL_DVSEC_CTRL_IO_ENABLE, rd(&self->e, CXL_DVSEC_CTRL, 2));
	vfio_cxl_dvsec_write(&self->e, CXL_DVSEC_CTRL, 2, 0xffff);
	EXPECT_EQ(CXL_DVSEC_CTRL_IO_ENABLE | CXL_DVSEC_CTRL_MEM_ENABLE,
		  rd(&self->e, CXL_DVSEC_CTRL, 2)) TH_LOG("no cache, viral or p2p bits");
	EXPECT_EQ(0, nwrites);
}

TEST_F(full, control_capability_gated_bits)
{
	vfio_cxl_dvsec_write(&self->e, CXL_DVSEC_CTRL, 2, 0xffff);
	EXPECT_EQ(0xffff & ~(BIT(13) | BIT(15)), rd(&self->e, CXL_DVSEC_CTRL, 2));
	vfio_cxl_dvsec_write(&self->e, CXL_DVSEC_CTRL, 2, 0);
	EXPECT_EQ(CXL_DVSEC_CTRL_IO_ENABLE, rd(&self->e, CXL_DVSEC_CTRL, 2));
	EXPECT_EQ(0, nwrites);
}

TEST_F(full, byte_writes_touch_only_their_byte)
{
	vfio_cxl_dvsec_write(&self->e, CXL_DVSEC_CTRL, 2, 0);
	vfio_cxl_dvsec_write(&self->e, CXL_DVSEC_CTRL + 1, 1, 0x40);	/* Viral_Enable */
	EXPECT_EQ(CXL_DVSEC_CTRL_IO_ENABLE | CXL_DVSEC_CTRL_VIRAL_ENABLE,
		  rd(&self->e, CXL_DVSEC_CTRL, 2));
	vfio_cxl_dvsec_write(&self->e, CXL_DVSEC_CTRL, 1, 0x04);	/* Mem_Enable */
	EXPECT_EQ(CXL_DVSEC_CTRL_IO_ENABLE | CXL_DVSEC_CTRL_VIRAL_ENABLE | CXL_DVSEC_CTRL_MEM_ENABLE,
		  rd(&self->e, CXL_DVSEC_CTRL, 2));
	EXPECT_EQ(0x40, rd(&self->e, CXL_DVSEC_CTRL + 1, 1));
}

TEST_F(full, status_viral_rw1cs)
{
	EXPECT_EQ(CXL_DVSEC_STATUS_VIRAL, rd(&self->e, CXL_DVSEC_STATUS, 2));
	/* a write to Control's bytes (dword at 0x0c with Status 0) keeps it */
	vfio_cxl_dvsec_write(&self->e, CXL_DVSEC_CTRL, 2, 0xffff);
	vfio_cxl_dvsec_write(&self->e, CXL_DVSEC_STATUS, 1, 0xff);	/* low byte */
	EXPECT_EQ(CXL_DVSEC_STATUS_VIRAL, rd(&self->e, CXL_DVSEC_STATUS, 2));
	vfio_cxl_dvsec_write(&self->e, CXL_DVSEC_CTRL, 4, 0x0004 | (0u << 16));
	EXPECT_EQ(CXL_DVSEC_STATUS_VIRAL, rd(&self->e, CXL_DVSEC_STATUS, 2));
	/* the guest clears the bit it saw at open; the device is no longer viral */
	put16(CXL_DVSEC_STATUS, 0);
	EXPECT_EQ(CXL_DVSEC_STATUS_VIRAL, rd(&self->e, CXL_DVSEC_STATUS, 2)) TH_LOG("sticky");
	vfio_cxl_dvsec_write(&self->e, CXL_DVSEC_STATUS + 1, 1, 0x40);
	EXPECT_EQ(0, rd(&self->e, CXL_DVSEC_STATUS, 2));
	EXPECT_EQ(0, nwrites);
}

TEST_F(full, status_viral_live_from_device)
{
	put16(CXL_DVSEC_STATUS, 0);
	vfio_cxl_dvsec_write(&self->e, CXL_DVSEC_STATUS, 2, CXL_DVSEC_STATUS_VIRAL);
	EXPECT_EQ(0, rd(&self->e, CXL_DVSEC_STATUS, 2));
	/* the device goes viral after open: the guest sees it at once */
	put16(CXL_DVSEC_STATUS, CXL_DVSEC_STATUS_VIRAL);
	EXPECT_EQ(CXL_DVSEC_STATUS_VIRAL, rd(&self->e, CXL_DVSEC_STATUS, 2));
	/* the guest cannot clear the device's bit: the clear is not forwarded */
	vfio_cxl_dvsec_write(&self->e, CXL_DVSEC_STATUS, 2, CXL_DVSEC_STATUS_VIRAL);
	EXPECT_EQ(CXL_DVSEC_STATUS_VIRAL, rd(&self->e, CXL_DVSEC_STATUS, 2));
	EXPECT_EQ(0, nwrites);
	put16(CXL_DVSEC_STATUS, 0xffff);	/* not answering */
	EXPECT_EQ(0, rd(&self->e, CXL_DVSEC_STATUS, 2));
}

TEST_F(type3, status_viral_reserved_without_capability)
{
	EXPECT_EQ(0, rd(&self->e, CXL_DVSEC_STATUS, 2));
}

TEST_F(type3, control2_gated_and_actions_ignored)
{
	EXPECT_EQ(0, rd(&self->e, CXL_DVSEC_CTRL2, 2));
	vfio_cxl_dvsec_write(&self->e, CXL_DVSEC_CTRL2, 2, 0xffff);
	EXPECT_EQ(0, rd(&self->e, CXL_DVSEC_CTRL2, 2));
	EXPECT_EQ(0, nwrites) TH_LOG("no WBI without CXL.cache");
	EXPECT_EQ(0, vfio_cxl_dvsec_write(&self->e, CXL_DVSEC_CTRL2, 2,
					  CXL_DVSEC_CTRL2_INITIATE_RESET));
}

TEST_F(full, control2_bits_and_wbi)
{
	vfio_cxl_dvsec_write(&self->e, CXL_DVSEC_CTRL2, 2, 0xffc0);
	EXPECT_EQ(0, rd(&self->e, CXL_DVSEC_CTRL2, 2)) TH_LOG("15:6 reserved");
	put16(CXL_DVSEC_CTRL2, 0x0020);		/* the device's own Control2 */
	vfio_cxl_dvsec_write(&self->e, CXL_DVSEC_CTRL2, 2,
			     CXL_DVSEC_CTRL2_DISABLE_CACHING | CXL_DVSEC_CTRL2_INITIATE_WBI |
			     CXL_DVSEC_CTRL2_RESET_MEM_CLR | CXL_DVSEC_CTRL2_DESIRED_VOLATILE_HDM |
			     CXL_DVSEC_CTRL2_MOD_COMPLETION);
	EXPECT_EQ(CXL_DVSEC_CTRL2_DISABLE_CACHING | CXL_DVSEC_CTRL2_RESET_MEM_CLR |
		  CXL_DVSEC_CTRL2_DESIRED_VOLATILE_HDM | CXL_DVSEC_CTRL2_MOD_COMPLETION,
		  rd(&self->e, CXL_DVSEC_CTRL2, 2)) TH_LOG("WBI reads back 0");
	ASSERT_EQ(1, nwrites);
	EXPECT_EQ(CXL_DVSEC_CTRL2, writes[0].off);
	EXPECT_EQ(0x0020 | CXL_DVSEC_CTRL2_DISABLE_CACHING | CXL_DVSEC_CTRL2_INITIATE_WBI,
		  writes[0].val);
	EXPECT_TRUE(vfio_cxl_dvsec_mem_clr(&self->e));
}

TEST(wbi_needs_wbi_capable)
{
	struct vfio_cxl_dvsec_emu e;

	make_dev(CAP_TYPE3 | CXL_DVSEC_CAP_CACHE_CAPABLE, 0, 0);
	ASSERT_EQ(0, vfio_cxl_dvsec_emu_init(&e, dev, LEN, &hw));
	put16(CXL_DVSEC_CTRL2, 0x0020);		/* a device that answers */
	vfio_cxl_dvsec_write(&e, CXL_DVSEC_CTRL2, 2,
			     CXL_DVSEC_CTRL2_DISABLE_CACHING | CXL_DVSEC_CTRL2_INITIATE_WBI);
	EXPECT_EQ(0, nwrites) TH_LOG("Cache_Capable without Cache_WBI_Capable");
	EXPECT_EQ(CXL_DVSEC_CTRL2_DISABLE_CACHING, rd(&e, CXL_DVSEC_CTRL2, 2));
}

TEST_F(full, wbi_not_forwarded_to_a_device_not_answering)
{
	put16(CXL_DVSEC_CTRL2, 0xffff);
	vfio_cxl_dvsec_write(&self->e, CXL_DVSEC_CTRL2, 2, CXL_DVSEC_CTRL2_INITIATE_WBI);
	EXPECT_EQ(0, nwrites);
}

TEST_F(full, initiate_cxl_reset_clears_the_last_outcome)
{
	vfio_cxl_dvsec_reset_result(&self->e, false);
	ASSERT_EQ(CXL_DVSEC_STATUS2_RESET_ERROR, rd(&self->e, CXL_DVSEC_STATUS2, 2) & 0x6);
	EXPECT_EQ(VFIO_CXL_DVSEC_RESET_REQUESTED,
		  vfio_cxl_dvsec_write(&self->e, CXL_DVSEC_CTRL2, 2,
				       CXL_DVSEC_CTRL2_INITIATE_RESET));
	EXPECT_EQ(0, rd(&self->e, CXL_DVSEC_STATUS2, 2) & 0x6) TH_LOG("while the reset runs");
	vfio_cxl_dvsec_reset_result(&self->e, true);
	ASSERT_EQ(CXL_DVSEC_STATUS2_RESET_COMPLETE, rd(&self->e, CXL_DVSEC_STATUS2, 2) & 0x6);
	/* a Control2 write without Initiate leaves the outcome alone */
	vfio_cxl_dvsec_write(&self->e, CXL_DVSEC_CTRL2, 2, CXL_DVSEC_CTRL2_RESET_MEM_CLR);
	EXPECT_EQ(CXL_DVSEC_STATUS2_RESET_COMPLETE, rd(&self->e, CXL_DVSEC_STATUS2, 2) & 0x6);
}

TEST_F(full, initiate_cxl_reset_is_reported)
{
	EXPECT_EQ(VFIO_CXL_DVSEC_RESET_REQUESTED,
		  vfio_cxl_dvsec_write(&self->e, CXL_DVSEC_CTRL2, 2,
				       CXL_DVSEC_CTRL2_INITIATE_RESET));
	EXPECT_EQ(VFIO_CXL_DVSEC_RESET_REQUESTED,
		  vfio_cxl_dvsec_write(&self->e, CXL_DVSEC_CTRL2, 1,
				       CXL_DVSEC_CTRL2_INITIATE_RESET));
	EXPECT_EQ(0, rd(&self->e, CXL_DVSEC_CTRL2, 2) & CXL_DVSEC_CTRL2_INITIATE_RESET);
	EXPECT_EQ(0, nwrites);
	vfio_cxl_dvsec_reset_result(&self->e, true);
	EXPECT_EQ(CXL_DVSEC_STATUS2_RESET_COMPLETE,
		  rd(&self->e, CXL_DVSEC_STATUS2, 2) & (CXL_DVSEC_STATUS2_RESET_COMPLETE |
							CXL_DVSEC_STATUS2_RESET_ERROR));
	vfio_cxl_dvsec_reset_result(&self->e, false);
	EXPECT_EQ(CXL_DVSEC_STATUS2_RESET_ERROR,
		  rd(&self->e, CXL_DVSEC_STATUS2, 2) & (CXL_DVSEC_STATUS2_RESET_COMPLETE |
							CXL_DVSEC_STATUS2_RESET_ERROR));
}

TEST_F(full, status2_live_and_forwarded_clear)
{
	dev_status2 = 0x800f;	/* the device's reset bits 1:2 must not show either */
	EXPECT_EQ(CXL_DVSEC_STATUS2_CACHE_INVALID | CXL_DVSEC_STATUS2_VOLATILE_HDM_ERR |
		  CXL_DVSEC_STATUS2_PM_INIT_COMPLETION, rd(&self->e, CXL_DVSEC_STATUS2, 2));
	dev_status2 = CXL_DVSEC_STATUS2_PM_INIT_COMPLETION;
	EXPECT_EQ(CXL_DVSEC_STATUS2_PM_INIT_COMPLETION, rd(&self->e, CXL_DVSEC_STATUS2, 2));
	/* a write of 1s to the read-only bits does nothing */
	vfio_cxl_dvsec_write(&self->e, CXL_DVSEC_STATUS2, 2,
			     CXL_DVSEC_STATUS2_CACHE_INVALID | CXL_DVSEC_STATUS2_PM_INIT_COMPLETION |
			     CXL_DVSEC_STATUS2_RESET_COMPLETE);
	EXPECT_EQ(0, nwrites);
	/* only the RW1CS error bit is cleared on the device */
	vfio_cxl_dvsec_write(&self->e, CXL_DVSEC_STATUS2, 2, 0xffff);
	ASSERT_EQ(1, nwrites);
	EXPECT_EQ(CXL_DVSEC_STATUS2, writes[0].off);
	EXPECT_EQ(CXL_DVSEC_STATUS2_VOLATILE_HDM_ERR, writes[0].val);
	/* a byte write to Status2's high byte cannot clear the low-byte bit */
	vfio_cxl_dvsec_write(&self->e, CXL_DVSEC_STATUS2 + 1, 1, 0xff);
	EXPECT_EQ(1, nwrites);
}

TEST_F(full, status2_device_not_answering)
{
	/* all ones: a device in reset; no live bit is reported from it */
	dev_status2 = 0xffff;
	EXPECT_EQ(0, rd(&self->e, CXL_DVSEC_STATUS2, 2));
	vfio_cxl_dvsec_reset_result(&self->e, true);
	EXPECT_EQ(CXL_DVSEC_STATUS2_RESET_COMPLETE, rd(&self->e, CXL_DVSEC_STATUS2, 2));
}

TEST_F(type3, status2_nothing_live_without_capabilities)
{
	dev_status2 = 0x800f;
	EXPECT_EQ(0, rd(&self->e, CXL_DVSEC_STATUS2, 2));
	vfio_cxl_dvsec_write(&self->e, CXL_DVSEC_STATUS2, 2, 0xffff);
	EXPECT_EQ(0, nwrites);
}

TEST_F(full, range_base_virtual_starts_at_0)
{
	EXPECT_EQ(0, rd(&self->e, CXL_DVSEC_RANGE_BASE_HIGH(0), 4));
	EXPECT_EQ(0, rd(&self->e, CXL_DVSEC_RANGE_BASE_LOW(0), 4));
	EXPECT_EQ(0, rd(&self->e, CXL_DVSEC_RANGE_BASE_HIGH(1), 4));
	vfio_cxl_dvsec_write(&self->e, CXL_DVSEC_RANGE_BASE_HIGH(0), 4, 0x12345678);
	vfio_cxl_dvsec_write(&self->e, CXL_DVSEC_RANGE_BASE_LOW(0), 4, 0xffffffff);
	EXPECT_EQ(0x12345678, rd(&self->e, CXL_DVSEC_RANGE_BASE_HIGH(0), 4));
	EXPECT_EQ(0xf0000000, rd(&self->e, CXL_DVSEC_RANGE_BASE_LOW(0), 4));
	vfio_cxl_dvsec_write(&self->e, CXL_DVSEC_RANGE_BASE_LOW(1) + 3, 1, 0xa5);
	EXPECT_EQ(0xa0000000, rd(&self->e, CXL_DVSEC_RANGE_BASE_LOW(1), 4));
	EXPECT_EQ(0x34, rd(&self->e, CXL_DVSEC_RANGE_BASE_HIGH(0) + 2, 1));
}

TEST_F(type3, range2_reserved_with_one_hdm_range)
{
	vfio_cxl_dvsec_write(&self->e, CXL_DVSEC_RANGE_BASE_HIGH(1), 4, 0xffffffff);
	vfio_cxl_dvsec_write(&self->e, CXL_DVSEC_RANGE_BASE_LOW(1), 4, 0xffffffff);
	EXPECT_EQ(0, rd(&self->e, CXL_DVSEC_RANGE_BASE_HIGH(1), 4));
	EXPECT_EQ(0, rd(&self->e, CXL_DVSEC_RANGE_BASE_LOW(1), 4));
}

TEST_F(full, config_lock_freezes_control_and_range_base)
{
	vfio_cxl_dvsec_write(&self->e, CXL_DVSEC_RANGE_BASE_HIGH(0), 4, 0x7);
	vfio_cxl_dvsec_write(&self->e, CXL_DVSEC_LOCK, 2, 0xfffe);
	EXPECT_EQ(0, rd(&self->e, CXL_DVSEC_LOCK, 2)) TH_LOG("15:1 reserved");
	vfio_cxl_dvsec_write(&self->e, CXL_DVSEC_LOCK, 1, 1);
	EXPECT_EQ(1, rd(&self->e, CXL_DVSEC_LOCK, 2));
	vfio_cxl_dvsec_write(&self->e, CXL_DVSEC_LOCK, 2, 0);
	EXPECT_EQ(1, rd(&self->e, CXL_DVSEC_LOCK, 2)) TH_LOG("RWO");
	u32 ctrl = rd(&self->e, CXL_DVSEC_CTRL, 2);
	vfio_cxl_dvsec_write(&self->e, CXL_DVSEC_CTRL, 2, ctrl ^ CXL_DVSEC_CTRL_MEM_ENABLE);
	EXPECT_EQ(ctrl, rd(&self->e, CXL_DVSEC_CTRL, 2));
	vfio_cxl_dvsec_write(&self->e, CXL_DVSEC_RANGE_BASE_HIGH(0), 4, 0x9);
	EXPECT_EQ(0x7, rd(&self->e, CXL_DVSEC_RANGE_BASE_HIGH(0), 4));
	/* Control2 is not under CONFIG_LOCK */
	vfio_cxl_dvsec_write(&self->e, CXL_DVSEC_CTRL2, 2, CXL_DVSEC_CTRL2_MOD_COMPLETION);
	EXPECT_EQ(CXL_DVSEC_CTRL2_MOD_COMPLETION, rd(&self->e, CXL_DVSEC_CTRL2, 2));
}

TEST_F(full, reset_restores_open_state_keeps_sticky)
{
	struct vfio_cxl_dvsec_emu open = self->e;

	vfio_cxl_dvsec_write(&self->e, CXL_DVSEC_CTRL, 2, 0);
	vfio_cxl_dvsec_write(&self->e, CXL_DVSEC_CTRL2, 2, CXL_DVSEC_CTRL2_MOD_COMPLETION);
	vfio_cxl_dvsec_write(&self->e, CXL_DVSEC_RANGE_BASE_HIGH(0), 4, 0x7);
	vfio_cxl_dvsec_write(&self->e, CXL_DVSEC_LOCK, 2, 1);
	put16(CXL_DVSEC_STATUS, 0);		/* the device is no longer viral */
	vfio_cxl_dvsec_write(&self->e, CXL_DVSEC_STATUS, 2, CXL_DVSEC_STATUS_VIRAL);
	vfio_cxl_dvsec_reset_result(&self->e, true);
	vfio_cxl_dvsec_reset(&self->e);
	EXPECT_EQ(rd(&open, CXL_DVSEC_CTRL, 2), rd(&self->e, CXL_DVSEC_CTRL, 2));
	EXPECT_EQ(rd(&open, CXL_DVSEC_CTRL2, 2), rd(&self->e, CXL_DVSEC_CTRL2, 2));
	EXPECT_EQ(0, rd(&self->e, CXL_DVSEC_RANGE_BASE_HIGH(0), 4));
	EXPECT_EQ(0, rd(&self->e, CXL_DVSEC_LOCK, 2));
	EXPECT_EQ(0, rd(&self->e, CXL_DVSEC_STATUS, 2)) TH_LOG("the cleared sticky bit stays clear");
	EXPECT_TRUE(self->e.regs[CXL_DVSEC_STATUS2 / 2] & CXL_DVSEC_STATUS2_RESET_COMPLETE);
}

TEST_F(full, firmware_lock_is_kept_at_open)
{
	struct vfio_cxl_dvsec_emu e;

	put16(CXL_DVSEC_LOCK, 0xffff);
	ASSERT_EQ(0, vfio_cxl_dvsec_emu_init(&e, dev, LEN, &hw));
	EXPECT_EQ(1, rd(&e, CXL_DVSEC_LOCK, 2));
	/* and it freezes Control and Range Base from the start */
	u32 ctrl = rd(&e, CXL_DVSEC_CTRL, 2);

	vfio_cxl_dvsec_write(&e, CXL_DVSEC_CTRL, 2, ctrl ^ CXL_DVSEC_CTRL_MEM_ENABLE);
	EXPECT_EQ(ctrl, rd(&e, CXL_DVSEC_CTRL, 2));
	vfio_cxl_dvsec_write(&e, CXL_DVSEC_RANGE_BASE_HIGH(0), 4, 0x9);
	EXPECT_EQ(0, rd(&e, CXL_DVSEC_RANGE_BASE_HIGH(0), 4));
	vfio_cxl_dvsec_reset(&e);
	EXPECT_EQ(1, rd(&e, CXL_DVSEC_LOCK, 2)) TH_LOG("a firmware lock survives a reset");
}

TEST_F(type3, access_widths_and_alignment)
{
	struct vfio_cxl_dvsec_emu before = self->e;
	u32 v;

	/* Capability 0x001e, Header 2 0: byte, word and dword views */
	EXPECT_EQ(0x1e, rd(&self->e, CXL_DVSEC_CAP, 1));
	EXPECT_EQ(0x00, rd(&self->e, CXL_DVSEC_CAP + 1, 1));
	EXPECT_EQ(0x001e0000, rd(&self->e, 0x08, 4));
	EXPECT_EQ(0x0000, rd(&self->e, 0x08, 2));
	EXPECT_EQ(0x98, rd(&self->e, 0x04, 1));
	EXPECT_EQ(0x1e, rd(&self->e, 0x05, 1));
	EXPECT_EQ(0x3c, rd(&self->e, 0x06, 2) >> 4);
	EXPECT_EQ(-EINVAL, vfio_cxl_dvsec_read(&self->e, 0x0a, 4, &v)) TH_LOG("misaligned dword");
	EXPECT_EQ(-EINVAL, vfio_cxl_dvsec_read(&self->e, 0x0b, 2, &v));
	EXPECT_EQ(-EINVAL, vfio_cxl_dvsec_read(&self->e, 0x0c, 3, &v));
	EXPECT_EQ(-EINVAL, vfio_cxl_dvsec_read(&self->e, 0x00, 4, &v)) TH_LOG("ext cap header");
	EXPECT_EQ(-EINVAL, vfio_cxl_dvsec_read(&self->e, LEN, 1, &v));
	EXPECT_EQ(-EINVAL, vfio_cxl_dvsec_write(&self->e, LEN - 2, 4, 0));
	EXPECT_EQ(-EINVAL, vfio_cxl_dvsec_write(&self->e, CXL_DVSEC_CTRL + 1, 2, 0));
	EXPECT_EQ(0, memcmp(&before, &self->e, sizeof(before)));
}

TEST_F(type3, host_address_never_read)
{
	for (u32 off = 4; off < LEN; off += 4) {
		EXPECT_NE(0x10000000, rd(&self->e, off, 4)) TH_LOG("offset %#x", off);
		EXPECT_NE(0x20000000, rd(&self->e, off, 4)) TH_LOG("offset %#x", off);
	}
	EXPECT_EQ(0, rd(&self->e, CXL_DVSEC_RANGE_BASE_HIGH(0), 4));
	EXPECT_EQ(0, rd(&self->e, CXL_DVSEC_RANGE_BASE_LOW(0), 4));
}

/* ----- config writes that stop memory decode or start an FLR ----- */

#define DECODE	VFIO_CXL_CFG_STOPS_DECODE
#define FLR	(VFIO_CXL_CFG_STOPS_DECODE | VFIO_CXL_CFG_FLR)

TEST(cfg_write_command_is_not_decode)
{
	struct vfio_cxl_cfg_caps c = { .pcie = 0x80 };

	/* MSE governs the BARs, not CXL.mem (CXL r3.1 8.1.3.2, 8.2.4.20) */
	EXPECT_EQ(0, vfio_cxl_cfg_write_effects(&c, 0x04, 2)) TH_LOG("COMMAND");
	EXPECT_EQ(0, vfio_cxl_cfg_write_effects(&c, 0x04, 1)) TH_LOG("COMMAND low byte");
	EXPECT_EQ(0, vfio_cxl_cfg_write_effects(&c, 0x00, 8)) TH_LOG("IDs, COMMAND, STATUS");
	EXPECT_EQ(0, vfio_cxl_cfg_write_effects(&c, 0x05, 1)) TH_LOG("COMMAND high byte");
	EXPECT_EQ(0, vfio_cxl_cfg_write_effects(&c, 0x00, 4)) TH_LOG("IDs");
	EXPECT_EQ(0, vfio_cxl_cfg_write_effects(&c, 0x06, 2)) TH_LOG("STATUS");
}

TEST(cfg_write_flr_and_power)
{
	struct vfio_cxl_cfg_caps c = { .pm = 0x40, .pcie = 0x80, .af = 0x60 };

	EXPECT_EQ(FLR, vfio_cxl_cfg_write_effects(&c, 0x88, 2)) TH_LOG("DevCtl");
	EXPECT_EQ(FLR, vfio_cxl_cfg_write_effects(&c, 0x89, 1));
	EXPECT_EQ(FLR, vfio_cxl_cfg_write_effects(&c, 0x88, 4)) TH_LOG("DevCtl and DevSta");
	EXPECT_EQ(0, vfio_cxl_cfg_write_effects(&c, 0x88, 1)) TH_LOG("DevCtl low byte");
	EXPECT_EQ(0, vfio_cxl_cfg_write_effects(&c, 0x8a, 2)) TH_LOG("DevSta");
	/* AF: Length +2, Capabilities +3, Control +4 (Initiate FLR), Status +5 */
	EXPECT_EQ(FLR, vfio_cxl_cfg_write_effects(&c, 0x64, 1)) TH_LOG("AF Control");
	EXPECT_EQ(FLR, vfio_cxl_cfg_write_effects(&c, 0x64, 2));
	EXPECT_EQ(FLR, vfio_cxl_cfg_write_effects(&c, 0x60, 8));
	EXPECT_EQ(0, vfio_cxl_cfg_write_effects(&c, 0x63, 1)) TH_LOG("AF Capabilities");
	EXPECT_EQ(0, vfio_cxl_cfg_write_effects(&c, 0x65, 1)) TH_LOG("AF Status");
	EXPECT_EQ(0, vfio_cxl_cfg_write_effects(&c, 0x60, 4)) TH_LOG("AF header, length, caps");
	EXPECT_EQ(DECODE, vfio_cxl_cfg_write_effects(&c, 0x44, 2)) TH_LOG("PMCSR");
	EXPECT_EQ(DECODE, vfio_cxl_cfg_write_effects(&c, 0x45, 1));
	EXPECT_EQ(0, vfio_cxl_cfg_write_effects(&c, 0x46, 2)) TH_LOG("past PMCSR");
	EXPECT_EQ(0, vfio_cxl_cfg_write_effects(&c, 0x40, 4)) TH_LOG("PM capability header");
	EXPECT_EQ(FLR, vfio_cxl_cfg_write_effects(&c, 0x00, 0x100)) TH_LOG("all of it");
	c.pm = c.af = 0;
	EXPECT_EQ(0, vfio_cxl_cfg_write_effects(&c, 0x44, 2)) TH_LOG("no PM capability");
	EXPECT_EQ(0, vfio_cxl_cfg_write_effects(&c, 0x64, 1)) TH_LOG("no AF capability");
}

TEST_HARNESS_MAIN
