// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-cxl-pci: a vfio-pci variant driver that passes CXL Type-2 devices
 * (and, on request, Type-3 memory devices) through to virtual machines.
 * This file is the glue: module parameters, the PCI drivers, and the VFIO
 * device operations, which handle the CXL parts and leave everything else
 * to vfio-pci-core.
 *
 * Copyright (C) 2026 The vfio-cxl-pci authors
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vfio.h>
#include <linux/vfio_pci_core.h>
#include <linux/workqueue.h>

#include "vfio_cxl.h"
#include "../include/uapi/linux/vfio_cxl.h"

#ifndef VFIO_CXL_VERSION
#define VFIO_CXL_VERSION "unknown"
#endif

static bool disable_cxl;
module_param(disable_cxl, bool, 0444);
MODULE_PARM_DESC(disable_cxl,
		 "Bind every device as a plain vfio-pci device, without CXL (default: false)");

static char disable_cxl_bdf[256];
module_param_string(disable_cxl_bdf, disable_cxl_bdf, sizeof(disable_cxl_bdf), 0644);
MODULE_PARM_DESC(disable_cxl_bdf,
		 "Comma-separated PCI addresses (0000:3b:00.0) bound without CXL; read at bind time");

bool vfio_cxl_allow_type3;
module_param_named(allow_type3, vfio_cxl_allow_type3, bool, 0644);
MODULE_PARM_DESC(allow_type3,
		 "Pass CXL Type-3 memory devices (class 0x0502) through as CXL (default: false: plain vfio-pci)");

bool vfio_cxl_scrub;
module_param_named(scrub, vfio_cxl_scrub, bool, 0644);
MODULE_PARM_DESC(scrub,
		 "Write zeros over the device memory when the VFIO user closes the device (default: false)");

bool vfio_cxl_emulate_cxl_reset;
module_param_named(emulate_cxl_reset, vfio_cxl_emulate_cxl_reset, bool, 0644);
MODULE_PARM_DESC(emulate_cxl_reset,
		 "Show CXL_Reset_Capable in the guest's DVSEC even if the device lacks it; the reset is a PCI reset (default: false)");

bool vfio_cxl_strict_hdm_lock;
module_param_named(strict_hdm_lock, vfio_cxl_strict_hdm_lock, bool, 0644);
MODULE_PARM_DESC(strict_hdm_lock,
		 "Do not let a VMM clear the virtual LOCK of the firmware-committed decoder (v2 UAPI compatibility; default: false)");

/**
 * vfio_cxl_disabled_for() - is CXL disabled for a device by parameter
 * @pdev: the device being probed
 *
 * Context: process context; takes the module parameter lock.
 * Return: true if disable_cxl is set or disable_cxl_bdf lists @pdev.
 */
bool vfio_cxl_disabled_for(struct pci_dev *pdev)
{
	const char *name = pci_name(pdev), *p;
	size_t len = strlen(name);
	bool found = false;

	if (disable_cxl)
		return true;
	kernel_param_lock(THIS_MODULE);
	for (p = disable_cxl_bdf; *p; ) {
		size_t n = strcspn(p, ",\n ");

		if (n == len && !strncmp(p, name, len)) {
			found = true;
			break;
		}
		p += n;
		p += strspn(p, ",\n ");
	}
	kernel_param_unlock(THIS_MODULE);
	return found;
}

/*
 * A close-time scrub stops at a fatal signal, which is how a killed VMM's
 * file is closed; a kworker has none, so the rest is cleared here instead
 * of waiting for the next open.
 */
static void vfio_cxl_scrub_work(struct work_struct *work)
{
	struct vfio_cxl_device *cdev =
		container_of(work, struct vfio_cxl_device, scrub_work);

	if (vfio_cxl_dpa_clear(cdev)) {
		pci_warn(cdev->core.pdev, "cannot scrub device memory after its owner was killed; the next open scrubs first\n");
	} else {
		cdev->scrub_pending = false;
		pci_info(cdev->core.pdev, "device memory scrubbed after its owner was killed\n");
	}
	vfio_cxl_dpa_unmap_alias(cdev);
}

static int vfio_cxl_init_dev(struct vfio_device *core_vdev)
{
	struct vfio_cxl_device *cdev = vfio_cxl_from_vdev(core_vdev);

	INIT_WORK(&cdev->scrub_work, vfio_cxl_scrub_work);
	mutex_init(&cdev->hdm_lock);
	mutex_init(&cdev->dvsec_lock);
	mutex_init(&cdev->dpa.lock);
	return vfio_pci_core_init_dev(core_vdev);
}

