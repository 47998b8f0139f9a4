// SPDX-License-Identifier: GPL-2.0-only
/*
 * The DPA region: the device memory HDM decoder 0 maps, for read/write and
 * mmap through the VFIO device fd.
 *
 * Copyright (C) 2026 The vfio-cxl-pci authors
 */
#include <linux/cleanup.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/overflow.h>
#include <linux/sched/signal.h>
#include <linux/pci.h>
#include <linux/pm_runtime.h>
#include <linux/uaccess.h>

#include "vfio_cxl.h"
#include "../include/uapi/linux/vfio_cxl.h"

/**
 * DOC: DPA region
 *
 * The region is backed by the host physical range HDM decoder 0 maps. User
 * mappings are filled in by the fault handler; nothing is mapped at mmap()
 * time. A fault maps the largest block that fits: a 1 GiB PUD entry, else a
 * 2 MiB PMD entry, else a 4 KiB page (huge_fault; the mm core asks for PUD,
 * then PMD, then a page). A block is used only where the user address, the
 * DPA offset and the host physical address are all aligned to its size, the
 * whole block lies inside the VMA and the region, and the kernel supports it
 * (CONFIG_ARCH_SUPPORTS_PMD_PFNMAP / _PUD_PFNMAP; on x86 a PUD also needs
 * 1 GiB page support in the CPU). The host physical address of HDM decoder 0
 * is 256 MiB aligned (CXL r3.1 8.2.4.20.5), so PMDs always fit it; PUDs fit
 * where firmware placed it on a 1 GiB boundary. The user address is the
 * VMM's choice: vfio device files offer no get_unmapped_area on the
 * supported kernels, so a plain mmap(NULL) is only page aligned; QEMU
 * (hw/vfio/region.c, vfio_region_mmap()) reserves size + alignment and maps
 * the region at an address aligned to min(pow2ceil(size), 1 GiB), which
 * gives PUD and PMD entries. The huge_pages=N parameter forces 4 KiB
 * entries (a comparison point, and an escape hatch). Zapping (below) removes
 * huge entries as it removes pages: unmap_mapping_range() covers both.
 *
 * Memory type. The VMA keeps the default (write-back) protection: CXL.mem is
 * coherent memory (CXL r3.1 3.3), and the kernel alias from probe is
 * write-back too, so the host never holds two conflicting types for the
 * range. What a guest gets is decided by KVM, not by this VMA:
 *
 * - x86: KVM asks whether the PFN is host MMIO. Our PFNs have no struct
 *   page, so the answer is "not E820 RAM"; a CFMWS window is normally not
 *   RAM in E820 (absent, or soft-reserved), so the EPT entry is forced to
 *   UC and the guest's PAT cannot make it cacheable: correct but slow.
 *   Checked in the 6.12 and 7.3 sources (vmx_get_mt_mask()). It changes only
 *   if the range is reported as E820 RAM or KVM stops treating such PFNs as
 *   MMIO.
 * - arm64 before cacheable-PFNMAP support in KVM (6.12): a PFN outside the
 *   linear map is a device PFN and stage 2 maps it Device-nGnRE (Normal-NC
 *   only for VM_ALLOW_ANY_UNCACHED, which we do not set), so guest unaligned
 *   and exclusive accesses to it fault.
 * - arm64 with it (7.3 has kvm_vma_is_cacheable()): a cacheable VMA is
 *   mapped cacheable at stage 2 only where the CPU has FWB and DIC; elsewhere
 *   KVM refuses the memslot with -EINVAL.
 *
 * The test-bed runs the VMM without KVM, so none of this is exercised here.
 *
 * The region sits at a device-region index (9 or above), so vfio-pci-core
 * does not zap it for us. Every event that stops, or may stop, the device
 * decoding memory first takes a block: it increments @blockers and unmaps
 * all user PTEs of the region (unmap_mapping_range() on the device inode),
 * both under @dpa.lock. The fault handler checks the state and inserts its
 * PTE under vdev->memory_lock (read) and @dpa.lock, so no PTE can be
 * re-inserted while a block is held: a fault then gets SIGBUS, and fd
 * read/write -EIO. The events:
 *
 * - any reset of the device, whoever asks (reset_prepare/reset_done):
 *   VFIO_DEVICE_RESET, hot reset, a guest FLR, the sysfs reset attribute,
 *   vfio-pci-core's resets at open and close, a guest CXL reset;
 * - VFIO_DEVICE_RESET and VFIO_DEVICE_PCI_HOT_RESET, also bracketed as a
 *   whole in the ioctl;
 * - config writes that change the power state through PMCSR, or start an
 *   FLR through PCIe Device Control or AF Control;
 * - VFIO_DEVICE_FEATURE low-power entry and exit (a wake-up is verified
 *   before use);
 * - close (the region is released) and unbind (the request callback blocks
 *   the region for good, so a process that keeps it mapped gets SIGBUS).
 *
 * Blocks that may lose the device's state mark the host programming
 * unverified, and so does a runtime suspend of the device since the last
 * check (pm_runtime_suspended_time() moved: D3hot may have reset it, and
 * a wake-up may end low power without passing through the driver). When
 * the last block is dropped, or at the first fault after an event that took
 * no block, the host's decoder programming is verified (and restored if a
 * reset cleared it) before the region becomes usable again; the user just
 * faults the pages back in. Faults also require the device in D0 and not in
 * low power.
 *
 * Memory Space Enable is not one of the events. It governs the function's
 * memory BARs (CXL.io); CXL.mem decode is governed by the DVSEC's Mem_Enable
 * (CXL r3.1 8.1.3.2) and by the committed HDM decoders with HDM Decoder
 * Enable set (8.2.4.20), which the host owns and keeps programmed. So a
 * guest that clears MSE (firmware leaves it clear on a device it has no
 * driver for; an OS clears it to size BARs or to save state before a reset)
 * keeps its CXL memory, as on hardware; only the BARs go away. The host
 * sets MSE itself for as long as it needs the decoder registers (reset.c).
 *
 * read() and write() copy through a bounce page, one page per step with the
 * locks taken for that step only. A fatal signal stops them between steps
 * (the bytes done so far, or -EINTR if none), so a VMM killed in the middle
 * of a multi-GiB transfer exits at once instead of after it.
 */

