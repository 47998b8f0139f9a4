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
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* mremap() */
#endif
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "../lib/vfio_dev.h"

#define CFG_OFF(off)	(vcp_region_offset(VFIO_PCI_CONFIG_REGION_INDEX) + (off))

static const char *env_bdf(void)
{
	const char *b = getenv("VCP_BDF");

	return b ? b : "0000:0d:00.0";
}

/* one value of the driver's sysfs directory, newline dropped; -1 if absent */
static int drv_attr(const char *name, char *buf, size_t len)
{
	char path[160];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/vfio_cxl/%s", env_bdf(), name);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = 0;
	if (n && buf[n - 1] == '\n')
		buf[n - 1] = 0;
	return 0;
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
	if (!(self->d.info.flags & VFIO_DEVICE_FLAGS_CXL)) {
		/* the scenario bound a CXL device: a plain binding is a failure */
		ASSERT_EQ(0, env_u64("VCP_EXPECT_CXL")) TH_LOG("expected a CXL device");
		SKIP(return, "device is not exposed as CXL");
	}
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
	uint32_t cap_off = (uint32_t)((const char *)c - (const char *)self->d.info_buf);

	EXPECT_EQ(VFIO_DEVICE_INFO_CAP_CXL, c->header.id);
	EXPECT_EQ(1, c->header.version);
	/* exactly the 32 bytes of the v2 layout: up to the next one or the end */
	if (c->header.next) {
		EXPECT_LE(cap_off + 32, c->header.next);
	} else {
		EXPECT_EQ(cap_off + 32, self->d.info.argsz);
	}
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
	if (env_u64("VCP_EXPECT_CXL"))
		ASSERT_NE(0, want) TH_LOG("the scenario must say what firmware committed");
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

/* ioremap areas in /proc/vmallocinfo that start at host physical @hpa */
static int vmalloc_areas_at(uint64_t hpa)
{
	FILE *f = fopen("/proc/vmallocinfo", "r");
	char line[512], *p;
	int n = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		p = strstr(line, " phys=");
		if (p && strtoull(p + 6, NULL, 16) == hpa)
			n++;
	}
	fclose(f);
	return n;
}

/* the kernel's write-back alias of device memory exists while the device
 * is open, once (the scenario checks that it is gone while closed) */
TEST_F(cxl, kernel_alias_while_open)
{
	uint64_t hpa = env_u64("VCP_HPA");

	if (!hpa)
		SKIP(return, "VCP_HPA (the host address of decoder 0) not given");
	EXPECT_EQ(1, vmalloc_areas_at(hpa)) TH_LOG("one mapping of %#llx while open",
						   (unsigned long long)hpa);
}

/* --- huge mappings: PMD (2 MiB) and PUD (1 GiB) entries ---------------- */
#define SZ_2M	(2UL << 20)
#define SZ_1G	(1UL << 30)

/*
 * Huge PFN-map entries need transparent huge pages in the kernel (Debian's
 * PREEMPT_RT kernels have none): there, every mapping gets 4 KiB entries,
 * one fault per page, and that is what the tests expect.
 */
static int huge_pfnmap(void)
{
	return access("/sys/kernel/mm/transparent_hugepage/enabled", F_OK) == 0;
}

/* most faults allowed to touch @len bytes mapped with @unit entries */
static long max_faults(size_t len, size_t unit)
{
	return (long)(len / (huge_pfnmap() ? unit : 4096)) + 8;
}

static long minflt(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt;
}

/* page faults taken to read one byte of every 4 KiB page of [m, m + len) */
static long touch_faults(const char *m, size_t len)
{
	long f0 = minflt();

	for (size_t o = 0; o < len; o += 4096)
		(void)*(const volatile char *)(m + o);
	return minflt() - f0;
}

/* a distinctive 8-byte value at DPA offset @at, written through pwrite() */
static uint64_t mark_val(uint64_t tag, uint64_t at)
{
	return tag ^ (at * 0x9e3779b97f4a7c15ULL);
}

static int put_marks(FIXTURE_DATA(cxl) *self, uint64_t at, size_t len, size_t step, uint64_t tag)
{
	uint64_t base = vcp_region_offset(self->d.cxl->dpa_region_index);

	for (uint64_t o = at; o < at + len; o += step) {
		uint64_t v = mark_val(tag, o);

		if (pwrite(self->d.fd, &v, 8, base + o) != 8)
			return -1;
	}
	return 0;
}

/* marks that do not read back through mapping @m of DPA [at, at + len),
 * leaving out [hole, hole + hole_len) of the mapping */
static long bad_marks(const char *m, uint64_t at, size_t len, size_t step, uint64_t tag,
		      size_t hole, size_t hole_len)
{
	long bad = 0;

	for (size_t o = 0; o < len; o += step) {
		if (o >= hole && o < hole + hole_len)
			continue;
		if (*(const volatile uint64_t *)(m + o) != mark_val(tag, at + o))
			bad++;
	}
	return bad;
}

static int set_huge_pages(const char *v)
{
	int fd = open("/sys/module/vfio_cxl_pci/parameters/huge_pages", O_WRONLY);
	int ret;

	if (fd < 0)
		return -1;
	ret = write(fd, v, strlen(v)) == (ssize_t)strlen(v) ? 0 : -1;
	close(fd);
	return ret;
}

/* the whole region, mapped as QEMU maps it: one fault per 2 MiB, or per
 * 1 GiB where the host physical address is 1 GiB aligned (VCP_EXPECT_PUD) */
TEST_F(cxl, dpa_huge_faults)
{
	uint64_t off = vcp_region_offset(self->d.cxl->dpa_region_index);
	size_t len = self->dpa_size, unit = env_u64("VCP_EXPECT_PUD") ? SZ_1G : SZ_2M;
	long f;
	char *m;

	ASSERT_EQ(0, put_marks(self, 0, len, SZ_2M + 4096, 0x4a6e5a1d00000000ULL));
	m = vcp_mmap_aligned(len, PROT_READ, self->d.fd, off);
	ASSERT_NE(MAP_FAILED, m);
	f = touch_faults(m, len);
	ksft_print_msg("%ld faults to read %zu MiB, %.3f per 2 MiB (4 KiB pages: %zu)\n",
		       f, len >> 20, (double)f / (len / SZ_2M), len / 4096);
	EXPECT_LE(f, max_faults(len, unit))
		TH_LOG("at most %ld faults expected (%s)", max_faults(len, unit),
		       huge_pfnmap() ? "huge entries" : "no THP in this kernel: 4 KiB entries");
	EXPECT_EQ(0, bad_marks(m, 0, len, SZ_2M + 4096, 0x4a6e5a1d00000000ULL, 0, 0))
		TH_LOG("a huge entry maps the wrong device memory");
	munmap(m, len);
}

/* huge_pages=N: 4 KiB entries only, one fault per page; Y again: 2 MiB */
TEST_F(cxl, dpa_huge_pages_param)
{
	uint64_t off = vcp_region_offset(self->d.cxl->dpa_region_index);
	size_t len = 64UL << 20;
	long f4k, fhuge;
	char *m;

	ASSERT_EQ(0, set_huge_pages("N"));
	m = vcp_mmap_aligned(len, PROT_READ, self->d.fd, off);
	ASSERT_NE(MAP_FAILED, m);
	f4k = touch_faults(m, len);
	munmap(m, len);
	ASSERT_EQ(0, set_huge_pages("Y"));
	m = vcp_mmap_aligned(len, PROT_READ, self->d.fd, off);
	ASSERT_NE(MAP_FAILED, m);
	fhuge = touch_faults(m, len);
	munmap(m, len);
	ksft_print_msg("64 MiB: %ld faults with huge_pages=N, %ld with Y\n", f4k, fhuge);
	EXPECT_GE(f4k, (long)(len / 4096));
	EXPECT_LE(fhuge, max_faults(len, SZ_2M));
}

/* a mapping whose DPA offset is not 2 MiB aligned gets 4 KiB entries, of
 * the right memory */
TEST_F(cxl, dpa_unaligned_offset_maps_pages)
{
	uint64_t off = vcp_region_offset(self->d.cxl->dpa_region_index), at = SZ_2M + 4096;
	size_t len = 8UL << 20;
	long f;
	char *m;

	ASSERT_EQ(0, put_marks(self, at, len, 4096, 0x0ff5e7000000000ULL));
	m = vcp_mmap_aligned(len, PROT_READ, self->d.fd, off + at);
	ASSERT_NE(MAP_FAILED, m);
	f = touch_faults(m, len);
	EXPECT_GE(f, (long)(len / 4096) - 8) TH_LOG("%ld faults", f);
	EXPECT_EQ(0, bad_marks(m, at, len, 4096, 0x0ff5e7000000000ULL, 0, 0));
	munmap(m, len);
}

/* munmap of one page inside a 2 MiB entry: the rest stays right */
TEST_F(cxl, dpa_huge_partial_munmap)
{
	uint64_t off = vcp_region_offset(self->d.cxl->dpa_region_index);
	size_t len = 8UL << 20, hole = SZ_2M + 4096;
	char *m;

	ASSERT_EQ(0, put_marks(self, 0, len, 4096, 0x9a7714100000000ULL));
	m = vcp_mmap_aligned(len, PROT_READ, self->d.fd, off);
	ASSERT_NE(MAP_FAILED, m);
	EXPECT_LE(touch_faults(m, len), max_faults(len, SZ_2M));
	ASSERT_EQ(0, munmap(m + hole, 4096));
	EXPECT_EQ(0, bad_marks(m, 0, len, 4096, 0x9a7714100000000ULL, hole, 4096));
	EXPECT_EQ(-1, msync(m + hole, 4096, MS_ASYNC));
	EXPECT_EQ(ENOMEM, errno) TH_LOG("the hole is unmapped");
	munmap(m, hole);
	munmap(m + hole + 4096, len - hole - 4096);
}

