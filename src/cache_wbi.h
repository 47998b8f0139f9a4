/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Write-back and invalidation of a CXL device's cache before the host resets
 * or releases it (pure logic, no kernel dependencies: it is also built into
 * user-space unit tests).
 *
 * Copyright (C) 2026 The vfio-cxl-pci authors
 */
#ifndef VFIO_CXL_CACHE_WBI_H
#define VFIO_CXL_CACHE_WBI_H

#include "cxl_regs.h"

/**
 * struct vfio_cxl_cache_hw - the device, as the write-back sees it
 * @read16: reads a 16-bit register of the device's CXL Device DVSEC (@off
 *	from the DVSEC start); all ones when the device does not answer
 * @write16: writes one
 * @delay_us: waits @us microseconds (sleeps in the kernel)
 * @ctx: passed to all three
 */
struct vfio_cxl_cache_hw {
	u16 (*read16)(void *ctx, u16 off);
	void (*write16)(void *ctx, u16 off, u16 val);
	void (*delay_us)(void *ctx, u32 us);
	void *ctx;
};

/* bounds of the wait for Cache_Invalid (our choice: the spec sets none) */
#define VFIO_CXL_WBI_BASE_US		100000		/* 100 ms */
#define VFIO_CXL_WBI_PER_MIB_US		10000		/* 10 ms per MiB of cache */
#define VFIO_CXL_WBI_UNKNOWN_US		1000000		/* 1 s, size not reported */
#define VFIO_CXL_WBI_MAX_STEP_US	10000		/* poll at least every 10 ms */

u32 vfio_cxl_cache_wbi_timeout_us(u16 cap2);
int vfio_cxl_cache_wbi(const struct vfio_cxl_cache_hw *hw, u16 cap, u16 cap2);

#endif /* VFIO_CXL_CACHE_WBI_H */
