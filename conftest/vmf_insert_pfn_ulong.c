// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmf_insert_pfn_pmd() and vmf_insert_pfn_pud() take the PFN as an unsigned
 * long. Before, they took a pfn_t (a structure), which an unsigned long does
 * not convert to. Upstream: "mm: remove pfn_t" series ("mm/huge_memory:
 * convert vmf_insert_pfn_pmd/pud to take a pfn"), Linux 6.17; Debian's 7.2
 * and 7.3 have it, 6.12 does not.
 */
#include <linux/mm.h>

vm_fault_t vfio_cxl_probe(struct vm_fault *vmf, unsigned long pfn);

vm_fault_t vfio_cxl_probe(struct vm_fault *vmf, unsigned long pfn)
{
	return vmf_insert_pfn_pmd(vmf, pfn, false);
}