/* mremap() moves a huge mapping; it still maps the same memory */
TEST_F(cxl, dpa_huge_mremap)
{
	uint64_t off = vcp_region_offset(self->d.cxl->dpa_region_index), at = 4UL << 20;
	size_t len = 4UL << 20;
	char *m, *to, *n;

	ASSERT_EQ(0, put_marks(self, at, len, 4096, 0x3e3a9000000000ULL));
	m = vcp_mmap_aligned(len, PROT_READ, self->d.fd, off + at);
	ASSERT_NE(MAP_FAILED, m);
	EXPECT_LE(touch_faults(m, len), max_faults(len, SZ_2M));
	to = vcp_mmap_aligned(len, PROT_READ, self->d.fd, off + at);
	ASSERT_NE(MAP_FAILED, to);
	n = mremap(m, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, to);
	ASSERT_EQ(to, n);
	EXPECT_EQ(0, bad_marks(n, at, len, 4096, 0x3e3a9000000000ULL, 0, 0));
	EXPECT_EQ(-1, msync(m, 4096, MS_ASYNC)) TH_LOG("the old address is unmapped");
	munmap(n, len);
}

/* fork(): the child sees the parent's huge mapping, and shares it */
TEST_F(cxl, dpa_huge_fork)
{
	uint64_t off = vcp_region_offset(self->d.cxl->dpa_region_index), v = 0;
	size_t len = 4UL << 20;
	int st = -1;
	pid_t pid;
	char *m;

	ASSERT_EQ(0, put_marks(self, 0, len, 4096, 0xf0c4ed00000000ULL));
	m = vcp_mmap_aligned(len, PROT_READ | PROT_WRITE, self->d.fd, off);
	ASSERT_NE(MAP_FAILED, m);
	EXPECT_LE(touch_faults(m, len), max_faults(len, SZ_2M));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		long bad = bad_marks(m, 0, len, 4096, 0xf0c4ed00000000ULL, 0, 0);

		*(volatile uint64_t *)(m + (3UL << 20) + 8) = 0xc41d0f0c4ed0001ULL;
		_exit(bad ? 1 : 0);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) TH_LOG("the child read other memory");
	EXPECT_EQ(0xc41d0f0c4ed0001ULL, *(volatile uint64_t *)(m + (3UL << 20) + 8));
	ASSERT_EQ(8, pread(self->d.fd, &v, 8, off + (3UL << 20) + 8));
	EXPECT_EQ(0xc41d0f0c4ed0001ULL, v) TH_LOG("the child's write reached device memory");
	munmap(m, len);
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
	/* the firmware lock shows as it is (VCP_FW_LOCKED: 1 locked, 0 not) */
	if (getenv("VCP_FW_LOCKED"))
		EXPECT_EQ(env_u64("VCP_FW_LOCKED") ? 1u << 8 : 0, v[4] & (1u << 8));
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

/* the device's RAS Uncorrectable Error Mask, set to @set first if non-zero */
static uint32_t host_rasmask(uint32_t set)
{
	char cmd[128], out[32] = "";
	uint32_t v = ~0u;
	FILE *f;

	if (set)
		snprintf(cmd, sizeof(cmd), "cxlfw rasmask %s %#x", env_bdf(), set);
	else
		snprintf(cmd, sizeof(cmd), "cxlfw rasmask %s", env_bdf());
	f = popen(cmd, "r");
	if (!f)
		return v;
	if (fgets(out, sizeof(out), f))
		v = strtoul(out, NULL, 0);
	pclose(f);
	return v;
}

/*
 * The RAS capability is the device's, live (CXL r3.1 8.2.4.16): a value
 * the device takes after open shows through COMP_REGS (a probe-time copy
 * would not), and a guest write to the mask never reaches the device.
 */
