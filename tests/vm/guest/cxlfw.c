// SPDX-License-Identifier: GPL-2.0-only
/*
 * cxlfw: plays platform firmware for the QEMU test-bed, and reads the real
 * device registers for host-side checks. Runs in the guest, as root, with
 * /dev/mem (boot with iomem=relaxed to reach ranges a driver claimed).
 *
 *   cxlfw commit <bdf> [lock] [iw=N] [shift=BYTES]
 *                               commit HDM decoder 0 to the first CFMWS window
 *                               (iw: interleave-ways encoding; shift: place it
 *                               that far into, or past, the window); also
 *                               leaves distinctive values in the DVSEC Range
 *                               Bases and the GPF DVSEC (fw_values())
 *   cxlfw uncommit <bdf>        clear decoder 0 (unless locked)
 *   cxlfw hijack <bdf>          commit and lock decoder 0 256 MiB higher in the
 *                               window, as another agent would (QEMU does not
 *                               enforce the lock, so this works while locked)
 *   cxlfw regs <bdf>            print DVSEC Control and every HDM decoder
 *   cxlfw mark <bdf> <value>    write <value> into the last decoder's Base
 *                               High: no driver programs that decoder and a
 *                               reset of the device clears it, so "regs"
 *                               shows whether a reset happened since
 *   cxlfw rasmask <bdf> [value] print (after setting) the device's RAS
 *                               Uncorrectable Error Mask
 *   cxlfw hpa                   print the first CFMWS window: base size
 *   cxlfw fill <phys> <len> <seed>   write a pattern through /dev/mem
 *   cxlfw check <phys> <len> <seed>  count mismatches against the pattern
 *
 * Copyright (C) 2026 The vfio-cxl-pci authors
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define CM		0x1000
#define DEC(n)		(0x10 + (n) * 0x20)

static const char *bdf;
static int cfg_fd = -1;

static void die(const char *msg)
{
	fprintf(stderr, "cxlfw: %s: %s\n", msg, strerror(errno));
	exit(1);
}

static uint32_t cfg_read(unsigned int off, unsigned int len)
{
	uint32_t v = 0;

	if (pread(cfg_fd, &v, len, off) != (ssize_t)len)
		die("config read");
	return v;
}

static void cfg_write(unsigned int off, uint32_t v, unsigned int len)
{
	if (pwrite(cfg_fd, &v, len, off) != (ssize_t)len)
		die("config write");
}

static unsigned int find_dvsec(uint16_t id)
{
	unsigned int pos = 0x100, hops = 0;

	while (pos && hops++ < 64) {
		uint32_t hdr = cfg_read(pos, 4);

		if ((hdr & 0xffff) == 0x23 && (cfg_read(pos + 4, 4) & 0xffff) == 0x1e98 &&
		    cfg_read(pos + 8, 2) == id)
			return pos;
		pos = hdr >> 20;
	}
	return 0;
}

static uint64_t bar_phys(unsigned int bar)
{
	char path[128], line[256];
	uint64_t start = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource", bdf);
	f = fopen(path, "r");
	if (!f)
		die(path);
	for (unsigned int i = 0; i <= bar && fgets(line, sizeof(line), f); i++)
		start = strtoull(line, NULL, 16);
	fclose(f);
	return start;
}

static void *map_phys(uint64_t phys, size_t len)
{
	int fd = open("/dev/mem", O_RDWR | O_SYNC);
	void *p;

	if (fd < 0)
		die("/dev/mem");
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, phys);
	if (p == MAP_FAILED)
		die("mmap /dev/mem");
	close(fd);
	return p;
}

/* The component block's HDM Decoder Capability, mapped. */
static unsigned int hdm_cap_ptr;	/* HDM capability offset in the CM area */

static volatile uint32_t *map_hdm(unsigned int *count)
{
	unsigned int regloc = find_dvsec(8), pos, len, i, n;
	static const int counts[16] = { 1, 2, 4, 6, 8, 10, 12, 14, 16, 20, 24, 28, 32 };
	volatile uint32_t *cm;
	uint64_t off = 0;
	int bar = -1;

	if (!regloc) {
		errno = ENODEV;
		die("no Register Locator DVSEC");
	}
	len = cfg_read(regloc + 4, 4) >> 20;
	for (pos = 0xc; pos + 8 <= len; pos += 8) {
		uint32_t lo = cfg_read(regloc + pos, 4), hi = cfg_read(regloc + pos + 4, 4);

		if (((lo >> 8) & 0xff) == 1) {
			bar = lo & 7;
			off = ((uint64_t)hi << 32) | (lo & 0xffff0000);
		}
	}
	if (bar < 0) {
		errno = ENODEV;
		die("no component registers");
	}
	cm = (volatile uint32_t *)((char *)map_phys(bar_phys(bar) + off, 0x10000) + CM);
	n = cm[0] >> 24;
	for (i = 1; i <= n; i++) {
		if ((cm[i] & 0xffff) == 5) {
			volatile uint32_t *hdm = cm + (cm[i] >> 20) / 4;

			hdm_cap_ptr = cm[i] >> 20;

			*count = counts[hdm[0] & 0xf];
			return hdm;
		}
	}
	errno = ENODEV;
	die("no HDM Decoder Capability");
	return NULL;
}