static void vfio_cxl_release_dev(struct vfio_device *core_vdev)
{
	struct vfio_cxl_device *cdev = vfio_cxl_from_vdev(core_vdev);

	mutex_destroy(&cdev->dpa.lock);
	mutex_destroy(&cdev->dvsec_lock);
	mutex_destroy(&cdev->hdm_lock);
	vfio_pci_core_release_dev(core_vdev);
}

static int vfio_cxl_open_device(struct vfio_device *core_vdev)
{
	struct vfio_cxl_device *cdev = vfio_cxl_from_vdev(core_vdev);
	struct vfio_pci_core_device *vdev = &cdev->core;
	int ret;

	/* a scrub the last owner's death left to a kworker ends first */
	flush_work(&cdev->scrub_work);
	/* the device cache may still hold lines of the last owner */
	if (cdev->cache_wbi_failed)
		return -EIO;
	ret = vfio_pci_core_enable(vdev);
	if (ret)
		return ret;
	ret = vfio_cxl_dvsec_open(cdev);
	if (!ret)
		ret = vfio_cxl_dpa_register(cdev);
	if (!ret)
		ret = vfio_cxl_comp_regs_register(cdev);
	/* the last owner's data was not scrubbed at close: never hand it over */
	if (!ret && cdev->scrub_pending) {
		ret = vfio_cxl_dpa_clear(cdev);
		if (ret) {
			pci_warn(vdev->pdev, "device memory still holds the last owner's data, open refused (%d)\n",
				 ret);
			ret = -EIO;
		} else {
			cdev->scrub_pending = false;
		}
	}
	if (ret) {
		vfio_pci_core_disable(vdev);
		return ret;
	}
	vfio_pci_core_finish_enable(vdev);
	return 0;
}

static void vfio_cxl_close_device(struct vfio_device *core_vdev)
{
	struct vfio_cxl_device *cdev = vfio_cxl_from_vdev(core_vdev);

	/* the close-time reset writes it back too; a device without one needs this */
	vfio_cxl_cache_writeback(cdev, "close");
	vfio_pci_core_close_device(core_vdev);
	/* closing resets the device: leave it decoding the host's programming */
	vfio_cxl_dpa_verify(cdev);
	vfio_cxl_restore_host_ctrl2(cdev);
	if (vfio_cxl_scrub) {
		cdev->scrub_pending = true;
		switch (vfio_cxl_dpa_clear(cdev)) {
		case 0:
			cdev->scrub_pending = false;
			break;
		case -EINTR:
			/* the worker unmaps the alias when it is done */
			queue_work(system_long_wq, &cdev->scrub_work);
			return;
		default:
			pci_warn(cdev->core.pdev, "cannot scrub device memory after close; the next open scrubs first\n");
		}
	}
	vfio_cxl_dpa_unmap_alias(cdev);
}

static int vfio_cxl_open_plain(struct vfio_device *core_vdev)
{
	struct vfio_pci_core_device *vdev =
		container_of(core_vdev, struct vfio_pci_core_device, vdev);
	int ret;

	ret = vfio_pci_core_enable(vdev);
	if (ret)
		return ret;
	vfio_pci_core_finish_enable(vdev);
	return 0;
}

static long vfio_cxl_ioctl(struct vfio_device *core_vdev, unsigned int cmd,
			   unsigned long arg)
{
	struct vfio_cxl_device *cdev = vfio_cxl_from_vdev(core_vdev);
	long ret;

	switch (cmd) {
	case VFIO_DEVICE_GET_INFO:
		return vfio_cxl_get_info_cap(cdev, (void __user *)arg);
#ifndef VFIO_CXL_HAVE_GET_REGION_INFO_CAPS
	case VFIO_DEVICE_GET_REGION_INFO: {
		struct vfio_region_info __user *uinfo = (void __user *)arg;
		u32 index;

		if (get_user(index, &uinfo->index))
			return -EFAULT;
		if (index == cdev->hw.comp_bar)
			return vfio_cxl_ioctl_get_region_info(cdev, uinfo);
		break;
	}
#endif
	case VFIO_DEVICE_IOEVENTFD:
		return -ENOTTY;	/* see DOC: component register BAR */
	case VFIO_DEVICE_RESET:
	case VFIO_DEVICE_PCI_HOT_RESET:
		/* no window between the core's zap of the BARs and the reset */
		vfio_cxl_dpa_block(cdev, true);
		ret = vfio_pci_core_ioctl(core_vdev, cmd, arg);
		vfio_cxl_dpa_unblock(cdev);
		return ret;
	}
	return vfio_pci_core_ioctl(core_vdev, cmd, arg);
}

