// SPDX-License-Identifier: GPL-2.0-only
/*
 * Virtual HDM decoder block behind the COMP_REGS region.
 *
 * Copyright (C) 2026 The vfio-cxl-pci authors
 */
#include "hdm_emu.h"

/**
 * DOC: virtual HDM decoders
 *
 * The COMP_REGS region shows the VMM the device's CXL.cache/CXL.mem register
 * area, from the CXL Capability Array Header (CXL r3.1 8.2.4) to the end of
 * the HDM Decoder Capability structure (8.2.4.20). It is a virtual copy:
 * reads return the copy, writes change the copy, and nothing is ever written
 * to the device. The host keeps the device's real decoders programmed as
 * platform firmware left them.
 *
 * The copy starts from a snapshot of the device taken at probe, adjusted so
 * that it describes what the VMM may see:
 *
 * - decoder 0, which firmware committed, reads as committed with BASE 0 and
 *   DPA skip 0: virtual DPA 0 is offset 0 of the DPA region, and the host
 *   physical address never appears;
 * - every other decoder reads as a reset decoder (all zero but the target
 *   type), since only decoder 0's memory is exposed.
 *
 * The capabilities between the capability array and the HDM structure
 * (RAS, Link, Security, ...) are the device's, live: vfio_cxl_comp_regs_rw()
 * reads them from the device, so a guest's RAS handling sees the device's
 * error status as it is, and forwards a write to the RAS capability's
 * Uncorrectable and Correctable Error Status registers (RW1CS, 8.2.4.16.1
 * and 8.2.4.16.4) as a write of the bits that are set and written 1, so the
 * guest can clear what it handled. Every other write there is dropped: the
 * masks, severities and controls stay the host's.
 *
 * Register rules (8.2.4.20.1 - 8.2.4.20.12):
 *
 * - the capability array and the HDM Decoder Capability register are
 *   read-only, other capabilities as above; reserved registers read 0 and
 *   ignore writes;
 * - Global Control: HDM Decoder Enable is RW, Poison On Decode Error Enable
 *   is RW only if the capability advertises it, the rest reads 0;
 * - BASE is frozen while the decoder is locked (Lock On Commit set and
 *   committed); a committed, unlocked decoder's BASE moves only to where the
 *   decoder could commit (no wrap, in HPA order with its neighbours), one
 *   32-bit register at a time, so a move between committed neighbours that
 *   needs both halves is refused (the spec leaves changing a committed
 *   decoder undefined; the v2 path places decoder 0 alone); SIZE is frozen
 *   while committed. Low registers keep only bits 31:28, the rest is
 *   reserved;
 * - Control: IG, IW, Lock On Commit and Commit are RW (IG/IW frozen while
 *   committed), BI only on CXL.cache devices, UIO and ISP only when the
 *   capability is UIO capable; Committed, Error Not Committed and the target
 *   type are read-only. Setting Commit commits the decoder only for a valid
 *   programming (vfio_cxl_hdm_decoder_valid() plus HPA ordering), and sets
 *   Error Not Committed otherwise. Clearing Commit uncommits, unless the
 *   decoder is locked or the next decoder is still committed;
 * - DPA skip (the target list registers of a port) is read-only.
 *
 * One deliberate difference from the spec, kept for the v2 UAPI's VMMs: the
 * QEMU CXL passthrough patches clear the virtual LOCK of the firmware
 * committed decoder 0 and then write its BASE with the guest physical
 * address. A write with Lock On Commit clear therefore unlocks a decoder
 * whose lock came from firmware, once, unless @strict_lock is set. A lock the
 * guest set itself stays until the virtual device is re-created at the next
 * open.
 */

#define HDM_CTRL_RO	(CXL_HDM_CTRL_COMMITTED | CXL_HDM_CTRL_ERR_NOT_COMMITTED | \
			 CXL_HDM_CTRL_TARGET_TYPE)
#define HDM_IG_MAX	6	/* 16 KiB: 7..15 are reserved encodings */

static u32 *hdm_reg(struct vfio_cxl_hdm_emu *emu, u32 rel)
{
	return &emu->regs[(emu->geom.hdm_off + rel) / 4];
}

static u32 hdm_get(const struct vfio_cxl_hdm_emu *emu, u32 rel)
{
	return emu->regs[(emu->geom.hdm_off + rel) / 4];
}

