/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * CXL register layout used by vfio-cxl-pci: the PCIe DVSECs for CXL devices
 * and the CXL.cache/CXL.mem component registers. Offsets and bit positions
 * are those of the CXL Specification r3.1; the section is cited per group.
 * Usable from the kernel and from user space (through emu_types.h).
 *
 * Copyright (C) 2026 The vfio-cxl-pci authors
 */
#ifndef VFIO_CXL_REGS_H
#define VFIO_CXL_REGS_H

#include "emu_types.h"

#define CXL_VENDOR_ID				0x1e98

/* PCIe DVSEC header (PCIe r6.0 7.9.6), relative to the DVSEC's ext. capability */
#define CXL_DVSEC_HEADER1			0x04
#define   CXL_DVSEC_HEADER1_VENDOR		GENMASK(15, 0)
#define   CXL_DVSEC_HEADER1_REV			GENMASK(19, 16)
#define   CXL_DVSEC_HEADER1_LEN			GENMASK(31, 20)
#define CXL_DVSEC_HEADER2			0x08

/* DVSEC ids (CXL r3.1 8.1.1 table 8-2) */
#define CXL_DVSEC_ID_DEVICE			0x0000
#define CXL_DVSEC_ID_REG_LOCATOR		0x0008

/* PCIe DVSEC for CXL Devices (CXL r3.1 8.1.3) */
#define CXL_DVSEC_CAP				0x0a
#define   CXL_DVSEC_CAP_CACHE_CAPABLE		BIT(0)
#define   CXL_DVSEC_CAP_IO_CAPABLE		BIT(1)
#define   CXL_DVSEC_CAP_MEM_CAPABLE		BIT(2)
#define   CXL_DVSEC_CAP_MEM_HWINIT_MODE		BIT(3)
#define   CXL_DVSEC_CAP_HDM_COUNT		GENMASK(5, 4)
#define   CXL_DVSEC_CAP_CACHE_WBI_CAPABLE	BIT(6)
#define   CXL_DVSEC_CAP_RESET_CAPABLE		BIT(7)
#define   CXL_DVSEC_CAP_RESET_TIMEOUT		GENMASK(10, 8)
#define   CXL_DVSEC_CAP_RESET_MEM_CLR_CAPABLE	BIT(11)
#define   CXL_DVSEC_CAP_TSP_CAPABLE		BIT(12)
#define   CXL_DVSEC_CAP_MLD_CAPABLE		BIT(13)
#define   CXL_DVSEC_CAP_VIRAL_CAPABLE		BIT(14)
#define   CXL_DVSEC_CAP_PM_INIT_REPORTING	BIT(15)
#define CXL_DVSEC_CTRL				0x0c
#define   CXL_DVSEC_CTRL_CACHE_ENABLE		BIT(0)
#define   CXL_DVSEC_CTRL_IO_ENABLE		BIT(1)
#define   CXL_DVSEC_CTRL_MEM_ENABLE		BIT(2)
#define   CXL_DVSEC_CTRL_CACHE_SF_COVERAGE	GENMASK(7, 3)
#define   CXL_DVSEC_CTRL_CACHE_SF_GRANULARITY	GENMASK(10, 8)
#define   CXL_DVSEC_CTRL_CACHE_CLEAN_EVICTION	BIT(11)
#define   CXL_DVSEC_CTRL_P2P_MEM_ENABLE		BIT(12)
#define   CXL_DVSEC_CTRL_VIRAL_ENABLE		BIT(14)
#define CXL_DVSEC_STATUS			0x0e
#define   CXL_DVSEC_STATUS_VIRAL		BIT(14)
#define CXL_DVSEC_CTRL2				0x10
#define   CXL_DVSEC_CTRL2_DISABLE_CACHING	BIT(0)
#define   CXL_DVSEC_CTRL2_INITIATE_WBI		BIT(1)
#define   CXL_DVSEC_CTRL2_INITIATE_RESET	BIT(2)
/* the Control2 bits that start an action and read 0 */
#define   CXL_DVSEC_CTRL2_ACTIONS		(CXL_DVSEC_CTRL2_INITIATE_WBI | \
					 CXL_DVSEC_CTRL2_INITIATE_RESET)
