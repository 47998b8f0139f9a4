#!/bin/bash
# The packages as a user gets them: `make deb` (dpkg-buildpackage with
# dh-dkms) and `make rpm` (rpmbuild) from the tracked files; their contents,
# maintainer scripts and lintian checked; the .deb installed with dpkg -i on
# this machine, where dkms must build and install the module for every
# kernel whose headers are installed (/lib/modules/<kernel>/build), signed
# with dkms's MOK key; then apt purge must remove the module, the dkms tree
# and the sources. Prints "ok|not ok|skip <what>: <check>" lines.
set -uo pipefail
. "$(dirname "$0")/lib/common.sh"
need_root "package.sh"
cd "$VCP_ROOT" || exit 1
VER=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
P=$VCP_OUT/pkg
ARCH=$(dpkg --print-architecture)
DKMS_DEB=$P/vfio-cxl-pci-dkms_${VER}_all.deb
TOOL_DEB=$P/vfio-cxl_${VER}_${ARCH}.deb
res() { # res <status 0|1> <what> <check> [detail]
	if [ "$1" = 0 ]; then echo "ok $2: $3"; else echo "not ok $2: $3 # ${4:-}"; fi
}
has_all() { # has_all <list file> <path...>: every path is in the list
	local f=$1 p miss=""
	shift
	for p in "$@"; do grep -qxF "$p" "$f" || miss="$miss $p"; done
	[ -z "$miss" ] || { echo "missing:$miss"; return 1; }
}

# --- .deb --------------------------------------------------------------------
rm -rf "$P"
out=$(make deb 2>&1)
rc=$?
res $rc .deb "make deb (dpkg-buildpackage -b, dh-dkms) builds vfio-cxl-pci-dkms and vfio-cxl" \
	"$(echo "$out" | tail -n 3 | tr '\n' ' ')"
[ $rc = 0 ] || exit 1
lintian --fail-on error,warning "$P"/vfio-cxl-pci_"${VER}"_"$ARCH".changes > "$P/lintian.log" 2>&1
res $? .deb "lintian: no errors or warnings" "$(grep -v 'running with root privileges' "$P/lintian.log" | head -n 3 | tr '\n' ' ')"
dpkg -c "$DKMS_DEB" | awk '{print $6}' | sed 's#^\./#/#; s#/$##' > "$P/dkms.list"
S=/usr/src/vfio-cxl-pci-$VER
out=$(has_all "$P/dkms.list" "$S/dkms.conf" "$S/Makefile" "$S/Kbuild" "$S/src/main.c" \
	"$S/src/vfio_cxl.h" "$S/include/uapi/linux/vfio_cxl.h" "$S/conftest")
res $? .deb "vfio-cxl-pci-dkms holds the dkms sources in $S" "$out"
out=$(! grep -E "^$S/(tests|tools|packaging|out)(/|$)" "$P/dkms.list")
res $? .deb "vfio-cxl-pci-dkms holds no tests, tools or build products" "$out"
rm -rf "$P/ctl"; dpkg-deb -e "$DKMS_DEB" "$P/ctl"
out=$(grep -q '/usr/lib/dkms/common.postinst' "$P/ctl/postinst" && grep -q '^DKMS_VERSION='"$VER"'$' "$P/ctl/postinst" &&
      grep -q 'dkms remove' "$P/ctl/prerm" && grep -q 'dkms' <<< "$(dpkg-deb -f "$DKMS_DEB" Depends)")
res $? .deb "vfio-cxl-pci-dkms: dh_dkms postinst (dkms add, build, install) and prerm (dkms remove), depends on dkms" "$(ls "$P/ctl" | tr '\n' ' ')"
dpkg -c "$TOOL_DEB" | awk '{print $6}' | sed 's#^\./#/#; s#/$##' > "$P/tool.list"
out=$(has_all "$P/tool.list" /usr/sbin/vfio-cxl /usr/share/man/man8/vfio-cxl.8.gz &&
      grep -q 'libkmod2' <<< "$(dpkg-deb -f "$TOOL_DEB" Depends)")
