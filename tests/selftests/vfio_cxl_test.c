// SPDX-License-Identifier: GPL-2.0-only
/*
 * VFIO selftests for vfio-cxl-pci, run inside the test VM against the real
 * module. The device is named by $VCP_BDF; $VCP_DPA_SIZE is the size
 * platform firmware committed for HDM decoder 0 (what the DPA region must
 * report). Fixtures: "cxl" expects a CXL device, "plain" a device bound
 * without CXL (run with -f plain).
 *
 * Copyright (C) 2026 The vfio-cxl-pci authors
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "../lib/vfio_dev.h"

#define CFG_OFF(off)	(vcp_region_offset(VFIO_PCI_CONFIG_REGION_INDEX) + (off))

static const char *env_bdf(void)
{
	const char *b = getenv("VCP_BDF");

	return b ? b : "0000:0d:00.0";
}

static uint64_t env_u64(const char *name)
{
	const char *v = getenv(name);

	return v ? strtoull(v, NULL, 0) : 0;
}

static uint32_t cfg32(int fd, unsigned int off)
{
	uint32_t v = ~0u;

	if (pread(fd, &v, 4, CFG_OFF(off)) != 4)
		return ~0u;
	return v;
}

/* a DVSEC with CXL vendor id and @id, walked in the guest-visible config */
static unsigned int find_dvsec(int fd, uint16_t id)
{
	unsigned int pos = 0x100, hops = 0;

	while (pos && hops++ < 64) {
		uint32_t hdr = cfg32(fd, pos);

		if ((hdr & 0xffff) == 0x23 && (cfg32(fd, pos + 4) & 0xffff) == 0x1e98 &&
		    (cfg32(fd, pos + 8) & 0xffff) == id)
			return pos;
		pos = hdr >> 20;
	}
	return 0;
}

FIXTURE(cxl) {
	struct vcp_dev d;
	uint64_t dpa_size;
	uint32_t comp_size;
	uint32_t hdm_off;
	int hdm_count;
};

FIXTURE_SETUP(cxl)
{
	struct vcp_region r;
	uint32_t cap;

	ASSERT_EQ(0, vcp_open(&self->d, env_bdf()));
	if (!(self->d.info.flags & VFIO_DEVICE_FLAGS_CXL))
		SKIP(return, "device is not exposed as CXL");
	ASSERT_NE(NULL, self->d.cxl);
	ASSERT_EQ(0, vcp_region(&self->d, self->d.cxl->dpa_region_index, &r));
	self->dpa_size = r.info.size;
	vcp_region_free(&r);
	ASSERT_EQ(0, vcp_region(&self->d, self->d.cxl->comp_regs_region_index, &r));
	self->comp_size = r.info.size;
	vcp_region_free(&r);
	ASSERT_EQ(0, vcp_find_hdm(&self->d, &self->hdm_off));
	ASSERT_EQ(0, vcp_comp_read(&self->d, self->hdm_off, &cap));
	self->hdm_count = vcp_hdm_count(cap);
}

FIXTURE_TEARDOWN(cxl)
{
	vcp_close(&self->d);
}

TEST_F(cxl, device_flags)
{
	uint32_t f = self->d.info.flags;

	EXPECT_TRUE(f & VFIO_DEVICE_FLAGS_CXL);
	EXPECT_TRUE(f & VFIO_DEVICE_FLAGS_PCI);
	EXPECT_TRUE(f & VFIO_DEVICE_FLAGS_CAPS);
	EXPECT_EQ(VFIO_PCI_NUM_REGIONS + 2, self->d.info.num_regions);
}

