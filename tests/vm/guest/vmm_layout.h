/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Where the real-VMM lane (tests/vm/guest/vmm-client.c) expects the host's
 * seed values in device memory, and where and what its VM writes. The host
 * side (seed_vmm and host_vmm in tests/vm/vm.sh) computes the same offsets
 * and values; keep the two in step.
 *
 * Copyright (C) 2026 The vfio-cxl-pci authors
 */
#ifndef VCP_VMM_LAYOUT_H
#define VCP_VMM_LAYOUT_H

#include <stdint.h>

/* spread offsets: k * (DPA size / VMM_SPREAD) + a per-use offset */
#define VMM_SPREAD		64
/* the host seeds 8 bytes at k * stride + VMM_SEED_OFF, k = 0 .. 63 */
#define VMM_SEED_OFF		0x800
/* write set s (1 .. 4) puts 8 bytes at k * stride + s * 0x1000 + 0x40 */
#define VMM_SET_OFF(s)		((uint64_t)(s) * 0x1000 + 0x40)
/* and 8 bytes in the first page, and the last 8 bytes of device memory */
#define VMM_FIRST_PAGE_OFF(s)	(0x100 + (uint64_t)(s) * 8)

static inline uint64_t vmm_seed(unsigned int k)
{
	return 0x5eedc0de00000000ULL ^ ((uint64_t)k * 0x9e3779b97f4a7c15ULL);
}

/* value of write set @s at spread index @k (100: first page, 101: last 8) */
static inline uint64_t vmm_val(unsigned int s, unsigned int k)
{
	return (0xd00d000000000000ULL + ((uint64_t)s << 40)) ^
	       ((uint64_t)k * 0x2545f4914f6cdd1dULL);
}

#endif