static u32 *dec_reg(struct vfio_cxl_hdm_emu *emu, unsigned int n, u32 reg)
{
	return hdm_reg(emu, CXL_HDM_DECODER(n) + reg);
}

static u32 dec_get(const struct vfio_cxl_hdm_emu *emu, unsigned int n, u32 reg)
{
	return hdm_get(emu, CXL_HDM_DECODER(n) + reg);
}

/* A 64-bit BASE, SIZE or DPA skip from its low/high register pair. */
static u64 dec_addr(const struct vfio_cxl_hdm_emu *emu, unsigned int n, u32 low)
{
	return ((u64)dec_get(emu, n, low + 4) << 32) |
	       (dec_get(emu, n, low) & CXL_HDM_DEC_LOW_ADDR);
}

static bool dec_committed(const struct vfio_cxl_hdm_emu *emu, unsigned int n)
{
	return dec_get(emu, n, CXL_HDM_DEC_CTRL) & CXL_HDM_CTRL_COMMITTED;
}

/* Lock On Commit takes effect once the decoder is committed (8.2.4.20.7). */
static bool dec_locked(const struct vfio_cxl_hdm_emu *emu, unsigned int n)
{
	u32 ctrl = dec_get(emu, n, CXL_HDM_DEC_CTRL);

	return (ctrl & CXL_HDM_CTRL_LOCK) && (ctrl & CXL_HDM_CTRL_COMMITTED);
}

/**
 * vfio_cxl_hdm_decoder_count() - decode the Decoder Count field
 * @hdm_cap: HDM Decoder Capability register (CXL r3.1 8.2.4.20.1)
 *
 * Return: the number of decoders (1, 2..16 in steps of 2, 20, 24, 28, 32),
 * or -EINVAL for a reserved encoding (13..15).
 */
int vfio_cxl_hdm_decoder_count(u32 hdm_cap)
{
	u32 enc = FIELD_GET(CXL_HDM_CAP_DECODER_COUNT, hdm_cap);

	if (enc == 0)
		return 1;
	if (enc <= 8)
		return enc * 2;
	if (enc <= 12)
		return (enc - 4) * 4;
	return -EINVAL;
}

/**
 * vfio_cxl_hdm_parse() - find the HDM Decoder Capability in a CXL.cache/mem
 * register area
 * @read: reads one register, offsets relative to the Capability Array Header
 * @ctx: passed to @read
 * @limit: bytes of the area that may be read (at most 4 KiB)
 * @geom: filled in on success
 *
 * Walks the CXL Capability Array (CXL r3.1 8.2.4.1, 8.2.4.2) for the HDM
 * Decoder Capability (id 5) and checks that the whole structure lies inside
 * @limit and after the array. Also notes where the array ends and where the
 * RAS Capability (id 2, 8.2.4.16) is, if it lies inside @limit, after the
 * array and clear of the HDM structure.
 *
 * Return: 0; -ENODEV if the area has no capability array or no HDM Decoder
 * Capability; -EINVAL if the structures are malformed or out of bounds.
 */
int vfio_cxl_hdm_parse(vfio_cxl_read32_t read, void *ctx, u32 limit,
		       struct vfio_cxl_hdm_geom *geom)
{
	u32 hdr, entries, i, ptr = 0, ras = 0, cap, end;
	bool ras_seen = false;
	int count;

	if (limit > CXL_CM_SIZE || limit < 8)
		return -EINVAL;
	hdr = read(ctx, 0);
	if (FIELD_GET(CXL_CM_CAP_HDR_ID, hdr) != CXL_CM_CAP_ID_ARRAY)
		return -ENODEV;
	entries = FIELD_GET(CXL_CM_CAP_HDR_ARRAY_SIZE, hdr);
	if (!entries || (entries + 1) * 4 > limit)
		return -EINVAL;
	for (i = 1; i <= entries; i++) {
		u32 e = read(ctx, i * 4);

		if (FIELD_GET(CXL_CM_CAP_HDR_ID, e) == CXL_CM_CAP_ID_HDM && !ptr) {
			ptr = FIELD_GET(CXL_CM_CAP_PTR, e);
		} else if (FIELD_GET(CXL_CM_CAP_HDR_ID, e) == CXL_CM_CAP_ID_RAS && !ras_seen) {
			ras = FIELD_GET(CXL_CM_CAP_PTR, e);
			ras_seen = true;	/* the first RAS entry, valid or not */
		}
	}
	if (!ptr)
		return -ENODEV;
	if (ptr % 4 || ptr < (entries + 1) * 4 ||
	    ptr + CXL_HDM_DECODER_FIRST > limit)
		return -EINVAL;
	cap = read(ctx, ptr);
	count = vfio_cxl_hdm_decoder_count(cap);
	if (count < 0)
		return -EINVAL;
	end = ptr + CXL_HDM_DECODER(count);
	if (end > limit)
		return -EINVAL;
	geom->cm_size = end;
	geom->hdm_off = ptr;
	geom->hdm_cap = cap;
	geom->count = count;
	geom->array_end = (entries + 1) * 4;
	geom->ras_off = 0;
	/* a RAS structure that is misplaced is not served live */
	if (ras && ras % 4 == 0 && ras >= geom->array_end &&
	    ras + CXL_RAS_SIZE <= limit && (ras + CXL_RAS_SIZE <= ptr || ras >= end))
		geom->ras_off = ras;
	return 0;
}

