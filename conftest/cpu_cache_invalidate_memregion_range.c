// SPDX-License-Identifier: GPL-2.0-only
/*
 * cpu_cache_invalidate_memregion() takes a physical range (start, length)
 * instead of an IORES_DESC_* type, and is exported (namespace DEVMEM).
 * Upstream: "memregion: Support fine grained invalidate by
 * cpu_cache_invalidate_memregion()"; Debian's 7.2 and 7.3 have it, 6.12
 * has the older form (conftest/cpu_cache_invalidate_memregion.c).
 * conftest-symbol: cpu_cache_invalidate_memregion
 */
#include <linux/memregion.h>

int vfio_cxl_probe(phys_addr_t start, size_t len);

int vfio_cxl_probe(phys_addr_t start, size_t len)
{
	if (!cpu_cache_has_invalidate_memregion())
		return 0;
	return cpu_cache_invalidate_memregion(start, len);
}
