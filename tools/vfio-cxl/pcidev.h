/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vfio-cxl: what sysfs and the configuration space say about one PCI device.
 *
 * Copyright (C) 2026 The vfio-cxl-pci authors
 */
#ifndef VFIO_CXL_PCIDEV_H
#define VFIO_CXL_PCIDEV_H

#include <stdbool.h>
#include <stdint.h>

#define PCI_DEVICES		"/sys/bus/pci/devices"
#define CXL_MAX_DECODERS	32

/**
 * struct cxl_decoder - one HDM decoder as the device holds it
 * @committed: Decoder Control's Committed bit (CXL r3.1 8.2.4.20.7)
 * @base: Decoder Base, host physical address in bytes
 * @size: Decoder Size in bytes
 */
struct cxl_decoder {
	bool committed;
	uint64_t base;
	uint64_t size;
};

/**
 * struct pcidev - a PCI device and what its CXL structures say
 * @bdf: domain:bus:device.function, as sysfs names it
 * @vendor: PCI vendor ID
 * @device: PCI device ID
 * @class: class code (base, sub-class, programming interface)
 * @driver: bound driver's name, "" if none
 * @iommu_group: IOMMU group number, -1 if none
 * @cxl: the device has a CXL Device DVSEC (CXL r3.1 8.1.3)
 * @cache_capable: DVSEC CXL Capability Cache_Capable
 * @io_capable: DVSEC CXL Capability IO_Capable
 * @mem_capable: DVSEC CXL Capability Mem_Capable
 * @hdm_count: DVSEC CXL Capability HDM_Count (DVSEC ranges, 0-2)
 * @regs_error: why the HDM decoders could not be read, NULL if they were
 * @ndecoders: decoders the HDM Decoder Capability advertises (8.2.4.20.1)
 * @dec: the decoders, @ndecoders of them
 */
struct pcidev {
	char bdf[16];
	unsigned int vendor, device, class;
	char driver[64];
	int iommu_group;
	bool cxl, cache_capable, io_capable, mem_capable;
	unsigned int hdm_count;
	const char *regs_error;
	unsigned int ndecoders;
	struct cxl_decoder dec[CXL_MAX_DECODERS];
};

/**
 * pcidev_valid_bdf() - check the spelling of a PCI address
 * @in: user input, "DDDD:BB:DD.F" or "BB:DD.F"
 * @out: the address with its domain, at least 16 bytes
 *
 * Return: true if @in is a well-formed address (written to @out).
 */
bool pcidev_valid_bdf(const char *in, char *out);

/**
 * pcidev_read() - read a device's sysfs attributes and CXL structures
 * @bdf: a well-formed address
 * @d: filled in
 *
 * Reads the configuration space (the extended space needs root) and, for a
 * CXL device, the HDM decoders through the component register BAR named by
 * the Register Locator DVSEC (CXL r3.1 8.1.9). Read-only.
 *
 * Return: 0, -ENODEV if there is no such device, -EACCES if the extended
 * configuration space cannot be read (not root), other negative errno.
 */
int pcidev_read(const char *bdf, struct pcidev *d);

/**
 * pcidev_attr() - read one sysfs attribute of a device, newline stripped
 * @bdf: the device
 * @name: attribute path below the device's directory
 * @buf: result
 * @len: size of @buf
 *
 * Return: 0, or negative errno.
 */
int pcidev_attr(const char *bdf, const char *name, char *buf, unsigned int len);

/**
 * sysfs_read() - read a sysfs file, newline stripped
 * @path: the file
 * @buf: result
 * @len: size of @buf
 *
 * Return: 0, or negative errno.
 */
int sysfs_read(const char *path, char *buf, unsigned int len);

/**
 * pcidev_write() - write a string to a sysfs file
 * @path: the file
 * @val: what to write
 *
 * Return: 0, or negative errno.
 */
int pcidev_write(const char *path, const char *val);

/**
 * pcidev_user() - find a process that holds the device's VFIO files open
 * @d: the device (its IOMMU group and VFIO cdev)
 *
 * Return: the PID of one process holding /dev/vfio/<group> or
 * /dev/vfio/devices/vfioN of this device open, 0 if none.
 */
int pcidev_user(const struct pcidev *d);

#endif
