/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Virtual HDM decoder block behind the COMP_REGS region (pure logic, no
 * kernel dependencies: it is also built into user-space tests and fuzzers).
 *
 * Copyright (C) 2026 The vfio-cxl-pci authors
 */
#ifndef VFIO_CXL_HDM_EMU_H
#define VFIO_CXL_HDM_EMU_H

#include "cxl_regs.h"

/**
 * typedef vfio_cxl_read32_t - read one little-endian register of a device
 * @ctx: caller context
 * @off: byte offset, 4-byte aligned, relative to the structure being parsed
 *
 * Return: the register value in CPU byte order.
 */
typedef u32 (*vfio_cxl_read32_t)(void *ctx, u32 off);

/**
 * struct vfio_cxl_hdm_geom - where the HDM decoders sit in the CXL.cache/mem
 * register area (CXL r3.1 8.2.4 and 8.2.4.20)
 * @cm_size: bytes from the CXL Capability Array Header to the end of the HDM
 *	Decoder Capability structure; this is the size of the COMP_REGS region
 * @hdm_off: byte offset of the HDM Decoder Capability structure from the
 *	CXL Capability Array Header
 * @hdm_cap: HDM Decoder Capability register value
 * @count: number of HDM decoders, decoded from @hdm_cap
 * @array_end: byte offset of the end of the CXL Capability Array; the
 *	other capabilities from there up to @hdm_off are served live
 * @ras_off: byte offset of the CXL RAS Capability structure (CXL r3.1
 *	8.2.4.16), 0 if the device has none or it is malformed
 */
struct vfio_cxl_hdm_geom {
	u32 cm_size;
	u32 hdm_off;
	u32 hdm_cap;
	u32 count;
	u32 array_end;
	u32 ras_off;
};

/**
 * struct vfio_cxl_hdm_emu - the virtual CXL.cache/mem register area
 * @geom: geometry of the area, from vfio_cxl_hdm_parse()
 * @dpa_size: bytes of device memory the virtual decoders may map (the DPA
 *	region size); virtual DPA 0 is offset 0 of the DPA region
 * @cache_capable: the device is CXL.cache capable, so decoder control BI is
 *	writable
 * @strict_lock: refuse the v2 compatibility path that lets a VMM clear the
 *	LOCK of a decoder platform firmware committed and locked
 * @fw_locked: bitmap of decoders whose virtual LOCK came from firmware and
 *	may still be cleared once through the v2 compatibility path
 * @regs: the area's registers in CPU byte order, @geom.cm_size bytes used
 *
 * Nothing in here is ever written to the device. Callers serialize access.
 */
struct vfio_cxl_hdm_emu {
	struct vfio_cxl_hdm_geom geom;
	u64 dpa_size;
	bool cache_capable;
	bool strict_lock;
	u32 fw_locked;
	u32 regs[CXL_CM_SIZE / 4];
};

/**
 * typedef vfio_cxl_hw_read_t - read from the device's component block
 * @ctx: caller context
 * @off: byte offset in the 64 KiB component register block
 * @width: 1, 2 or 4 bytes, naturally aligned
 *
 * Return: the value read, in CPU byte order.
 */
typedef u32 (*vfio_cxl_hw_read_t)(void *ctx, u32 off, u32 width);

/**
 * struct vfio_cxl_comp_hw - the device side of the component block for raw
 * BAR accesses
 * @read: reads the device's registers (outside the COMP_REGS window, and
 *	the live capabilities inside it)
 * @write: writes the device's registers; called only to clear the RAS
 *	capability's RW1CS status bits the guest writes 1 to, with a 4-byte
 *	write of those bits. NULL drops those writes too (a device that is
 *	not decoding).
 * @ctx: passed to @read and @write
 */
struct vfio_cxl_comp_hw {
	vfio_cxl_hw_read_t read;
	void (*write)(void *ctx, u32 off, u32 val, u32 width);
	void *ctx;
};

/**
 * struct vfio_cxl_bar_area - a part of the component BAR that may be mmapped
 * @offset: byte offset in the BAR
 * @size: bytes
 */
struct vfio_cxl_bar_area {
	u64 offset;
	u64 size;
};

int vfio_cxl_hdm_decoder_count(u32 hdm_cap);
int vfio_cxl_hdm_parse(vfio_cxl_read32_t read, void *ctx, u32 limit,
		       struct vfio_cxl_hdm_geom *geom);
int vfio_cxl_hdm_emu_init(struct vfio_cxl_hdm_emu *emu,
			  const struct vfio_cxl_hdm_geom *geom,
			  const u32 *snapshot, u64 dpa_size,
			  bool cache_capable, bool strict_lock);
int vfio_cxl_hdm_emu_read(const struct vfio_cxl_hdm_emu *emu, u64 off,
			  u32 len, u32 *val);
int vfio_cxl_hdm_emu_write(struct vfio_cxl_hdm_emu *emu, u64 off, u32 len,
			   u32 val);
int vfio_cxl_comp_regs_rw(struct vfio_cxl_hdm_emu *emu,
			  const struct vfio_cxl_comp_hw *hw, u64 off, u32 len,
			  u32 *val, bool write);
bool vfio_cxl_hdm_decoder_valid(const struct vfio_cxl_hdm_emu *emu,
				unsigned int n);
int vfio_cxl_comp_block_rw(struct vfio_cxl_hdm_emu *emu,
			   const struct vfio_cxl_comp_hw *hw, u32 off,
			   u32 width, u32 *val, bool write);

unsigned int vfio_cxl_comp_bar_areas(u64 bar_len, u64 comp_off, u64 page_size,
				     struct vfio_cxl_bar_area areas[2]);
bool vfio_cxl_comp_bar_overlaps(u64 comp_off, u64 page_size, u64 start, u64 len);

#endif /* VFIO_CXL_HDM_EMU_H */