TEST_F(cxl, comp_regs_ras_is_live)
{
	uint32_t hdr, e, ras = 0, v, orig, i;

	ASSERT_EQ(0, vcp_comp_read(&self->d, 0, &hdr));
	for (i = 1; i <= hdr >> 24; i++) {
		ASSERT_EQ(0, vcp_comp_read(&self->d, 4 * i, &e));
		if ((e & 0xffff) == 2)
			ras = e >> 20;
	}
	if (!ras || ras > self->hdm_off)
		SKIP(return, "no RAS capability before the HDM decoders");
	orig = host_rasmask(0);
	ASSERT_NE(~0u, orig) TH_LOG("cxlfw rasmask");
	ASSERT_EQ(0, vcp_comp_read(&self->d, ras + 4, &v));
	EXPECT_EQ(orig, v);
	ASSERT_EQ(0x00010203u & 0x1cfff, host_rasmask(0x00010203u & 0x1cfff));
	ASSERT_EQ(0, vcp_comp_read(&self->d, ras + 4, &v));
	EXPECT_EQ(0x00010203u & 0x1cfff, v) TH_LOG("the mask as the device has it now");
	/* the guest's write is dropped */
	EXPECT_EQ(0, vcp_comp_write(&self->d, ras + 4, 0x1cfff));
	EXPECT_EQ(0x00010203u & 0x1cfff, host_rasmask(0));
	ASSERT_EQ(0, vcp_comp_read(&self->d, ras + 4, &v));
	EXPECT_EQ(0x00010203u & 0x1cfff, v);
	/* status reads live too: QEMU's device logs none here */
	ASSERT_EQ(0, vcp_comp_read(&self->d, ras, &v));
	EXPECT_EQ(0, v);
	host_rasmask(orig);
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

/* ----- COMP_REGS writes: the virtual HDM decoders (issue: HDM emulation) ----- */

#define H_COMMIT	(1u << 9)
#define H_COMMITTED	(1u << 10)
#define H_ERR		(1u << 11)
#define H_LOCK		(1u << 8)

static uint32_t dreg(FIXTURE_DATA(cxl) *self, int n, uint32_t r)
{
	return self->hdm_off + 0x10 + 0x20 * n + r;
}

static uint32_t crd(FIXTURE_DATA(cxl) *self, uint32_t off)
{
	uint32_t v = 0xdeadbeef;

	if (vcp_comp_read(&self->d, off, &v))
		return 0xdeadbeef;
	return v;
}

static int cwr(FIXTURE_DATA(cxl) *self, uint32_t off, uint32_t v)
{
	return vcp_comp_write(&self->d, off, v);
}

/* VFIO_DEVICE_RESET, retried while another reset holds the dev-set */
static int device_reset(FIXTURE_DATA(cxl) *self)
{
	for (int i = 0; i < 50; i++) {
		if (!ioctl(self->d.fd, VFIO_DEVICE_RESET))
			return 0;
		if (errno != EAGAIN)
			return -errno;
		usleep(10000);
	}
	return -EAGAIN;
}

/* v2 path: unlock the firmware-committed decoder 0, then uncommit it */
static void free_decoder0(FIXTURE_DATA(cxl) *self)
{
	uint32_t c = crd(self, dreg(self, 0, 0x10));

	cwr(self, dreg(self, 0, 0x10), c & ~H_LOCK);
	cwr(self, dreg(self, 0, 0x10), 0);
}

TEST_F(cxl, hdm_commit_fsm)
{
	uint32_t ctrl = dreg(self, 0, 0x10), c0 = crd(self, ctrl);

	ASSERT_TRUE(c0 & H_COMMITTED);
	if (c0 & H_LOCK) {
		/* a locked decoder ignores de-commit */
		ASSERT_EQ(0, cwr(self, ctrl, (c0 | H_LOCK) & ~H_COMMIT));
		EXPECT_EQ(c0, crd(self, ctrl));
		/* v2: clearing LOCK unlocks, the decoder stays committed */
		ASSERT_EQ(0, cwr(self, ctrl, c0 & ~H_LOCK));
		EXPECT_EQ(c0 & ~H_LOCK, crd(self, ctrl));
	}
	ASSERT_EQ(0, cwr(self, ctrl, 0));
	EXPECT_EQ(0, crd(self, ctrl) & (H_COMMIT | H_COMMITTED | H_ERR));
	/* invalid: size 0 */
	cwr(self, dreg(self, 0, 0x8), 0);
	cwr(self, dreg(self, 0, 0xc), 0);
	ASSERT_EQ(0, cwr(self, ctrl, H_COMMIT));
	EXPECT_EQ(H_ERR, crd(self, ctrl) & (H_COMMITTED | H_ERR));
	cwr(self, ctrl, 0);
	EXPECT_EQ(0, crd(self, ctrl) & H_ERR);
	/* valid: the whole DPA at a 256 MiB aligned guest physical address */
	cwr(self, dreg(self, 0, 0x0), 0x40000000);
	cwr(self, dreg(self, 0, 0x4), 0x1);
	cwr(self, dreg(self, 0, 0x8), (uint32_t)self->dpa_size);
	cwr(self, dreg(self, 0, 0xc), self->dpa_size >> 32);
	ASSERT_EQ(0, cwr(self, ctrl, H_COMMIT));
	EXPECT_EQ(H_COMMITTED, crd(self, ctrl) & (H_COMMITTED | H_ERR));
	/* too large: more than the device memory */
	cwr(self, ctrl, 0);
	cwr(self, dreg(self, 0, 0xc), 1);
	cwr(self, ctrl, H_COMMIT);
	EXPECT_EQ(H_ERR, crd(self, ctrl) & (H_COMMITTED | H_ERR));
	/* decoder 1 cannot commit while decoder 0 is not committed */
	cwr(self, ctrl, 0);
	if (self->hdm_count > 1) {
		cwr(self, dreg(self, 1, 0x8), 0x10000000);
		cwr(self, dreg(self, 1, 0x10), H_COMMIT);
		EXPECT_EQ(H_ERR, crd(self, dreg(self, 1, 0x10)) & (H_COMMITTED | H_ERR));
	}
}

TEST_F(cxl, hdm_lock_on_commit)
{
	uint32_t ctrl = dreg(self, 0, 0x10);

	free_decoder0(self);
	cwr(self, dreg(self, 0, 0x0), 0x80000000);
	cwr(self, dreg(self, 0, 0x8), (uint32_t)self->dpa_size);
	cwr(self, dreg(self, 0, 0xc), self->dpa_size >> 32);
	ASSERT_EQ(0, cwr(self, ctrl, H_COMMIT | H_LOCK));
	EXPECT_EQ(H_COMMIT | H_COMMITTED | H_LOCK,
		  crd(self, ctrl) & (H_COMMIT | H_COMMITTED | H_LOCK | H_ERR));
	ASSERT_EQ(0, cwr(self, ctrl, 0));
	EXPECT_EQ(H_COMMIT | H_COMMITTED | H_LOCK,
		  crd(self, ctrl) & (H_COMMIT | H_COMMITTED | H_LOCK | H_ERR));
	cwr(self, dreg(self, 0, 0x0), 0x90000000);
	EXPECT_EQ(0x80000000, crd(self, dreg(self, 0, 0x0)));
}

/* strict_hdm_lock=Y: a firmware lock holds against the VMM as well */
TEST_F(cxl, hdm_strict_lock)
{
	uint32_t ctrl = dreg(self, 0, 0x10), c0 = crd(self, ctrl);
	uint32_t base = crd(self, dreg(self, 0, 0x0));

	if (!env_u64("VCP_EXPECT_STRICT"))
		SKIP(return, "needs strict_hdm_lock=Y (VCP_EXPECT_STRICT=1)");
	ASSERT_TRUE(c0 & H_LOCK) TH_LOG("firmware locked decoder 0");
	ASSERT_EQ(0, cwr(self, ctrl, c0 & ~H_LOCK));
	EXPECT_EQ(c0, crd(self, ctrl)) TH_LOG("the lock stays");
	ASSERT_EQ(0, cwr(self, ctrl, 0));
	EXPECT_EQ(c0, crd(self, ctrl)) TH_LOG("no de-commit");
	ASSERT_EQ(0, cwr(self, dreg(self, 0, 0x0), base ^ 0x10000000));
	EXPECT_EQ(base, crd(self, dreg(self, 0, 0x0)));
	/* not even across a reset of the device */
	ASSERT_EQ(0, device_reset(self));
	ASSERT_EQ(0, cwr(self, ctrl, c0 & ~H_LOCK));
	EXPECT_EQ(c0, crd(self, ctrl));
}

TEST_F(cxl, hdm_base_write_absorbed_when_locked)
{
	uint32_t c0 = crd(self, dreg(self, 0, 0x10));

	if (!(c0 & H_LOCK))
		SKIP(return, "firmware did not lock decoder 0");
	cwr(self, dreg(self, 0, 0x0), 0x70000000);
	cwr(self, dreg(self, 0, 0x4), 0x7);
	cwr(self, dreg(self, 0, 0x8), 0x20000000);
	EXPECT_EQ(0, crd(self, dreg(self, 0, 0x0)));
	EXPECT_EQ(0, crd(self, dreg(self, 0, 0x4)));
	EXPECT_EQ((uint32_t)self->dpa_size, crd(self, dreg(self, 0, 0x8)));
}

TEST_F(cxl, hdm_base_shadow_roundtrip)
{
	if (self->hdm_count < 2)
		SKIP(return, "one decoder");
	cwr(self, dreg(self, 1, 0x0), 0xffffffff);
	cwr(self, dreg(self, 1, 0x4), 0xffffffff);
	cwr(self, dreg(self, 1, 0x8), 0x1fffffff);
	cwr(self, dreg(self, 1, 0xc), 0x2);
	EXPECT_EQ(0xf0000000, crd(self, dreg(self, 1, 0x0)));
	EXPECT_EQ(0xffffffff, crd(self, dreg(self, 1, 0x4)));
	EXPECT_EQ(0x10000000, crd(self, dreg(self, 1, 0x8)));
	EXPECT_EQ(0x2, crd(self, dreg(self, 1, 0xc)));
	/* DPA skip is read-only for a passthrough endpoint */
	cwr(self, dreg(self, 1, 0x14), 0x10000000);
	EXPECT_EQ(0, crd(self, dreg(self, 1, 0x14)));
}

TEST_F(cxl, comp_regs_read_only_and_reserved)
{
	uint32_t off, before[64], cap = crd(self, self->hdm_off), g;

	for (off = 0; off < self->hdm_off && off / 4 < 64; off += 4)
		before[off / 4] = crd(self, off);
	for (off = 0; off < self->hdm_off && off / 4 < 64; off += 4)
		ASSERT_EQ(0, cwr(self, off, 0xffffffff));
	for (off = 0; off < self->hdm_off && off / 4 < 64; off += 4)
		EXPECT_EQ(before[off / 4], crd(self, off)) TH_LOG("offset %#x", off);
	cwr(self, self->hdm_off, 0);
	EXPECT_EQ(cap, crd(self, self->hdm_off));
	cwr(self, self->hdm_off + 8, 0xffffffff);
	EXPECT_EQ(0, crd(self, self->hdm_off + 8));
	cwr(self, self->hdm_off + 4, 0xffffffff);
	g = crd(self, self->hdm_off + 4);
	EXPECT_EQ((cap & (1u << 10)) ? 3u : 2u, g);
	/* nothing past the last decoder */
	EXPECT_EQ(-EINVAL, cwr(self, self->comp_size, 0));
}

/* The VMM's view survives device resets in one open ... */
TEST_F(cxl, hdm_view_survives_reset)
{
	uint32_t ctrl = dreg(self, 0, 0x10), c0 = crd(self, ctrl);

	ASSERT_EQ(0, cwr(self, ctrl, c0 & ~H_LOCK));
	ASSERT_EQ(0, cwr(self, dreg(self, 0, 0x0), 0x50000000));
	ASSERT_EQ(0, cwr(self, dreg(self, 0, 0x4), 0x2));
	ASSERT_EQ(0, device_reset(self));
	EXPECT_EQ(0x50000000, crd(self, dreg(self, 0, 0x0)));
	EXPECT_EQ(0x2, crd(self, dreg(self, 0, 0x4)));
	EXPECT_EQ(c0 & ~H_LOCK, crd(self, ctrl));
}

/* ... and starts afresh at the next open */
TEST_F(cxl, hdm_view_fresh_at_open)
{
	uint32_t ctrl = dreg(self, 0, 0x10), c0 = crd(self, ctrl);

	ASSERT_EQ(0, cwr(self, ctrl, c0 & ~H_LOCK));
	ASSERT_EQ(0, cwr(self, ctrl, 0));
	ASSERT_EQ(0, cwr(self, dreg(self, 0, 0x0), 0x50000000));
	ASSERT_EQ(0x50000000, crd(self, dreg(self, 0, 0x0)));
	ASSERT_EQ(0, crd(self, ctrl) & H_COMMITTED);
	vcp_close(&self->d);
	ASSERT_EQ(0, vcp_open(&self->d, env_bdf()));
	EXPECT_EQ(c0, crd(self, ctrl));
	EXPECT_EQ(0, crd(self, dreg(self, 0, 0x0)));
}

/* ----- the sealed component register BAR ----- */

static uint64_t bar_len(unsigned int bar)
{
	char path[128], line[256];
	uint64_t start = 0, end = 0;
	FILE *f;
	unsigned int i;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource", env_bdf());
	f = fopen(path, "r");
	if (!f)
		return 0;
	for (i = 0; i <= bar && fgets(line, sizeof(line), f); i++)
		sscanf(line, "%lx %lx", &start, &end);
	fclose(f);
	return end ? end - start + 1 : 0;
}

TEST_F(cxl, comp_bar_sparse_mmap)
{
	const struct vfio_device_info_cap_cxl *c = self->d.cxl;
	const struct vfio_region_info_cap_sparse_mmap *sp;
	struct vfio_region_info small = { .argsz = sizeof(small), .index = c->hdm_regs_bar_index };
	uint64_t pg = sysconf(_SC_PAGESIZE), blk = c->hdm_regs_offset - 0x1000;
	uint64_t bstart = blk & ~(pg - 1), bend = (blk + 0x10000 + pg - 1) & ~(pg - 1), sum = 0;
	struct vcp_region r;
	unsigned int i;

	ASSERT_EQ(0, ioctl(self->d.fd, VFIO_DEVICE_GET_REGION_INFO, &small));
	EXPECT_GT(small.argsz, sizeof(small)) TH_LOG("the capabilities need more room");
	EXPECT_TRUE(small.flags & VFIO_REGION_INFO_FLAG_CAPS);
	ASSERT_EQ(0, vcp_region(&self->d, c->hdm_regs_bar_index, &r));
	EXPECT_EQ(bar_len(c->hdm_regs_bar_index), r.info.size);
	EXPECT_TRUE(r.info.flags & VFIO_REGION_INFO_FLAG_READ);
	EXPECT_TRUE(r.info.flags & VFIO_REGION_INFO_FLAG_WRITE);
	sp = (const void *)vcp_region_cap(&r, VFIO_REGION_INFO_CAP_SPARSE_MMAP);
	ASSERT_NE(NULL, sp);
	EXPECT_EQ((bstart > 0) + (bend < r.info.size), sp->nr_areas);
	EXPECT_EQ(!!sp->nr_areas, !!(r.info.flags & VFIO_REGION_INFO_FLAG_MMAP));
	for (i = 0; i < sp->nr_areas; i++) {
		uint64_t o = sp->areas[i].offset, z = sp->areas[i].size;
		void *m;

		EXPECT_GT(z, 0);
		EXPECT_EQ(0, o % pg);
		EXPECT_LE(o + z, r.info.size);
		EXPECT_TRUE(o + z <= bstart || o >= bend) TH_LOG("area %u overlaps the block", i);
		m = mmap(NULL, z, PROT_READ, MAP_SHARED, self->d.fd, r.info.offset + o);
		EXPECT_NE(MAP_FAILED, m);
		if (m != MAP_FAILED)
			munmap(m, z);
		sum += z;
	}
	EXPECT_EQ(r.info.size - (bend - bstart), sum);
	vcp_region_free(&r);
}

TEST_F(cxl, comp_bar_mmap_blocked)
{
	const struct vfio_device_info_cap_cxl *c = self->d.cxl;
	uint64_t off = vcp_region_offset(c->hdm_regs_bar_index);
	uint64_t len = bar_len(c->hdm_regs_bar_index);
	void *m;

	m = mmap(NULL, 4096, PROT_READ, MAP_SHARED, self->d.fd, off + (c->hdm_regs_offset & ~4095ULL));
	EXPECT_EQ(MAP_FAILED, m);
	EXPECT_EQ(EINVAL, errno);
	m = mmap(NULL, len, PROT_READ, MAP_SHARED, self->d.fd, off);
	EXPECT_EQ(MAP_FAILED, m);
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(cxl, comp_bar_rdwr_split)
{
	const struct vfio_device_info_cap_cxl *c = self->d.cxl;
	uint64_t bar = vcp_region_offset(c->hdm_regs_bar_index), win = bar + c->hdm_regs_offset;
	uint64_t blk = bar + c->hdm_regs_offset - 0x1000;
	uint32_t v, w, q[2];
	uint16_t h = 0x1234;

	/* inside the COMP_REGS window: the same virtual view */
	ASSERT_EQ(4, pread(self->d.fd, &v, 4, win));
	EXPECT_EQ(crd(self, 0), v);
	ASSERT_EQ(8, pread(self->d.fd, q, 8, win));
	EXPECT_EQ(crd(self, 0), q[0]);
	EXPECT_EQ(crd(self, 4), q[1]);
	if (self->hdm_count > 1) {
		v = 0x60000000;
		ASSERT_EQ(4, pwrite(self->d.fd, &v, 4, win + dreg(self, 1, 0)));
		EXPECT_EQ(0x60000000, crd(self, dreg(self, 1, 0)));
	}
	EXPECT_EQ(-1, pwrite(self->d.fd, &h, 2, win + dreg(self, 1, 0)));
	EXPECT_EQ(EINVAL, errno);
	/* elsewhere in the block: reads from the device, writes dropped */
	ASSERT_EQ(4, pread(self->d.fd, &v, 4, blk));
	w = ~v;
	EXPECT_EQ(4, pwrite(self->d.fd, &w, 4, blk));
	ASSERT_EQ(4, pread(self->d.fd, &w, 4, blk));
	EXPECT_EQ(v, w);
	ASSERT_EQ(1, pread(self->d.fd, &h, 1, blk + 0x1000 + self->comp_size));
}

TEST_F(cxl, comp_bar_ioeventfd_blocked)
{
	const struct vfio_device_info_cap_cxl *c = self->d.cxl;
	struct vfio_device_ioeventfd ev = {
		.argsz = sizeof(ev),
		.flags = VFIO_DEVICE_IOEVENTFD_32,
		.offset = vcp_region_offset(c->hdm_regs_bar_index) + c->hdm_regs_offset +
			  dreg(self, 0, 0x10),
		.data = 0,
	};

	ev.fd = eventfd(0, 0);
	ASSERT_GE(ev.fd, 0);
	EXPECT_EQ(-1, ioctl(self->d.fd, VFIO_DEVICE_IOEVENTFD, &ev));
	EXPECT_EQ(ENOTTY, errno);
	ev.offset = vcp_region_offset(c->hdm_regs_bar_index) + c->hdm_regs_offset - 0x1000;
	EXPECT_EQ(-1, ioctl(self->d.fd, VFIO_DEVICE_IOEVENTFD, &ev));
	EXPECT_EQ(ENOTTY, errno);
	close(ev.fd);
}

static int host_regs(char *buf, size_t len)
{
	char cmd[128];
	FILE *p;
	size_t n;

	snprintf(cmd, sizeof(cmd), "cxlfw regs %s", env_bdf());
	p = popen(cmd, "r");
	if (!p)
		return -1;
	n = fread(buf, 1, len - 1, p);
	buf[n] = 0;
	return pclose(p) == 0 && n > 0 ? 0 : -1;
}

/* a value in the device's last decoder, which nothing programs: a reset clears it */
static int host_mark(uint32_t v)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "cxlfw mark %s %#x", env_bdf(), v);
	return system(cmd) == 0 ? 0 : -1;
}

