# SPDX-License-Identifier: GPL-2.0-only
# vfio-cxl-pci: build, install and test entry points. The kernel build
# itself is described in Kbuild.
#
#   make [KVER=<release>] [KDIR=<headers>]   build vfio-cxl-pci.ko
#   make install                             install into /lib/modules/KVER/updates
#   make dkms-install / dkms-uninstall       register with dkms, build and install
#   make demo                                main job: the passthrough flow in a VM
#   make demo-vmm                            the same through the real VMM (../shared/vmm)
#   make check                               the whole test suite
#   make clean

VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' $(CURDIR)/dkms.conf)
KVER ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KVER)/build
MIN_KERNEL := 6.12
DKMS_SRC := /usr/src/vfio-cxl-pci-$(VERSION)
DKMS_FILES := dkms.conf Makefile Kbuild src include conftest

.PHONY: all modules check-kernel install dkms-install dkms-uninstall clean demo demo-vmm check help

all: modules

# Refuse too old kernels with a clear message before the compiler does.
check-kernel:
	@test -d "$(KDIR)" || { echo "vfio-cxl-pci: no kernel headers at $(KDIR) (install linux-headers-$(KVER))" >&2; exit 1; }
	@rel=$$(cat "$(KDIR)/include/config/kernel.release" 2>/dev/null || echo "$(KVER)"); \
	if [ "$$(printf '%s\n%s\n' "$(MIN_KERNEL)" "$${rel%%-*}" | sort -V | head -n1)" != "$(MIN_KERNEL)" ]; then \
		echo "vfio-cxl-pci: kernel $(KVER) (Linux $$rel) is not supported; Linux $(MIN_KERNEL) or newer is required" >&2; \
		exit 1; \
	fi

modules: check-kernel
	$(MAKE) -C $(KDIR) M=$(CURDIR) VFIO_CXL_VERSION=$(VERSION) modules

install: modules
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_DIR=updates modules_install
	depmod -a $(KVER)

dkms-install:
	rm -rf $(DKMS_SRC)
	mkdir -p $(DKMS_SRC)
	cp -r $(DKMS_FILES) $(DKMS_SRC)/
	dkms status -m vfio-cxl-pci -v $(VERSION) | grep -q . || dkms add -m vfio-cxl-pci -v $(VERSION)
	dkms build --force -m vfio-cxl-pci -v $(VERSION) -k $(KVER) --kernelsourcedir $(KDIR)
	dkms install --force -m vfio-cxl-pci -v $(VERSION) -k $(KVER) --kernelsourcedir $(KDIR)

dkms-uninstall:
	-dkms remove -m vfio-cxl-pci -v $(VERSION) --all
	rm -rf $(DKMS_SRC)

clean:
	-test -d "$(KDIR)" && $(MAKE) -C $(KDIR) M=$(CURDIR) clean
	rm -rf .conftest

demo:
	bash tests/demo.sh

demo-vmm:
	bash tests/demo.sh --vmm

check:
	bash tests/run.sh

help:
	@sed -n 's/^#   //p' Makefile
