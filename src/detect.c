// SPDX-License-Identifier: GPL-2.0-only
/*
 * CXL detection at probe: DVSECs, component registers, HDM decoders, and the
 * host programming saved for restore after resets.
 *
 * Copyright (C) 2026 The vfio-cxl-pci authors
 */
#include <linux/acpi.h>
#include <linux/device.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/pci.h>
#include <linux/unaligned.h>

#include "vfio_cxl.h"

/**
 * DOC: detection
 *
 * vfio-cxl-pci exposes a device as CXL only when all of this holds; the first
 * rule that fails names the reason, and the device is bound as a plain
 * vfio-pci device instead (probe never fails for a CXL reason):
 *
 * 1. CXL is not disabled by the disable_cxl or disable_cxl_bdf parameters;
 * 2. the device has a PCIe DVSEC for CXL Devices (CXL r3.1 8.1.3) at least
 *    0x38 bytes long, with Mem_Capable set;
 * 3. the class code is not the CXL memory device class 0x0502 (Type-3
 *    memory expanders), unless the allow_type3 parameter is set;
 * 4. the Register Locator DVSEC (8.1.9) points at a component register
 *    block that lies inside a memory BAR;
 * 5. the block's CXL.cache/mem area (8.2.4) has an HDM Decoder Capability
 *    with a valid decoder count;
 * 6. HDM decoder 0 was committed by platform firmware with a non-zero size
 *    and no interleaving, and the DVSEC reports Range 1 memory active;
 * 7. the host physical range decoder 0 maps is not System RAM, lies inside
 *    a CXL Fixed Memory Window (CEDT CFMWS, ACPI) when the platform has a
 *    CEDT, and can be claimed with request_mem_region().
 *
 * Probe then saves what the host must restore after every reset: the
 * committed decoders, the HDM Decoder Global Control and the DVSEC Control;
 * and notes the device's other CXL DVSECs, which the guest sees read-only.
 */

static u32 cm_read(void *ctx, u32 off)
{
	struct vfio_cxl_hw *hw = ctx;

	return readl(hw->comp + CXL_CM_OFFSET + off);
}

static int find_component_block(struct pci_dev *pdev, struct vfio_cxl_hw *hw,
				const char **reason)
{
	u16 regloc = pci_find_dvsec_capability(pdev, CXL_VENDOR_ID,
					       CXL_DVSEC_ID_REG_LOCATOR);
	u32 hdr1, len, pos;

	if (!regloc) {
		*reason = "no CXL Register Locator DVSEC";
		return -ENODEV;
	}
	pci_read_config_dword(pdev, regloc + CXL_DVSEC_HEADER1, &hdr1);
	len = FIELD_GET(CXL_DVSEC_HEADER1_LEN, hdr1);
	for (pos = CXL_REGLOC_FIRST_ENTRY; pos + CXL_REGLOC_ENTRY_SIZE <= len;
	     pos += CXL_REGLOC_ENTRY_SIZE) {
		u32 lo, hi;
		u64 off;
		u8 bar;

		pci_read_config_dword(pdev, regloc + pos, &lo);
		pci_read_config_dword(pdev, regloc + pos + 4, &hi);
		if (FIELD_GET(CXL_REGLOC_BLOCK_ID, lo) != CXL_REGLOC_BLOCK_COMPONENT)
			continue;
		bar = FIELD_GET(CXL_REGLOC_BIR, lo);
		off = ((u64)hi << 32) | (lo & CXL_REGLOC_OFFSET_LOW);
		if (bar >= PCI_STD_NUM_BARS ||
		    !(pci_resource_flags(pdev, bar) & IORESOURCE_MEM) ||
		    off + CXL_COMPONENT_BLOCK_SIZE > pci_resource_len(pdev, bar)) {
			*reason = "component register block is not inside a memory BAR";
			return -EINVAL;
		}
		hw->comp_bar = bar;
		hw->comp_off = off;
		return 0;
	}
	*reason = "Register Locator lists no component register block";
	return -ENODEV;
}

/*
 * With an ACPI CEDT, a firmware-committed decoder must map into one CXL Fixed
 * Memory Window (CXL r3.1 9.18.1.3); anything else is a firmware bug we will
 * not hand to a guest. Without a CEDT there is nothing to check against.
 */
