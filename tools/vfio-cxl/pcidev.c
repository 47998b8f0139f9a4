// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-cxl: PCI devices through sysfs, and their CXL structures: the CXL
 * Device DVSEC and the Register Locator DVSEC in the configuration space
 * (CXL r3.1 8.1.3, 8.1.9), the HDM decoders in the component registers
 * (CXL r3.1 8.2.4.20). Everything here only reads, but for pcidev_write().
 *
 * Copyright (C) 2026 The vfio-cxl-pci authors
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pcidev.h"

#define PCI_EXT_CAP_ID_DVSEC	0x23
#define CXL_VENDOR_ID		0x1e98
#define CXL_DVSEC_DEVICE	0
#define CXL_DVSEC_REG_LOCATOR	8
#define CXL_REGLOC_COMPONENT	1	/* Register Block Identifier, 8.1.9.1 */
#define CXL_CM_OFFSET		0x1000	/* CXL.cachemem primary range, 8.2.3 */
#define CXL_CM_CAP_HDR_HDM	5	/* HDM Decoder Capability ID, 8.2.4 */
#define CXL_COMP_REGS_SIZE	0x10000

bool pcidev_valid_bdf(const char *in, char *out)
{
	unsigned int dom = 0, bus, dev, fn;
	char tail;

	if (sscanf(in, "%4x:%2x:%2x.%1x%c", &dom, &bus, &dev, &fn, &tail) != 4) {
		dom = 0;
		if (sscanf(in, "%2x:%2x.%1x%c", &bus, &dev, &fn, &tail) != 3)
			return false;
	}
	if (strspn(in, "0123456789abcdefABCDEF:.") != strlen(in) || dev > 0x1f || fn > 7)
		return false;
	snprintf(out, 16, "%04x:%02x:%02x.%x", dom, bus, dev, fn);
	return true;
}

int pcidev_attr(const char *bdf, const char *name, char *buf, unsigned int len)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), PCI_DEVICES "/%s/%s", bdf, name);
	return sysfs_read(path, buf, len);
}

int sysfs_read(const char *path, char *buf, unsigned int len)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}

int pcidev_write(const char *path, const char *val)
{
	ssize_t n;
	int fd;

	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	n = n < 0 ? -errno : 0;
	close(fd);
	return n;
}

/* the last component of a symlink below the device's directory, "" if none */
static void link_name(const char *bdf, const char *name, char *buf, size_t len)
{
	char path[PATH_MAX], target[PATH_MAX];
	const char *base;
	ssize_t n;

	snprintf(path, sizeof(path), PCI_DEVICES "/%s/%s", bdf, name);
	n = readlink(path, target, sizeof(target) - 1);
	buf[0] = 0;
	if (n <= 0)
		return;
	target[n] = 0;
	base = strrchr(target, '/') ? strrchr(target, '/') + 1 : target;
	n = strlen(base) < len ? strlen(base) : len - 1;
	memcpy(buf, base, n);
	buf[n] = 0;
}

static uint32_t cfg32(const uint8_t *cfg, unsigned int off)
{
	return cfg[off] | cfg[off + 1] << 8 | cfg[off + 2] << 16 | (uint32_t)cfg[off + 3] << 24;
}

static uint16_t cfg16(const uint8_t *cfg, unsigned int off)
{
	return cfg[off] | cfg[off + 1] << 8;
}

/* offset of the CXL DVSEC with this ID in the extended space, 0 if none */
static unsigned int find_dvsec(const uint8_t *cfg, uint16_t id)
{
	unsigned int pos = 0x100, hops = 0;

	while (pos >= 0x100 && pos <= 0xffc && hops++ < 512) {
		uint32_t hdr = cfg32(cfg, pos);

		if ((hdr & 0xffff) == PCI_EXT_CAP_ID_DVSEC && pos <= 0xff4 &&
		    cfg16(cfg, pos + 4) == CXL_VENDOR_ID && cfg16(cfg, pos + 8) == id)
			return pos;
		pos = hdr >> 20;
	}
	return 0;
}