static u32 dec_ctrl_rsvd(const struct vfio_cxl_hdm_emu *emu)
{
	u32 rsvd = BIT(15) | GENMASK(31, 28) | CXL_HDM_CTRL_UIG | CXL_HDM_CTRL_UIW;

	if (!(emu->geom.hdm_cap & CXL_HDM_CAP_UIO_CAPABLE))
		rsvd |= CXL_HDM_CTRL_UIO | CXL_HDM_CTRL_ISP;
	if (!emu->cache_capable)
		rsvd |= CXL_HDM_CTRL_BI;
	return rsvd;
}

/**
 * vfio_cxl_hdm_emu_init() - build the virtual view from a device snapshot
 * @emu: the view to initialise
 * @geom: geometry from vfio_cxl_hdm_parse()
 * @snapshot: @geom->cm_size bytes of the device's CXL.cache/mem area, in CPU
 *	byte order, taken while platform firmware's programming was in place
 * @dpa_size: bytes of device memory exposed (the size of decoder 0)
 * @cache_capable: CXL Device DVSEC Capability Cache_Capable
 * @strict_lock: see &struct vfio_cxl_hdm_emu
 *
 * Context: any; does not sleep.
 * Return: 0; -EINVAL if @geom is inconsistent, @dpa_size is not a non-zero
 * multiple of 256 MiB, or a committed decoder 0 in @snapshot does not map
 * exactly @dpa_size bytes without interleaving.
 */
int vfio_cxl_hdm_emu_init(struct vfio_cxl_hdm_emu *emu,
			  const struct vfio_cxl_hdm_geom *geom,
			  const u32 *snapshot, u64 dpa_size,
			  bool cache_capable, bool strict_lock)
{
	unsigned int n;
	u32 keep;

	if (geom->count < 1 || geom->count > CXL_HDM_MAX_DECODERS ||
	    geom->hdm_off % 4 ||
	    geom->cm_size != geom->hdm_off + CXL_HDM_DECODER(geom->count) ||
	    geom->cm_size > sizeof(emu->regs))
		return -EINVAL;
	if (!dpa_size || dpa_size % CXL_HDM_DEC_ALIGN)
		return -EINVAL;

	memset(emu, 0, sizeof(*emu));
	emu->geom = *geom;
	emu->dpa_size = dpa_size;
	emu->cache_capable = cache_capable;
	emu->strict_lock = strict_lock;
	memcpy(emu->regs, snapshot, geom->cm_size);

	*hdm_reg(emu, CXL_HDM_CAP) = geom->hdm_cap;
	keep = CXL_HDM_GLOBAL_CTRL_ENABLE;
	if (geom->hdm_cap & CXL_HDM_CAP_POISON_ON_DECODE_ERR)
		keep |= CXL_HDM_GLOBAL_CTRL_POISON_ENABLE;
	*hdm_reg(emu, CXL_HDM_GLOBAL_CTRL) &= keep;
	*hdm_reg(emu, 0x08) = 0;
	*hdm_reg(emu, 0x0c) = 0;

	for (n = 0; n < geom->count; n++) {
		u32 ctrl = *dec_reg(emu, n, CXL_HDM_DEC_CTRL);
		bool committed = n == 0 && (ctrl & CXL_HDM_CTRL_COMMITTED);

		*dec_reg(emu, n, CXL_HDM_DEC_BASE_LOW) = 0;
		*dec_reg(emu, n, CXL_HDM_DEC_BASE_HIGH) = 0;
		*dec_reg(emu, n, CXL_HDM_DEC_SKIP_LOW) = 0;
		*dec_reg(emu, n, CXL_HDM_DEC_SKIP_HIGH) = 0;
		*dec_reg(emu, n, CXL_HDM_DEC_RSVD) = 0;
		if (!committed) {
			*dec_reg(emu, n, CXL_HDM_DEC_SIZE_LOW) = 0;
			*dec_reg(emu, n, CXL_HDM_DEC_SIZE_HIGH) = 0;
			*dec_reg(emu, n, CXL_HDM_DEC_CTRL) = ctrl & CXL_HDM_CTRL_TARGET_TYPE;
			continue;
		}
		keep = CXL_HDM_CTRL_IG | CXL_HDM_CTRL_IW | CXL_HDM_CTRL_LOCK |
		       CXL_HDM_CTRL_TARGET_TYPE | CXL_HDM_CTRL_BI |
		       CXL_HDM_CTRL_UIO | CXL_HDM_CTRL_ISP;
		*dec_reg(emu, n, CXL_HDM_DEC_CTRL) = (ctrl & keep & ~dec_ctrl_rsvd(emu)) |
						     CXL_HDM_CTRL_COMMIT |
						     CXL_HDM_CTRL_COMMITTED;
		*dec_reg(emu, n, CXL_HDM_DEC_SIZE_LOW) &= CXL_HDM_DEC_LOW_ADDR;
		if (ctrl & CXL_HDM_CTRL_LOCK)
			emu->fw_locked |= BIT(n);
		if (dec_addr(emu, n, CXL_HDM_DEC_SIZE_LOW) != dpa_size ||
		    !vfio_cxl_hdm_decoder_valid(emu, n))
			return -EINVAL;
	}
	return 0;
}