TEST_F(cxl, cxl_cap_fields)
{
	const struct vfio_device_info_cap_cxl *c = self->d.cxl;
	unsigned int regloc = find_dvsec(self->d.fd, 8), dvsec = find_dvsec(self->d.fd, 0);
	uint32_t pos, len, lo, hi;
	int found = 0;

	ASSERT_NE(0, regloc);
	ASSERT_NE(0, dvsec);
	EXPECT_EQ(VFIO_DEVICE_INFO_CAP_CXL, c->header.id);
	EXPECT_EQ(1, c->header.version);
	EXPECT_EQ(0, c->reserved[0] | c->reserved[1] | c->reserved[2]);
	EXPECT_TRUE(c->flags & VFIO_CXL_CAP_FIRMWARE_COMMITTED);
	EXPECT_EQ(!!(cfg32(self->d.fd, dvsec + 8) >> 16 & 1),
		  !!(c->flags & VFIO_CXL_CAP_CACHE_CAPABLE));
	EXPECT_EQ(0, c->flags & ~(VFIO_CXL_CAP_FIRMWARE_COMMITTED | VFIO_CXL_CAP_CACHE_CAPABLE));
	EXPECT_GE(c->dpa_region_index, VFIO_PCI_NUM_REGIONS);
	EXPECT_GE(c->comp_regs_region_index, VFIO_PCI_NUM_REGIONS);
	EXPECT_NE(c->dpa_region_index, c->comp_regs_region_index);
	EXPECT_LT(c->dpa_region_index, self->d.info.num_regions);
	EXPECT_LT(c->comp_regs_region_index, self->d.info.num_regions);
	/* BAR and offset agree with the Register Locator the guest sees */
	len = cfg32(self->d.fd, regloc + 4) >> 20;
	for (pos = 0xc; pos + 8 <= len; pos += 8) {
		lo = cfg32(self->d.fd, regloc + pos);
		hi = cfg32(self->d.fd, regloc + pos + 4);
		if (((lo >> 8) & 0xff) != 1)
			continue;
		found = 1;
		EXPECT_EQ(lo & 7, c->hdm_regs_bar_index);
		EXPECT_EQ((((uint64_t)hi << 32) | (lo & 0xffff0000)) + 0x1000, c->hdm_regs_offset);
	}
	EXPECT_TRUE(found);
}

/* argsz protocol: too small gets the size needed and no capabilities */
TEST_F(cxl, get_info_argsz)
{
	struct vfio_device_info small = { .argsz = sizeof(small) };
	struct { struct vfio_device_info i; uint32_t f[4]; } minimal;
	uint32_t full = self->d.info.argsz;
	void *buf;

	ASSERT_EQ(0, ioctl(self->d.fd, VFIO_DEVICE_GET_INFO, &small));
	EXPECT_EQ(full, small.argsz);
	EXPECT_GE(full, sizeof(small) + sizeof(struct vfio_device_info_cap_cxl));
	EXPECT_TRUE(small.flags & VFIO_DEVICE_FLAGS_CXL);
	EXPECT_EQ(0, small.cap_offset);

	memset(&minimal, 0x5a, sizeof(minimal));
	minimal.i.argsz = offsetof(struct vfio_device_info, cap_offset);
	ASSERT_EQ(0, ioctl(self->d.fd, VFIO_DEVICE_GET_INFO, &minimal));
	EXPECT_EQ(full, minimal.i.argsz);
	EXPECT_EQ(0x5a5a5a5a, minimal.i.cap_offset);	/* not written: beyond argsz */

	buf = calloc(1, full + 64);
	ASSERT_NE(NULL, buf);
	((struct vfio_device_info *)buf)->argsz = full + 64;
	ASSERT_EQ(0, ioctl(self->d.fd, VFIO_DEVICE_GET_INFO, buf));
	EXPECT_EQ(full + 64, ((struct vfio_device_info *)buf)->argsz);
	EXPECT_EQ(0, memcmp((char *)buf + sizeof(struct vfio_device_info),
			    (char *)self->d.info_buf + sizeof(struct vfio_device_info),
			    full - sizeof(struct vfio_device_info)));
	free(buf);
}

TEST_F(cxl, dpa_region_info)
{
	const struct vfio_region_info_cap_type *t;
	struct vcp_region r;
	uint64_t want = env_u64("VCP_DPA_SIZE");

	ASSERT_EQ(0, vcp_region(&self->d, self->d.cxl->dpa_region_index, &r));
	if (want)
		EXPECT_EQ(want, r.info.size);
	EXPECT_EQ(0, r.info.size % (256ULL << 20));
	EXPECT_TRUE(r.info.flags & VFIO_REGION_INFO_FLAG_READ);
	EXPECT_TRUE(r.info.flags & VFIO_REGION_INFO_FLAG_WRITE);
	EXPECT_TRUE(r.info.flags & VFIO_REGION_INFO_FLAG_MMAP);
	EXPECT_EQ(vcp_region_offset(self->d.cxl->dpa_region_index), r.info.offset);
	t = (const void *)vcp_region_cap(&r, VFIO_REGION_INFO_CAP_TYPE);
	ASSERT_NE(NULL, t);
	EXPECT_EQ(VFIO_CXL_REGION_TYPE, t->type);
	EXPECT_EQ(VFIO_REGION_SUBTYPE_CXL, t->subtype);
	vcp_region_free(&r);
}