/*
 * Every decoder register read through the raw component BAR region is the
 * virtual view COMP_REGS shows, and decoder 0's BASE there is never the
 * host physical address firmware committed (CXL r3.1 8.2.4.20).
 */
TEST_F(cxl, comp_bar_decoders_show_the_view)
{
	const struct vfio_device_info_cap_cxl *c = self->d.cxl;
	uint64_t win = vcp_region_offset(c->hdm_regs_bar_index) + c->hdm_regs_offset;
	uint32_t hi, lo, v, raw_lo = 0, raw_hi = 0;
	char buf[4096], *p;

	ASSERT_EQ(0, host_regs(buf, sizeof(buf)));
	p = strstr(buf, "dec0 base=");
	ASSERT_NE(NULL, p);
	ASSERT_EQ(2, sscanf(p, "dec0 base=%x_%x", &hi, &lo));
	ASSERT_NE(0, hi | lo) TH_LOG("the host's decoder 0 has a base to hide");
	for (int n = 0; n < self->hdm_count; n++) {
		for (uint32_t r = 0; r < 0x20; r += 4) {
			v = 0xdeadbeef;
			ASSERT_EQ(4, pread(self->d.fd, &v, 4, win + dreg(self, n, r)));
			EXPECT_EQ(crd(self, dreg(self, n, r)), v)
				TH_LOG("decoder %d register %#x", n, 0x10 + r);
			if (n == 0 && r == 0)
				raw_lo = v;
			if (n == 0 && r == 4)
				raw_hi = v;
		}
	}
	EXPECT_FALSE(raw_hi == hi && (raw_lo & 0xf0000000) == (lo & 0xf0000000))
		TH_LOG("the raw BAR shows the host's BASE %08x_%08x", hi, lo);
}

/* 1 if the mark is still there (no reset since host_mark()), 0 if not */
static int host_marked(FIXTURE_DATA(cxl) *self, uint32_t v)
{
	char buf[4096], want[64];

	if (host_regs(buf, sizeof(buf)))
		return -1;
	snprintf(want, sizeof(want), "dec%d base=%08x_", self->hdm_count - 1, v);
	return strstr(buf, want) != NULL;
}

/*
 * A storm of COMP_REGS and component-BAR writes from the VMM: afterwards the
 * device's real decoders (read by the host, while the device is still open)
 * are unchanged and the device memory holds what was written before.
 */
TEST_F(cxl, comp_write_storm)
{
	const struct vfio_device_info_cap_cxl *c = self->d.cxl;
	uint64_t dpa = vcp_region_offset(c->dpa_region_index);
	uint64_t bar = vcp_region_offset(c->hdm_regs_bar_index);
	uint64_t blen = bar_len(c->hdm_regs_bar_index);
	static const size_t widths[] = { 1, 2, 4, 8 };
	char before[4096], after[4096];
	size_t plen = 1 << 16;
	uint8_t *pat = malloc(plen), *chk = malloc(plen);
	unsigned int i, seed = env_u64("VCP_STORM_SEED") ?: 12345;

	ASSERT_NE(NULL, pat);
	ASSERT_NE(NULL, chk);
	ASSERT_EQ(0, host_regs(before, sizeof(before)));
	for (i = 0; i < plen; i++)
		pat[i] = (uint8_t)(i * 31 + 7);
	ASSERT_EQ((ssize_t)plen, pwrite(self->d.fd, pat, plen, dpa));
	ASSERT_EQ((ssize_t)plen, pwrite(self->d.fd, pat, plen, dpa + self->dpa_size - plen));
	/* every decoder register through the raw BAR: uncommit, move, resize */
	for (int n = 0; n < self->hdm_count; n++) {
		static const uint32_t vals[] = { 0, 0xffffffff, 0x10000000, H_COMMIT, H_LOCK };

		for (uint32_t r = 0; r < 0x20; r += 4)
			for (i = 0; i < sizeof(vals) / sizeof(vals[0]); i++)
				EXPECT_EQ(4, pwrite(self->d.fd, &vals[i], 4,
						    bar + c->hdm_regs_offset + dreg(self, n, r)));
	}
	ASSERT_EQ(0, host_regs(after, sizeof(after)));
	EXPECT_STREQ(before, after) TH_LOG("targeted decoder writes reached the device");
	srand(seed);
	for (i = 0; i < 20000; i++) {
		uint64_t v = (uint64_t)rand() << 32 | rand();
		size_t w = widths[rand() % 4];

		if (rand() & 1)
			pwrite(self->d.fd, &v, w, vcp_region_offset(c->comp_regs_region_index) +
			       (rand() % (self->comp_size + 8)));
		else
			pwrite(self->d.fd, &v, w, bar + rand() % blen);
	}
	ASSERT_EQ(0, host_regs(after, sizeof(after)));
	EXPECT_STREQ(before, after);
	ASSERT_EQ((ssize_t)plen, pread(self->d.fd, chk, plen, dpa));
	EXPECT_EQ(0, memcmp(pat, chk, plen));
	ASSERT_EQ((ssize_t)plen, pread(self->d.fd, chk, plen, dpa + self->dpa_size - plen));
	EXPECT_EQ(0, memcmp(pat, chk, plen));
	free(pat);
	free(chk);
}

/* ----- the virtual CXL Device DVSEC (issue: DVSEC virtualisation) ----- */

/* the device's own config space, read by the host through sysfs */
static uint32_t hw_cfg(unsigned int off, unsigned int width)
{
	char path[128];
	uint32_t v = 0;
	int fd;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config", env_bdf());
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return ~0u;
	if (pread(fd, &v, width, off) != (ssize_t)width)
		v = ~0u;
	close(fd);
	return v;
}

static uint32_t vcfg(FIXTURE_DATA(cxl) *self, unsigned int off, unsigned int width)
{
	uint32_t v = 0;

	if (pread(self->d.fd, &v, width, CFG_OFF(off)) != (ssize_t)width)
		return ~0u;
	return v;
}

static int vcfg_wr(FIXTURE_DATA(cxl) *self, unsigned int off, unsigned int width, uint32_t v)
{
	return pwrite(self->d.fd, &v, width, CFG_OFF(off)) == (ssize_t)width ? 0 : -errno;
}

#define DV_CAP		0x0a
#define DV_CTRL		0x0c
#define DV_STATUS	0x0e
#define DV_CTRL2	0x10
#define DV_STATUS2	0x12
#define DV_LOCK		0x14
#define DV_BASE_HI(n)	(0x20 + 0x10 * (n))
#define DV_BASE_LO(n)	(0x24 + 0x10 * (n))