/**
 * vfio_cxl_hdm_decoder_valid() - is decoder @n programmed so that it could
 * be committed
 * @emu: the virtual view
 * @n: decoder index, below the decoder count
 *
 * The rules of a committed virtual decoder: a supported interleave (one way:
 * the device memory is a single linear DPA region, and a granularity of at
 * most 16 KiB), a non-zero size, all lower decoders committed (decoders
 * commit in order, CXL r3.1 8.2.4.20.12), and the DPA range (the lower
 * decoders' skips and sizes, then this decoder's skip and size) inside the
 * device memory. BASE and SIZE are multiples of 256 MiB by construction.
 *
 * Return: true if the programming is valid.
 */
bool vfio_cxl_hdm_decoder_valid(const struct vfio_cxl_hdm_emu *emu,
				unsigned int n)
{
	u32 ctrl = dec_get(emu, n, CXL_HDM_DEC_CTRL);
	u64 dpa_end = 0;
	unsigned int i;

	if (n >= emu->geom.count)
		return false;
	if (FIELD_GET(CXL_HDM_CTRL_IW, ctrl) != 0 ||
	    FIELD_GET(CXL_HDM_CTRL_IG, ctrl) > HDM_IG_MAX)
		return false;
	if (!dec_addr(emu, n, CXL_HDM_DEC_SIZE_LOW))
		return false;
	for (i = 0; i <= n; i++) {
		u64 skip = dec_addr(emu, i, CXL_HDM_DEC_SKIP_LOW);
		u64 size = dec_addr(emu, i, CXL_HDM_DEC_SIZE_LOW);

		if (i < n && !dec_committed(emu, i))
			return false;
		if (skip > emu->dpa_size || size > emu->dpa_size ||
		    dpa_end + skip + size > emu->dpa_size)
			return false;
		dpa_end += skip + size;
	}
	return true;
}

static u64 dec_hpa_end(const struct vfio_cxl_hdm_emu *emu, unsigned int n)
{
	return dec_addr(emu, n, CXL_HDM_DEC_BASE_LOW) +
	       dec_addr(emu, n, CXL_HDM_DEC_SIZE_LOW);
}

/*
 * The HPA rules of a committed decoder: its range does not wrap, starts at or
 * above the end of the decoder below it, and ends at or below the start of a
 * committed decoder above it (8.2.4.20.12).
 */
