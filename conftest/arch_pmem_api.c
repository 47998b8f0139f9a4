// SPDX-License-Identifier: GPL-2.0-only
/*
 * arch_wb_cache_pmem() and arch_invalidate_pmem() are exported: write back,
 * and invalidate, the CPU cache lines of a kernel virtual range
 * (CONFIG_ARCH_HAS_PMEM_API: x86 and arm64 in Debian). Without it they are
 * inline no-ops, which is why the probe also asks for the export.
 * Upstream: "libnvdimm, pmem: introduce arch_wb_cache_pmem()", Linux 4.8.
 * conftest-symbol: arch_wb_cache_pmem
 */
#include <linux/libnvdimm.h>

void vfio_cxl_probe(void *p, size_t n);

void vfio_cxl_probe(void *p, size_t n)
{
	arch_wb_cache_pmem(p, n);
	arch_invalidate_pmem(p, n);
}
