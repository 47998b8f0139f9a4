// SPDX-License-Identifier: GPL-2.0-only
/*
 * kzalloc_obj(), the typed allocation helpers in <linux/slab.h>.
 * Upstream in v7.0; Debian backported them to its 6.12 kernels. compat.h
 * falls back to kzalloc(sizeof()) where they are missing.
 */
#include <linux/slab.h>

int *vfio_cxl_probe(void);

int *vfio_cxl_probe(void)
{
	int *p = kzalloc_obj(*p, GFP_KERNEL);

	return p;
}