static bool dec_hpa_ok(const struct vfio_cxl_hdm_emu *emu, unsigned int n)
{
	u64 base = dec_addr(emu, n, CXL_HDM_DEC_BASE_LOW);

	if (dec_hpa_end(emu, n) < base)
		return false;
	if (n > 0 && base < dec_hpa_end(emu, n - 1))
		return false;
	return n + 1 >= emu->geom.count || !dec_committed(emu, n + 1) ||
	       dec_hpa_end(emu, n) <= dec_addr(emu, n + 1, CXL_HDM_DEC_BASE_LOW);
}

/* Commit-time rules: vfio_cxl_hdm_decoder_valid() and the HPA rules. */
static bool dec_can_commit(const struct vfio_cxl_hdm_emu *emu, unsigned int n)
{
	return vfio_cxl_hdm_decoder_valid(emu, n) && dec_hpa_ok(emu, n);
}

static void dec_ctrl_write(struct vfio_cxl_hdm_emu *emu, unsigned int n, u32 val)
{
	u32 *ctrl = dec_reg(emu, n, CXL_HDM_DEC_CTRL);
	u32 cur = *ctrl, wr, new;

	if (dec_locked(emu, n)) {
		/* v2 compatibility: unlock a firmware lock, once (see DOC) */
		if (!(val & CXL_HDM_CTRL_LOCK) && (emu->fw_locked & BIT(n)) &&
		    !emu->strict_lock) {
			*ctrl = cur & ~CXL_HDM_CTRL_LOCK;
			emu->fw_locked &= ~BIT(n);
		}
		return;
	}

	wr = CXL_HDM_CTRL_LOCK | CXL_HDM_CTRL_COMMIT;
	if (!(cur & CXL_HDM_CTRL_COMMITTED))
		wr |= ~(HDM_CTRL_RO | dec_ctrl_rsvd(emu));
	new = (cur & ~wr) | (val & wr);

	if (!(new & CXL_HDM_CTRL_COMMIT)) {
		/* decoders uncommit in reverse order: the next one first */
		if ((cur & CXL_HDM_CTRL_COMMITTED) && n + 1 < emu->geom.count &&
		    dec_committed(emu, n + 1))
			return;
		new &= ~(CXL_HDM_CTRL_COMMITTED | CXL_HDM_CTRL_ERR_NOT_COMMITTED);
	} else if (!(cur & CXL_HDM_CTRL_COMMITTED)) {
		*ctrl = new;
		if (dec_can_commit(emu, n))
			new = (new | CXL_HDM_CTRL_COMMITTED) &
			      ~CXL_HDM_CTRL_ERR_NOT_COMMITTED;
		else
			new = (new & ~CXL_HDM_CTRL_COMMITTED) |
			      CXL_HDM_CTRL_ERR_NOT_COMMITTED;
	}
	*ctrl = new;
}

static void dec_write(struct vfio_cxl_hdm_emu *emu, unsigned int n, u32 reg,
		      u32 val)
{
	bool committed = dec_committed(emu, n);
	u32 *r = dec_reg(emu, n, reg), old = *r;

	switch (reg) {
	case CXL_HDM_DEC_BASE_LOW:
	case CXL_HDM_DEC_BASE_HIGH:
		/* v2 lets a VMM place an unlocked, committed decoder's BASE */
		if (dec_locked(emu, n))
			return;
		break;
	case CXL_HDM_DEC_SIZE_LOW:
	case CXL_HDM_DEC_SIZE_HIGH:
		if (committed)
			return;
		break;
	case CXL_HDM_DEC_CTRL:
		dec_ctrl_write(emu, n, val);
		return;
	default:
		/* DPA skip is read-only for a passthrough endpoint; reserved */
		return;
	}
	if (reg == CXL_HDM_DEC_BASE_LOW || reg == CXL_HDM_DEC_SIZE_LOW)
		val &= CXL_HDM_DEC_LOW_ADDR;
	*r = val;
	/* a committed decoder moves only to a place it could commit at */
	if (committed && !dec_hpa_ok(emu, n))
		*r = old;
}

static int emu_check(const struct vfio_cxl_hdm_emu *emu, u64 off, u32 len)
{
	if (len != 4 || off % 4 || off >= emu->geom.cm_size)
		return -EINVAL;
	return 0;
}

/**
 * vfio_cxl_hdm_emu_read() - read one register of the virtual view
 * @emu: the virtual view
 * @off: byte offset from the CXL Capability Array Header
 * @len: access size in bytes; must be 4
 * @val: the register value, CPU byte order
 *
 * Return: 0, or -EINVAL for an access that is not 4 bytes at a 4-byte
 * aligned offset inside the area.
 */
