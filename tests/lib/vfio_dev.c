// SPDX-License-Identifier: GPL-2.0-only
/*
 * Minimal VFIO type1 helpers for the in-guest tests and the demo program.
 *
 * Copyright (C) 2026 The vfio-cxl-pci authors
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vfio_dev.h"

static int group_of(const char *bdf)
{
	char path[PATH_MAX], link[PATH_MAX];
	ssize_t n;
	char *slash;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group", bdf);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return -1;
	link[n] = 0;
	slash = strrchr(link, '/');
	return slash ? atoi(slash + 1) : -1;
}

/**
 * vcp_open() - open a device bound to a VFIO driver through the type1 API
 * @d: filled in
 * @bdf: PCI address, e.g. "0000:0d:00.0"
 *
 * Return: 0, or -errno.
 */
int vcp_open(struct vcp_dev *d, const char *bdf)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	char path[64];
	int g;

	memset(d, 0, sizeof(*d));
	d->container = d->group = d->fd = -1;
	g = group_of(bdf);
	if (g < 0)
		return -ENODEV;
	d->container = open("/dev/vfio/vfio", O_RDWR);
	snprintf(path, sizeof(path), "/dev/vfio/%d", g);
	d->group = open(path, O_RDWR);
	if (d->container < 0 || d->group < 0)
		goto err;
	if (ioctl(d->group, VFIO_GROUP_GET_STATUS, &status) ||
	    !(status.flags & VFIO_GROUP_FLAGS_VIABLE))
		goto err;
	if (ioctl(d->group, VFIO_GROUP_SET_CONTAINER, &d->container) ||
	    ioctl(d->container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU))
		goto err;
	d->fd = ioctl(d->group, VFIO_GROUP_GET_DEVICE_FD, bdf);
	if (d->fd < 0)
		goto err;
	if (vcp_get_info(d))
		goto err;
	return 0;
err:
	g = -errno;
	vcp_close(d);
	return g ? g : -EIO;
}

/**
 * vcp_close() - close everything vcp_open() opened
 * @d: the device
 */
void vcp_close(struct vcp_dev *d)
{
	if (d->fd >= 0)
		close(d->fd);
	if (d->group >= 0)
		close(d->group);
	if (d->container >= 0)
		close(d->container);
	free(d->info_buf);
	d->info_buf = NULL;
	d->cxl = NULL;
	d->fd = d->group = d->container = -1;
}

/**
 * vcp_get_info() - VFIO_DEVICE_GET_INFO, growing the buffer as asked
 * @d: the device
 *
 * Return: 0, or -errno.
 */
int vcp_get_info(struct vcp_dev *d)
{
	struct vfio_device_info *info;
	uint32_t argsz = sizeof(*info), off;
	unsigned int hops = 0;

	free(d->info_buf);
	d->info_buf = NULL;
	d->cxl = NULL;
	for (;;) {
		info = calloc(1, argsz);
		if (!info)
			return -ENOMEM;
		info->argsz = argsz;
		if (ioctl(d->fd, VFIO_DEVICE_GET_INFO, info)) {
			free(info);
			return -errno;
		}
		if (info->argsz <= argsz)
			break;
		argsz = info->argsz;
		free(info);
	}
	d->info_buf = info;
	d->info = *info;
	if (!(info->flags & VFIO_DEVICE_FLAGS_CAPS))
		return 0;
	for (off = info->cap_offset; off && hops < 32; hops++) {
		const struct vfio_info_cap_header *h;

		if (off + sizeof(*h) > argsz)
			return -EPROTO;
		h = (const void *)((const char *)info + off);
		if (h->id == VFIO_DEVICE_INFO_CAP_CXL) {
			if (off + sizeof(*d->cxl) > argsz)
				return -EPROTO;
			d->cxl = (const void *)h;
		}
		off = h->next;
	}
	return 0;
}

/**
 * vcp_region() - VFIO_DEVICE_GET_REGION_INFO with capabilities
 * @d: the device
 * @index: region index
 * @r: filled in; release with vcp_region_free()
 *
 * Return: 0, or -errno.
 */
int vcp_region(struct vcp_dev *d, unsigned int index, struct vcp_region *r)
{
	uint32_t argsz = sizeof(struct vfio_region_info);
	struct vfio_region_info *ri;

	for (;;) {
		ri = calloc(1, argsz);
		if (!ri)
			return -ENOMEM;
		ri->argsz = argsz;
		ri->index = index;
		if (ioctl(d->fd, VFIO_DEVICE_GET_REGION_INFO, ri)) {
			free(ri);
			return -errno;
		}
		if (ri->argsz <= argsz)
			break;
		argsz = ri->argsz;
		free(ri);
	}
	r->buf = ri;
	r->info = *ri;
	return 0;
}

/**
 * vcp_region_cap() - find a region-info capability
 * @r: a reply from vcp_region()
 * @id: capability id
 *
 * Return: the capability header, or NULL.
 */
