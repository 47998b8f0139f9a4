/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Types and bit helpers for the pure register-emulation code (hdm_emu.c,
 * dvsec_emu.c), which is built both into the module and into user-space unit
 * tests and fuzzers. In the kernel this is the kernel's own headers; in user
 * space it provides the handful of names the emulation code uses.
 *
 * Copyright (C) 2026 The vfio-cxl-pci authors
 */
#ifndef VFIO_CXL_EMU_TYPES_H
#define VFIO_CXL_EMU_TYPES_H

#ifdef __KERNEL__
#include <linux/bitfield.h>
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/minmax.h>
#include <linux/string.h>
#include <linux/types.h>
#else
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <linux/types.h>

typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;

#define BIT(n)			(1UL << (n))
#define GENMASK(h, l)		((~0UL << (l)) & (~0UL >> (63 - (h))))
#define FIELD_GET(mask, reg)	(((reg) & (mask)) >> __builtin_ctzll(mask))
#define FIELD_PREP(mask, val)	(((u64)(val) << __builtin_ctzll(mask)) & (mask))
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#endif
#endif

#endif /* VFIO_CXL_EMU_TYPES_H */