int vfio_cxl_hdm_emu_read(const struct vfio_cxl_hdm_emu *emu, u64 off,
			  u32 len, u32 *val)
{
	int ret = emu_check(emu, off, len);

	if (ret)
		return ret;
	*val = emu->regs[off / 4];
	return 0;
}

/**
 * vfio_cxl_hdm_emu_write() - write one register of the virtual view
 * @emu: the virtual view
 * @off: byte offset from the CXL Capability Array Header
 * @len: access size in bytes; must be 4
 * @val: the value, CPU byte order
 *
 * Applies the register rules in the DOC section above. Writes that the
 * rules ignore (read-only or reserved registers, frozen fields) succeed and
 * change nothing.
 *
 * Return: 0, or -EINVAL, with nothing changed, for an access that is not
 * 4 bytes at a 4-byte aligned offset inside the area.
 */
int vfio_cxl_hdm_emu_write(struct vfio_cxl_hdm_emu *emu, u64 off, u32 len,
			   u32 val)
{
	int ret = emu_check(emu, off, len);
	u32 rel;

	if (ret)
		return ret;
	if (off < emu->geom.hdm_off)
		return 0;	/* capability array and other capabilities: RO */
	rel = off - emu->geom.hdm_off;
	if (rel == CXL_HDM_GLOBAL_CTRL) {
		u32 wr = CXL_HDM_GLOBAL_CTRL_ENABLE;

		if (emu->geom.hdm_cap & CXL_HDM_CAP_POISON_ON_DECODE_ERR)
			wr |= CXL_HDM_GLOBAL_CTRL_POISON_ENABLE;
		*hdm_reg(emu, rel) = val & wr;
		return 0;
	}
	if (rel < CXL_HDM_DECODER_FIRST)
		return 0;	/* capability register, reserved */
	rel -= CXL_HDM_DECODER_FIRST;
	dec_write(emu, rel / CXL_HDM_DECODER_STRIDE,
		  rel % CXL_HDM_DECODER_STRIDE, val);
	return 0;
}

/* Is @off (from the Capability Array Header) a RAS RW1CS status register? */
static bool ras_status(const struct vfio_cxl_hdm_emu *emu, u32 off)
{
	u32 ras = emu->geom.ras_off;

	return ras && (off == ras + CXL_RAS_UE_STATUS || off == ras + CXL_RAS_CE_STATUS);
}

/* Clear the status bits the guest wrote 1 to and the device has set. */
static void ras_clear(const struct vfio_cxl_comp_hw *hw, u32 off, u32 val)
{
	u32 set;

	if (!hw->write)
		return;
	set = hw->read(hw->ctx, CXL_CM_OFFSET + off, 4) & val;
	if (set)
		hw->write(hw->ctx, CXL_CM_OFFSET + off, set, 4);
}

/**
 * vfio_cxl_comp_regs_rw() - one access of the COMP_REGS region
 * @emu: the virtual view
 * @hw: the device, for the live capabilities
 * @off: byte offset from the CXL Capability Array Header
 * @len: access size in bytes; must be 4
 * @val: value read or to write, CPU byte order
 * @write: true for a write
 *
 * The capabilities between the capability array and the HDM structure are
 * read from the device; a write to a RAS status register clears the bits
 * written 1 on the device; everything else is vfio_cxl_hdm_emu_read() or
 * vfio_cxl_hdm_emu_write() (see the DOC section above).
 *
 * Context: the caller serializes, and makes sure the device decodes its
 * registers (or passes an @hw that reads all ones and does not write).
 * Return: 0, or -EINVAL, with nothing changed, for an access that is not
 * 4 bytes at a 4-byte aligned offset inside the area.
 */
int vfio_cxl_comp_regs_rw(struct vfio_cxl_hdm_emu *emu,
			  const struct vfio_cxl_comp_hw *hw, u64 off, u32 len,
			  u32 *val, bool write)
{
	int ret = emu_check(emu, off, len);
	bool live = off >= emu->geom.array_end && off < emu->geom.hdm_off;

	if (ret)
		return ret;
	if (write) {
		if (ras_status(emu, off))
			ras_clear(hw, off, *val);
		return vfio_cxl_hdm_emu_write(emu, off, len, *val);
	}
	if (live) {
		*val = hw->read(hw->ctx, CXL_CM_OFFSET + off, 4);
		return 0;
	}
	return vfio_cxl_hdm_emu_read(emu, off, len, val);
}