#ifdef VFIO_CXL_HAVE_GET_REGION_INFO_CAPS
static int vfio_cxl_get_region_info_caps(struct vfio_device *core_vdev,
					 struct vfio_region_info *info,
					 struct vfio_info_cap *caps)
{
	struct vfio_cxl_device *cdev = vfio_cxl_from_vdev(core_vdev);

	if (info->index == cdev->hw.comp_bar)
		return vfio_cxl_comp_bar_region_info(cdev, info, caps);
	return vfio_pci_ioctl_get_region_info(core_vdev, info, caps);
}
#endif

static ssize_t vfio_cxl_read(struct vfio_device *core_vdev, char __user *buf,
			     size_t count, loff_t *ppos)
{
	struct vfio_cxl_device *cdev = vfio_cxl_from_vdev(core_vdev);

	unsigned int index = VFIO_PCI_OFFSET_TO_INDEX(*ppos);

	if (index == VFIO_PCI_CONFIG_REGION_INDEX)
		return vfio_cxl_config_rw(cdev, buf, count, ppos, false);
	if (index == cdev->hw.comp_bar)
		return vfio_cxl_comp_bar_rw(cdev, buf, count, ppos, false);
	return vfio_pci_core_read(core_vdev, buf, count, ppos);
}

static ssize_t vfio_cxl_write(struct vfio_device *core_vdev, const char __user *buf,
			      size_t count, loff_t *ppos)
{
	struct vfio_cxl_device *cdev = vfio_cxl_from_vdev(core_vdev);

	unsigned int index = VFIO_PCI_OFFSET_TO_INDEX(*ppos);

	if (index == VFIO_PCI_CONFIG_REGION_INDEX)
		return vfio_cxl_config_rw(cdev, (char __user *)buf, count, ppos, true);
	if (index == cdev->hw.comp_bar)
		return vfio_cxl_comp_bar_rw(cdev, (char __user *)buf, count, ppos, true);
	return vfio_pci_core_write(core_vdev, buf, count, ppos);
}

static int vfio_cxl_mmap(struct vfio_device *core_vdev, struct vm_area_struct *vma)
{
	struct vfio_cxl_device *cdev = vfio_cxl_from_vdev(core_vdev);
	unsigned int index = vma->vm_pgoff >> (VFIO_PCI_OFFSET_SHIFT - PAGE_SHIFT);

	if (index == cdev->hw.comp_bar && !vfio_cxl_comp_bar_mmap_allowed(cdev, vma))
		return -EINVAL;
	return vfio_pci_core_mmap(core_vdev, vma);
}

/*
 * Low-power entry zaps the BARs in vfio-pci-core; the DPA region is zapped and
 * blocked around entry and exit, and the host's programming is re-verified
 * once the device is out of low power (D3 may reset it).
 */
static int vfio_cxl_device_feature(struct vfio_device *core_vdev, u32 flags,
				   void __user *arg, size_t argsz)
{
	struct vfio_cxl_device *cdev = vfio_cxl_from_vdev(core_vdev);
	u32 feature = flags & VFIO_DEVICE_FEATURE_MASK;
	int ret;

	if (!(flags & VFIO_DEVICE_FEATURE_SET))
		return vfio_pci_core_ioctl_feature(core_vdev, flags, arg, argsz);
	switch (feature) {
	case VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY:
	case VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP:
	case VFIO_DEVICE_FEATURE_LOW_POWER_EXIT:
		/*
		 * Lossy both ways: on exit the device comes back from D3, and
		 * no fault may map its memory before the host's programming is
		 * verified, which the unblock does once low power is over.
		 */
		vfio_cxl_dpa_block(cdev, true);
		ret = vfio_pci_core_ioctl_feature(core_vdev, flags, arg, argsz);
		vfio_cxl_dpa_unblock(cdev);
		return ret;
	}
	return vfio_pci_core_ioctl_feature(core_vdev, flags, arg, argsz);
}