TEST_F(cxl, comp_regs_region_info)
{
	const struct vfio_region_info_cap_type *t;
	struct vcp_region r;

	ASSERT_EQ(0, vcp_region(&self->d, self->d.cxl->comp_regs_region_index, &r));
	EXPECT_GT(r.info.size, 0);
	EXPECT_EQ(0, r.info.size % 4);
	EXPECT_TRUE(r.info.flags & VFIO_REGION_INFO_FLAG_READ);
	EXPECT_TRUE(r.info.flags & VFIO_REGION_INFO_FLAG_WRITE);
	EXPECT_FALSE(r.info.flags & VFIO_REGION_INFO_FLAG_MMAP);
	t = (const void *)vcp_region_cap(&r, VFIO_REGION_INFO_CAP_TYPE);
	ASSERT_NE(NULL, t);
	EXPECT_EQ(VFIO_CXL_REGION_TYPE, t->type);
	EXPECT_EQ(VFIO_REGION_SUBTYPE_CXL_COMP_REGS, t->subtype);
	vcp_region_free(&r);
}

/* Every region answers GET_REGION_INFO (7.x routes it through its own op). */
TEST_F(cxl, region_info_every_index)
{
	unsigned int i;
	struct vcp_region r;

	for (i = 0; i < self->d.info.num_regions; i++) {
		int ret = vcp_region(&self->d, i, &r);

		if (i == VFIO_PCI_VGA_REGION_INDEX) {
			EXPECT_EQ(-EINVAL, ret);
			continue;
		}
		EXPECT_EQ(0, ret) TH_LOG("region %u", i);
		if (!ret)
			vcp_region_free(&r);
	}
}

static void pattern(uint32_t *p, size_t words, uint32_t seed)
{
	for (size_t i = 0; i < words; i++)
		p[i] = seed ^ (uint32_t)(i * 2654435761u);
}

TEST_F(cxl, dpa_mmap_first_last_page)
{
	uint64_t off = vcp_region_offset(self->d.cxl->dpa_region_index);
	size_t pg = sysconf(_SC_PAGESIZE), words = pg / 4;
	uint32_t *want = malloc(pg);
	char *m;

	ASSERT_NE(NULL, want);
	m = mmap(NULL, self->dpa_size, PROT_READ | PROT_WRITE, MAP_SHARED, self->d.fd, off);
	ASSERT_NE(MAP_FAILED, m);
	pattern(want, words, 0x11111111);
	memcpy(m, want, pg);
	pattern(want, words, 0x22222222);
	memcpy(m + self->dpa_size - pg, want, pg);
	ASSERT_EQ(0, munmap(m, self->dpa_size));

	/* a new mapping faults the same device memory back in */
	m = mmap(NULL, self->dpa_size, PROT_READ, MAP_SHARED, self->d.fd, off);
	ASSERT_NE(MAP_FAILED, m);
	pattern(want, words, 0x11111111);
	EXPECT_EQ(0, memcmp(m, want, pg));
	pattern(want, words, 0x22222222);
	EXPECT_EQ(0, memcmp(m + self->dpa_size - pg, want, pg));
	munmap(m, self->dpa_size);
	free(want);
}

TEST_F(cxl, dpa_mmap_out_of_range)
{
	uint64_t off = vcp_region_offset(self->d.cxl->dpa_region_index);
	size_t pg = sysconf(_SC_PAGESIZE);
	void *m;

	m = mmap(NULL, 2 * pg, PROT_READ, MAP_SHARED, self->d.fd, off + self->dpa_size - pg);
	EXPECT_EQ(MAP_FAILED, m);
	m = mmap(NULL, pg, PROT_READ, MAP_PRIVATE, self->d.fd, off);
	EXPECT_EQ(MAP_FAILED, m);
}

TEST_F(cxl, dpa_pread_pwrite)
{
	uint64_t base = vcp_region_offset(self->d.cxl->dpa_region_index);
	uint64_t at = (1 << 20) - 100;		/* crosses page boundaries */
	size_t len = 3 * 4096 + 7;
	char *w = malloc(len), *r = malloc(len), *m;

	ASSERT_NE(NULL, w);
	ASSERT_NE(NULL, r);
	for (size_t i = 0; i < len; i++)
		w[i] = (char)(i * 7 + 3);
	ASSERT_EQ((ssize_t)len, pwrite(self->d.fd, w, len, base + at));
	memset(r, 0, len);
	ASSERT_EQ((ssize_t)len, pread(self->d.fd, r, len, base + at));
	EXPECT_EQ(0, memcmp(w, r, len));
	/* fd I/O and the mapping see the same memory */
	m = mmap(NULL, 2 << 20, PROT_READ, MAP_SHARED, self->d.fd, base);
	ASSERT_NE(MAP_FAILED, m);
	EXPECT_EQ(0, memcmp(m + at, w, len));
	munmap(m, 2 << 20);
	/* a read that runs past the end is cut at the end */
	EXPECT_EQ(10, pread(self->d.fd, r, 100, base + self->dpa_size - 10));
	EXPECT_EQ(-1, pread(self->d.fd, r, 4, base + self->dpa_size));
	EXPECT_EQ(EINVAL, errno);
	free(w);
	free(r);
}