/**
 * vfio_cxl_comp_block_rw() - a raw access to the 64 KiB component register
 * block through the component BAR
 * @emu: the virtual view of the COMP_REGS window
 * @hw: reads the device outside the window
 * @off: byte offset in the component block
 * @width: 1, 2 or 4 bytes, @off naturally aligned
 * @val: value read or to write, CPU byte order
 * @write: true for a write
 *
 * Inside the COMP_REGS window (block offset 0x1000 up to the end of the HDM
 * Decoder Capability) the access is served as by vfio_cxl_comp_regs_rw(); a
 * write there must be a 4-byte write. Outside it, reads come from the device
 * and writes are dropped, but for the RAS status registers of a RAS
 * capability placed after the HDM structure, cleared as inside.
 *
 * Context: as vfio_cxl_comp_regs_rw().
 *
 * Return: 0, or -EINVAL (nothing changed) for a bad width, alignment or
 * offset, or a narrow write inside the window.
 */
int vfio_cxl_comp_block_rw(struct vfio_cxl_hdm_emu *emu,
			   const struct vfio_cxl_comp_hw *hw, u32 off,
			   u32 width, u32 *val, bool write)
{
	u32 win = CXL_CM_OFFSET, win_end = CXL_CM_OFFSET + emu->geom.cm_size;
	u32 dw;
	int ret;

	if ((width != 1 && width != 2 && width != 4) || off % width ||
	    off + width > CXL_COMPONENT_BLOCK_SIZE)
		return -EINVAL;
	if (off + width <= win || off >= win_end) {
		if (!write)
			*val = hw->read(hw->ctx, off, width);
		else if (width == 4 && off >= win && ras_status(emu, off - win))
			ras_clear(hw, off - win, *val);
		return 0;
	}
	if (write)
		return vfio_cxl_comp_regs_rw(emu, hw, off - win, width, val, true);
	ret = vfio_cxl_comp_regs_rw(emu, hw, (off - win) & ~3u, 4, &dw, false);
	if (ret)
		return ret;
	dw >>= 8 * (off % 4);
	*val = width == 4 ? dw : dw & ((1u << (8 * width)) - 1);
	return 0;
}

/* The component block widened to whole pages: what must never be mapped. */
static void comp_block_pages(u64 comp_off, u64 page_size, u64 *start, u64 *end)
{
	*start = comp_off & ~(page_size - 1);
	*end = (comp_off + CXL_COMPONENT_BLOCK_SIZE + page_size - 1) & ~(page_size - 1);
}

/**
 * vfio_cxl_comp_bar_areas() - the mmappable parts of the component BAR
 * @bar_len: BAR size in bytes
 * @comp_off: offset of the 64 KiB component block in the BAR
 * @page_size: the host page size (a power of two)
 * @areas: filled with up to two areas: before and after the block
 *
 * The whole component block, widened to page boundaries, is left out, so no
 * mapping of the BAR can reach the HDM decoders (v2 UAPI, uapi doc 3.4).
 *
 * Return: the number of non-empty areas, 0 to 2.
 */
unsigned int vfio_cxl_comp_bar_areas(u64 bar_len, u64 comp_off, u64 page_size,
				     struct vfio_cxl_bar_area areas[2])
{
	unsigned int n = 0;
	u64 start, end;

	comp_block_pages(comp_off, page_size, &start, &end);
	if (start > 0) {
		areas[n].offset = 0;
		areas[n].size = start;
		n++;
	}
	if (end < bar_len) {
		areas[n].offset = end;
		areas[n].size = bar_len - end;
		n++;
	}
	return n;
}

/**
 * vfio_cxl_comp_bar_overlaps() - does a BAR range touch the component block
 * @comp_off: offset of the 64 KiB component block in the BAR
 * @page_size: the host page size, or 1 for a byte-exact test
 * @start: first byte of the range
 * @len: bytes in the range
 *
 * Return: true if [@start, @start + @len) overlaps the block widened to
 * @page_size boundaries.
 */
bool vfio_cxl_comp_bar_overlaps(u64 comp_off, u64 page_size, u64 start, u64 len)
{
	u64 bstart, bend;

	comp_block_pages(comp_off, page_size, &bstart, &bend);
	return len && start < bend && start + len > bstart;
}