static int check_cfmws(phys_addr_t hpa, u64 size)
{
#ifdef CONFIG_ACPI
	struct acpi_table_header *tbl;
	const u8 *p, *end;
	int ret = -ERANGE;

	if (ACPI_FAILURE(acpi_get_table(ACPI_SIG_CEDT, 0, &tbl)))
		return 0;
	p = (const u8 *)tbl + sizeof(*tbl);
	end = (const u8 *)tbl + tbl->length;
	while (p + sizeof(struct acpi_cedt_header) <= end) {
		const struct acpi_cedt_header *h = (const void *)p;
		u16 len = get_unaligned_le16(&h->length);

		if (len < sizeof(*h) || p + len > end)
			break;
		if (h->type == ACPI_CEDT_TYPE_CFMWS &&
		    len >= sizeof(struct acpi_cedt_cfmws)) {
			const struct acpi_cedt_cfmws *w = (const void *)p;
			u64 base = get_unaligned_le64(&w->base_hpa);
			u64 wsize = get_unaligned_le64(&w->window_size);

			if (hpa >= base && hpa + size <= base + wsize) {
				ret = 0;
				break;
			}
		}
		p += len;
	}
	acpi_put_table(tbl);
	return ret;
#else
	return 0;
#endif
}

static void __iomem *dec_reg(struct vfio_cxl_hw *hw, unsigned int n, u32 reg)
{
	return hw->comp + CXL_CM_OFFSET + hw->geom.hdm_off + CXL_HDM_DECODER(n) + reg;
}

static void save_decoder(struct vfio_cxl_hw *hw, unsigned int n)
{
	struct vfio_cxl_saved_decoder *d = &hw->saved[n];

	d->base_lo = readl(dec_reg(hw, n, CXL_HDM_DEC_BASE_LOW));
	d->base_hi = readl(dec_reg(hw, n, CXL_HDM_DEC_BASE_HIGH));
	d->size_lo = readl(dec_reg(hw, n, CXL_HDM_DEC_SIZE_LOW));
	d->size_hi = readl(dec_reg(hw, n, CXL_HDM_DEC_SIZE_HIGH));
	d->skip_lo = readl(dec_reg(hw, n, CXL_HDM_DEC_SKIP_LOW));
	d->skip_hi = readl(dec_reg(hw, n, CXL_HDM_DEC_SKIP_HIGH));
	d->ctrl = readl(dec_reg(hw, n, CXL_HDM_DEC_CTRL)) &
		  ~(CXL_HDM_CTRL_COMMITTED | CXL_HDM_CTRL_ERR_NOT_COMMITTED);
}

/* Every CXL DVSEC but the Device DVSEC: read-only to the guest. */
static int find_other_dvsecs(struct pci_dev *pdev, struct vfio_cxl_hw *hw,
			     const char **reason)
{
	u16 pos = 0;
	u32 hdr1;

	while ((pos = pci_find_next_ext_capability(pdev, pos, PCI_EXT_CAP_ID_DVSEC))) {
		pci_read_config_dword(pdev, pos + CXL_DVSEC_HEADER1, &hdr1);
		if (FIELD_GET(CXL_DVSEC_HEADER1_VENDOR, hdr1) != CXL_VENDOR_ID ||
		    pos == hw->dvsec)
			continue;
		if (hw->nr_ro_dvsec == VFIO_CXL_MAX_RO_DVSECS) {
			*reason = "too many CXL DVSECs to keep read-only";
			return -E2BIG;
		}
		hw->ro_dvsec[hw->nr_ro_dvsec].pos = pos;
		hw->ro_dvsec[hw->nr_ro_dvsec].len = FIELD_GET(CXL_DVSEC_HEADER1_LEN, hdr1);
		hw->nr_ro_dvsec++;
	}
	return 0;
}