static void dpa_reactivate(struct vfio_cxl_device *cdev);

static bool dpa_usable(struct vfio_cxl_device *cdev)
{
	struct vfio_cxl_dpa *dpa = &cdev->dpa;
	struct vfio_pci_core_device *vdev = &cdev->core;

	lockdep_assert_held(&dpa->lock);
	lockdep_assert_held(&vdev->memory_lock);
	if (!dpa->registered || dpa->blockers || dpa->removing ||
	    vfio_cxl_pm_runtime_engaged(vdev) || vdev->pdev->current_state != PCI_D0)
		return false;
	/* runtime suspended since the check: D3hot may have reset it */
	if (dpa->host_ok &&
	    pm_runtime_suspended_time(&vdev->pdev->dev) != dpa->verified_suspended_ns)
		dpa->host_ok = false;
	/*
	 * Decode is back after an event that may have lost the host's
	 * programming without a block (a wake-up from low power): verify it
	 * now, unless the last attempt failed and was reported.
	 */
	if (!dpa->host_ok && !dpa->restore_warned)
		dpa_reactivate(cdev);
	return dpa->host_ok;
}

static void dpa_zap(struct vfio_cxl_device *cdev)
{
	struct vfio_cxl_dpa *dpa = &cdev->dpa;

	lockdep_assert_held(&dpa->lock);
	if (dpa->registered)
		unmap_mapping_range(cdev->core.vdev.inode->i_mapping,
				    VFIO_PCI_INDEX_TO_OFFSET(dpa->index),
				    cdev->hw.dpa_size, true);
}

