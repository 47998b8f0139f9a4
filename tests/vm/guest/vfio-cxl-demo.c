// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-cxl-demo: what a VMM does first with a vfio-cxl-pci device. Opens the
 * device through VFIO, finds VFIO_DEVICE_FLAGS_CXL and the CXL capability,
 * maps the DPA region and writes a message into device memory.
 *
 *   vfio-cxl-demo <bdf> <dpa-offset> <message>
 *
 * Copyright (C) 2026 The vfio-cxl-pci authors
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../lib/vfio_dev.h"

int main(int argc, char **argv)
{
	const struct vfio_device_info_cap_cxl *c;
	struct vcp_region dpa;
	struct vcp_dev d;
	uint64_t off;
	size_t len;
	char *m;
	int ret;

	if (argc != 4) {
		fprintf(stderr, "usage: %s <bdf> <dpa-offset> <message>\n", argv[0]);
		return 2;
	}
	off = strtoull(argv[2], NULL, 0);
	len = strlen(argv[3]) + 1;
	ret = vcp_open(&d, argv[1]);
	if (ret) {
		fprintf(stderr, "demo: cannot open %s through VFIO: %s\n", argv[1], strerror(-ret));
		return 1;
	}
	printf("demo: %s opened: flags=0x%x (%s%s%s) regions=%u\n", argv[1], d.info.flags,
	       d.info.flags & VFIO_DEVICE_FLAGS_PCI ? "PCI " : "",
	       d.info.flags & VFIO_DEVICE_FLAGS_CAPS ? "CAPS " : "",
	       d.info.flags & VFIO_DEVICE_FLAGS_CXL ? "CXL" : "no CXL",
	       d.info.num_regions);
	c = d.cxl;
	if (!(d.info.flags & VFIO_DEVICE_FLAGS_CXL) || !c) {
		fprintf(stderr, "demo: the device is not exposed as CXL\n");
		return 1;
	}
	printf("demo: CXL capability v%u: component registers BAR%u+0x%llx, flags 0x%x%s, DPA region %u, COMP_REGS region %u\n",
	       c->header.version, c->hdm_regs_bar_index,
	       (unsigned long long)c->hdm_regs_offset, c->flags,
	       c->flags & VFIO_CXL_CAP_FIRMWARE_COMMITTED ? " (firmware committed)" : "",
	       c->dpa_region_index, c->comp_regs_region_index);
	ret = vcp_region(&d, c->dpa_region_index, &dpa);
	if (ret || off + len > dpa.info.size) {
		fprintf(stderr, "demo: DPA region info failed or offset out of range\n");
		return 1;
	}
	printf("demo: DPA region: %llu MiB, flags 0x%x\n",
	       (unsigned long long)dpa.info.size >> 20, dpa.info.flags);
	m = mmap(NULL, dpa.info.size, PROT_READ | PROT_WRITE, MAP_SHARED, d.fd, dpa.info.offset);
	if (m == MAP_FAILED) {
		fprintf(stderr, "demo: mmap of the DPA region failed: %s\n", strerror(errno));
		return 1;
	}
	memcpy(m + off, argv[3], len);
	if (memcmp(m + off, argv[3], len)) {
		fprintf(stderr, "demo: read-back through the mapping differs\n");
		return 1;
	}
	printf("demo: wrote %zu bytes at DPA offset 0x%llx through the mmap: \"%s\"\n", len,
	       (unsigned long long)off, m + off);
	munmap(m, dpa.info.size);
	vcp_region_free(&dpa);
	vcp_close(&d);
	return 0;
}
