/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * VFIO user-space API for CXL Type-2 (and opt-in Type-3) device passthrough,
 * as implemented by the vfio-cxl-pci variant driver.
 *
 * The layout is the v2 layout of the upstream "vfio/pci: CXL Type-2 device
 * passthrough" proposal, which the QEMU CXL passthrough patches consume. This
 * header can be included next to <linux/vfio.h>: every name is guarded, and if
 * a future <linux/vfio.h> defines one of them, the static assertions below
 * break the build unless the definitions agree.
 *
 * Copyright (C) 2026 The vfio-cxl-pci authors
 */
#ifndef _UAPI_LINUX_VFIO_CXL_H
#define _UAPI_LINUX_VFIO_CXL_H

#include <linux/types.h>
#include <linux/vfio.h>

/* static_assert(): a keyword in C++, <assert.h> in C11, build_bug.h in the kernel */
#ifdef __KERNEL__
#include <linux/build_bug.h>
#elif !defined(__cplusplus)
#include <assert.h>
#endif

#ifndef VFIO_DEVICE_FLAGS_CXL
/**
 * VFIO_DEVICE_FLAGS_CXL - &vfio_device_info.flags bit: CXL device
 *
 * Reported by VFIO_DEVICE_GET_INFO, always together with
 * VFIO_DEVICE_FLAGS_PCI and VFIO_DEVICE_FLAGS_CAPS, when the device decodes
 * host-managed device memory (HDM) through an HDM decoder that platform
 * firmware committed. The capability chain then holds a
 * &struct vfio_device_info_cap_cxl. When the flag is clear the device is a
 * plain vfio-pci device.
 */
#define VFIO_DEVICE_FLAGS_CXL		(1 << 9)
#endif
static_assert(VFIO_DEVICE_FLAGS_CXL == (1 << 9),
	      "VFIO_DEVICE_FLAGS_CXL differs from the v2 UAPI");

#ifndef VFIO_DEVICE_INFO_CAP_CXL
/**
 * VFIO_DEVICE_INFO_CAP_CXL - device-info capability id of
 * &struct vfio_device_info_cap_cxl (header version 1)
 */
#define VFIO_DEVICE_INFO_CAP_CXL	6

/**
 * struct vfio_device_info_cap_cxl - CXL geometry of a VFIO device (32 bytes)
 * @header: id %VFIO_DEVICE_INFO_CAP_CXL, version 1, next capability offset
 * @hdm_regs_bar_index: index of the PCI BAR holding the 64 KiB CXL component
 *	register block (the Register Locator DVSEC's component-register BIR)
 * @reserved: zero
 * @flags: %VFIO_CXL_CAP_FIRMWARE_COMMITTED, %VFIO_CXL_CAP_CACHE_CAPABLE
 * @hdm_regs_offset: byte offset, within BAR @hdm_regs_bar_index, of the
 *	CXL.cache/CXL.mem register area (component block + 0x1000, where the
 *	CXL Capability Array Header lives). This BAR offset corresponds to
 *	offset 0 of the COMP_REGS region.
 * @dpa_region_index: VFIO region index of the device memory (DPA) region,
 *	subtype %VFIO_REGION_SUBTYPE_CXL
 * @comp_regs_region_index: VFIO region index of the emulated component
 *	register region, subtype %VFIO_REGION_SUBTYPE_CXL_COMP_REGS
 *
 * Sizes are not part of the capability: the DPA size is the size reported by
 * VFIO_DEVICE_GET_REGION_INFO for @dpa_region_index, the COMP_REGS size the
 * size reported for @comp_regs_region_index. The HDM Decoder Capability
 * offset and the decoder count are found by walking the CXL Capability Array
 * at offset 0 of COMP_REGS (CXL r3.1 section 8.2.4).
 */
struct vfio_device_info_cap_cxl {
	struct vfio_info_cap_header header;
	__u8	hdm_regs_bar_index;
	__u8	reserved[3];
	__u32	flags;
	__u64	hdm_regs_offset;
	__u32	dpa_region_index;
	__u32	comp_regs_region_index;
};
#endif /* VFIO_DEVICE_INFO_CAP_CXL */
/**
 * VFIO_CXL_CAP_OFFSET - byte offset of a field of &struct vfio_device_info_cap_cxl
 * @field: the field
 */
#define VFIO_CXL_CAP_OFFSET(field) \
	__builtin_offsetof(struct vfio_device_info_cap_cxl, field)

static_assert(VFIO_DEVICE_INFO_CAP_CXL == 6,
	      "VFIO_DEVICE_INFO_CAP_CXL differs from the v2 UAPI");
static_assert(sizeof(struct vfio_device_info_cap_cxl) == 32,
	      "struct vfio_device_info_cap_cxl is not the 32-byte v2 layout");
