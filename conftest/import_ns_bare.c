// SPDX-License-Identifier: GPL-2.0-only
/*
 * MODULE_IMPORT_NS() takes the namespace as a bare identifier, which it
 * stringifies. Later it takes a string literal, and a bare identifier is an
 * undeclared name. Upstream: "module: Convert symbol namespace to string
 * literal", Linux 6.13; Debian's 6.12 has the bare form, 7.2 and 7.3 the
 * string.
 */
#include <linux/module.h>

MODULE_IMPORT_NS(DEVMEM);
