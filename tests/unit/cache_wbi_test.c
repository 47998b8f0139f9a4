// SPDX-License-Identifier: GPL-2.0-only
/*
 * User-space unit tests of the device cache write-back (src/cache_wbi.c) on
 * a register model of the DVSEC's Control2 and Status2.
 *
 * Copyright (C) 2026 The vfio-cxl-pci authors
 */
#include <string.h>

#include "kselftest_harness.h"
#include "cache_wbi.h"

#define CACHE_CAP	CXL_DVSEC_CAP_CACHE_CAPABLE
#define CAP2_8M		(CXL_DVSEC_CAP2_CACHE_UNIT_1M | (8 << 8))	/* 8 MiB cache */

/*
 * The model: Control2 as written; Status2 sets Cache_Invalid @polls_to_done
 * Status2 reads after a write of Initiate_Cache_WBI with Disable_Caching
 * (never if negative); @gone_after: the device reads all ones after that
 * many reads (never if negative).
 */
struct model {
	u16 ctrl2;
	int polls_to_done, gone_after, reads, status_reads, wbi_started;
	u64 waited_us;
	struct { u16 off, val; } writes[8];
	unsigned int nwrites;
};

static u16 m_read16(void *ctx, u16 off)
{
	struct model *m = ctx;

	if (m->gone_after >= 0 && m->reads++ >= m->gone_after)
		return 0xffff;
	if (off == CXL_DVSEC_CTRL2)
		return m->ctrl2;
	if (off == CXL_DVSEC_STATUS2) {
		m->status_reads++;
		if (m->wbi_started && m->polls_to_done >= 0 &&
		    m->status_reads > m->polls_to_done)
			return CXL_DVSEC_STATUS2_CACHE_INVALID;
		return CXL_DVSEC_STATUS2_PM_INIT_COMPLETION;	/* another bit, set */
	}
	return 0;
}

static void m_write16(void *ctx, u16 off, u16 val)
{
	struct model *m = ctx;

	if (m->nwrites < 8) {
		m->writes[m->nwrites].off = off;
		m->writes[m->nwrites].val = val;
	}
	m->nwrites++;
	if (off != CXL_DVSEC_CTRL2)
		return;
	if ((val & CXL_DVSEC_CTRL2_INITIATE_WBI) && (val & CXL_DVSEC_CTRL2_DISABLE_CACHING)) {
		m->wbi_started = 1;
		m->status_reads = 0;
	}
	m->ctrl2 = val & ~CXL_DVSEC_CTRL2_ACTIONS;
}

static void m_delay(void *ctx, u32 us)
{
	((struct model *)ctx)->waited_us += us;
}

static int run(struct model *m, u16 cap, u16 cap2)
{
	struct vfio_cxl_cache_hw hw = {
		.read16 = m_read16, .write16 = m_write16, .delay_us = m_delay, .ctx = m,
	};

	return vfio_cxl_cache_wbi(&hw, cap, cap2);
}

static struct model fresh(void)
{
	struct model m;

	memset(&m, 0, sizeof(m));
	m.gone_after = -1;
	/* other Control2 bits the host set: they must survive */
	m.ctrl2 = CXL_DVSEC_CTRL2_DESIRED_VOLATILE_HDM | CXL_DVSEC_CTRL2_MOD_COMPLETION;
	return m;
}

TEST(not_cache_capable_touches_nothing)
{
	struct model m = fresh();

	EXPECT_EQ(0, run(&m, 0, CAP2_8M));
	EXPECT_EQ(0, m.nwrites);
	EXPECT_EQ(0, m.reads + m.status_reads);
}