static_assert(VFIO_CXL_CAP_OFFSET(hdm_regs_bar_index) == 0x08,
	      "hdm_regs_bar_index offset differs from the v2 UAPI");
static_assert(VFIO_CXL_CAP_OFFSET(flags) == 0x0c,
	      "flags offset differs from the v2 UAPI");
static_assert(VFIO_CXL_CAP_OFFSET(hdm_regs_offset) == 0x10,
	      "hdm_regs_offset offset differs from the v2 UAPI");
static_assert(VFIO_CXL_CAP_OFFSET(dpa_region_index) == 0x18,
	      "dpa_region_index offset differs from the v2 UAPI");
static_assert(VFIO_CXL_CAP_OFFSET(comp_regs_region_index) == 0x1c,
	      "comp_regs_region_index offset differs from the v2 UAPI");

#ifndef VFIO_CXL_CAP_FIRMWARE_COMMITTED
/**
 * VFIO_CXL_CAP_FIRMWARE_COMMITTED - &vfio_device_info_cap_cxl.flags:
 * HDM decoder 0 was committed by platform firmware, so the DPA region is
 * backed by device memory as soon as the device is opened. vfio-cxl-pci only
 * reports CXL devices in this state.
 */
#define VFIO_CXL_CAP_FIRMWARE_COMMITTED	(1 << 0)
#endif
static_assert(VFIO_CXL_CAP_FIRMWARE_COMMITTED == (1 << 0),
	      "VFIO_CXL_CAP_FIRMWARE_COMMITTED differs from the v2 UAPI");

#ifndef VFIO_CXL_CAP_CACHE_CAPABLE
/**
 * VFIO_CXL_CAP_CACHE_CAPABLE - &vfio_device_info_cap_cxl.flags: the
 * CXL Device DVSEC Capability register has Cache_Capable set (CXL.cache,
 * HDM-DB). The kernel writes the device cache back (Disable_Caching, then
 * Initiate_Cache_WBI, then a bounded wait for Cache_Invalid) before every
 * reset and at close, unbind and PCI error recovery; a device that does not
 * complete it cannot be opened (-EIO) until a reset. A VMM may still start
 * its own write-back with Initiate_Cache_WBI through the config space.
 */
#define VFIO_CXL_CAP_CACHE_CAPABLE	(1 << 1)
#endif
static_assert(VFIO_CXL_CAP_CACHE_CAPABLE == (1 << 1),
	      "VFIO_CXL_CAP_CACHE_CAPABLE differs from the v2 UAPI");

/**
 * VFIO_CXL_REGION_TYPE - region type of both CXL device regions:
 * VFIO_REGION_TYPE_PCI_VENDOR_TYPE | the CXL vendor id 0x1e98
 */
#define VFIO_CXL_REGION_TYPE	(VFIO_REGION_TYPE_PCI_VENDOR_TYPE | 0x1e98)

#ifndef VFIO_REGION_SUBTYPE_CXL
/**
 * VFIO_REGION_SUBTYPE_CXL - region subtype of the device memory
 * (DPA) region: READ | WRITE | MMAP, size = size of the committed HDM
 * decoder 0. Offset 0 of the region is the first byte decoder 0 maps.
 * Accesses fail (read/write: -EIO, mmap access: SIGBUS) while the device
 * does not decode CXL.mem: during a reset, in a low-power state, or while the
 * device is being unbound. PCI Memory Space Enable does not gate them: it
 * governs the BARs, while CXL.mem decode follows the DVSEC's Mem_Enable and
 * the HDM decoders (CXL r3.1 8.1.3.2, 8.2.4.20), which the host keeps.
 * A read or write stops at a page boundary when the caller gets a fatal
 * signal.
 */
#define VFIO_REGION_SUBTYPE_CXL			(1)
#endif
static_assert(VFIO_REGION_SUBTYPE_CXL == 1,
	      "VFIO_REGION_SUBTYPE_CXL differs from the v2 UAPI");

#ifndef VFIO_REGION_SUBTYPE_CXL_COMP_REGS
/**
 * VFIO_REGION_SUBTYPE_CXL_COMP_REGS - region subtype of the emulated
 * component registers: READ | WRITE, no MMAP. Offset 0 is the CXL Capability
 * Array Header; the region ends with the HDM Decoder Capability structure.
 * Accesses must be 4 bytes at a 4-byte aligned offset (else -EINVAL). Writes
 * change a virtual view only, never the device's decoders.
 */
#define VFIO_REGION_SUBTYPE_CXL_COMP_REGS	(2)
#endif
static_assert(VFIO_REGION_SUBTYPE_CXL_COMP_REGS == 2,
	      "VFIO_REGION_SUBTYPE_CXL_COMP_REGS differs from the v2 UAPI");

#endif /* _UAPI_LINUX_VFIO_CXL_H */
