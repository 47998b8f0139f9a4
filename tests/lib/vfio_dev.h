/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Minimal VFIO type1 helpers for the in-guest tests and the demo program.
 *
 * Copyright (C) 2026 The vfio-cxl-pci authors
 */
#ifndef VCP_VFIO_DEV_H
#define VCP_VFIO_DEV_H

#include <stddef.h>
#include <stdint.h>
#include <linux/vfio.h>

#include "../../include/uapi/linux/vfio_cxl.h"

/*
 * kselftest_harness.h stops a test after 30 s unless it says otherwise. Under
 * emulation, on a debug kernel or a slow machine, a healthy test can take
 * longer; hangs are caught by the host, which stops a VM whose serial log
 * makes no progress (tests/vm/vm.sh). The bound here only has to be far
 * above any healthy run. The suites include the harness before this header.
 */
#ifdef TEST_TIMEOUT_DEFAULT
#undef TEST_TIMEOUT_DEFAULT
#define TEST_TIMEOUT_DEFAULT 600
#endif

/**
 * struct vcp_dev - an open VFIO device
 * @container: /dev/vfio/vfio fd
 * @group: /dev/vfio/<group> fd
 * @fd: the device fd
 * @info: VFIO_DEVICE_GET_INFO result (fixed part)
 * @info_buf: the full GET_INFO reply, with capabilities
 * @cxl: the CXL capability in @info_buf, or NULL
 */
struct vcp_dev {
	int container;
	int group;
	int fd;
	struct vfio_device_info info;
	void *info_buf;
	const struct vfio_device_info_cap_cxl *cxl;
};

/**
 * struct vcp_region - one region's VFIO_DEVICE_GET_REGION_INFO reply
 * @info: fixed part
 * @buf: the whole reply, with capabilities (malloc'ed)
 */
struct vcp_region {
	struct vfio_region_info info;
	void *buf;
};

int vcp_open(struct vcp_dev *d, const char *bdf);
void vcp_close(struct vcp_dev *d);
int vcp_get_info(struct vcp_dev *d);
int vcp_region(struct vcp_dev *d, unsigned int index, struct vcp_region *r);
const struct vfio_info_cap_header *vcp_region_cap(const struct vcp_region *r, uint16_t id);
void vcp_region_free(struct vcp_region *r);
int vcp_comp_read(struct vcp_dev *d, uint64_t off, uint32_t *val);
int vcp_comp_write(struct vcp_dev *d, uint64_t off, uint32_t val);
uint64_t vcp_region_offset(unsigned int index);
void *vcp_mmap_aligned(size_t len, int prot, int fd, uint64_t off);
int vcp_hdm_count(uint32_t hdm_cap);
int vcp_find_hdm(struct vcp_dev *d, uint32_t *hdm_off);

#endif