/* upstream dvsec_body_read: the body reads as the device's, where it is RO */
TEST_F(cxl, dvsec_body_read)
{
	unsigned int dv = find_dvsec(self->d.fd, 0);
	uint32_t len;

	ASSERT_NE(0, dv);
	len = vcfg(self, dv + 4, 4) >> 20;
	EXPECT_EQ(0x1e98, vcfg(self, dv + 4, 2));
	EXPECT_EQ(0, vcfg(self, dv + 8, 2));
	EXPECT_GE(len, 0x38);
	EXPECT_EQ(hw_cfg(dv + 4, 4), vcfg(self, dv + 4, 4));
	EXPECT_EQ(hw_cfg(dv + DV_CAP, 2), vcfg(self, dv + DV_CAP, 2));
	EXPECT_EQ(hw_cfg(dv + 0x16, 2), vcfg(self, dv + 0x16, 2));		/* Capability2 */
	EXPECT_EQ(hw_cfg(dv + 0x18, 4), vcfg(self, dv + 0x18, 4));		/* Range 1 size */
	EXPECT_EQ(hw_cfg(dv + 0x1c, 4), vcfg(self, dv + 0x1c, 4));
	if (len >= 0x3a)
		EXPECT_EQ(hw_cfg(dv + 0x38, 2), vcfg(self, dv + 0x38, 2));	/* Capability3 */
	/* every width and alignment reads the same bytes */
	for (unsigned int off = 4; off + 4 <= len; off += 4) {
		uint32_t d = vcfg(self, dv + off, 4);

		EXPECT_EQ(d & 0xffff, vcfg(self, dv + off, 2)) TH_LOG("%#x", off);
		EXPECT_EQ(d >> 16, vcfg(self, dv + off + 2, 2)) TH_LOG("%#x", off);
		for (unsigned int b = 0; b < 4; b++)
			EXPECT_EQ((d >> (8 * b)) & 0xff, vcfg(self, dv + off + b, 1));
	}
	/* an unaligned dword and one that straddles the DVSEC's end */
	EXPECT_EQ((vcfg(self, dv + 8, 4) >> 24) | (vcfg(self, dv + 0xc, 4) << 8),
		  vcfg(self, dv + 0xb, 4));
	EXPECT_EQ((vcfg(self, dv + len - 4, 4) >> 16) | (hw_cfg(dv + len, 2) << 16),
		  vcfg(self, dv + len - 2, 4));
}

TEST_F(cxl, dvsec_control_virtual)
{
	unsigned int dv = find_dvsec(self->d.fd, 0);
	uint32_t hw = hw_cfg(dv + DV_CTRL, 2), cap = vcfg(self, dv + DV_CAP, 2);

	ASSERT_NE(0, dv);
	if (vcfg(self, dv + DV_LOCK, 2) & 1)
		SKIP(return, "CONFIG_LOCK set by firmware");
	EXPECT_TRUE(vcfg(self, dv + DV_CTRL, 2) & 0x2) TH_LOG("IO_Enable reads 1");
	ASSERT_EQ(0, vcfg_wr(self, dv + DV_CTRL, 2, 0));
	EXPECT_EQ(0x2, vcfg(self, dv + DV_CTRL, 2)) TH_LOG("Mem_Enable virtual, IO_Enable stays");
	EXPECT_EQ(hw, hw_cfg(dv + DV_CTRL, 2)) TH_LOG("the device keeps the host's Control");
	ASSERT_EQ(0, vcfg_wr(self, dv + DV_CTRL, 2, 0xffff));
	EXPECT_EQ(0, vcfg(self, dv + DV_CTRL, 2) & ((1u << 13) | (1u << 15)));
	if (!(cap & 1))
		EXPECT_EQ(0, vcfg(self, dv + DV_CTRL, 2) & 0xff9) TH_LOG("no cache bits without Cache_Capable");
	if (!(cap & (1u << 14)))
		EXPECT_EQ(0, vcfg(self, dv + DV_CTRL, 2) & (1u << 14));
	EXPECT_TRUE(vcfg(self, dv + DV_CTRL, 2) & 0x4);
	EXPECT_EQ(hw, hw_cfg(dv + DV_CTRL, 2));
	/* a byte write to the high byte leaves Mem_Enable alone */
	ASSERT_EQ(0, vcfg_wr(self, dv + DV_CTRL + 1, 1, 0));
	EXPECT_TRUE(vcfg(self, dv + DV_CTRL, 2) & 0x4);
}

TEST_F(cxl, dvsec_status_and_control2)
{
	unsigned int dv = find_dvsec(self->d.fd, 0);
	uint32_t cap = vcfg(self, dv + DV_CAP, 2), hw_st = hw_cfg(dv + DV_STATUS, 2);
	uint32_t hw_c2 = hw_cfg(dv + DV_CTRL2, 2);

	ASSERT_EQ(0, vcfg_wr(self, dv + DV_STATUS, 2, 0xffff));
	EXPECT_EQ(0, vcfg(self, dv + DV_STATUS, 2) & ~(1u << 14)) TH_LOG("RsvdZ");
	if (!(cap & (1u << 14)))
		EXPECT_EQ(0, vcfg(self, dv + DV_STATUS, 2));
	EXPECT_EQ(hw_st, hw_cfg(dv + DV_STATUS, 2));
	/* Control2: action bits read 0, reserved 15:6 read 0 (no CXL reset here) */
	ASSERT_EQ(0, vcfg_wr(self, dv + DV_CTRL2, 2, 0xfffb));
	EXPECT_EQ(0, vcfg(self, dv + DV_CTRL2, 2) & 0xffc6);
	if (!(cap & 1))
		EXPECT_EQ(0, vcfg(self, dv + DV_CTRL2, 2) & 1);
	if (!(cap & (1u << 11)))
		EXPECT_EQ(0, vcfg(self, dv + DV_CTRL2, 2) & 8);
	EXPECT_EQ(hw_c2, hw_cfg(dv + DV_CTRL2, 2)) TH_LOG("no WBI or reset reached the device");
	/* Status2: the reset outcome bits are the driver's, 0 until a CXL reset */
	EXPECT_EQ(0, vcfg(self, dv + DV_STATUS2, 2) & 0x7ff6);
	ASSERT_EQ(0, vcfg_wr(self, dv + DV_STATUS2, 2, 0xffff));
	EXPECT_EQ(0, vcfg(self, dv + DV_STATUS2, 2) & 0x6);
}

/* upstream dvsec_lock_semantics, plus Range Base under CONFIG_LOCK */
TEST_F(cxl, dvsec_lock_semantics)
{
	unsigned int dv = find_dvsec(self->d.fd, 0);
	uint32_t ctrl = vcfg(self, dv + DV_CTRL, 2);

	if (vcfg(self, dv + DV_LOCK, 2) & 1) {
		EXPECT_EQ(0, vcfg(self, dv + DV_LOCK, 2) & 0xfffe);
		vcfg_wr(self, dv + DV_CTRL, 2, ctrl ^ 0x4);
		EXPECT_EQ(ctrl, vcfg(self, dv + DV_CTRL, 2));
		return;
	}
	ASSERT_EQ(0, vcfg_wr(self, dv + DV_LOCK, 2, 0xfffe));
	EXPECT_EQ(0, vcfg(self, dv + DV_LOCK, 2));
	ASSERT_EQ(0, vcfg_wr(self, dv + DV_BASE_HI(0), 4, 0x5));
	ASSERT_EQ(0, vcfg_wr(self, dv + DV_LOCK, 1, 1));
	EXPECT_EQ(1, vcfg(self, dv + DV_LOCK, 2));
	ASSERT_EQ(0, vcfg_wr(self, dv + DV_LOCK, 2, 0));
	EXPECT_EQ(1, vcfg(self, dv + DV_LOCK, 2)) TH_LOG("RWO");
	vcfg_wr(self, dv + DV_CTRL, 2, ctrl ^ 0x4);
	EXPECT_EQ(ctrl, vcfg(self, dv + DV_CTRL, 2));
	vcfg_wr(self, dv + DV_BASE_HI(0), 4, 0x9);
	EXPECT_EQ(0x5, vcfg(self, dv + DV_BASE_HI(0), 4));
	EXPECT_EQ(0, hw_cfg(dv + DV_LOCK, 2) & 1) TH_LOG("the device is not locked");
	/* a reset of the device unlocks the virtual DVSEC */
	ASSERT_EQ(0, device_reset(self));
	EXPECT_EQ(0, vcfg(self, dv + DV_LOCK, 2));
	EXPECT_EQ(0, vcfg(self, dv + DV_BASE_HI(0), 4));
}

TEST_F(cxl, dvsec_range_base_virtual)
{
	unsigned int dv = find_dvsec(self->d.fd, 0);
	uint32_t hwhi = hw_cfg(dv + DV_BASE_HI(0), 4), hwlo = hw_cfg(dv + DV_BASE_LO(0), 4);
	uint32_t cap = vcfg(self, dv + DV_CAP, 2);
	unsigned int n, w, o;

	if (env_u64("VCP_FW_VALUES")) {
		/* the test-bed's firmware put the host address in Range 1 */
		EXPECT_NE(0, hwhi | hwlo) TH_LOG("firmware's Range 1 Base is in the device");
		EXPECT_NE(0, hw_cfg(dv + DV_BASE_HI(1), 4)) TH_LOG("firmware's Range 2 Base");
	}
	/* the view starts at 0, never the host address, at any width */
	for (n = 0; n < 2; n++)
		for (w = 1; w <= 4; w *= 2)
			for (o = 0; o < 8; o += w)
				EXPECT_EQ(0, vcfg(self, dv + DV_BASE_HI(n) + o, w))
					TH_LOG("Range %u Base byte %u, %u-byte read", n + 1, o, w);
	if (vcfg(self, dv + DV_LOCK, 2) & 1)
		return;	/* locked by firmware: the writes below are ignored */
	ASSERT_EQ(0, vcfg_wr(self, dv + DV_BASE_HI(0), 4, 0x12345678));
	ASSERT_EQ(0, vcfg_wr(self, dv + DV_BASE_LO(0), 4, 0xffffffff));
	EXPECT_EQ(0x12345678, vcfg(self, dv + DV_BASE_HI(0), 4));
	EXPECT_EQ(0xf0000000, vcfg(self, dv + DV_BASE_LO(0), 4)) TH_LOG("bits 27:0 reserved");
	ASSERT_EQ(0, vcfg_wr(self, dv + DV_BASE_HI(0) + 1, 1, 0xab));
	EXPECT_EQ(0x1234ab78, vcfg(self, dv + DV_BASE_HI(0), 4));
	EXPECT_EQ(hwhi, hw_cfg(dv + DV_BASE_HI(0), 4));
	EXPECT_EQ(hwlo, hw_cfg(dv + DV_BASE_LO(0), 4));
	if (((cap >> 4) & 3) < 2) {
		vcfg_wr(self, dv + DV_BASE_HI(1), 4, 0xffffffff);
		EXPECT_EQ(0, vcfg(self, dv + DV_BASE_HI(1), 4)) TH_LOG("one HDM range: range 2 reserved");
	}
	/* the view survives nothing but the device's reset and a new open */
	ASSERT_EQ(0, device_reset(self));
	EXPECT_EQ(0, vcfg(self, dv + DV_BASE_HI(0), 4));
}

