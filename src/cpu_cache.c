// SPDX-License-Identifier: GPL-2.0-only
/*
 * CPU caches and the device memory: write-back and invalidation of the host
 * physical range of the DPA region around events that stop its decode.
 *
 * Copyright (C) 2026 The vfio-cxl-pci authors
 */
#include <linux/ioport.h>
#include <linux/libnvdimm.h>
#include <linux/memregion.h>
#include <linux/module.h>

#include "vfio_cxl.h"

/**
 * DOC: CPU caches and the DPA range
 *
 * The host maps device memory write-back: user mappings of the DPA region
 * (the VMA keeps the default protection) and the kernel alias fd
 * read/write and the scrub use, which exists only from open to the end of
 * the close-time scrub. So CPU caches may hold lines of the range, dirty
 * ones included. A reset, or a power-state change, stops the device
 * decoding it (the HDM decoders are uncommitted, CXL r3.1 8.2.4.20) and may
 * change its contents (a CXL reset with memory clear); a dirty line
 * written back then is lost or reaches a device that no longer decodes it,
 * and a line kept across it reads stale data afterwards. Therefore:
 *
 * - after a lossy block has zapped every user mapping, and before the
 *   reset or power transition, the range is written back and invalidated;
 * - once the host's decoder programming is verified after such an event,
 *   and before the region is served again, it is invalidated once more
 *   (lines the CPU may have fetched speculatively through the alias).
 *
 * Both use cpu_cache_invalidate_memregion() where the kernel exports it and
 * the CPU can do it (x86 outside a hypervisor: a write-back and
 * invalidation of all caches; 7.x passes it the range, 6.12 the CXL
 * resource type), else the range's lines one by one through
 * the kernel alias (arch_wb_cache_pmem(), then arch_invalidate_pmem(); x86
 * in a VM, arm64), which costs a pass over the whole range: seconds for
 * tens of GiB. The write-back is skipped while nothing can have dirtied the
 * range since the last one (no fault inserted an entry, the alias was not
 * used), and the invalidation after the event when no write-back preceded
 * it. So lines fetched only speculatively through the
 * alias, into a range nobody used, are not dropped after the event: the
 * alias exists only while the device is open, and the close-time scrub, if
 * on, writes (and so flushes) all of it. Without either interface (no such
 * kernel among those supported) nothing is done, and the log says so once.
 */

#if defined(VFIO_CXL_HAVE_CPU_CACHE_INVALIDATE_MEMREGION) || \
	defined(VFIO_CXL_HAVE_CPU_CACHE_INVALIDATE_MEMREGION_RANGE)
#define VFIO_CXL_MEMREGION 1
#ifdef VFIO_CXL_HAVE_IMPORT_NS_BARE
MODULE_IMPORT_NS(DEVMEM);
#else
MODULE_IMPORT_NS("DEVMEM");
#endif
#endif

static int cpu_cache_op(struct vfio_cxl_device *cdev, bool writeback)
{
	struct vfio_cxl_dpa *dpa = &cdev->dpa;

	lockdep_assert_held(&dpa->lock);
	if (writeback ? !dpa->cpu_cached : !dpa->cpu_inval_pending)
		return 0;
#ifdef VFIO_CXL_MEMREGION
	if (cpu_cache_has_invalidate_memregion()) {
#ifdef VFIO_CXL_HAVE_CPU_CACHE_INVALIDATE_MEMREGION_RANGE
		int ret = cpu_cache_invalidate_memregion(cdev->hw.hpa, cdev->hw.dpa_size);
#else
		int ret = cpu_cache_invalidate_memregion(IORES_DESC_CXL);
#endif

		if (!ret) {
			dpa->cpu_cached = false;
			dpa->cpu_inval_pending = writeback;
		}
		return ret;
	}
#endif
#ifdef VFIO_CXL_HAVE_ARCH_PMEM_API
	if (cdev->hw.dpa_map) {
		if (writeback)
			arch_wb_cache_pmem(cdev->hw.dpa_map, cdev->hw.dpa_size);
		arch_invalidate_pmem(cdev->hw.dpa_map, cdev->hw.dpa_size);
		dpa->cpu_cached = false;
		dpa->cpu_inval_pending = writeback;
		return 0;
	}
#endif
	if (!dpa->cpu_cache_warned) {
		pci_warn(cdev->core.pdev, "no way to write back CPU caches of device memory on this kernel\n");
		dpa->cpu_cache_warned = true;
	}
	return -EOPNOTSUPP;
}

/**
 * vfio_cxl_cpu_cache_flush() - write back and invalidate the CPU caches of
 * the DPA range
 * @cdev: a device bound with CXL passthrough active
 *
 * See "DOC: CPU caches and the DPA range". Clears @cdev->dpa.cpu_cached
 * and sets @cdev->dpa.cpu_inval_pending.
 *
 * Context: process context; the caller holds @cdev->dpa.lock and has
 * zapped every user mapping. May take a while (a pass over the range).
 * Return: 0, -EOPNOTSUPP without a way to do it, or the error of
 * cpu_cache_invalidate_memregion().
 */
int vfio_cxl_cpu_cache_flush(struct vfio_cxl_device *cdev)
{
	return cpu_cache_op(cdev, true);
}

/**
 * vfio_cxl_cpu_cache_invalidate() - drop CPU cache lines of the DPA range
 * @cdev: a device bound with CXL passthrough active
 *
 * For after a reset or power transition, once the host's programming is
 * back and before the region is served again; only when a write-back ran
 * before the event (@cdev->dpa.cpu_inval_pending), which it clears.
 *
 * Context: process context; the caller holds @cdev->dpa.lock.
 * Return: as vfio_cxl_cpu_cache_flush().
 */
int vfio_cxl_cpu_cache_invalidate(struct vfio_cxl_device *cdev)
{
	return cpu_cache_op(cdev, false);
}