static void vfio_cxl_request(struct vfio_device *core_vdev, unsigned int count)
{
	struct vfio_cxl_device *cdev = vfio_cxl_from_vdev(core_vdev);

	/* unbind is waiting for the user: take device memory away first */
	vfio_cxl_dpa_remove(cdev);
	vfio_pci_core_request(core_vdev, count);
}

static const struct vfio_device_ops vfio_cxl_ops = {
	.name		= "vfio-cxl-pci",
	.init		= vfio_cxl_init_dev,
	.release	= vfio_cxl_release_dev,
	.open_device	= vfio_cxl_open_device,
	.close_device	= vfio_cxl_close_device,
	.ioctl		= vfio_cxl_ioctl,
	.device_feature	= vfio_cxl_device_feature,
	.read		= vfio_cxl_read,
	.write		= vfio_cxl_write,
	.mmap		= vfio_cxl_mmap,
	.request	= vfio_cxl_request,
	.match		= vfio_pci_core_match,
#ifdef VFIO_CXL_HAVE_MATCH_TOKEN_UUID
	.match_token_uuid = vfio_pci_core_match_token_uuid,
#endif
#ifdef VFIO_CXL_HAVE_GET_REGION_INFO_CAPS
	.get_region_info_caps = vfio_cxl_get_region_info_caps,
#endif
	.bind_iommufd	= vfio_iommufd_physical_bind,
	.unbind_iommufd	= vfio_iommufd_physical_unbind,
	.attach_ioas	= vfio_iommufd_physical_attach_ioas,
	.detach_ioas	= vfio_iommufd_physical_detach_ioas,
};

/* CXL not in use: exactly what vfio-pci does for a device */
static const struct vfio_device_ops vfio_cxl_plain_ops = {
	.name		= "vfio-cxl-pci",
	.init		= vfio_cxl_init_dev,
	.release	= vfio_cxl_release_dev,
	.open_device	= vfio_cxl_open_plain,
	.close_device	= vfio_pci_core_close_device,
	.ioctl		= vfio_pci_core_ioctl,
	.device_feature	= vfio_pci_core_ioctl_feature,
	.read		= vfio_pci_core_read,
	.write		= vfio_pci_core_write,
	.mmap		= vfio_pci_core_mmap,
	.request	= vfio_pci_core_request,
	.match		= vfio_pci_core_match,
#ifdef VFIO_CXL_HAVE_MATCH_TOKEN_UUID
	.match_token_uuid = vfio_pci_core_match_token_uuid,
#endif
#ifdef VFIO_CXL_HAVE_GET_REGION_INFO_CAPS
	.get_region_info_caps = vfio_pci_ioctl_get_region_info,
#endif
	.bind_iommufd	= vfio_iommufd_physical_bind,
	.unbind_iommufd	= vfio_iommufd_physical_unbind,
	.attach_ioas	= vfio_iommufd_physical_attach_ioas,
	.detach_ioas	= vfio_iommufd_physical_detach_ioas,
};

static int vfio_cxl_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct vfio_cxl_hdm_emu *hdm = NULL;
	struct vfio_cxl_device *cdev;
	struct vfio_cxl_hw *hw;
	const char *reason = NULL;
	bool cxl;
	int ret;

	hw = kzalloc_obj(*hw, GFP_KERNEL);
	if (!hw)
		return -ENOMEM;
	ret = vfio_cxl_detect(pdev, hw, &hdm, &reason);
	if (ret == -ENOMEM) {
		kfree(hw);
		return ret;
	}
	cxl = !ret;

	cdev = vfio_alloc_device(vfio_cxl_device, core.vdev, &pdev->dev,
				 cxl ? &vfio_cxl_ops : &vfio_cxl_plain_ops);
	if (IS_ERR(cdev)) {
		kfree(hw);
		return PTR_ERR(cdev);
	}
	if (cxl) {
		cdev->cxl = true;
		cdev->hw = *hw;
		cdev->hdm = hdm;
		/*
		 * D3hot with No_Soft_Reset clear resets the decoders; keep the
		 * device in D0 while it is bound and idle, so the host's
		 * programming stays in place between users.
		 */
		vfio_cxl_keep_d0(&cdev->core);
	} else {
		cdev->plain_reason = reason;
	}
	kfree(hw);

	dev_set_drvdata(&pdev->dev, &cdev->core);
	ret = vfio_pci_core_register_device(&cdev->core);
	if (ret) {
		vfio_put_device(&cdev->core.vdev);
		return ret;
	}
	if (cxl)
		vfio_cxl_keep_d0_bound(&cdev->core);
	if (cxl)
		pci_info(pdev, "CXL passthrough: HDM decoder 0 maps %llu MiB at %pa, component registers in BAR%u at %#llx\n",
			 cdev->hw.dpa_size >> 20, &cdev->hw.hpa, cdev->hw.comp_bar,
			 cdev->hw.comp_off);
	else
		pci_info(pdev, "bound as a plain vfio-pci device: %s\n", reason);
	return 0;
}

