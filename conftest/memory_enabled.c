// SPDX-License-Identifier: GPL-2.0-only
/*
 * __vfio_pci_memory_enabled() declared in <linux/vfio_pci_core.h> and
 * exported; older kernels keep it in the private vfio_pci_priv.h, so the
 * name below is undeclared there.
 * Upstream: Ankit Agrawal's "vfio/nvgrace-gpu: wait for the GPU mem to be
 * ready" (a23b10608d42, v6.19) moved the declaration and added the export;
 * vfio_pci_vmf_insert_pfn() was exported earlier in the same series, by
 * "vfio: refactor vfio_pci_mmap_huge_fault function". Debian 7.2 and later
 * have both, 6.12 has neither.
 *
 * conftest-symbol: __vfio_pci_memory_enabled
 */
#include <linux/vfio_pci_core.h>

bool (*vfio_cxl_probe)(struct vfio_pci_core_device *) = __vfio_pci_memory_enabled;
