/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A reference model of the virtual HDM decoder block, the fuzzer's oracle.
 *
 * Written from the tables of CXL r3.1 8.2.4.20 (HDM Decoder Capability
 * Structure, 8.2.4.16 RAS Capability) and from the policy in README ("COMP_REGS: register rules"),
 * not from src/hdm_emu.c: it keeps each decoder as named fields rather than
 * register words, uses the spec's bit numbers directly rather than the
 * driver's macros, and encodes a register only when it is read. The fuzzer
 * runs every access on both and compares every result, so a decoder that
 * should commit and does not, a write that should stick and does not, or a
 * read that shows anything else, is a finding, not only a broken invariant.
 *
 * The policy choices the model shares with the driver (they are the
 * contract, not the implementation): only 1-way interleave and granularity
 * up to 16 KiB commit; decoders commit in order and uncommit in reverse; a
 * committed decoder's BASE may move, one 32-bit half at a time, only to where
 * it could commit; SIZE, IG and IW are frozen while committed; DPA skip is
 * read-only 0; UIG/UIW are reserved; the capabilities between the array
 * and the HDM structure are the device's, live, and only the RAS status
 * registers forward a write (a clear of the set bits written 1); BI needs CXL.cache; UIO and ISP need
 * UIO_Capable; Target Range Type is read-only; the firmware lock of decoder
 * 0 can be cleared once (v2 compatibility) unless the lock is strict.
 *
 * Copyright (C) 2026 The vfio-cxl-pci authors
 */
#ifndef VFIO_CXL_HDM_REF_H
#define VFIO_CXL_HDM_REF_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "write_log.h"

#define REF_MAX_DEC	32
#define REF_CM_MAX	4096
#define REF_256M	(1ULL << 28)

struct ref_dec {
	uint64_t base, size;		/* multiples of 256 MiB */
	unsigned int ig, iw, isp;
	bool lock, commit, committed, err, hostonly, bi, uio;
	bool fw_lock;			/* may still be cleared once */
};

struct ref_hdm {
	uint32_t below[REF_CM_MAX / 4];	/* the capability array */
	const uint32_t *live;		/* the device's CXL.cache/mem area */
	uint32_t hdm_off, cm_size, cap, count;
	uint32_t array_end, ras;	/* ras: 0 if none (or misplaced) */
	/* the writes to the device the accesses so far should have made */
	struct write_log fwd;
	uint64_t dpa_size;
	bool cache, strict, poison_cap, uio_cap;
	bool g_enable, g_poison;
	struct ref_dec d[REF_MAX_DEC];
};

/* Decoder Count (8.2.4.20.1 bits 3:0): 1, 2..16 by 2, then 20..32 by 4 */
static unsigned int ref_count(uint32_t cap)
{
	static const unsigned int n[16] = { 1, 2, 4, 6, 8, 10, 12, 14, 16,
					    20, 24, 28, 32, 0, 0, 0 };

	return n[cap & 0xf];
}

/*
 * The view of a device as firmware left it: @snap holds the CXL.cache/mem
 * area from the Capability Array Header on (@limit bytes of it valid),
 * decoder 0 possibly committed. The caller sets @m->live to the device's
 * area as it is now.
 */
