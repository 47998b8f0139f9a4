// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-cxl-bench: the measurements of bench/run.sh, run in the test VM.
 *
 *   vfio-cxl-bench <bdf> map <label> <size>...
 *       for each size: map that much of the DPA region as QEMU maps it,
 *       read one byte of every 4 KiB page, and print the page faults taken
 *       (the process's counter) and the time
 *   vfio-cxl-bench <bdf> access <n>
 *       rounds of n 32-bit config-space preads (standard header dwords, in
 *       turn) and of n 32-bit COMP_REGS preads of the HDM Decoder Capability
 *       (CXL devices), one untimed and five timed (the best mean counts),
 *       and n/1000 VFIO_DEVICE_RESET cycles (at least 10) after an untimed
 *       one; prints the means, the reset's median too
 *
 * Output lines start "VCP-BENCH: " and hold key=value pairs.
 *
 * Copyright (C) 2026 The vfio-cxl-pci authors
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "../tests/lib/vfio_dev.h"

#define ROUNDS	5

static double now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e9 + t.tv_nsec;
}

static long minflt(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int do_map(struct vcp_dev *d, const char *label, int argc, char **argv)
{
	struct vcp_region r;

	if (!d->cxl || vcp_region(d, d->cxl->dpa_region_index, &r))
		return 1;
	for (int i = 0; i < argc; i++) {
		size_t len = strtoull(argv[i], NULL, 0);
		double t0;
		long f0, f;
		char *m;

		if (len > r.info.size)
			continue;
		m = vcp_mmap_aligned(len, PROT_READ, d->fd, r.info.offset);
		if (m == MAP_FAILED)
			return 1;
		/* the first clock read faults in the vDSO data page: not ours */
		now_ns();
		f0 = minflt();
		t0 = now_ns();
		for (size_t o = 0; o < len; o += 4096)
			(void)*(volatile char *)(m + o);
		t0 = now_ns() - t0;
		f = minflt() - f0;
		munmap(m, len);
		printf("VCP-BENCH: map mode=%s size=%zu faults=%ld ns=%.0f per2m=%.4f\n",
		       label, len, f, t0, (double)f / (len / (2UL << 20)));
	}
	vcp_region_free(&r);
	return 0;
}

static int do_access(struct vcp_dev *d, long n)
{
	static const unsigned int cfg_off[] = { 0x0, 0x4, 0x8, 0xc, 0x10, 0x2c };
	uint64_t cfg = vcp_region_offset(VFIO_PCI_CONFIG_REGION_INDEX);
	long resets = n / 1000 < 10 ? 10 : n / 1000;
	double t0, cfg_ns, comp_ns = 0, *rs;
	uint32_t v, hdm;

	/*
	 * Under TCG the first run of a code path pays for its translation:
	 * one untimed round first, then the best of ROUNDS timed rounds.
	 */
	cfg_ns = 1e18;
	for (int round = 0; round <= ROUNDS; round++) {
		t0 = now_ns();
		for (long i = 0; i < n; i++)
			if (pread(d->fd, &v, 4, cfg + cfg_off[i % 6]) != 4)
				return 1;
		t0 = (now_ns() - t0) / n;
		if (round && t0 < cfg_ns)
			cfg_ns = t0;
	}
	if (d->cxl) {
		if (vcp_find_hdm(d, &hdm))
			return 1;
		comp_ns = 1e18;
		for (int round = 0; round <= ROUNDS; round++) {
			t0 = now_ns();
			for (long i = 0; i < n; i++)
				if (vcp_comp_read(d, hdm, &v))
					return 1;
			t0 = (now_ns() - t0) / n;
			if (round && t0 < comp_ns)
				comp_ns = t0;
		}
	}
	if (ioctl(d->fd, VFIO_DEVICE_RESET))	/* untimed, as above */
		return 1;
	rs = calloc(resets, sizeof(*rs));
	if (!rs)
		return 1;
	for (long i = 0; i < resets; i++) {
		t0 = now_ns();
		if (ioctl(d->fd, VFIO_DEVICE_RESET))
			return 1;
		rs[i] = now_ns() - t0;
	}
	qsort(rs, resets, sizeof(*rs), cmp_double);
	t0 = 0;
	for (long i = 0; i < resets; i++)
		t0 += rs[i];
	printf("VCP-BENCH: access cxl=%d n=%ld cfg_ns=%.0f comp_ns=%.0f resets=%ld reset_ns=%.0f reset_median_ns=%.0f\n",
	       d->cxl ? 1 : 0, n, cfg_ns, comp_ns, resets, t0 / resets, rs[resets / 2]);
	free(rs);
	return 0;
}

int main(int argc, char **argv)
{
	struct vcp_dev d;
	int ret = 2;

	if (argc < 4)
		goto usage;
	if (vcp_open(&d, argv[1])) {
		perror("vfio-cxl-bench: open");
		return 1;
	}
	if (!strcmp(argv[2], "map") && argc >= 5)
		ret = do_map(&d, argv[3], argc - 4, argv + 4);
	else if (!strcmp(argv[2], "access"))
		ret = do_access(&d, strtol(argv[3], NULL, 0));
	vcp_close(&d);
	if (ret != 2)
		return ret;
usage:
	fprintf(stderr, "usage: vfio-cxl-bench <bdf> map <label> <size>... | <bdf> access <n>\n");
	return 2;
}