static void vfio_cxl_remove(struct pci_dev *pdev)
{
	struct vfio_pci_core_device *vdev = dev_get_drvdata(&pdev->dev);
	struct vfio_cxl_device *cdev = vfio_cxl_from_core(vdev);

	if (cdev->cxl)
		vfio_cxl_keep_d0_unbind(vdev);
	vfio_pci_core_unregister_device(vdev);
	flush_work(&cdev->scrub_work);
	if (cdev->cxl) {
		vfio_cxl_cache_writeback(cdev, "unbind");
		vfio_cxl_restore_host_ctrl2(cdev);
		vfio_cxl_dpa_verify(cdev);
		/* the next driver must not get the last owner's data either */
		if (cdev->scrub_pending && vfio_cxl_dpa_clear(cdev))
			pci_warn(pdev, "device memory was not scrubbed after its last owner\n");
		vfio_cxl_dpa_unmap_alias(cdev);
	}
	vfio_put_device(&vdev->vdev);
}

static const struct pci_error_handlers vfio_cxl_err_handlers = {
	.error_detected	= vfio_cxl_error_detected,
	.resume		= vfio_cxl_error_resume,
	.reset_prepare	= vfio_cxl_reset_prepare,
	.reset_done	= vfio_cxl_reset_done,
};

/*
 * Binding is explicit (driver_override, driverctl, libvirt): the entries are
 * override-only, so the module's aliases are vfio_pci: aliases that udev
 * never autoloads. CXL accelerators carry their own class codes; vendors
 * shipping the driver add their device ids here.
 */
static const struct pci_device_id vfio_cxl_pci_table[] = {
	{	/* CXL memory devices (Type-3; CXL only with allow_type3=1) */
		PCI_DRIVER_OVERRIDE_DEVICE_VFIO(PCI_ANY_ID, PCI_ANY_ID),
		.class = PCI_CLASS_MEMORY_CXL << 8, .class_mask = 0xffff00,
	},
	{}
};
MODULE_DEVICE_TABLE(pci, vfio_cxl_pci_table);

/*
 * driver_override is compared with the driver name. Users and driverctl
 * write the documented name "vfio-cxl-pci"; libvirt writes the module name it
 * found in modules.alias, "vfio_cxl_pci". One driver per spelling.
 */
#define VFIO_CXL_PCI_DRIVER(drv_name) {				\
	.name			= drv_name,			\
	.id_table		= vfio_cxl_pci_table,		\
	.probe			= vfio_cxl_probe,		\
	.remove			= vfio_cxl_remove,		\
	.err_handler		= &vfio_cxl_err_handlers,	\
	.driver_managed_dma	= true,				\
	.dev_groups		= vfio_cxl_dev_groups,		\
}

static struct pci_driver vfio_cxl_pci_drivers[] = {
	VFIO_CXL_PCI_DRIVER("vfio-cxl-pci"),
	VFIO_CXL_PCI_DRIVER(KBUILD_MODNAME),
};

static int __init vfio_cxl_init(void)
{
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(vfio_cxl_pci_drivers); i++) {
		ret = pci_register_driver(&vfio_cxl_pci_drivers[i]);
		if (ret) {
			while (i--)
				pci_unregister_driver(&vfio_cxl_pci_drivers[i]);
			return ret;
		}
	}
	return 0;
}
module_init(vfio_cxl_init);

static void __exit vfio_cxl_exit(void)
{
	unsigned int i = ARRAY_SIZE(vfio_cxl_pci_drivers);

	while (i--)
		pci_unregister_driver(&vfio_cxl_pci_drivers[i]);
}
module_exit(vfio_cxl_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("VFIO PCI variant driver for CXL Type-2 device passthrough");
MODULE_VERSION(VFIO_CXL_VERSION);
