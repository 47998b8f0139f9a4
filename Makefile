# SPDX-License-Identifier: GPL-2.0-only
# vfio-cxl-pci: build, install and test entry points. The kernel build
# itself is described in Kbuild.
#
#   make [KVER=<release>] [KDIR=<headers>]   build vfio-cxl-pci.ko
#   make install                             install into /lib/modules/KVER/updates
#   make dkms-install / dkms-uninstall       register with dkms, build and install
#   make tool                                the vfio-cxl command (tools/vfio-cxl)
#   make deb / make rpm                      packages, in out/pkg/
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

.PHONY: all modules check-kernel install dkms-install dkms-uninstall clean demo demo-vmm check help \
	tool deb rpm dist

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

tool:
	$(MAKE) -C tools/vfio-cxl VERSION=$(VERSION)

# The packages build from a copy of the tracked files in out/pkg/ (the
# version everywhere is dkms.conf's PACKAGE_VERSION).
PKG := $(CURDIR)/out/pkg
DIST := vfio-cxl-pci-$(VERSION)
dist:
	rm -rf $(PKG)/$(DIST) && mkdir -p $(PKG)/$(DIST)
	git ls-files -z $(DKMS_FILES) tools packaging | xargs -0 cp --parents -t $(PKG)/$(DIST)
	tar -C $(PKG) -czf $(PKG)/$(DIST).tar.gz $(DIST)

deb: dist
	cp -r $(PKG)/$(DIST)/packaging/debian $(PKG)/$(DIST)/debian
	sed -i '1s/([^)]*)/($(VERSION))/' $(PKG)/$(DIST)/debian/changelog
	cd $(PKG)/$(DIST) && dpkg-buildpackage -b -us -uc

rpm: dist
	rpmbuild -bb --nodeps --define '_topdir $(PKG)/rpmbuild' --define '_sourcedir $(PKG)' \
		--define 'pkgver $(VERSION)' packaging/rpm/vfio-cxl-pci.spec

clean:
	-$(MAKE) -C tools/vfio-cxl clean
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
