// SPDX-License-Identifier: GPL-2.0-only
/*
 * cpu_cache_invalidate_memregion(res_desc), the first form, is exported
 * (namespace DEVMEM): x86 exports it (write-back and invalidation of all CPU
 * caches, where the CPU is not virtualised); arm64 declares an inline stub
 * that only warns. Upstream: "memregion: Add cpu_cache_invalidate_memregion()
 * interface", Linux 6.2; Debian's 6.12. Later kernels take a physical range
 * (conftest/cpu_cache_invalidate_memregion_range.c), and one argument is too
 * few there.
 * conftest-symbol: cpu_cache_invalidate_memregion
 */
#include <linux/memregion.h>

int vfio_cxl_probe(void);

int vfio_cxl_probe(void)
{
	return cpu_cache_has_invalidate_memregion() ? cpu_cache_invalidate_memregion(0) : 0;
}