static void dpa_note_restore(struct vfio_cxl_device *cdev, int ret)
{
	struct vfio_cxl_dpa *dpa = &cdev->dpa;

	dpa->host_ok = !ret;
	if (!ret) {
		dpa->verified_suspended_ns = pm_runtime_suspended_time(&cdev->core.pdev->dev);
		dpa->restore_warned = false;
		vfio_cxl_cpu_cache_invalidate(cdev);
	} else if (ret != -EAGAIN && !dpa->restore_warned) {
		pci_warn(cdev->core.pdev,
			 "cannot restore the host HDM decoder programming (%d): device memory stays blocked\n",
			 ret);
		dpa->restore_warned = true;
	}
}

/* Make sure the host's decoders are in place; they may have been reset. */
static void dpa_reactivate(struct vfio_cxl_device *cdev)
{
	lockdep_assert_held(&cdev->dpa.lock);
	if (!cdev->dpa.host_ok)
		dpa_note_restore(cdev, vfio_cxl_restore_host_state(cdev, false));
}

static void dpa_block_locked(struct vfio_cxl_device *cdev, bool lossy)
{
	lockdep_assert_held(&cdev->dpa.lock);
	cdev->dpa.blockers++;
	if (lossy)
		cdev->dpa.host_ok = false;
	dpa_zap(cdev);
	/* before the device may stop decoding: see "DOC: CPU caches and the DPA range" */
	if (lossy)
		vfio_cxl_cpu_cache_flush(cdev);
}

static void dpa_unblock_locked(struct vfio_cxl_device *cdev)
{
	lockdep_assert_held(&cdev->dpa.lock);
	if (WARN_ON_ONCE(!cdev->dpa.blockers))
		return;
	/*
	 * In low power the device may still be in D0 now and reach D3 (and
	 * lose its decoders) later: verify at the first fault after wake-up.
	 */
	if (!--cdev->dpa.blockers && !vfio_cxl_pm_runtime_engaged(&cdev->core))
		dpa_reactivate(cdev);
}

/**
 * vfio_cxl_dpa_block() - zap the DPA region and keep it unusable
 * @cdev: the device
 * @lossy: the operation may also make the device lose the host's decoder
 *	programming (a reset, a power-state change): it is verified, and
 *	restored if needed, before the region is usable again
 *
 * Taken before an operation that stops, or may stop, the device decoding
 * memory; dropped with vfio_cxl_dpa_unblock() afterwards. Blocks nest.
 *
 * Context: process context; takes @cdev->dpa.lock, so the caller must not
 * hold it. May be called with vdev->memory_lock held.
 */
void vfio_cxl_dpa_block(struct vfio_cxl_device *cdev, bool lossy)
{
	guard(mutex)(&cdev->dpa.lock);
	dpa_block_locked(cdev, lossy);
}

/**
 * vfio_cxl_dpa_unblock() - drop a block taken by vfio_cxl_dpa_block()
 * @cdev: the device
 *
 * When the last block goes, the host's decoder programming is verified and,
 * if a reset cleared it, restored; only then can faults map device memory.
 * A device in low power is verified at the first fault after it woke up.
 *
 * Context: process context, may sleep; takes @cdev->dpa.lock.
 */
void vfio_cxl_dpa_unblock(struct vfio_cxl_device *cdev)
{
	guard(mutex)(&cdev->dpa.lock);
	dpa_unblock_locked(cdev);
}

/**
 * vfio_cxl_dpa_reset_done() - restore the host programming after a reset and
 * drop the (lossy) block taken in reset_prepare
 * @cdev: the device
 *
 * Context: reset_done; process context, may sleep.
 */
void vfio_cxl_dpa_reset_done(struct vfio_cxl_device *cdev)
{
	guard(mutex)(&cdev->dpa.lock);
	dpa_note_restore(cdev, vfio_cxl_restore_host_state(cdev, true));
	if (!WARN_ON_ONCE(!cdev->dpa.blockers))
		cdev->dpa.blockers--;
}