res $? .deb "vfio-cxl holds /usr/sbin/vfio-cxl and its man page, depends on libkmod2" "$out"
out=$(for d in "$DKMS_DEB" "$TOOL_DEB"; do dpkg-deb -f "$d" Version; done | sort -u)
res $([ "$out" = "$VER" ]; echo $?) .deb "both packages are version $VER, dkms.conf's PACKAGE_VERSION" "versions: $out"

# --- install with dpkg -i, then purge ---------------------------------------
# dkms's tree and /usr/src are machine-wide: take the lock tests/dkms.sh
# takes, and start from a machine where vfio-cxl-pci is not registered.
mkdir -p "$VCP_CACHE"
exec 9> "$VCP_CACHE/dkms.lock"
flock 9
dkms remove -m vfio-cxl-pci -v "$VER" --all >/dev/null 2>&1
rm -rf "$S"
KERNELS=""
for b in /lib/modules/*/build; do
	k=${b%/build}; k=${k##*/}
	[ -e "$b/include" ] && [[ $k =~ ^(6\.(1[2-9]|[2-9][0-9])|[7-9]|[1-9][0-9]+)\. ]] && KERNELS="$KERNELS $k"
done
t0=$(date +%s)
# dpkg does not wait for its lock: a background lane's apt-get may hold it
for try in $(seq 60); do
	out=$(DEBIAN_FRONTEND=noninteractive dpkg -i "$DKMS_DEB" "$TOOL_DEB" 2>&1)
	rc=$?
	[ $rc != 0 ] && grep -q 'lock.*is locked by another process\|Could not get lock' <<< "$out" || break
	sleep 10
done
echo "$out" > "$P/dpkg-i.log"
res $rc .deb "dpkg -i vfio-cxl-pci-dkms vfio-cxl ($(( $(date +%s) - t0 )) s)" "$(echo "$out" | tail -n 3 | tr '\n' ' ')"
if [ -z "$KERNELS" ]; then
	echo "skip .deb: dkms built the module for every kernel with headers # no kernel with headers in /lib/modules"
else
	bad=""; unsigned=""; nosig=""
	cert=/var/lib/dkms/mok.pub
	serial=$(openssl x509 -in "$cert" -noout -serial 2>/dev/null | sed 's/^serial=//' | tr 'a-f' 'A-F')
	cn=$(openssl x509 -in "$cert" -noout -subject -nameopt multiline 2>/dev/null | sed -n 's/^ *commonName *= *//p')
	for k in $KERNELS; do
		ko=$(compgen -G "/lib/modules/$k/updates/dkms/vfio-cxl-pci.ko*" | head -n 1)
		if [ -z "$ko" ] || ! grep -q ': installed' <<< "$(dkms status -m vfio-cxl-pci -v "$VER" -k "$k" 2>/dev/null)" ||
		   [ "$(modinfo -F vermagic "$ko" | cut -d' ' -f1)" != "$k" ]; then
			bad="$bad $k"; continue
		fi
		# dkms signs for kernels that verify module signatures
		if ! grep -qx 'CONFIG_MODULE_SIG=y' "/lib/modules/$k/build/include/config/auto.conf" 2>/dev/null; then
			nosig="$nosig $k"; continue
		fi
		key=$(modinfo -F sig_key "$ko" | tr -d ':\n' | tr 'a-f' 'A-F')
		[ -n "$serial" ] && [ "$key" = "$serial" ] && [ "$(modinfo -F signer "$ko")" = "$cn" ] || unsigned="$unsigned $k"
	done
	n=$(echo $KERNELS | wc -w)
	res $([ -z "$bad" ]; echo $?) .deb "dpkg -i: dkms built and installed the module for all $n kernels with headers ($(echo $KERNELS | tr ' ' ,))" \
		"not installed or wrong vermagic for:$bad (see $P/dpkg-i.log)"
	if [ -z "$serial" ]; then
		echo "skip .deb: the installed modules are signed # dkms made no MOK key ($cert); it signs only where openssl and the kernel's sign-file exist"
	else
		res $([ -z "$unsigned" ]; echo $?) .deb "the installed modules are signed with dkms's MOK key ($cn, serial $serial)${nosig:+; not signed, as the kernel has no CONFIG_MODULE_SIG:$nosig}" \
			"unsigned or signed by another key:$unsigned"
	fi