static void cfmws(uint64_t *base, uint64_t *size)
{
	unsigned char buf[4096];
	int fd = open("/sys/firmware/acpi/tables/CEDT", O_RDONLY);
	ssize_t n;
	size_t p;

	if (fd < 0)
		die("CEDT");
	n = read(fd, buf, sizeof(buf));
	close(fd);
	for (p = 36; p + 4 <= (size_t)n;) {
		uint16_t l = buf[p + 2] | buf[p + 3] << 8;

		if (l < 4)
			break;
		if (buf[p] == 1) {
			memcpy(base, buf + p + 8, 8);
			memcpy(size, buf + p + 16, 8);
			return;
		}
		p += l;
	}
	errno = ENOENT;
	die("no CFMWS in CEDT");
}

static void open_cfg(void)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config", bdf);
	cfg_fd = open(path, O_RDWR);
	if (cfg_fd < 0)
		die(path);
}

/*
 * What firmware leaves in the registers the device lets it write, with
 * values a test can tell apart from 0 and from the guest's: DVSEC Range 1
 * Base holds the host address of the memory (CXL r3.1 8.1.3.8, as a
 * CXL 1.1-style host's firmware programs it), Range 2 Base a marker, and the GPF
 * DVSEC for Devices (8.1.7) a Phase 2 duration and power. The guest must
 * never see the Range Bases (its view starts at 0) and must see, but never
 * change, the GPF values.
 */
#define FW_RANGE2_BASE		0x5a5a5a5ad0000000ULL
#define FW_GPF_DURATION		0x0a0b
#define FW_GPF_POWER		0x00c0ffee

static void fw_values(unsigned int dvsec, uint64_t hpa)
{
	unsigned int gpf = find_dvsec(5);

	cfg_write(dvsec + 0x20, hpa >> 32, 4);
	cfg_write(dvsec + 0x24, (uint32_t)hpa & 0xf0000000, 4);
	cfg_write(dvsec + 0x30, FW_RANGE2_BASE >> 32, 4);
	cfg_write(dvsec + 0x34, (uint32_t)FW_RANGE2_BASE, 4);
	if (gpf) {
		cfg_write(gpf + 0x0a, FW_GPF_DURATION, 2);
		cfg_write(gpf + 0x0c, FW_GPF_POWER, 4);
	}
	printf("cxlfw: DVSEC Range 1 Base=0x%08x_%08x Range 2 Base=0x%08x_%08x GPF phase 2 duration=0x%04x power=0x%08x\n",
	       cfg_read(dvsec + 0x20, 4), cfg_read(dvsec + 0x24, 4),
	       cfg_read(dvsec + 0x30, 4), cfg_read(dvsec + 0x34, 4),
	       gpf ? cfg_read(gpf + 0x0a, 2) : 0, gpf ? cfg_read(gpf + 0x0c, 4) : 0);
}

static int do_commit(int lock, uint64_t shift, unsigned int iw)
{
	unsigned int dvsec = find_dvsec(0), count;
	volatile uint32_t *hdm = map_hdm(&count);
	uint64_t base, wsize, size;
	uint32_t ctrl, cls;
	int i;

	cfmws(&base, &wsize);
	base += shift;
	size = ((uint64_t)cfg_read(dvsec + 0x18, 4) << 32) | (cfg_read(dvsec + 0x1c, 4) & 0xf0000000);
	if (!size || size > wsize)
		size = 256ULL << 20;
	cls = cfg_read(0x08, 4) >> 8;
	/* Mem_Enable in DVSEC Control, as platform firmware leaves it */
	cfg_write(dvsec + 0xc, cfg_read(dvsec + 0xc, 2) | 0x4, 2);
	hdm[1] = 0x2;				/* HDM Decoder Enable */
	hdm[DEC(0) / 4 + 4] = 0;		/* uncommit first */
	hdm[DEC(0) / 4 + 0] = (uint32_t)base & 0xf0000000;
	hdm[DEC(0) / 4 + 1] = base >> 32;
	hdm[DEC(0) / 4 + 2] = (uint32_t)size & 0xf0000000;
	hdm[DEC(0) / 4 + 3] = size >> 32;
	hdm[DEC(0) / 4 + 5] = 0;
	hdm[DEC(0) / 4 + 6] = 0;
	ctrl = 1u << 9 | (iw & 0xf) << 4;	/* Commit, IG 0, IW as asked */
	if ((cls >> 8) == 0x0502)
		ctrl |= 1u << 12;		/* HDM-H target (Type-3) */
	if (lock)
		ctrl |= 1u << 8;
	hdm[DEC(0) / 4 + 4] = ctrl;
	for (i = 0; i < 1000 && !(hdm[DEC(0) / 4 + 4] & (3u << 10)); i++)
		usleep(1000);
	ctrl = hdm[DEC(0) / 4 + 4];
	printf("cxlfw: decoder 0 hpa=0x%" PRIx64 " size=0x%" PRIx64 " ctrl=0x%08x %s\n",
	       base, size, ctrl, (ctrl & (1u << 10)) ? "committed" : "NOT committed");
	fw_values(dvsec, base);
	return (ctrl & (1u << 10)) ? 0 : 1;
}