static void ref_init(struct ref_hdm *m, const uint32_t *snap, uint32_t limit,
		     uint32_t hdm_off, uint64_t dpa_size, bool cache, bool strict)
{
	const uint32_t *h = snap + hdm_off / 4;
	uint32_t c0 = h[(0x10 + 0x10) / 4];

	memset(m, 0, sizeof(*m));
	m->hdm_off = hdm_off;
	m->cap = h[0];
	m->count = ref_count(m->cap);
	m->cm_size = hdm_off + 0x10 + 0x20 * m->count;
	memcpy(m->below, snap, hdm_off);
	m->array_end = 4 + 4 * (snap[0] >> 24);
	/* the first RAS entry (id 2), if it sits after the array, clear of HDM */
	for (unsigned int i = 1; i <= snap[0] >> 24; i++) {
		uint32_t p = snap[i] >> 20;

		if ((snap[i] & 0xffff) != 2)
			continue;
		if (p % 4 == 0 && p >= m->array_end && p + 0x58 <= limit &&
		    (p + 0x58 <= hdm_off || p >= m->cm_size))
			m->ras = p;
		break;
	}
	m->dpa_size = dpa_size;
	m->cache = cache;
	m->strict = strict;
	m->poison_cap = m->cap >> 10 & 1;
	m->uio_cap = m->cap >> 13 & 1;
	m->g_poison = m->poison_cap && (h[1] & 1);
	m->g_enable = h[1] >> 1 & 1;
	for (unsigned int n = 0; n < m->count; n++) {
		uint32_t c = h[(0x10 + 0x20 * n + 0x10) / 4];

		m->d[n].hostonly = c >> 12 & 1;
	}
	if (!(c0 >> 10 & 1))
		return;
	/* firmware's decoder 0 reads committed at BASE 0, its size kept */
	m->d[0].size = (uint64_t)h[(0x10 + 0x0c) / 4] << 32 |
		       (h[(0x10 + 0x08) / 4] & 0xf0000000u);
	m->d[0].ig = c0 & 0xf;
	m->d[0].iw = c0 >> 4 & 0xf;
	m->d[0].lock = c0 >> 8 & 1;
	m->d[0].fw_lock = m->d[0].lock;
	m->d[0].commit = true;
	m->d[0].committed = true;
	m->d[0].bi = cache && (c0 >> 13 & 1);
	m->d[0].uio = m->uio_cap && (c0 >> 14 & 1);
	m->d[0].isp = m->uio_cap ? c0 >> 24 & 0xf : 0;
}

static uint32_t ref_ctrl(const struct ref_dec *d)
{
	return d->ig | d->iw << 4 | (uint32_t)d->lock << 8 |
	       (uint32_t)d->commit << 9 | (uint32_t)d->committed << 10 |
	       (uint32_t)d->err << 11 | (uint32_t)d->hostonly << 12 |
	       (uint32_t)d->bi << 13 | (uint32_t)d->uio << 14 | d->isp << 24;
}

/* one register, offset from the Capability Array Header (4-byte aligned) */
static uint32_t ref_reg(const struct ref_hdm *m, uint32_t off)
{
	uint32_t rel, n, r;
	const struct ref_dec *d;

	if (off < m->array_end)
		return m->below[off / 4];
	if (off < m->hdm_off)
		return m->live[off / 4];	/* RAS, Link, ...: the device's */
	rel = off - m->hdm_off;
	if (rel == 0)
		return m->cap;
	if (rel == 4)
		return (uint32_t)m->g_poison | (uint32_t)m->g_enable << 1;
	if (rel < 0x10)
		return 0;
	n = (rel - 0x10) / 0x20;
	r = (rel - 0x10) % 0x20;
	d = &m->d[n];
	switch (r) {
	case 0x00: return (uint32_t)d->base & 0xf0000000u;
	case 0x04: return d->base >> 32;
	case 0x08: return (uint32_t)d->size & 0xf0000000u;
	case 0x0c: return d->size >> 32;
	case 0x10: return ref_ctrl(d);
	default: return 0;	/* DPA skip 0, reserved */
	}
}

static bool ref_locked(const struct ref_dec *d)
{
	return d->lock && d->committed;
}

/* 8.2.4.20.12: HPA ranges of committed decoders ascend and do not wrap */
static bool ref_hpa_ok(const struct ref_hdm *m, unsigned int n,
		       uint64_t base, uint64_t size)
{
	unsigned __int128 end = (unsigned __int128)base + size;

	if (end > UINT64_MAX)
		return false;
	if (n > 0 && (unsigned __int128)m->d[n - 1].base + m->d[n - 1].size > base)
		return false;
	if (n + 1 < m->count && m->d[n + 1].committed && end > m->d[n + 1].base)
		return false;
	return true;
}