const struct vfio_info_cap_header *vcp_region_cap(const struct vcp_region *r, uint16_t id)
{
	uint32_t off = (r->info.flags & VFIO_REGION_INFO_FLAG_CAPS) ? r->info.cap_offset : 0;
	unsigned int hops;

	for (hops = 0; off && hops < 32; hops++) {
		const struct vfio_info_cap_header *h = (const void *)((const char *)r->buf + off);

		if (off + sizeof(*h) > r->info.argsz)
			return NULL;
		if (h->id == id)
			return h;
		off = h->next;
	}
	return NULL;
}

/**
 * vcp_region_free() - free a vcp_region() reply
 * @r: the reply
 */
void vcp_region_free(struct vcp_region *r)
{
	free(r->buf);
	r->buf = NULL;
}

/**
 * vcp_region_offset() - device fd offset of a region
 * @index: region index
 *
 * Return: index << 40, as vfio-pci lays regions out.
 */
uint64_t vcp_region_offset(unsigned int index)
{
	return (uint64_t)index << 40;
}

/**
 * vcp_mmap_aligned() - map a device region the way QEMU does
 * @len: bytes to map
 * @prot: PROT_* of the mapping
 * @fd: the device fd
 * @off: file offset (region offset plus offset in the region)
 *
 * Like QEMU's vfio_region_mmap(): reserves @len plus the alignment,
 * min(pow2ceil(@len), 1 GiB), and maps MAP_SHARED | MAP_FIXED at the aligned
 * address inside it, so the kernel can use PMD and PUD entries.
 *
 * Return: the mapping, or MAP_FAILED (errno set).
 */
void *vcp_mmap_aligned(size_t len, int prot, int fd, uint64_t off)
{
	size_t align = 4096;
	uintptr_t base, at;
	void *r, *m;

	while (align < len && align < (1UL << 30))
		align <<= 1;
	r = mmap(NULL, len + align, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (r == MAP_FAILED)
		return r;
	base = (uintptr_t)r;
	at = (base + align - 1) & ~(uintptr_t)(align - 1);
	m = mmap((void *)at, len, prot, MAP_SHARED | MAP_FIXED, fd, off);
	if (m == MAP_FAILED) {
		int e = errno;

		munmap(r, len + align);
		errno = e;
		return m;
	}
	if (at > base)
		munmap(r, at - base);
	if (base + len + align > at + len)
		munmap((void *)(at + len), base + len + align - at - len);
	return m;
}

/**
 * vcp_comp_read() - read one COMP_REGS dword
 * @d: an open CXL device
 * @off: offset in the region
 * @val: value read
 *
 * Return: 0, or -errno.
 */
int vcp_comp_read(struct vcp_dev *d, uint64_t off, uint32_t *val)
{
	ssize_t n = pread(d->fd, val, 4, vcp_region_offset(d->cxl->comp_regs_region_index) + off);

	return n == 4 ? 0 : (n < 0 ? -errno : -EIO);
}

/**
 * vcp_comp_write() - write one COMP_REGS dword
 * @d: an open CXL device
 * @off: offset in the region
 * @val: value to write
 *
 * Return: 0, or -errno.
 */
int vcp_comp_write(struct vcp_dev *d, uint64_t off, uint32_t val)
{
	ssize_t n = pwrite(d->fd, &val, 4, vcp_region_offset(d->cxl->comp_regs_region_index) + off);

	return n == 4 ? 0 : (n < 0 ? -errno : -EIO);
}

/**
 * vcp_hdm_count() - decode an HDM Decoder Capability's decoder count
 * @hdm_cap: the register (CXL r3.1 8.2.4.20.1)
 *
 * Written independently of the driver's decoder so that tests check it.
 *
 * Return: decoder count, or -1 for a reserved encoding.
 */
int vcp_hdm_count(uint32_t hdm_cap)
{
	static const int count[16] = { 1, 2, 4, 6, 8, 10, 12, 14, 16, 20, 24, 28, 32,
					-1, -1, -1 };

	return count[hdm_cap & 0xf];
}

/**
 * vcp_find_hdm() - walk the CXL Capability Array in COMP_REGS for the HDM
 * Decoder Capability, as a VMM does
 * @d: an open CXL device
 * @hdm_off: offset of the HDM Decoder Capability structure in COMP_REGS
 *
 * Return: 0, or -errno (-ENOENT if there is no HDM capability).
 */
int vcp_find_hdm(struct vcp_dev *d, uint32_t *hdm_off)
{
	uint32_t hdr, e, i, n;
	int ret = vcp_comp_read(d, 0, &hdr);

	if (ret)
		return ret;
	if ((hdr & 0xffff) != 1)
		return -EPROTO;
	n = hdr >> 24;
	for (i = 1; i <= n; i++) {
		ret = vcp_comp_read(d, i * 4, &e);
		if (ret)
			return ret;
		if ((e & 0xffff) == 5) {
			*hdm_off = e >> 20;
			return 0;
		}
	}
	return -ENOENT;
}
