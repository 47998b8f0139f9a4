// SPDX-License-Identifier: GPL-2.0-only
/*
 * Write-back and invalidation of a CXL device's cache (pure logic).
 *
 * Copyright (C) 2026 The vfio-cxl-pci authors
 */
#include "cache_wbi.h"

/**
 * DOC: device cache write-back
 *
 * A device with Cache_Capable set (DVSEC CXL Capability, CXL r3.1 8.1.3.1)
 * can hold modified copies of host memory in its own cache (CXL.cache). A
 * reset discards them, and lines the guest dirtied for pages that go back to
 * the host allocator could be written back later, over memory that has a new
 * owner. So the host writes the cache back before every reset and whenever
 * it takes the device from a user (close, unbind, error recovery): the
 * flow CXL r3.1 9.7 asks of software before a CXL Reset, with the DVSEC
 * registers of 8.1.3.4 (Control2) and 8.1.3.5 (Status2):
 *
 * 1. set Disable_Caching in DVSEC CXL Control2, so that the device caches
 *    no new modified lines;
 * 2. set Initiate_Cache_Write_Back_and_Invalidation (Disable_Caching kept);
 * 3. wait for Cache_Invalid in DVSEC CXL Status2, which the device sets once
 *    it holds no valid line (with Disable_Caching set).
 *
 * Every other Control2 bit is written back as it was, and the two action
 * bits that start a CXL reset are never set here. The spec gives no time
 * limit for step 3; the wait is bounded by 100 ms plus 10 ms per MiB of the
 * cache size the device reports in DVSEC CXL Capability2 (Cache_Size in
 * Cache_Size_Unit, 8.1.3.7; a write-back at 100 MB/s or better), 1 s where
 * it reports none; Cache_Size is 8 bits, so 2.65 s at most. Status2 is
 * polled at growing intervals (10 us doubling up to 10 ms). A device that
 * reads all ones (gone, or not
 * answering config requests) ends the wait at once. The caller restores the
 * host's Control2 after the reset; Disable_Caching stays set until then.
 */

/**
 * vfio_cxl_cache_wbi_timeout_us() - how long to wait for Cache_Invalid
 * @cap2: DVSEC CXL Capability2 (CXL r3.1 8.1.3.7)
 *
 * Return: the bound in microseconds, see "DOC: device cache write-back".
 */
u32 vfio_cxl_cache_wbi_timeout_us(u16 cap2)
{
	u32 size = FIELD_GET(CXL_DVSEC_CAP2_CACHE_SIZE, cap2), mib;

	switch (FIELD_GET(CXL_DVSEC_CAP2_CACHE_SIZE_UNIT, cap2)) {
	case CXL_DVSEC_CAP2_CACHE_UNIT_64K:
		mib = (size + 15) / 16;
		break;
	case CXL_DVSEC_CAP2_CACHE_UNIT_1M:
		mib = size;
		break;
	default:
		return VFIO_CXL_WBI_UNKNOWN_US;
	}
	return VFIO_CXL_WBI_BASE_US + mib * VFIO_CXL_WBI_PER_MIB_US;
}

/**
 * vfio_cxl_cache_wbi() - write back and invalidate the device's cache
 * @hw: register access and delay
 * @cap: DVSEC CXL Capability (CXL r3.1 8.1.3.1)
 * @cap2: DVSEC CXL Capability2 (8.1.3.7)
 *
 * Runs the flow of "DOC: device cache write-back" on a Cache_Capable device;
 * does nothing on others.
 *
 * Context: may wait up to vfio_cxl_cache_wbi_timeout_us(@cap2) through
 * @hw->delay_us; the caller keeps the device's memory blocked.
 * Return: 0 once Cache_Invalid is set (or the device has no cache),
 * -ENODEV if the device reads all ones, -ETIMEDOUT if Cache_Invalid did not
 * come within the bound.
 */
int vfio_cxl_cache_wbi(const struct vfio_cxl_cache_hw *hw, u16 cap, u16 cap2)
{
	u32 limit = vfio_cxl_cache_wbi_timeout_us(cap2), waited = 0, step = 10;
	u16 ctrl2, status2;

	if (!(cap & CXL_DVSEC_CAP_CACHE_CAPABLE))
		return 0;
	ctrl2 = hw->read16(hw->ctx, CXL_DVSEC_CTRL2);
	if (ctrl2 == 0xffff)
		return -ENODEV;
	ctrl2 &= ~CXL_DVSEC_CTRL2_ACTIONS;
	hw->write16(hw->ctx, CXL_DVSEC_CTRL2, ctrl2 | CXL_DVSEC_CTRL2_DISABLE_CACHING);
	hw->write16(hw->ctx, CXL_DVSEC_CTRL2,
		    ctrl2 | CXL_DVSEC_CTRL2_DISABLE_CACHING | CXL_DVSEC_CTRL2_INITIATE_WBI);
	for (;;) {
		status2 = hw->read16(hw->ctx, CXL_DVSEC_STATUS2);
		if (status2 == 0xffff)
			return -ENODEV;
		if (status2 & CXL_DVSEC_STATUS2_CACHE_INVALID)
			return 0;
		if (waited >= limit)
			return -ETIMEDOUT;
		hw->delay_us(hw->ctx, step);
		waited += step;
		step = step * 2 > VFIO_CXL_WBI_MAX_STEP_US ? VFIO_CXL_WBI_MAX_STEP_US : step * 2;
	}
}