static int check_dvsec(struct pci_dev *pdev, struct vfio_cxl_hw *hw,
		       const char **reason)
{
	u32 hdr1, size_lo;

	hw->dvsec = pci_find_dvsec_capability(pdev, CXL_VENDOR_ID,
					      CXL_DVSEC_ID_DEVICE);
	if (!hw->dvsec) {
		*reason = "no CXL Device DVSEC: not a CXL device";
		return -ENODEV;
	}
	pci_read_config_dword(pdev, hw->dvsec + CXL_DVSEC_HEADER1, &hdr1);
	hw->dvsec_len = FIELD_GET(CXL_DVSEC_HEADER1_LEN, hdr1);
	if (hw->dvsec_len < CXL_DVSEC_DEVICE_MIN_LEN ||
	    hw->dvsec_len > VFIO_CXL_DVSEC_MAX_LEN || hw->dvsec_len % 2) {
		*reason = "CXL Device DVSEC length is not supported";
		return -EINVAL;
	}
	pci_read_config_word(pdev, hw->dvsec + CXL_DVSEC_CAP, &hw->dvsec_cap);
	if (!(hw->dvsec_cap & CXL_DVSEC_CAP_MEM_CAPABLE)) {
		*reason = "CXL device is not Mem_Capable";
		return -ENODEV;
	}
	if ((pdev->class >> 8) == PCI_CLASS_MEMORY_CXL && !vfio_cxl_allow_type3) {
		*reason = "CXL Type-3 memory device (class 0x0502) and allow_type3=0";
		return -EPERM;
	}
	pci_read_config_dword(pdev, hw->dvsec + CXL_DVSEC_RANGE_SIZE_LOW(0), &size_lo);
	if (!(size_lo & CXL_DVSEC_RANGE_MEM_INFO_VALID) ||
	    !(size_lo & CXL_DVSEC_RANGE_MEM_ACTIVE)) {
		*reason = "device memory is not active (DVSEC Range 1)";
		return -EBUSY;
	}
	pci_read_config_word(pdev, hw->dvsec + CXL_DVSEC_CTRL, &hw->dvsec_ctrl);
	pci_read_config_word(pdev, hw->dvsec + CXL_DVSEC_CTRL2, &hw->dvsec_ctrl2);
	hw->dvsec_ctrl2 &= ~CXL_DVSEC_CTRL2_ACTIONS;
	hw->cfg_caps.pm = pdev->pm_cap;
	hw->cfg_caps.pcie = pdev->pcie_cap;
	hw->cfg_caps.af = pci_find_capability(pdev, PCI_CAP_ID_AF);
	return find_other_dvsecs(pdev, hw, reason);
}

static int map_hdm(struct pci_dev *pdev, struct vfio_cxl_hw *hw,
		   const char **reason)
{
	struct device *dev = &pdev->dev;
	unsigned int n;
	u32 ctrl;
	int ret;

	hw->comp = devm_ioremap(dev, pci_resource_start(pdev, hw->comp_bar) +
				hw->comp_off, CXL_COMPONENT_BLOCK_SIZE);
	if (!hw->comp) {
		*reason = "cannot map the component register block";
		return -EIO;
	}
	ret = vfio_cxl_hdm_parse(cm_read, hw, CXL_CM_SIZE, &hw->geom);
	if (ret) {
		*reason = ret == -ENODEV ? "no HDM Decoder Capability" :
					   "malformed CXL capability array";
		return ret;
	}
	hw->cm_snapshot = devm_kzalloc(dev, hw->geom.cm_size, GFP_KERNEL);
	if (!hw->cm_snapshot) {
		*reason = "out of memory";
		return -ENOMEM;
	}
	for (n = 0; n < hw->geom.cm_size / 4; n++)
		hw->cm_snapshot[n] = cm_read(hw, n * 4);

	for (n = 0; n < hw->geom.count; n++) {
		ctrl = readl(dec_reg(hw, n, CXL_HDM_DEC_CTRL));
		if (!(ctrl & CXL_HDM_CTRL_COMMITTED))
			break;
		save_decoder(hw, n);
	}
	hw->nr_saved = n;
	hw->hdm_global_ctrl = readl(hw->comp + CXL_CM_OFFSET + hw->geom.hdm_off +
				    CXL_HDM_GLOBAL_CTRL);
	if (!hw->nr_saved) {
		*reason = "HDM decoder 0 is not committed (platform firmware must commit it)";
		return -ENODEV;
	}
	ctrl = hw->saved[0].ctrl;
	if (FIELD_GET(CXL_HDM_CTRL_IW, ctrl)) {
		*reason = "HDM decoder 0 is interleaved (only IW=0 can be passed through)";
		return -EOPNOTSUPP;
	}
	hw->hpa = ((u64)hw->saved[0].base_hi << 32) |
		  (hw->saved[0].base_lo & CXL_HDM_DEC_LOW_ADDR);
	hw->dpa_size = ((u64)hw->saved[0].size_hi << 32) |
		       (hw->saved[0].size_lo & CXL_HDM_DEC_LOW_ADDR);
	if (!hw->dpa_size) {
		*reason = "HDM decoder 0 is committed with size 0";
		return -ENODEV;
	}
	return 0;
}