/*
 * Other CXL DVSECs read as the device has them and ignore writes. The GPF
 * DVSEC for Devices is the one QEMU's device lets firmware write, so it is
 * where a driver forwarding writes would show (the Register Locator, which
 * takes the same path, is read-only in the device).
 */
TEST_F(cxl, gpf_dvsec_shows_firmware_values_read_only)
{
	unsigned int g = find_dvsec(self->d.fd, 5);
	uint32_t dur, pwr;

	if (!g)
		SKIP(return, "no GPF DVSEC for Devices");
	dur = hw_cfg(g + 0x0a, 2);
	pwr = hw_cfg(g + 0x0c, 4);
	if (env_u64("VCP_FW_VALUES")) {
		EXPECT_EQ(0x0a0b, dur) TH_LOG("firmware's GPF Phase 2 Duration");
		EXPECT_EQ(0x00c0ffee, pwr) TH_LOG("firmware's GPF Phase 2 Power");
	}
	EXPECT_EQ(dur, vcfg(self, g + 0x0a, 2)) TH_LOG("the guest reads the device's values");
	EXPECT_EQ(pwr, vcfg(self, g + 0x0c, 4));
	EXPECT_EQ(0, vcfg_wr(self, g + 0x0a, 2, 0x0505));
	EXPECT_EQ(0, vcfg_wr(self, g + 0x0c, 4, 0x12345678));
	EXPECT_EQ(0, vcfg_wr(self, g + 0x0d, 1, 0x77));
	EXPECT_EQ(dur, hw_cfg(g + 0x0a, 2)) TH_LOG("the write did not reach the device");
	EXPECT_EQ(pwr, hw_cfg(g + 0x0c, 4));
	EXPECT_EQ(pwr, vcfg(self, g + 0x0c, 4));
}

TEST_F(cxl, dvsec_fresh_at_open)
{
	unsigned int dv = find_dvsec(self->d.fd, 0);

	if (vcfg(self, dv + DV_LOCK, 2) & 1)
		SKIP(return, "CONFIG_LOCK set by firmware");
	ASSERT_EQ(0, vcfg_wr(self, dv + DV_BASE_HI(0), 4, 0x77));
	ASSERT_EQ(0, vcfg_wr(self, dv + DV_CTRL, 2, 0));
	ASSERT_EQ(0, vcfg_wr(self, dv + DV_LOCK, 2, 1));
	ASSERT_EQ(0x77, vcfg(self, dv + DV_BASE_HI(0), 4));
	ASSERT_EQ(0, vcfg(self, dv + DV_CTRL, 2) & 0x4);
	ASSERT_EQ(1, vcfg(self, dv + DV_LOCK, 2));
	vcp_close(&self->d);
	ASSERT_EQ(0, vcp_open(&self->d, env_bdf()));
	EXPECT_EQ(0, vcfg(self, dv + DV_LOCK, 2));
	EXPECT_EQ(0, vcfg(self, dv + DV_BASE_HI(0), 4));
	EXPECT_EQ((hw_cfg(dv + DV_CTRL, 2) & 0x4) | 0x2, vcfg(self, dv + DV_CTRL, 2) & 0x6);
}

TEST_F(cxl, other_cxl_dvsecs_read_only)
{
	unsigned int rl = find_dvsec(self->d.fd, 8), pos;
	uint32_t before[16], len;

	ASSERT_NE(0, rl);
	len = vcfg(self, rl + 4, 4) >> 20;
	for (pos = 0; pos < len && pos / 4 < 16; pos += 4)
		before[pos / 4] = hw_cfg(rl + pos, 4);
	for (pos = 4; pos + 4 <= len; pos += 4)
		EXPECT_EQ(0, vcfg_wr(self, rl + pos, 4, 0xa5a5a5a5));
	for (pos = 0; pos < len && pos / 4 < 16; pos += 4) {
		EXPECT_EQ(before[pos / 4], vcfg(self, rl + pos, 4)) TH_LOG("guest view %#x", pos);
		EXPECT_EQ(before[pos / 4], hw_cfg(rl + pos, 4)) TH_LOG("device %#x", pos);
	}
}

/*
 * Initiate_CXL_Reset on a CXL_Reset_Capable device (emulate_cxl_reset=1 here);
 * the memory clear writes all of device memory, slow under emulation.
 */
TEST_F_TIMEOUT(cxl, guest_cxl_reset, 900)
{
	unsigned int dv = find_dvsec(self->d.fd, 0);
	uint64_t off = vcp_region_offset(self->d.cxl->dpa_region_index);
	uint32_t cap = vcfg(self, dv + DV_CAP, 2);
	char before[4096], after[4096];
	volatile uint64_t *m;
	time_t t0;

	if (!(cap & (1u << 7))) {
		ASSERT_EQ(0, env_u64("VCP_EXPECT_CXL_RESET")) TH_LOG("expected CXL_Reset_Capable");
		SKIP(return, "not CXL_Reset_Capable");
	}
	m = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_SHARED, self->d.fd, off);
	ASSERT_NE(MAP_FAILED, (void *)m);
	m[0] = 0x1234abcd5678ef01ULL;
	m[4096] = 0x0badc0de0badc0deULL;
	ASSERT_EQ(0, host_regs(before, sizeof(before)));
	ASSERT_EQ(0, host_mark(0x5a5a0001));
	ASSERT_EQ(1, host_marked(self, 0x5a5a0001));
	/* without memory clear: the data stays, the mapping refaults */
	ASSERT_EQ(0, vcfg_wr(self, dv + DV_CTRL2, 2, 0x4));
	EXPECT_EQ(0, vcfg(self, dv + DV_CTRL2, 2) & 0x4) TH_LOG("Initiate_CXL_Reset reads 0");
	EXPECT_EQ(0x2, vcfg(self, dv + DV_STATUS2, 2) & 0x6) TH_LOG("CXL_Reset_Complete");
	EXPECT_EQ(0, host_marked(self, 0x5a5a0001)) TH_LOG("the device was reset");
	EXPECT_EQ(0x1234abcd5678ef01ULL, m[0]);
	ASSERT_EQ(0, host_regs(after, sizeof(after)));
	EXPECT_STREQ(before, after) TH_LOG("the host's decoders are back");
	if (!(cap & (1u << 11)) || env_u64("VCP_SKIP_MEMCLR"))
		goto out;
	/* with CXL_Reset_Mem_Clr_Enable: device memory is cleared */
	ASSERT_EQ(0, vcfg_wr(self, dv + DV_CTRL2, 2, 0x8));
	EXPECT_EQ(0x8, vcfg(self, dv + DV_CTRL2, 2) & 0x8);
	t0 = time(NULL);
	ASSERT_EQ(0, vcfg_wr(self, dv + DV_CTRL2, 2, 0xc));
	ksft_print_msg("CXL reset with memory clear of %llu MiB took %ld s\n",
		       (unsigned long long)self->dpa_size >> 20, (long)(time(NULL) - t0));
	EXPECT_EQ(0x2, vcfg(self, dv + DV_STATUS2, 2) & 0x6);
	EXPECT_EQ(0, m[0]);
	EXPECT_EQ(0, m[4096]);
out:
	munmap((void *)m, 1 << 20);
}

/* On a device without CXL_Reset_Capable, Initiate_CXL_Reset is reserved: ignored. */
TEST_F(cxl, cxl_reset_bit_ignored_without_capability)
{
	unsigned int dv = find_dvsec(self->d.fd, 0);
	uint32_t hw2 = hw_cfg(dv + DV_CTRL2, 2), v2 = vcfg(self, dv + DV_CTRL2, 2);

	if (vcfg(self, dv + DV_CAP, 2) & (1u << 7))
		SKIP(return, "CXL_Reset_Capable");
	ASSERT_EQ(0, host_mark(0x5a5a0002));
	EXPECT_EQ(1, host_marked(self, 0x5a5a0002));
	EXPECT_EQ(0, vcfg_wr(self, dv + DV_CTRL2, 2, v2 | 0x4));
	EXPECT_EQ(v2, vcfg(self, dv + DV_CTRL2, 2)) TH_LOG("reserved: reads as before");
	EXPECT_EQ(0, vcfg(self, dv + DV_STATUS2, 2) & 0x6) TH_LOG("no reset outcome");
	EXPECT_EQ(1, host_marked(self, 0x5a5a0002)) TH_LOG("no reset happened");
	EXPECT_EQ(hw2, hw_cfg(dv + DV_CTRL2, 2)) TH_LOG("nothing reached the device");
	EXPECT_EQ(0, host_mark(0));
}

/*
 * Accesses that straddle registers and the DVSEC's edges are split as
 * hardware would see them: only the bytes each register owns change.
 */
