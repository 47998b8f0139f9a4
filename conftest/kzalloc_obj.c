// SPDX-License-Identifier: GPL-2.0-only
/*
 * kzalloc_obj(), the typed allocation helpers in <linux/slab.h>.
 * Upstream: Kees Cook's "slab: Introduce kmalloc_obj() and family"
 * (2932ba8d9c99, v7.0). Debian's 6.12 kernels carry them as a backport,
 * 6.1 does not. On a kernel without them the call below is an implicit
 * declaration, an error under the kernel's
 * -Werror=implicit-function-declaration. compat.h falls back to
 * kzalloc(sizeof()) where they are missing.
 */
#include <linux/slab.h>

int *vfio_cxl_probe(void);

int *vfio_cxl_probe(void)
{
	int *p = kzalloc_obj(*p, GFP_KERNEL);

	return p;
}