/**
 * vfio_cxl_dpa_verify() - re-check the host programming now
 * @cdev: the device
 *
 * Used at open and close, after vfio-pci-core's own resets and state
 * restores, and when the driver is unbound: the device is left decoding
 * the host's programming.
 *
 * Context: process context, may sleep; takes @cdev->dpa.lock.
 */
void vfio_cxl_dpa_verify(struct vfio_cxl_device *cdev)
{
	guard(mutex)(&cdev->dpa.lock);
	cdev->dpa.host_ok = false;
	dpa_reactivate(cdev);
}

/**
 * vfio_cxl_dpa_remove() - the device is being unbound
 * @cdev: the device
 *
 * Zaps the region for good: a process that still has it mapped while unbind
 * waits for it gets SIGBUS, never a stale mapping of device memory.
 *
 * Context: process context; takes @cdev->dpa.lock.
 */
void vfio_cxl_dpa_remove(struct vfio_cxl_device *cdev)
{
	guard(mutex)(&cdev->dpa.lock);
	cdev->dpa.removing = true;
	dpa_zap(cdev);
}

/**
 * vfio_cxl_dpa_error() - PCI error recovery starts or ends
 * @cdev: the device
 * @recovering: true when recovery starts (error_detected), false when the
 *	device is back (resume)
 *
 * Recovery may reset the link without the reset_prepare/reset_done
 * callbacks: the region is blocked, as for a reset, from the error report
 * until the device resumes, and the host's programming is verified then.
 * A recovery that never resumes leaves the region blocked.
 *
 * Context: PCI error handlers; process context; takes @cdev->dpa.lock.
 */
void vfio_cxl_dpa_error(struct vfio_cxl_device *cdev, bool recovering)
{
	struct vfio_cxl_dpa *dpa = &cdev->dpa;

	guard(mutex)(&dpa->lock);
	if (recovering == dpa->error_blocked)
		return;
	dpa->error_blocked = recovering;
	if (recovering)
		dpa_block_locked(cdev, true);
	else
		dpa_unblock_locked(cdev);
}

/* The kernel's write-back alias of device memory, mapped on first need. */
static int dpa_map_alias(struct vfio_cxl_device *cdev)
{
	lockdep_assert_held(&cdev->dpa.lock);
	if (!cdev->hw.dpa_map)
		cdev->hw.dpa_map = memremap(cdev->hw.hpa, cdev->hw.dpa_size, MEMREMAP_WB);
	return cdev->hw.dpa_map ? 0 : -ENOMEM;
}

/**
 * vfio_cxl_dpa_clear() - write zeros over the whole device memory
 * @cdev: the device, decoding the host's programming
 *
 * Used between owners (the scrub parameter) and for a guest CXL reset with
 * CXL_Reset_Mem_Clr_Enable. Clears 1 MiB at a time through the kernel's
 * write-back mapping, checking each time that the host's decoders are in
 * place; user mappings are expected to be blocked or gone.
 *
 * Context: process context, may sleep; takes @cdev->dpa.lock.
 * Return: 0, -EIO if the device stopped decoding the host's programming, or
 * -EINTR if the task got a fatal signal.
 */
int vfio_cxl_dpa_clear(struct vfio_cxl_device *cdev)
{
	u64 off, size = cdev->hw.dpa_size;

	scoped_guard(mutex, &cdev->dpa.lock) {
		if (dpa_map_alias(cdev))
			return -ENOMEM;
	}
	for (off = 0; off < size; off += SZ_1M) {
		if (fatal_signal_pending(current))
			return -EINTR;
		scoped_guard(mutex, &cdev->dpa.lock) {
			if (!cdev->dpa.host_ok)
				return -EIO;
			cdev->dpa.cpu_cached = true;
			memset(cdev->hw.dpa_map + off, 0, min_t(u64, SZ_1M, size - off));
		}
		cond_resched();
	}
	return 0;
}