#define   CXL_DVSEC_CTRL2_RESET_MEM_CLR		BIT(3)
#define   CXL_DVSEC_CTRL2_DESIRED_VOLATILE_HDM	BIT(4)
#define   CXL_DVSEC_CTRL2_MOD_COMPLETION	BIT(5)
#define CXL_DVSEC_STATUS2			0x12
#define   CXL_DVSEC_STATUS2_CACHE_INVALID	BIT(0)
#define   CXL_DVSEC_STATUS2_RESET_COMPLETE	BIT(1)
#define   CXL_DVSEC_STATUS2_RESET_ERROR		BIT(2)
#define   CXL_DVSEC_STATUS2_VOLATILE_HDM_ERR	BIT(3)
#define   CXL_DVSEC_STATUS2_PM_INIT_COMPLETION	BIT(15)
#define CXL_DVSEC_LOCK				0x14
#define   CXL_DVSEC_LOCK_CONFIG_LOCK		BIT(0)
#define CXL_DVSEC_CAP2				0x16
#define   CXL_DVSEC_CAP2_CACHE_SIZE_UNIT	GENMASK(3, 0)
#define     CXL_DVSEC_CAP2_CACHE_UNIT_64K	1
#define     CXL_DVSEC_CAP2_CACHE_UNIT_1M	2
#define   CXL_DVSEC_CAP2_MOD_COMPLETION_CAPABLE	BIT(6)
#define   CXL_DVSEC_CAP2_CACHE_SIZE		GENMASK(15, 8)
#define CXL_DVSEC_RANGE_SIZE_HIGH(n)		(0x18 + (n) * 0x10)
#define CXL_DVSEC_RANGE_SIZE_LOW(n)		(0x1c + (n) * 0x10)
#define   CXL_DVSEC_RANGE_MEM_INFO_VALID	BIT(0)
#define   CXL_DVSEC_RANGE_MEM_ACTIVE		BIT(1)
#define   CXL_DVSEC_RANGE_MEM_ACTIVE_TIMEOUT	GENMASK(15, 13)
#define CXL_DVSEC_RANGE_BASE_HIGH(n)		(0x20 + (n) * 0x10)
#define CXL_DVSEC_RANGE_BASE_LOW(n)		(0x24 + (n) * 0x10)
#define   CXL_DVSEC_RANGE_BASE_LOW_RSVD		GENMASK(27, 0)
#define CXL_DVSEC_CAP3				0x38
#define   CXL_DVSEC_CAP3_VOLATILE_HDM_CONFIG	BIT(3)
#define   CXL_DVSEC_CAP3_P2P_MEM_CAPABLE	BIT(4)
/* Smallest DVSEC length that holds Range 2 (CXL 1.1 rev 0 layout) */
#define CXL_DVSEC_DEVICE_MIN_LEN		0x38

/* Register Locator DVSEC (CXL r3.1 8.1.9) */
#define CXL_REGLOC_FIRST_ENTRY			0x0c
#define CXL_REGLOC_ENTRY_SIZE			8
#define   CXL_REGLOC_BIR			GENMASK(2, 0)
#define   CXL_REGLOC_BLOCK_ID			GENMASK(15, 8)
#define   CXL_REGLOC_OFFSET_LOW			GENMASK(31, 16)
#define CXL_REGLOC_BLOCK_COMPONENT		1

/* Component register block (CXL r3.1 8.2.3, 8.2.4) */
#define CXL_COMPONENT_BLOCK_SIZE		0x10000
#define CXL_CM_OFFSET				0x1000
#define CXL_CM_SIZE				0x1000
#define CXL_CM_CAP_HDR_ID			GENMASK(15, 0)
#define CXL_CM_CAP_HDR_VERSION			GENMASK(19, 16)
#define CXL_CM_CAP_HDR_ARRAY_SIZE		GENMASK(31, 24)
#define CXL_CM_CAP_PTR				GENMASK(31, 20)
#define CXL_CM_CAP_ID_ARRAY			0x1
#define CXL_CM_CAP_ID_RAS			0x2
#define CXL_CM_CAP_ID_HDM			0x5

