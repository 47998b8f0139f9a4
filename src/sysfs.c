// SPDX-License-Identifier: GPL-2.0-only
/*
 * Driver state in sysfs: what vfio-cxl-pci made of each bound device.
 *
 * Copyright (C) 2026 The vfio-cxl-pci authors
 */
#include <linux/cleanup.h>
#include <linux/device.h>
#include <linux/pci.h>
#include <linux/sysfs.h>

#include "vfio_cxl.h"

/**
 * DOC: sysfs attributes
 *
 * Every device bound to vfio-cxl-pci gets a read-only directory
 * /sys/bus/pci/devices/<BDF>/vfio_cxl/, created at bind and removed at
 * unbind by the driver core (pci_driver.dev_groups), one value per file:
 *
 * - mode: "cxl" (passed through with the CXL regions) or "plain" (bound as
 *   plain vfio-pci)
 * - reason: for "plain", why, in the words of the bind's log line; empty
 *   for "cxl"
 * - dpa_size: bytes of device memory in the DPA region (HDM decoder 0's
 *   size); 0 for "plain"
 * - decoder_count: HDM decoders the device's HDM Decoder Capability
 *   advertises (CXL r3.1 8.2.4.20.1); 0 for "plain"
 * - host_programming: "in place" if the last check found HDM decoder 0
 *   decoding the host's programming (CXL r3.1 8.2.4.20), "lost" if the last
 *   check failed (the DPA region is then blocked), "not checked" if no
 *   check has run since the device was bound or last reset (checks run at
 *   open, close and after resets); "none" for "plain"
 * - open: 1 while a VFIO user has the device open, else 0
 *
 * The values are snapshots: they can change as soon as they are read.
 */

static struct vfio_cxl_device *dev_to_cdev(struct device *dev)
{
	struct vfio_pci_core_device *vdev = dev_get_drvdata(dev);

	return vfio_cxl_from_core(vdev);
}

static ssize_t mode_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s\n", dev_to_cdev(dev)->cxl ? "cxl" : "plain");
}
static DEVICE_ATTR_RO(mode);

static ssize_t reason_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	struct vfio_cxl_device *cdev = dev_to_cdev(dev);

	return sysfs_emit(buf, "%s\n", cdev->plain_reason ?: "");
}
static DEVICE_ATTR_RO(reason);

static ssize_t dpa_size_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	struct vfio_cxl_device *cdev = dev_to_cdev(dev);

	return sysfs_emit(buf, "%llu\n", cdev->cxl ? cdev->hw.dpa_size : 0);
}
static DEVICE_ATTR_RO(dpa_size);

static ssize_t decoder_count_show(struct device *dev, struct device_attribute *attr,
				  char *buf)
{
	struct vfio_cxl_device *cdev = dev_to_cdev(dev);

	return sysfs_emit(buf, "%u\n", cdev->cxl ? cdev->hw.geom.count : 0);
}
static DEVICE_ATTR_RO(decoder_count);

static ssize_t host_programming_show(struct device *dev, struct device_attribute *attr,
				     char *buf)
{
	struct vfio_cxl_device *cdev = dev_to_cdev(dev);
	const char *state;

	if (!cdev->cxl)
		return sysfs_emit(buf, "none\n");
	scoped_guard(mutex, &cdev->dpa.lock) {
		if (cdev->dpa.host_ok)
			state = "in place";
		else if (cdev->dpa.restore_warned)
			state = "lost";
		else
			state = "not checked";
	}
	return sysfs_emit(buf, "%s\n", state);
}
static DEVICE_ATTR_RO(host_programming);

static ssize_t open_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	struct vfio_cxl_device *cdev = dev_to_cdev(dev);

	return sysfs_emit(buf, "%u\n", READ_ONCE(cdev->core.vdev.open_count) ? 1 : 0);
}
static DEVICE_ATTR_RO(open);

static struct attribute *vfio_cxl_attrs[] = {
	&dev_attr_mode.attr,
	&dev_attr_reason.attr,
	&dev_attr_dpa_size.attr,
	&dev_attr_decoder_count.attr,
	&dev_attr_host_programming.attr,
	&dev_attr_open.attr,
	NULL
};

static const struct attribute_group vfio_cxl_attr_group = {
	.name	= "vfio_cxl",
	.attrs	= vfio_cxl_attrs,
};

/* pci_driver.dev_groups: the driver core adds them at bind, removes them before remove() */
const struct attribute_group *vfio_cxl_dev_groups[] = {
	&vfio_cxl_attr_group,
	NULL
};