TEST(disable_then_wbi_then_wait_for_cache_invalid)
{
	struct model m = fresh();
	u16 keep = CXL_DVSEC_CTRL2_DESIRED_VOLATILE_HDM | CXL_DVSEC_CTRL2_MOD_COMPLETION;

	m.polls_to_done = 3;
	EXPECT_EQ(0, run(&m, CACHE_CAP, CAP2_8M));
	ASSERT_EQ(2, m.nwrites);
	EXPECT_EQ(CXL_DVSEC_CTRL2, m.writes[0].off);
	EXPECT_EQ(keep | CXL_DVSEC_CTRL2_DISABLE_CACHING, m.writes[0].val)
		TH_LOG("first Disable_Caching alone, the other bits kept");
	EXPECT_EQ(keep | CXL_DVSEC_CTRL2_DISABLE_CACHING | CXL_DVSEC_CTRL2_INITIATE_WBI,
		  m.writes[1].val);
	EXPECT_EQ(4, m.status_reads) TH_LOG("polled until Cache_Invalid");
	EXPECT_GT(m.waited_us, 0);
	EXPECT_LT(m.waited_us, 1000);
}

TEST(never_starts_a_cxl_reset)
{
	struct model m = fresh();

	m.ctrl2 |= CXL_DVSEC_CTRL2_RESET_MEM_CLR;
	m.polls_to_done = 0;
	EXPECT_EQ(0, run(&m, CACHE_CAP, CAP2_8M));
	for (unsigned int i = 0; i < m.nwrites; i++)
		EXPECT_EQ(0, m.writes[i].val & CXL_DVSEC_CTRL2_INITIATE_RESET);
	EXPECT_TRUE(m.writes[1].val & CXL_DVSEC_CTRL2_RESET_MEM_CLR);
}

TEST(a_wbi_that_never_completes_times_out_at_the_bound)
{
	struct model m = fresh();
	u32 bound = vfio_cxl_cache_wbi_timeout_us(CAP2_8M);

	m.polls_to_done = -1;
	EXPECT_EQ(-ETIMEDOUT, run(&m, CACHE_CAP, CAP2_8M));
	EXPECT_GE(m.waited_us, bound);
	EXPECT_LE(m.waited_us, bound + VFIO_CXL_WBI_MAX_STEP_US);
	EXPECT_TRUE(m.ctrl2 & CXL_DVSEC_CTRL2_DISABLE_CACHING)
		TH_LOG("Disable_Caching stays until the caller restores Control2");
}

TEST(a_device_reading_all_ones_fails_at_once)
{
	struct model m = fresh();

	m.gone_after = 0;
	EXPECT_EQ(-ENODEV, run(&m, CACHE_CAP, CAP2_8M));
	EXPECT_EQ(0, m.nwrites) TH_LOG("nothing written to a device that is gone");
	EXPECT_EQ(0, m.waited_us);
}

TEST(a_device_that_goes_away_while_polled)
{
	struct model m = fresh();

	m.polls_to_done = -1;
	m.gone_after = 5;
	EXPECT_EQ(-ENODEV, run(&m, CACHE_CAP, CAP2_8M));
	EXPECT_LT(m.waited_us, 1000) TH_LOG("no wait for the whole bound");
}

TEST(bound_from_the_reported_cache_size)
{
	EXPECT_EQ(VFIO_CXL_WBI_UNKNOWN_US, vfio_cxl_cache_wbi_timeout_us(0));
	EXPECT_EQ(VFIO_CXL_WBI_UNKNOWN_US, vfio_cxl_cache_wbi_timeout_us(3 | (8 << 8)))
		TH_LOG("a reserved unit is no size");
	EXPECT_EQ(VFIO_CXL_WBI_BASE_US + 8 * VFIO_CXL_WBI_PER_MIB_US,
		  vfio_cxl_cache_wbi_timeout_us(CAP2_8M));
	/* 64 KiB units: 32 of them are 2 MiB */
	EXPECT_EQ(VFIO_CXL_WBI_BASE_US + 2 * VFIO_CXL_WBI_PER_MIB_US,
		  vfio_cxl_cache_wbi_timeout_us(CXL_DVSEC_CAP2_CACHE_UNIT_64K | (32 << 8)));
	EXPECT_EQ(2650000, vfio_cxl_cache_wbi_timeout_us(CXL_DVSEC_CAP2_CACHE_UNIT_1M | (255 << 8)))
		TH_LOG("the largest size the field can report");
	EXPECT_EQ(VFIO_CXL_WBI_BASE_US, vfio_cxl_cache_wbi_timeout_us(CXL_DVSEC_CAP2_CACHE_UNIT_1M));
}

TEST_HARNESS_MAIN