fi
out=$(vfio-cxl --version 2>&1)
res $([ "$out" = "vfio-cxl $VER" ] && man -w vfio-cxl >/dev/null 2>&1; echo $?) .deb \
	"the installed vfio-cxl runs (--version: $VER) and man vfio-cxl finds its page" "$out"
out=$(DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 purge -y -q vfio-cxl-pci-dkms vfio-cxl 2>&1)
rc=$?
left=$(compgen -G "/lib/modules/*/updates/dkms/vfio-cxl-pci.ko*"; ls -d /var/lib/dkms/vfio-cxl-pci "$S" /usr/sbin/vfio-cxl 2>/dev/null)
res $([ $rc = 0 ] && [ -z "$left" ]; echo $?) .deb "apt purge removes the modules from every kernel, the dkms tree and the sources" \
	"rc=$rc left: $(echo "$left" | tr '\n' ' ')"
flock -u 9

# --- rpm ---------------------------------------------------------------------
out=$(make rpm 2>&1)
rc=$?
RD=$P/rpmbuild/RPMS
DRPM=$RD/noarch/vfio-cxl-pci-dkms-$VER-1.noarch.rpm
TRPM=$(compgen -G "$RD/*/vfio-cxl-$VER-1.*.rpm" | head -n 1)
res $([ $rc = 0 ] && [ -f "$DRPM" ] && [ -n "$TRPM" ]; echo $?) rpm \
	"make rpm (rpmbuild -bb packaging/rpm/vfio-cxl-pci.spec) builds vfio-cxl-pci-dkms and vfio-cxl" \
	"$(echo "$out" | grep -E 'error|rror:' | head -n 2 | tr '\n' ' ')"
[ -f "$DRPM" ] && [ -n "$TRPM" ] || exit 1
rpm -qlp "$DRPM" 2>/dev/null > "$P/rpm-dkms.list"
out=$(has_all "$P/rpm-dkms.list" "$S/dkms.conf" "$S/Makefile" "$S/Kbuild" "$S/src/main.c" \
	"$S/include/uapi/linux/vfio_cxl.h" && ! grep -qE "^$S/(tests|tools|packaging)" "$P/rpm-dkms.list")
res $? rpm "rpm -qlp vfio-cxl-pci-dkms: the dkms sources in $S, nothing else of the tree" "$out"
# lists go to files first: grep -q stops reading early, and under pipefail
# the writer's SIGPIPE would fail the check
rpm -qlp "$TRPM" 2>/dev/null > "$P/rpm-tool.list"
out=$(grep -qx /usr/sbin/vfio-cxl "$P/rpm-tool.list" && grep -q '^/usr/share/man/man8/vfio-cxl\.8' "$P/rpm-tool.list")
res $? rpm "rpm -qlp vfio-cxl: /usr/sbin/vfio-cxl and its man page" "$(tr '\n' ' ' < "$P/rpm-tool.list")"
rpm -qp --scripts "$DRPM" 2>/dev/null > "$P/rpm-dkms.scripts"
out=$(awk '/^postinstall scriptlet/ {s = "post"} /^preuninstall scriptlet/ {s = "preun"}
	s == "post" && /dkms add -m vfio-cxl-pci -v '"$VER"'/ {a = 1}
	s == "post" && /dkms install -m vfio-cxl-pci -v '"$VER"' -k/ {i = 1}
	s == "preun" && /dkms remove -m vfio-cxl-pci -v '"$VER"'.*--all/ {r = 1}
	s == "preun" && /"\$1" = 0/ {e = 1}
	END {exit !(a && i && r && e)}' "$P/rpm-dkms.scripts")
res $? rpm "rpm -qp --scripts vfio-cxl-pci-dkms: %post dkms add and install per kernel, %preun dkms remove on erase only" \
	"$(tr '\n' ' ' < "$P/rpm-dkms.scripts" | cut -c1-200)"
rpm -qp --requires "$DRPM" 2>/dev/null > "$P/rpm-dkms.requires"
out=$(grep -qx dkms "$P/rpm-dkms.requires" && rpm -qp --queryformat '%{VERSION} %{ARCH}' "$DRPM" 2>/dev/null)
res $([ "$out" = "$VER noarch" ]; echo $?) rpm "vfio-cxl-pci-dkms is noarch, version $VER, requires dkms" "$out"