TEST_F(cxl, dvsec_unaligned_and_straddling_writes)
{
	unsigned int dv = find_dvsec(self->d.fd, 0);
	uint32_t len = vcfg(self, dv + 4, 4) >> 20;
	uint32_t hdr = vcfg(self, dv, 4), h1 = vcfg(self, dv + 4, 4), cap = vcfg(self, dv + DV_CAP, 2);
	uint32_t hwctrl = hw_cfg(dv + DV_CTRL, 2), next = vcfg(self, dv + len, 4);
	uint8_t b[4];

	ASSERT_NE(0, dv);
	if (vcfg(self, dv + DV_LOCK, 2) & 1)
		SKIP(return, "CONFIG_LOCK set by firmware");
	/* Capability high byte, Control (both bytes), Status low byte */
	memcpy(b, (uint8_t[]){ 0xff, 0x00, 0x00, 0xff }, 4);
	ASSERT_EQ(4, pwrite(self->d.fd, b, 4, CFG_OFF(dv + DV_CAP + 1)));
	EXPECT_EQ(cap, vcfg(self, dv + DV_CAP, 2)) TH_LOG("read-only");
	EXPECT_EQ(0x2, vcfg(self, dv + DV_CTRL, 2)) TH_LOG("Mem_Enable cleared, IO_Enable reads 1");
	EXPECT_EQ(0, vcfg(self, dv + DV_STATUS, 2));
	memcpy(b, (uint8_t[]){ 0x04, 0x00, 0xff }, 3);
	ASSERT_EQ(3, pwrite(self->d.fd, b, 3, CFG_OFF(dv + DV_CTRL)));
	EXPECT_EQ(0x6, vcfg(self, dv + DV_CTRL, 2));
	/* Range 1 Base High, three bytes from its second */
	ASSERT_EQ(0, vcfg_wr(self, dv + DV_BASE_HI(0), 4, 0));
	ASSERT_EQ(3, pwrite(self->d.fd, (uint8_t[]){ 0x11, 0x22, 0x33 }, 3,
			    CFG_OFF(dv + DV_BASE_HI(0) + 1)));
	EXPECT_EQ(0x33221100, vcfg(self, dv + DV_BASE_HI(0), 4));
	/* across the start: extended capability header and DVSEC Header 1 */
	ASSERT_EQ(4, pwrite(self->d.fd, (uint8_t[]){ 0, 0, 0, 0 }, 4, CFG_OFF(dv + 2)));
	EXPECT_EQ(hdr, vcfg(self, dv, 4));
	EXPECT_EQ(h1, vcfg(self, dv + 4, 4));
	/* across the end, into the next capability */
	ASSERT_EQ(4, pwrite(self->d.fd, (uint8_t[]){ 0xff, 0xff, 0xff, 0xff }, 4,
			    CFG_OFF(dv + len - 2)));
	if (len >= 0x3c)	/* the reserved word after Capability3 */
		EXPECT_EQ(0, vcfg(self, dv + len - 2, 2));
	EXPECT_EQ(next, vcfg(self, dv + len, 4));
	EXPECT_EQ(hwctrl, hw_cfg(dv + DV_CTRL, 2)) TH_LOG("the device's Control is the host's");
}

/* ----- decode-off events around a live mapping (issue: reset safety) ----- */

static sigjmp_buf bus_jmp;

static void on_sigbus(int sig)
{
	siglongjmp(bus_jmp, 1);
}

/* read a u64 through a mapping; 1 on SIGBUS */
static int load64(volatile uint64_t *p, uint64_t *v)
{
	struct sigaction sa = { .sa_handler = on_sigbus, .sa_flags = SA_NODEFER }, old;
	int bus = 0;

	sigaction(SIGBUS, &sa, &old);
	if (sigsetjmp(bus_jmp, 1))
		bus = 1;
	else
		*v = *p;
	sigaction(SIGBUS, &old, NULL);
	return bus;
}

static unsigned int find_cap(int fd, uint8_t id)
{
	unsigned int pos = cfg32(fd, 0x34) & 0xfc, hops = 0;

	while (pos && hops++ < 48) {
		uint32_t h = cfg32(fd, pos);

		if ((h & 0xff) == id)
			return pos;
		pos = (h >> 8) & 0xfc;
	}
	return 0;
}

TEST_F(cxl, hot_reset_keeps_data_and_view)
{
	uint64_t off = vcp_region_offset(self->d.cxl->dpa_region_index), v;
	struct vfio_pci_hot_reset_info *info;
	struct vfio_pci_hot_reset *rst;
	uint32_t c0 = crd(self, dreg(self, 0, 0x10));
	volatile uint64_t *m;
	int ret;

	m = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_SHARED, self->d.fd, off);
	ASSERT_NE(MAP_FAILED, (void *)m);
	m[100] = 0xfeedfacecafebeefULL;
	cwr(self, dreg(self, 0, 0x10), c0 & ~H_LOCK);
	cwr(self, dreg(self, 0, 0x0), 0x30000000);
	info = calloc(1, 4096);
	ASSERT_NE(NULL, info);
	info->argsz = 4096;
	ret = ioctl(self->d.fd, VFIO_DEVICE_GET_PCI_HOT_RESET_INFO, info);
	if (ret)
		SKIP(goto out, "no hot reset here: %s", strerror(errno));
	rst = calloc(1, sizeof(*rst) + sizeof(int32_t));
	ASSERT_NE(NULL, rst);
	rst->argsz = sizeof(*rst) + sizeof(int32_t);
	rst->count = 1;
	rst->group_fds[0] = self->d.group;
	ASSERT_EQ(0, host_mark(0x5a5a0004));
	ASSERT_EQ(1, host_marked(self, 0x5a5a0004));
	ASSERT_EQ(0, ioctl(self->d.fd, VFIO_DEVICE_PCI_HOT_RESET, rst));
	free(rst);
	/* else the checks below would pass without any reset */
	EXPECT_EQ(0, host_marked(self, 0x5a5a0004)) TH_LOG("the device was reset");
	ASSERT_EQ(0, load64(&m[100], &v)) TH_LOG("the mapping works again after the hot reset");
	EXPECT_EQ(0xfeedfacecafebeefULL, v);
	EXPECT_EQ(0x30000000, crd(self, dreg(self, 0, 0x0))) TH_LOG("the VMM's BASE survives");
out:
	free(info);
	munmap((void *)m, 1 << 20);
}

/*
 * A guest FLR through PCIe Device Control: bracketed by a block, the data
 * and mapping come back, and the virtual DVSEC is kept (CXL r3.1 9.5).
 */
TEST_F(cxl, guest_flr_request_keeps_data_and_dvsec)
{
	uint64_t off = vcp_region_offset(self->d.cxl->dpa_region_index), v;
	unsigned int exp = find_cap(self->d.fd, 0x10), dv = find_dvsec(self->d.fd, 0);
	volatile uint64_t *m;
	uint16_t ctl;

	ASSERT_NE(0, exp);
	if (!(cfg32(self->d.fd, exp + 4) & (1u << 28)))
		SKIP(return, "the device has no FLR (DevCap, as QEMU's cxl-type3)");
	if (vcfg(self, dv + DV_LOCK, 2) & 1)
		SKIP(return, "CONFIG_LOCK set by firmware");
	ASSERT_EQ(0, vcfg_wr(self, dv + DV_BASE_HI(0), 4, 0x5));
	ASSERT_EQ(0, host_mark(0x5a5a0003));
	m = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_SHARED, self->d.fd, off);
	ASSERT_NE(MAP_FAILED, (void *)m);
	m[7] = 0x0123456789abcdefULL;
	ASSERT_EQ(2, pread(self->d.fd, &ctl, 2, CFG_OFF(exp + 8)));
	ctl |= 0x8000;
	ASSERT_EQ(2, pwrite(self->d.fd, &ctl, 2, CFG_OFF(exp + 8)));
	EXPECT_EQ(0, host_marked(self, 0x5a5a0003)) TH_LOG("the device was reset");
	ASSERT_EQ(0, load64(&m[7], &v));
	EXPECT_EQ(0x0123456789abcdefULL, v);
	EXPECT_EQ(0x5, vcfg(self, dv + DV_BASE_HI(0), 4)) TH_LOG("FLR keeps the DVSEC");
	munmap((void *)m, 1 << 20);
}

/* D3hot through PMCSR: device memory is gone until D0, then comes back */
TEST_F(cxl, pm_d3_blocks_device_memory)
{
	uint64_t off = vcp_region_offset(self->d.cxl->dpa_region_index), v;
	unsigned int pm = find_cap(self->d.fd, 0x01);
	volatile uint64_t *m;
	uint16_t pmcsr;

	if (!pm)
		SKIP(return, "the device has no PM capability (as QEMU's cxl-type3)");
	m = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_SHARED, self->d.fd, off);
	ASSERT_NE(MAP_FAILED, (void *)m);
	m[9] = 0x1020304050607080ULL;
	ASSERT_EQ(2, pread(self->d.fd, &pmcsr, 2, CFG_OFF(pm + 4)));
	pmcsr = (pmcsr & ~3) | 3;
	ASSERT_EQ(2, pwrite(self->d.fd, &pmcsr, 2, CFG_OFF(pm + 4)));
	EXPECT_EQ(1, load64(&m[9], &v)) TH_LOG("no access in D3hot");
	pmcsr &= ~3;
	ASSERT_EQ(2, pwrite(self->d.fd, &pmcsr, 2, CFG_OFF(pm + 4)));
	ASSERT_EQ(0, load64(&m[9], &v)) TH_LOG("back in D0");
	EXPECT_EQ(0x1020304050607080ULL, v);
	munmap((void *)m, 1 << 20);
}

TEST_F(cxl, low_power_blocks_device_memory)
{
	uint64_t off = vcp_region_offset(self->d.cxl->dpa_region_index), v;
	struct vfio_device_feature f = { .argsz = sizeof(f) };
	volatile uint64_t *m;
	char buf[8];

	m = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_SHARED, self->d.fd, off);
	ASSERT_NE(MAP_FAILED, (void *)m);
	m[3] = 0xabcdef0011223344ULL;
	f.flags = VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY;
	if (ioctl(self->d.fd, VFIO_DEVICE_FEATURE, &f))
		SKIP(goto out, "no low-power entry: %s", strerror(errno));
	EXPECT_EQ(1, load64(&m[3], &v)) TH_LOG("device memory is gone in low power");
	EXPECT_EQ(-1, pread(self->d.fd, buf, 8, off + 24));
	EXPECT_EQ(EIO, errno);
	f.flags = VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_LOW_POWER_EXIT;
	ASSERT_EQ(0, ioctl(self->d.fd, VFIO_DEVICE_FEATURE, &f));
	ASSERT_EQ(0, load64(&m[3], &v)) TH_LOG("and back after the exit");
	EXPECT_EQ(0xabcdef0011223344ULL, v);