/**
 * vfio_cxl_dpa_unmap_alias() - write back and drop the kernel alias
 * @cdev: the device
 *
 * The kernel's write-back mapping of device memory exists from open to the
 * end of the close-time scrub (close, its worker, or unbind): CPU caches
 * are written back and invalidated first (if the alias or a user mapping
 * may have cached anything), so no line of device memory stays in a cache
 * while nobody owns the device.
 *
 * Context: process context; takes @cdev->dpa.lock.
 */
void vfio_cxl_dpa_unmap_alias(struct vfio_cxl_device *cdev)
{
	guard(mutex)(&cdev->dpa.lock);
	if (!cdev->hw.dpa_map)
		return;
	vfio_cxl_cpu_cache_flush(cdev);
	cdev->dpa.cpu_inval_pending = false;
	memunmap(cdev->hw.dpa_map);
	cdev->hw.dpa_map = NULL;
}

static bool huge_pages = true;
module_param(huge_pages, bool, 0644);
MODULE_PARM_DESC(huge_pages,
		 "Map the DPA region with 2 MiB and 1 GiB entries where aligned (default: Y); N maps 4 KiB pages only");

static vm_fault_t dpa_huge_fault(struct vm_fault *vmf, unsigned int order)
{
	struct vm_area_struct *vma = vmf->vma;
	struct vfio_cxl_device *cdev = vma->vm_private_data;
	unsigned long nr = 1UL << order, addr = ALIGN_DOWN(vmf->address, PAGE_SIZE << order);
	u64 pages = cdev->hw.dpa_size >> PAGE_SHIFT, pgoff;
	unsigned long pfn;

	if (addr < vma->vm_start || addr + (PAGE_SIZE << order) > vma->vm_end)
		return VM_FAULT_FALLBACK;
	pgoff = (vma->vm_pgoff & (VFIO_PCI_OFFSET_MASK >> PAGE_SHIFT)) +
		((addr - vma->vm_start) >> PAGE_SHIFT);
	if (pgoff >= pages)
		return VM_FAULT_SIGBUS;
	pfn = PHYS_PFN(cdev->hw.hpa) + pgoff;
	if (order && (!READ_ONCE(huge_pages) || pgoff + nr > pages || !IS_ALIGNED(pfn, nr)))
		return VM_FAULT_FALLBACK;

	guard(rwsem_read)(&cdev->core.memory_lock);
	guard(mutex)(&cdev->dpa.lock);
	if (!dpa_usable(cdev))
		return VM_FAULT_SIGBUS;
	cdev->dpa.cpu_cached = true;
	if (!order)
		return vmf_insert_pfn(vma, addr, pfn);
	return vfio_cxl_vmf_insert_huge(vmf, pfn, order);
}

static vm_fault_t dpa_fault(struct vm_fault *vmf)
{
	return dpa_huge_fault(vmf, 0);
}

static const struct vm_operations_struct dpa_vm_ops = {
	.fault = dpa_fault,
	.huge_fault = dpa_huge_fault,
};