TEST_F(cxl, comp_regs_cap_array)
{
	uint32_t hdr;

	ASSERT_EQ(0, vcp_comp_read(&self->d, 0, &hdr));
	EXPECT_EQ(1, hdr & 0xffff);
	EXPECT_GE(hdr >> 24, 1);
	EXPECT_GT(self->hdm_count, 0);
	/* the region ends with the last decoder */
	EXPECT_EQ(self->hdm_off + 0x10 + 0x20 * self->hdm_count, self->comp_size);
}

TEST_F(cxl, comp_regs_decoder0_committed_base0)
{
	uint32_t d0 = self->hdm_off + 0x10, v[8];
	int i;

	for (i = 0; i < 8; i++)
		ASSERT_EQ(0, vcp_comp_read(&self->d, d0 + 4 * i, &v[i]));
	EXPECT_EQ(0, v[0]) TH_LOG("BASE_LO must hide the host physical address");
	EXPECT_EQ(0, v[1]) TH_LOG("BASE_HI must hide the host physical address");
	EXPECT_EQ(self->dpa_size, ((uint64_t)v[3] << 32) | (v[2] & 0xf0000000));
	EXPECT_TRUE(v[4] & (1u << 10));			/* Committed */
	EXPECT_TRUE(v[4] & (1u << 9));			/* Commit */
	EXPECT_EQ(0, v[4] & ((1u << 11) | (1u << 15) | 0xf0000000u));
	EXPECT_EQ(0, (v[4] >> 4) & 0xf);		/* one way */
	EXPECT_EQ(0, v[5] | v[6] | v[7]);		/* DPA skip 0 */
	for (i = 1; i < self->hdm_count; i++) {
		uint32_t d = self->hdm_off + 0x10 + 0x20 * i, c, b;

		ASSERT_EQ(0, vcp_comp_read(&self->d, d + 0x10, &c));
		ASSERT_EQ(0, vcp_comp_read(&self->d, d, &b));
		EXPECT_EQ(0, c & (1u << 10)) TH_LOG("decoder %d committed", i);
		EXPECT_EQ(0, b);
	}
}

TEST_F(cxl, comp_regs_access_rules)
{
	uint64_t off = vcp_region_offset(self->d.cxl->comp_regs_region_index);
	uint32_t v = 0;
	uint64_t q;

	EXPECT_EQ(-1, pread(self->d.fd, &v, 2, off));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, pread(self->d.fd, &v, 4, off + 2));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, pread(self->d.fd, &q, 8, off));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, pread(self->d.fd, &v, 4, off + self->comp_size));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, pwrite(self->d.fd, &v, 2, off + self->hdm_off + 0x10));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(cxl, comp_regs_no_mmap)
{
	uint64_t off = vcp_region_offset(self->d.cxl->comp_regs_region_index);
	void *m = mmap(NULL, 4096, PROT_READ, MAP_SHARED, self->d.fd, off);

	EXPECT_EQ(MAP_FAILED, m);
	EXPECT_EQ(EINVAL, errno);
}

FIXTURE(plain) {
	struct vcp_dev d;
};

FIXTURE_SETUP(plain)
{
	ASSERT_EQ(0, vcp_open(&self->d, env_bdf()));
}

FIXTURE_TEARDOWN(plain)
{
	vcp_close(&self->d);
}

TEST_F(plain, no_cxl_flag_or_regions)
{
	EXPECT_FALSE(self->d.info.flags & VFIO_DEVICE_FLAGS_CXL);
	EXPECT_TRUE(self->d.info.flags & VFIO_DEVICE_FLAGS_PCI);
	EXPECT_EQ(NULL, self->d.cxl);
	EXPECT_EQ(VFIO_PCI_NUM_REGIONS, self->d.info.num_regions);
}

TEST_F(plain, bar_and_config_work)
{
	struct vcp_region r;
	uint32_t id = 0;

	ASSERT_EQ(0, vcp_region(&self->d, VFIO_PCI_BAR0_REGION_INDEX, &r));
	EXPECT_GT(r.info.size, 0);
	vcp_region_free(&r);
	ASSERT_EQ(4, pread(self->d.fd, &id, 4, CFG_OFF(0)));
	EXPECT_NE(0xffffffffu, id);
}

TEST_HARNESS_MAIN