out:
	munmap((void *)m, 1 << 20);
}

/*
 * A reset while in low power: memory stays blocked until the exit, and after
 * it the host's decoders are checked again before the mapping works.
 */
TEST_F(cxl, reset_in_low_power)
{
	uint64_t off = vcp_region_offset(self->d.cxl->dpa_region_index), v;
	struct vfio_device_feature f = { .argsz = sizeof(f) };
	char before[4096], after[4096];
	volatile uint64_t *m;

	m = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_SHARED, self->d.fd, off);
	ASSERT_NE(MAP_FAILED, (void *)m);
	m[13] = 0x0f1e2d3c4b5a6978ULL;
	ASSERT_EQ(0, host_regs(before, sizeof(before)));
	f.flags = VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY;
	if (ioctl(self->d.fd, VFIO_DEVICE_FEATURE, &f))
		SKIP(goto out, "no low-power entry: %s", strerror(errno));
	EXPECT_EQ(0, device_reset(self));
	EXPECT_EQ(1, load64(&m[13], &v)) TH_LOG("still in low power after the reset");
	f.flags = VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_LOW_POWER_EXIT;
	ASSERT_EQ(0, ioctl(self->d.fd, VFIO_DEVICE_FEATURE, &f));
	ASSERT_EQ(0, load64(&m[13], &v)) TH_LOG("back after the exit");
	EXPECT_EQ(0x0f1e2d3c4b5a6978ULL, v);
	ASSERT_EQ(0, host_regs(after, sizeof(after)));
	EXPECT_STREQ(before, after) TH_LOG("the host's decoders are in place");
out:
	munmap((void *)m, 1 << 20);
}

/* the host resets the device through sysfs while the VMM has it mapped */
TEST_F(cxl, sysfs_reset_while_mapped)
{
	uint64_t off = vcp_region_offset(self->d.cxl->dpa_region_index), v;
	uint32_t base = crd(self, dreg(self, 0, 0x0));
	char path[128], before[4096], after[4096];
	volatile uint64_t *m;
	int fd;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/reset", env_bdf());
	fd = open(path, O_WRONLY);
	if (fd < 0)
		SKIP(return, "no reset attribute: %s", strerror(errno));
	m = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_SHARED, self->d.fd, off);
	ASSERT_NE(MAP_FAILED, (void *)m);
	m[11] = 0x5a5a0000a5a5ffffULL;
	ASSERT_EQ(0, host_regs(before, sizeof(before)));
	EXPECT_EQ(1, write(fd, "1", 1)) TH_LOG("sysfs reset: %s", strerror(errno));
	close(fd);
	ASSERT_EQ(0, load64(&m[11], &v)) TH_LOG("the mapping faults back in");
	EXPECT_EQ(0x5a5a0000a5a5ffffULL, v);
	ASSERT_EQ(0, host_regs(after, sizeof(after)));
	EXPECT_STREQ(before, after) TH_LOG("the host's decoders are back");
	EXPECT_EQ(base, crd(self, dreg(self, 0, 0x0))) TH_LOG("the VMM's view is unchanged");
	munmap((void *)m, 1 << 20);
}

/*
 * Memory Space Enable governs the BARs, not CXL.mem (CXL r3.1 8.1.3.2,
 * 8.2.4.20): with it clear the DPA region stays mapped and readable, also
 * across a reset (the host sets MSE itself for the restore of its decoders),
 * and the guest's PCI_COMMAND reads back as the guest left it.
 */
TEST_F(cxl, reset_while_memory_off)
{
	uint64_t off = vcp_region_offset(self->d.cxl->dpa_region_index), v;
	char before[4096], after[4096];
	volatile uint64_t *m;
	uint16_t cmd;

	m = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_SHARED, self->d.fd, off);
	ASSERT_NE(MAP_FAILED, (void *)m);
	m[5] = 0x1122334455667788ULL;
	ASSERT_EQ(0, host_regs(before, sizeof(before)));
	ASSERT_EQ(2, pread(self->d.fd, &cmd, 2, CFG_OFF(0x4)));
	ASSERT_TRUE(cmd & 0x2);
	cmd &= ~0x2;
	ASSERT_EQ(2, pwrite(self->d.fd, &cmd, 2, CFG_OFF(0x4)));
	ASSERT_EQ(0, load64(&m[5], &v)) TH_LOG("CXL memory with Memory Space Enable clear");
	EXPECT_EQ(0x1122334455667788ULL, v);
	ASSERT_EQ(0, device_reset(self));
	ASSERT_EQ(0, load64(&m[5], &v)) TH_LOG("and after a reset with it clear");
	EXPECT_EQ(0x1122334455667788ULL, v);
	EXPECT_EQ(8, pread(self->d.fd, &v, 8, off + 40));
	EXPECT_EQ(0x1122334455667788ULL, v);
	ASSERT_EQ(2, pread(self->d.fd, &cmd, 2, CFG_OFF(0x4)));
	EXPECT_FALSE(cmd & 0x2) TH_LOG("the restore left the guest's Memory Space Enable clear");
	cmd |= 0x2;
	ASSERT_EQ(2, pwrite(self->d.fd, &cmd, 2, CFG_OFF(0x4)));
	ASSERT_EQ(0, load64(&m[5], &v));
	EXPECT_EQ(0x1122334455667788ULL, v);
	/* the component registers are in BAR0: readable again with MSE set */
	ASSERT_EQ(0, host_regs(after, sizeof(after)));
	EXPECT_STREQ(before, after) TH_LOG("the host's decoders were restored by the reset");
	munmap((void *)m, 1 << 20);
}

/*
 * A storm of config writes of any width and alignment into the CXL DVSECs
 * leaves the device's DVSECs unchanged.
 */
TEST_F(cxl, dvsec_write_storm)
{
	static const uint16_t ids[] = { 0, 2, 3, 4, 5, 7, 8, 9, 0xa };
	unsigned int dv[sizeof(ids) / sizeof(ids[0])], len[sizeof(ids) / sizeof(ids[0])];
	unsigned int seed = env_u64("VCP_STORM_SEED") ?: 4321, nd = 0, pos, i, k;
	static uint8_t before[0x1000], after[0x1000];

	for (k = 0; k < sizeof(ids) / sizeof(ids[0]); k++) {
		unsigned int d = find_dvsec(self->d.fd, ids[k]);

		if (!d)
			continue;
		dv[nd] = d;
		len[nd++] = vcfg(self, d + 4, 4) >> 20;
	}
	ASSERT_GE(nd, 2) TH_LOG("the Device DVSEC and the Register Locator at least");
	for (pos = 0x100; pos < 0x1000; pos += 4)
		*(uint32_t *)&before[pos] = hw_cfg(pos, 4);
	srand(seed);
	for (i = 0; i < 20000; i++) {
		unsigned int w = 1 + rand() % 4, d = rand() % nd;
		uint32_t at = dv[d] + 4 + rand() % (len[d] - 4), v = (uint32_t)rand() << 1 ^ rand();

		if (at + w > dv[d] + len[d])
			w = dv[d] + len[d] - at;
		pwrite(self->d.fd, &v, w, CFG_OFF(at));
	}
	for (pos = 0x100; pos < 0x1000; pos += 4)
		*(uint32_t *)&after[pos] = hw_cfg(pos, 4);
	for (k = 0; k < nd; k++)
		EXPECT_EQ(0, memcmp(before + dv[k], after + dv[k], len[k]))
			TH_LOG("the device's DVSEC at %#x changed", dv[k]);
	EXPECT_TRUE(vcfg(self, dv[0] + DV_CTRL, 2) & 0x2);
}

/* the driver's sysfs state while the device is open as CXL */
TEST_F(cxl, sysfs_state)
{
	char v[256];

	ASSERT_EQ(0, drv_attr("mode", v, sizeof(v))) TH_LOG("no vfio_cxl/ directory");
	EXPECT_STREQ("cxl", v);
	ASSERT_EQ(0, drv_attr("reason", v, sizeof(v)));
	EXPECT_STREQ("", v);
	ASSERT_EQ(0, drv_attr("dpa_size", v, sizeof(v)));
	if (env_u64("VCP_DPA_SIZE"))
		EXPECT_EQ(env_u64("VCP_DPA_SIZE"), strtoull(v, NULL, 0));
	EXPECT_NE(0, strtoull(v, NULL, 0));
	ASSERT_EQ(0, drv_attr("decoder_count", v, sizeof(v)));
	EXPECT_EQ(self->hdm_count, atoi(v)) TH_LOG("the HDM capability's count");
	ASSERT_EQ(0, drv_attr("host_programming", v, sizeof(v)));
	EXPECT_STREQ("in place", v);
	ASSERT_EQ(0, drv_attr("open", v, sizeof(v)));
	EXPECT_STREQ("1", v) TH_LOG("this test holds the device open");
	/* read-only: a write is refused and changes nothing */
	{
		char path[160];

		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/vfio_cxl/mode", env_bdf());
		EXPECT_GT(0, open(path, O_WRONLY));
	}
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

/* plain mode says so in sysfs, with the reason the bind logged */
TEST_F(plain, sysfs_state)
{
	char v[256];

	if (drv_attr("mode", v, sizeof(v)))
		SKIP(return, "not bound to vfio-cxl-pci");
	EXPECT_STREQ("plain", v);
	ASSERT_EQ(0, drv_attr("reason", v, sizeof(v)));
	EXPECT_NE(0, strlen(v)) TH_LOG("a plain device says why");
	ASSERT_EQ(0, drv_attr("dpa_size", v, sizeof(v)));
	EXPECT_STREQ("0", v);
	ASSERT_EQ(0, drv_attr("host_programming", v, sizeof(v)));
	EXPECT_STREQ("none", v);
	ASSERT_EQ(0, drv_attr("open", v, sizeof(v)));
	EXPECT_STREQ("1", v);
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