static bool ref_can_commit(const struct ref_hdm *m, unsigned int n)
{
	unsigned __int128 dpa = 0;
	const struct ref_dec *d = &m->d[n];

	if (d->iw != 0 || d->ig > 6 || d->size == 0)
		return false;
	for (unsigned int i = 0; i < n; i++)
		if (!m->d[i].committed)
			return false;
	for (unsigned int i = 0; i <= n; i++)
		dpa += m->d[i].size;
	if (dpa > m->dpa_size)
		return false;
	return ref_hpa_ok(m, n, d->base, d->size);
}

static void ref_ctrl_write(struct ref_hdm *m, unsigned int n, uint32_t v)
{
	struct ref_dec *d = &m->d[n];
	bool lock = v >> 8 & 1, commit = v >> 9 & 1;

	if (ref_locked(d)) {
		if (!lock && d->fw_lock && !m->strict) {
			d->lock = false;
			d->fw_lock = false;
		}
		return;
	}
	if (d->committed) {
		if (!commit && n + 1 < m->count && m->d[n + 1].committed)
			return;		/* uncommit the one above first */
		d->lock = lock;
		d->commit = commit;
		if (!commit)
			d->committed = false;
		return;
	}
	d->ig = v & 0xf;
	d->iw = v >> 4 & 0xf;
	d->lock = lock;
	d->commit = commit;
	d->bi = m->cache && (v >> 13 & 1);
	d->uio = m->uio_cap && (v >> 14 & 1);
	d->isp = m->uio_cap ? v >> 24 & 0xf : 0;
	d->committed = commit && ref_can_commit(m, n);
	d->err = commit && !d->committed;
}

/*
 * A 4-byte write to a RAS RW1CS status register (8.2.4.16.1, .4) clears on
 * the device the bits written 1 that are set; the model records that write.
 * Return: whether @off is such a register.
 */
static bool ref_ras_write(struct ref_hdm *m, uint32_t off, uint32_t v)
{
	uint32_t set;

	if (!m->ras || (off != m->ras && off != m->ras + 0xc))
		return false;
	set = m->live[off / 4] & v;
	if (set)
		write_log_add(&m->fwd, 0x1000 + off, set);
	return true;
}

/* a 4-byte write, offset from the Capability Array Header */
static void ref_write(struct ref_hdm *m, uint32_t off, uint32_t v)
{
	uint32_t rel, r;
	struct ref_dec *d;
	uint64_t base;

	if (ref_ras_write(m, off, v))
		return;
	if (off < m->hdm_off)
		return;
	rel = off - m->hdm_off;
	if (rel == 4) {
		m->g_poison = m->poison_cap && (v & 1);
		m->g_enable = v >> 1 & 1;
		return;
	}
	if (rel < 0x10)
		return;
	d = &m->d[(rel - 0x10) / 0x20];
	r = (rel - 0x10) % 0x20;
	switch (r) {
	case 0x00:
	case 0x04:
		if (ref_locked(d))
			return;
		base = r ? (d->base & 0xffffffffu) | (uint64_t)v << 32
			 : (d->base & ~0xffffffffULL) | (v & 0xf0000000u);
		if (d->committed && !ref_hpa_ok(m, (rel - 0x10) / 0x20, base, d->size))
			return;
		d->base = base;
		return;
	case 0x08:
		if (!d->committed)
			d->size = (d->size & ~0xffffffffULL) | (v & 0xf0000000u);
		return;
	case 0x0c:
		if (!d->committed)
			d->size = (d->size & 0xffffffffu) | (uint64_t)v << 32;
		return;
	case 0x10:
		ref_ctrl_write(m, (rel - 0x10) / 0x20, v);
		return;
	}
}

/*
 * Can the view be built: a committed decoder 0 must map exactly the device
 * memory and be a programming that could commit (at its view BASE 0).
 * Return: 0 or -EINVAL, as vfio_cxl_hdm_emu_init() must.
 */
static int ref_init_err(const struct ref_hdm *m)
{
	if (!m->d[0].committed)
		return 0;
	if (m->d[0].size != m->dpa_size || !ref_can_commit(m, 0))
		return -EINVAL;
	return 0;
}

#endif /* VFIO_CXL_HDM_REF_H */