/* CXL RAS Capability Structure (CXL r3.1 8.2.4.16) */
#define CXL_RAS_UE_STATUS			0x00	/* RW1CS */
#define CXL_RAS_CE_STATUS			0x0c	/* RW1CS */
#define CXL_RAS_SIZE				0x58

/* HDM Decoder Capability Structure (CXL r3.1 8.2.4.20) */
#define CXL_HDM_CAP				0x00
#define   CXL_HDM_CAP_DECODER_COUNT		GENMASK(3, 0)
#define   CXL_HDM_CAP_TARGET_COUNT		GENMASK(7, 4)
#define   CXL_HDM_CAP_INTERLEAVE_11_8		BIT(8)
#define   CXL_HDM_CAP_INTERLEAVE_14_12		BIT(9)
#define   CXL_HDM_CAP_POISON_ON_DECODE_ERR	BIT(10)
#define   CXL_HDM_CAP_3_6_12_WAY		BIT(11)
#define   CXL_HDM_CAP_16_WAY			BIT(12)
#define   CXL_HDM_CAP_UIO_CAPABLE		BIT(13)
#define CXL_HDM_GLOBAL_CTRL			0x04
#define   CXL_HDM_GLOBAL_CTRL_POISON_ENABLE	BIT(0)
#define   CXL_HDM_GLOBAL_CTRL_ENABLE		BIT(1)
#define CXL_HDM_DECODER_FIRST			0x10
#define CXL_HDM_DECODER_STRIDE			0x20
#define CXL_HDM_DECODER(n)	(CXL_HDM_DECODER_FIRST + (n) * CXL_HDM_DECODER_STRIDE)
/* register offsets within one decoder */
#define CXL_HDM_DEC_BASE_LOW			0x00
#define CXL_HDM_DEC_BASE_HIGH			0x04
#define CXL_HDM_DEC_SIZE_LOW			0x08
#define CXL_HDM_DEC_SIZE_HIGH			0x0c
#define CXL_HDM_DEC_CTRL			0x10
#define CXL_HDM_DEC_SKIP_LOW			0x14	/* Target List Low in ports */
#define CXL_HDM_DEC_SKIP_HIGH			0x18	/* Target List High in ports */
#define CXL_HDM_DEC_RSVD			0x1c
/* BASE, SIZE and DPA skip low registers hold address bits 31:28 */
#define   CXL_HDM_DEC_LOW_ADDR			GENMASK(31, 28)
#define   CXL_HDM_CTRL_IG			GENMASK(3, 0)
#define   CXL_HDM_CTRL_IW			GENMASK(7, 4)
#define   CXL_HDM_CTRL_LOCK			BIT(8)
#define   CXL_HDM_CTRL_COMMIT			BIT(9)
#define   CXL_HDM_CTRL_COMMITTED		BIT(10)
#define   CXL_HDM_CTRL_ERR_NOT_COMMITTED	BIT(11)
#define   CXL_HDM_CTRL_TARGET_TYPE		BIT(12)
#define   CXL_HDM_CTRL_BI			BIT(13)
#define   CXL_HDM_CTRL_UIO			BIT(14)
#define   CXL_HDM_CTRL_UIG			GENMASK(19, 16)
#define   CXL_HDM_CTRL_UIW			GENMASK(23, 20)
#define   CXL_HDM_CTRL_ISP			GENMASK(27, 24)
/* Decoder BASE, SIZE and DPA skip are multiples of 256 MiB */
#define CXL_HDM_DEC_ALIGN			0x10000000ULL
#define CXL_HDM_MAX_DECODERS			32

#endif /* VFIO_CXL_REGS_H */