static int claim_hpa(struct pci_dev *pdev, struct vfio_cxl_hw *hw,
		     const char **reason)
{
	struct device *dev = &pdev->dev;
	void *map;

	if (hw->hpa + hw->dpa_size < hw->hpa) {
		*reason = "HDM decoder 0 range wraps";
		return -EINVAL;
	}
	if (region_intersects(hw->hpa, hw->dpa_size, IORESOURCE_SYSTEM_RAM,
			      IORES_DESC_NONE) != REGION_DISJOINT) {
		*reason = "HDM decoder 0 maps System RAM";
		return -EINVAL;
	}
	if (check_cfmws(hw->hpa, hw->dpa_size)) {
		*reason = "HDM decoder 0 maps outside every CXL Fixed Memory Window (CEDT CFMWS)";
		return -ERANGE;
	}
	if (!devm_request_mem_region(dev, hw->hpa, hw->dpa_size, "vfio-cxl-pci DPA")) {
		*reason = "the host physical range of HDM decoder 0 is in use";
		return -EBUSY;
	}
	/* the kernel alias is mapped at open (dpa.c); here only: can it be? */
	map = memremap(hw->hpa, hw->dpa_size, MEMREMAP_WB);
	if (!map) {
		*reason = "cannot map device memory";
		return -EIO;
	}
	memunmap(map);
	return 0;
}

static int init_view(struct pci_dev *pdev, struct vfio_cxl_hw *hw,
		     struct vfio_cxl_hdm_emu **hdm, const char **reason)
{
	*hdm = devm_kzalloc(&pdev->dev, sizeof(**hdm), GFP_KERNEL);
	if (!*hdm) {
		*reason = "out of memory";
		return -ENOMEM;
	}
	if (vfio_cxl_hdm_emu_init(*hdm, &hw->geom, hw->cm_snapshot, hw->dpa_size,
				  hw->dvsec_cap & CXL_DVSEC_CAP_CACHE_CAPABLE,
				  vfio_cxl_strict_hdm_lock)) {
		*reason = "HDM decoder 0 programming cannot be presented to a VMM";
		return -EINVAL;
	}
	return 0;
}

/**
 * vfio_cxl_detect() - decide whether a device is passed through as CXL
 * @pdev: the device being probed
 * @hw: filled in on success
 * @hdm: on success, a device-managed virtual HDM view, already initialised
 *	once from the snapshot to prove the snapshot can be presented
 * @reason: set to a human-readable reason when CXL is not used
 *
 * Applies the rules in the DOC section above. Resources taken on the way are
 * device-managed (devres) and released again if a later rule fails, so a
 * failure leaves the device exactly as a plain vfio-pci device.
 *
 * Context: probe; process context, may sleep.
 * Return: 0 if the device is passed through as CXL, else a negative errno
 * with @reason set (-ENODEV, -EINVAL, -EPERM, -EBUSY, -ERANGE, -EOPNOTSUPP,
 * -E2BIG, -EIO; -ENOMEM when the kernel is out of memory, which fails probe).
 */
int vfio_cxl_detect(struct pci_dev *pdev, struct vfio_cxl_hw *hw,
		    struct vfio_cxl_hdm_emu **hdm, const char **reason)
{
	struct device *dev = &pdev->dev;
	void *group;
	int ret;

	if (vfio_cxl_disabled_for(pdev)) {
		*reason = "CXL disabled by module parameter";
		return -EPERM;
	}
	*reason = "out of memory";
	group = devres_open_group(dev, vfio_cxl_detect, GFP_KERNEL);
	if (!group)
		return -ENOMEM;

	ret = check_dvsec(pdev, hw, reason);
	if (!ret)
		ret = find_component_block(pdev, hw, reason);
	if (!ret) {
		/* memory decode for the component registers, as firmware had it */
		ret = pci_enable_device_mem(pdev);
		if (ret) {
			*reason = "cannot enable memory decode";
		} else {
			ret = map_hdm(pdev, hw, reason);
			if (!ret)
				ret = claim_hpa(pdev, hw, reason);
			pci_disable_device(pdev);
		}
	}
	if (!ret)
		ret = init_view(pdev, hw, hdm, reason);

	if (ret) {
		devres_release_group(dev, group);
		memset(hw, 0, sizeof(*hw));
		return ret;
	}
	devres_remove_group(dev, group);
	return 0;
}