/* the HDM decoders, read through a mapping of the component register BAR */
static const char *read_decoders(struct pcidev *d, const uint8_t *cfg, unsigned int regloc)
{
	static const unsigned int counts[16] = { 1, 2, 4, 6, 8, 10, 12, 14, 16, 20, 24, 28, 32 };
	unsigned int len = cfg32(cfg, regloc + 4) >> 20, pos, bar = 6, i, n, hdm = 0;
	volatile const uint32_t *cm;
	char path[PATH_MAX];
	uint64_t off = 0;
	long page = sysconf(_SC_PAGESIZE);
	size_t map_off, map_len;
	void *map;
	int fd;

	for (pos = 0xc; pos + 8 <= len && regloc + pos + 8 <= 0x1000; pos += 8) {
		uint32_t lo = cfg32(cfg, regloc + pos), hi = cfg32(cfg, regloc + pos + 4);

		if (((lo >> 8) & 0xff) == CXL_REGLOC_COMPONENT) {
			bar = lo & 7;
			off = (uint64_t)hi << 32 | (lo & 0xffff0000);
			break;
		}
	}
	if (bar > 5)
		return "no component register block in the Register Locator DVSEC";
	snprintf(path, sizeof(path), PCI_DEVICES "/%s/resource%u", d->bdf, bar);
	fd = open(path, O_RDONLY | O_SYNC);
	if (fd < 0)
		return "component register BAR cannot be opened";
	map_off = off & ~(uint64_t)(page - 1);
	map_len = off - map_off + CXL_COMP_REGS_SIZE;
	map = mmap(NULL, map_len, PROT_READ, MAP_SHARED, fd, map_off);
	close(fd);
	if (map == MAP_FAILED)
		return "component register BAR cannot be mapped";
	cm = (const uint32_t *)((char *)map + (off - map_off) + CXL_CM_OFFSET);
	if (cm[0] == 0xffffffff) {
		munmap(map, map_len);
		return "component registers read all ones (device in a low-power state or memory decode off)";
	}
	n = cm[0] >> 24;
	for (i = 1; i <= n && i < 1024; i++)
		if ((cm[i] & 0xffff) == CXL_CM_CAP_HDR_HDM)
			hdm = cm[i] >> 20;
	if (!hdm) {
		munmap(map, map_len);
		return "no HDM Decoder Capability";
	}
	d->ndecoders = counts[cm[hdm / 4] & 0xf];
	for (i = 0; i < d->ndecoders && hdm + 0x30 + i * 0x20 <= 0x1000; i++) {
		volatile const uint32_t *r = cm + (hdm + 0x10 + i * 0x20) / 4;

		d->dec[i].base = (uint64_t)r[1] << 32 | (r[0] & 0xf0000000);
		d->dec[i].size = (uint64_t)r[3] << 32 | (r[2] & 0xf0000000);
		d->dec[i].committed = r[4] & (1u << 10);
	}
	munmap(map, map_len);
	return NULL;
}

int pcidev_read(const char *bdf, struct pcidev *d)
{
	char path[PATH_MAX], buf[64];
	uint8_t cfg[4096];
	unsigned int dv, rl;
	struct stat st;
	ssize_t n;
	int fd, ret;

	memset(d, 0, sizeof(*d));
	d->iommu_group = -1;
	snprintf(d->bdf, sizeof(d->bdf), "%s", bdf);
	snprintf(path, sizeof(path), PCI_DEVICES "/%s/config", bdf);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return errno == ENOENT ? -ENODEV : -errno;
	memset(cfg, 0, sizeof(cfg));
	n = pread(fd, cfg, sizeof(cfg), 0);
	ret = n < 0 ? -errno : 0;
	if (!ret && fstat(fd, &st))
		ret = -errno;
	close(fd);
	if (ret)
		return ret;
	ret = pcidev_attr(bdf, "vendor", buf, sizeof(buf));
	if (ret)
		return ret;
	d->vendor = strtoul(buf, NULL, 16);
	if (!pcidev_attr(bdf, "device", buf, sizeof(buf)))
		d->device = strtoul(buf, NULL, 16);
	if (!pcidev_attr(bdf, "class", buf, sizeof(buf)))
		d->class = strtoul(buf, NULL, 16);
	link_name(bdf, "driver", d->driver, sizeof(d->driver));
	link_name(bdf, "iommu_group", buf, sizeof(buf));
	if (buf[0])
		d->iommu_group = atoi(buf);
	/* without CAP_SYS_ADMIN the file reads 64 bytes: no extended space */
	if (n < st.st_size)
		return -EACCES;
	if (n < (ssize_t)sizeof(cfg))
		return 0;
	dv = find_dvsec(cfg, CXL_DVSEC_DEVICE);
	if (!dv)
		return 0;
	d->cxl = true;
	d->cache_capable = cfg[dv + 0xa] & 1;
	d->io_capable = cfg[dv + 0xa] & 2;
	d->mem_capable = cfg[dv + 0xa] & 4;
	d->hdm_count = (cfg[dv + 0xa] >> 4) & 3;
	rl = find_dvsec(cfg, CXL_DVSEC_REG_LOCATOR);
	d->regs_error = rl ? read_decoders(d, cfg, rl) : "no Register Locator DVSEC";
	return 0;
}

int pcidev_user(const struct pcidev *d)
{
	char group[64] = "", cdev[300] = "", path[PATH_MAX], target[PATH_MAX];
	struct dirent *p, *f;
	DIR *proc, *fds;
	int pid = 0;
	ssize_t n;

	if (d->iommu_group >= 0)
		snprintf(group, sizeof(group), "/dev/vfio/%d", d->iommu_group);
	snprintf(path, sizeof(path), PCI_DEVICES "/%s/vfio-dev", d->bdf);
	fds = opendir(path);
	if (fds) {
		while ((f = readdir(fds)))
			if (!strncmp(f->d_name, "vfio", 4))
				snprintf(cdev, sizeof(cdev), "/dev/vfio/devices/%s", f->d_name);
		closedir(fds);
	}
	proc = opendir("/proc");
	if (!proc)
		return 0;
	while (!pid && (p = readdir(proc))) {
		if (p->d_name[0] < '1' || p->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/fd", p->d_name);
		fds = opendir(path);
		if (!fds)
			continue;
		while (!pid && (f = readdir(fds))) {
			snprintf(path, sizeof(path), "/proc/%s/fd/%s", p->d_name, f->d_name);
			n = readlink(path, target, sizeof(target) - 1);
			if (n <= 0)
				continue;
			target[n] = 0;
			if ((group[0] && !strcmp(target, group)) || (cdev[0] && !strcmp(target, cdev)))
				pid = atoi(p->d_name);
		}
		closedir(fds);
	}
	closedir(proc);
	return pid;
}