static int dpa_mmap(struct vfio_pci_core_device *vdev,
		    struct vfio_pci_region *region, struct vm_area_struct *vma)
{
	struct vfio_cxl_device *cdev = region->data;
	u64 start = (u64)(vma->vm_pgoff & (VFIO_PCI_OFFSET_MASK >> PAGE_SHIFT)) << PAGE_SHIFT;
	u64 end;

	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	if (check_add_overflow(start, (u64)(vma->vm_end - vma->vm_start), &end) ||
	    end > cdev->hw.dpa_size)
		return -EINVAL;
	vm_flags_set(vma, VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_page_prot = pgprot_decrypted(vma->vm_page_prot);
	vma->vm_ops = &dpa_vm_ops;
	vma->vm_private_data = cdev;
	return 0;
}

/* One bounce-buffered chunk; returns bytes done or -EIO while unusable. */
static ssize_t dpa_rw_chunk(struct vfio_cxl_device *cdev, void *bounce, u64 pos,
			    size_t n, bool iswrite)
{
	guard(rwsem_read)(&cdev->core.memory_lock);
	guard(mutex)(&cdev->dpa.lock);
	if (!dpa_usable(cdev))
		return -EIO;
	cdev->dpa.cpu_cached = true;
	if (iswrite)
		memcpy(cdev->hw.dpa_map + pos, bounce, n);
	else if (copy_mc_to_kernel(bounce, cdev->hw.dpa_map + pos, n))
		return -EIO;	/* poisoned device memory */
	return n;
}

static ssize_t dpa_rw(struct vfio_pci_core_device *vdev, char __user *buf,
		      size_t count, loff_t *ppos, bool iswrite)
{
	struct vfio_cxl_device *cdev = vfio_cxl_from_core(vdev);
	u64 pos = *ppos & VFIO_PCI_OFFSET_MASK;
	size_t done = 0;
	ssize_t ret = 0;
	void *bounce;

	if (pos >= cdev->hw.dpa_size)
		return -EINVAL;
	count = min_t(u64, count, cdev->hw.dpa_size - pos);
	bounce = (void *)__get_free_page(GFP_KERNEL);
	if (!bounce)
		return -ENOMEM;
	while (done < count) {
		size_t n = min_t(size_t, count - done,
				 PAGE_SIZE - offset_in_page(pos + done));

		/* a multi-GiB transfer must not outlive a SIGKILL */
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		cond_resched();
		if (iswrite && copy_from_user(bounce, buf + done, n)) {
			ret = -EFAULT;
			break;
		}
		ret = dpa_rw_chunk(cdev, bounce, pos + done, n, iswrite);
		if (ret < 0)
			break;
		if (!iswrite && copy_to_user(buf + done, bounce, n)) {
			ret = -EFAULT;
			break;
		}
		done += n;
	}
	free_page((unsigned long)bounce);
	if (!done)
		return ret;
	*ppos += done;
	return done;
}

static void dpa_release(struct vfio_pci_core_device *vdev,
			struct vfio_pci_region *region)
{
	struct vfio_cxl_device *cdev = region->data;

	guard(mutex)(&cdev->dpa.lock);
	dpa_zap(cdev);
	cdev->dpa.registered = false;
}

static const struct vfio_pci_regops dpa_regops = {
	.rw = dpa_rw,
	.mmap = dpa_mmap,
	.release = dpa_release,
};

/**
 * vfio_cxl_dpa_register() - register the DPA region for this open
 * @cdev: the device, being opened (after vfio_pci_core_enable())
 *
 * Registers region subtype %VFIO_REGION_SUBTYPE_CXL, READ | WRITE | MMAP,
 * the size of HDM decoder 0, and verifies that the device decodes the host's
 * programming (vfio_pci_core_enable() has just reset it).
 *
 * Context: open_device; process context, may sleep.
 * Return: 0 or the errno of vfio_pci_core_register_dev_region().
 */
int vfio_cxl_dpa_register(struct vfio_cxl_device *cdev)
{
	struct vfio_pci_core_device *vdev = &cdev->core;
	int ret;

	ret = vfio_pci_core_register_dev_region(vdev, VFIO_CXL_REGION_TYPE,
						VFIO_REGION_SUBTYPE_CXL,
						&dpa_regops, cdev->hw.dpa_size,
						VFIO_REGION_INFO_FLAG_READ |
						VFIO_REGION_INFO_FLAG_WRITE |
						VFIO_REGION_INFO_FLAG_MMAP, cdev);
	if (ret)
		return ret;
	scoped_guard(mutex, &cdev->dpa.lock) {
		/* the kernel alias, for fd read/write and the scrub, only while open */
		if (dpa_map_alias(cdev))
			return -ENOMEM;
		cdev->dpa.index = VFIO_PCI_NUM_REGIONS + vdev->num_regions - 1;
		cdev->dpa.registered = true;
	}
	vfio_cxl_dpa_verify(cdev);
	return 0;
}