static int do_uncommit(void)
{
	unsigned int count;
	volatile uint32_t *hdm = map_hdm(&count);

	hdm[DEC(0) / 4 + 4] = 0;
	printf("cxlfw: decoder 0 ctrl=0x%08x\n", hdm[DEC(0) / 4 + 4]);
	return (hdm[DEC(0) / 4 + 4] & (1u << 10)) ? 1 : 0;
}

static int do_regs(void)
{
	unsigned int dvsec = find_dvsec(0), count, n;
	volatile uint32_t *hdm = map_hdm(&count);

	printf("dvsec_ctrl=0x%04x gctrl=0x%08x count=%u\n", cfg_read(dvsec + 0xc, 2), hdm[1], count);
	for (n = 0; n < count; n++) {
		volatile uint32_t *d = hdm + DEC(n) / 4;

		printf("dec%u base=%08x_%08x size=%08x_%08x ctrl=%08x skip=%08x_%08x\n", n,
		       d[1], d[0], d[3], d[2], d[4], d[6], d[5]);
	}
	return 0;
}

/* the device's RAS Uncorrectable Error Mask (CXL r3.1 8.2.4.16.2) */
static int do_rasmask(int set, uint32_t v)
{
	unsigned int count, i;
	volatile uint32_t *hdm = map_hdm(&count);
	volatile uint32_t *cm = hdm - ((hdm_cap_ptr) / 4);

	for (i = 1; i <= (cm[0] >> 24); i++) {
		if ((cm[i] & 0xffff) != 2)
			continue;
		if (set)
			cm[(cm[i] >> 20) / 4 + 1] = v;
		printf("0x%08x\n", cm[(cm[i] >> 20) / 4 + 1]);
		return 0;
	}
	errno = ENODEV;
	die("no RAS capability");
	return 1;
}

static int do_mark(uint32_t v)
{
	unsigned int count;
	volatile uint32_t *hdm = map_hdm(&count);

	if (count < 2) {
		errno = ENODEV;
		die("mark needs a second decoder");
	}
	hdm[DEC(count - 1) / 4 + 1] = v;
	return hdm[DEC(count - 1) / 4 + 1] == v ? 0 : 1;
}

static int do_mem(int check, uint64_t phys, size_t len, uint32_t seed)
{
	volatile uint32_t *p = map_phys(phys, len);
	size_t i, bad = 0;

	for (i = 0; i < len / 4; i++) {
		if (check)
			bad += p[i] != seed + (uint32_t)i;
		else
			p[i] = seed + (uint32_t)i;
	}
	if (check)
		printf("cxlfw: check %zu bytes at 0x%" PRIx64 ": %zu mismatches\n", len, phys, bad);
	return bad ? 1 : 0;
}

int main(int argc, char **argv)
{
	uint64_t base, size;

	if (argc >= 2 && !strcmp(argv[1], "hpa")) {
		cfmws(&base, &size);
		printf("0x%" PRIx64 " 0x%" PRIx64 "\n", base, size);
		return 0;
	}
	if (argc == 5 && (!strcmp(argv[1], "fill") || !strcmp(argv[1], "check")))
		return do_mem(argv[1][0] == 'c', strtoull(argv[2], NULL, 0),
			      strtoull(argv[3], NULL, 0), strtoul(argv[4], NULL, 0));
	if (argc < 3) {
		fprintf(stderr, "usage: cxlfw commit <bdf> [lock] [iw=N] [shift=B] | uncommit|regs|hijack <bdf> | hpa | fill|check <phys> <len> <seed>\n");
		return 2;
	}
	bdf = argv[2];
	open_cfg();
	if (!strcmp(argv[1], "commit")) {
		uint64_t shift = 0;
		unsigned int iw = 0;
		int lock = 0;

		for (int i = 3; i < argc; i++) {
			if (!strcmp(argv[i], "lock"))
				lock = 1;
			else if (!strncmp(argv[i], "iw=", 3))
				iw = strtoul(argv[i] + 3, NULL, 0);
			else if (!strncmp(argv[i], "shift=", 6))
				shift = strtoull(argv[i] + 6, NULL, 0);
		}
		return do_commit(lock, shift, iw);
	}
	if (!strcmp(argv[1], "hijack"))
		return do_commit(1, 256ULL << 20, 0);
	if (!strcmp(argv[1], "uncommit"))
		return do_uncommit();
	if (!strcmp(argv[1], "mark") && argc == 4)
		return do_mark(strtoul(argv[3], NULL, 0));
	if (!strcmp(argv[1], "regs"))
		return do_regs();
	if (!strcmp(argv[1], "rasmask"))
		return do_rasmask(argc == 4, argc == 4 ? strtoul(argv[3], NULL, 0) : 0);
	fprintf(stderr, "cxlfw: unknown command %s\n", argv[1]);
	return 2;
}
