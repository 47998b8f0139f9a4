# The vfio-cxl command (tools/vfio-cxl, as the packages install it) against
# the emulated device: list and list --json, status, bind and unbind with the
# module loaded through libkmod with its modprobe.d options, the plain
# fall-back's reason, "in use" (another driver, an open VFIO group), --persist
# through driverctl's own script, and the errors for bad input.
# vcp-plan: 32 (results: VCP-TEST lines and KTAP suites; see tests/vm/vm.sh)
. /vcp/lib.sh
ldmod vfio_iommu_type1
# exits <code> <command...>: the command exits with status <code>
exits() {
	local want=$1 rc
	shift
	"$@"
	rc=$?
	[ "$rc" = "$want" ] || { echo "exit status $rc, expected $want"; return 1; }
}
has() { grep -qE "$1" /tmp/tool.out || { echo "no '$1' in: $(head -c 300 /tmp/tool.out)"; return 1; }; }
jget() { json-get "$1" < /tmp/list.json; }
jis() { [ "$(jget "$1")" = "$2" ] || { echo "$1 is '$(jget "$1")', expected '$2'"; return 1; }; }

# the device's driver, "" if none, for the checks' subshells
mkdir -p /tmp/vcpbin
printf '#!/bin/sh\nbasename "$(readlink %s/%s/driver)" 2>/dev/null\n' "$SYS" "$BDF" > /tmp/vcpbin/curdrv
chmod +x /tmp/vcpbin/curdrv
export PATH="$PATH:/tmp/vcpbin"

# start from an unbound device, the module not loaded, decoder 0 committed
vcp_unbind > /dev/null 2>&1
grep -q '^vfio_cxl_pci ' /proc/modules && vcp_step "rmmod" rmmod vfio_cxl_pci
vcp_step "firmware commit of decoder 0" cxlfw commit "$BDF" lock
ndec=$(cxlfw regs "$BDF" | grep -c '^dec')
hpa=$(cxlfw hpa | cut -d' ' -f1)
ver=$(modinfo -F version "$MODDIR/vfio_cxl_pci.ko")
mkdir -p /etc/modprobe.d
echo "options vfio_cxl_pci allow_type3=1 disable_cxl_bdf=$BDF" > /etc/modprobe.d/vfio-cxl-pci.conf

vcp_check "vfio-cxl status: not loaded, the installed module, its modprobe.d options" sh -xc "
	vfio-cxl status > /tmp/tool.out &&
	grep -qx 'module: vfio-cxl-pci not loaded' /tmp/tool.out &&
	grep -qx 'installed: $MODDIR/vfio_cxl_pci.ko, version $ver' /tmp/tool.out &&
	grep -qx 'options from modprobe.d: allow_type3=1 disable_cxl_bdf=$BDF' /tmp/tool.out"

# list: the device, its type, capabilities and committed decoder
vfio-cxl list > /tmp/tool.out 2>&1
vcp_check "vfio-cxl list: the device as CXL type 3 (IO Mem), no driver" \
	has "^$BDF [0-9a-f]{4}:[0-9a-f]{4} CXL type 3 \\(IO Mem\\) driver=none iommu_group=[0-9]+\$"
vcp_check "vfio-cxl list: its $ndec HDM decoders, decoder 0 committed with 256 MiB" \
	has "^  HDM decoders: $ndec, committed: 0 \\(256 MiB\\)\$"
vcp_check "vfio-cxl list --json parses (json-c, strict)" sh -c 'vfio-cxl list --json > /tmp/list.json && json-get . < /tmp/list.json > /dev/null'
vcp_check "vfio-cxl list --json: one device, the emulated one, type 3, Mem but no Cache" sh -xc "
	[ \"\$(json-get devices.length < /tmp/list.json)\" = 1 ] &&
	[ \"\$(json-get devices.0.bdf < /tmp/list.json)\" = $BDF ] &&
	[ \"\$(json-get devices.0.cxl_type < /tmp/list.json)\" = 3 ] &&
	[ \"\$(json-get devices.0.mem_capable < /tmp/list.json)\" = true ] &&
	[ \"\$(json-get devices.0.cache_capable < /tmp/list.json)\" = false ]"
vcp_check "vfio-cxl list --json: decoder 0 committed at the CXL window's base, 268435456 bytes" sh -xc "
	[ \"\$(json-get devices.0.decoders.0.committed < /tmp/list.json)\" = true ] &&
	[ \"\$(json-get devices.0.decoders.0.base < /tmp/list.json)\" = $((hpa)) ] &&
	[ \"\$(json-get devices.0.decoders.0.size < /tmp/list.json)\" = 268435456 ] &&
	[ \"\$(json-get devices.0.decoders.length < /tmp/list.json)\" = $ndec ] &&
	[ \"\$(json-get devices.0.driver < /tmp/list.json)\" = null ] &&
	[ \"\$(json-get devices.0.vfio_cxl < /tmp/list.json)\" = null ]"

# errors for bad input, each with its exit status, nothing changed
other=$(for d in "$SYS"/*; do [ "$(basename "$d")" = "$BDF" ] || { basename "$d"; break; }; done)
vcp_check "vfio-cxl bind 0000:zz:00.0: malformed address, exit 2" exits 2 vfio-cxl bind 0000:zz:00.0
vcp_check "vfio-cxl bind with no address: usage, exit 2" exits 2 vfio-cxl bind
vcp_check "vfio-cxl frobnicate: usage, exit 2" exits 2 vfio-cxl frobnicate
vcp_check "vfio-cxl bind 0000:7e:1f.7: no such device, exit 5" exits 5 vfio-cxl bind 0000:7e:1f.7
vcp_check "vfio-cxl bind $other: not a CXL device, exit 6" exits 6 vfio-cxl bind "$other"
grep -q '^root:' /etc/passwd 2>/dev/null || echo 'root:x:0:0:root:/:/bin/sh' >> /etc/passwd
grep -q '^nobody:' /etc/passwd || echo 'nobody:x:65534:65534:nobody:/:/bin/sh' >> /etc/passwd
vcp_check "vfio-cxl bind as a user: needs root, exit 4" exits 4 su -s /bin/sh nobody -c "vfio-cxl bind $BDF"
vcp_check "vfio-cxl list as a user: needs root, exit 4" exits 4 su -s /bin/sh nobody -c "vfio-cxl list"
vcp_check "the errors loaded no module and bound nothing" \
	sh -c "! grep -q '^vfio_cxl_pci ' /proc/modules && [ -z \"\$(curdrv)\" ]"

# bind: libkmod loads the module with the modprobe.d options; this BDF is
# opted out, so it binds as plain vfio-pci and says why
vcp_log_mark
vfio-cxl bind "$BDF" > /tmp/tool.out 2>&1
echo "exit $?" >> /tmp/tool.out
vcp_check "vfio-cxl bind: plain fall-back exits 3" has '^exit 3$'
vcp_check "vfio-cxl bind: loaded the module through libkmod with the modprobe.d options" \
	sh -c "grep -qx 'loaded module vfio-cxl-pci (options: allow_type3=1 disable_cxl_bdf=$BDF)' /tmp/tool.out &&
	       grep -qx '$BDF' /sys/module/vfio_cxl_pci/parameters/disable_cxl_bdf"
vcp_check "vfio-cxl bind: prints the driver's reason for plain vfio-pci" \
	has "^$BDF: bound to vfio-cxl-pci as plain vfio-pci: CXL disabled by module parameter"
vcp_check "vfio-cxl unbind: exit 0, no driver, no override left" sh -xc "
	vfio-cxl unbind $BDF && [ ! -e $SYS/$BDF/driver ] && [ \"\$(cat $SYS/$BDF/driver_override)\" = '(null)' ]"

# the opt-out removed: CXL passthrough
echo > /sys/module/vfio_cxl_pci/parameters/disable_cxl_bdf
vfio-cxl bind "$BDF" > /tmp/tool.out 2>&1
echo "exit $?" >> /tmp/tool.out
vcp_check "vfio-cxl bind: CXL passthrough, exit 0, with the DPA size and decoder count" sh -xc "
	grep -qx 'exit 0' /tmp/tool.out &&
	grep -qx '$BDF: bound to vfio-cxl-pci for CXL passthrough (DPA 256 MiB, $ndec HDM decoders)' /tmp/tool.out &&
	[ \"\$(cat $SYS/$BDF/vfio_cxl/mode)\" = cxl ]"
vcp_check "vfio-cxl bind again: already bound, exit 0, nothing changed" sh -xc "
	vfio-cxl bind $BDF | grep -qx '$BDF: already bound to vfio-cxl-pci' && [ \"\$(curdrv)\" = vfio-cxl-pci ]"
vcp_check "vfio-cxl status: loaded, version, parameters, the bound device" sh -xc "
	vfio-cxl status > /tmp/tool.out &&
	grep -qx 'module: vfio-cxl-pci loaded, version $ver' /tmp/tool.out &&
	grep -qE '^parameters:.* allow_type3=Y' /tmp/tool.out &&
	grep -qx 'bound devices: $BDF (cxl)' /tmp/tool.out"
vfio-cxl list --json > /tmp/list.json
vcp_check "vfio-cxl list --json: the driver's state (cxl, 256 MiB, not checked before an open, not open)" sh -xc "
	[ \"\$(json-get devices.0.driver < /tmp/list.json)\" = vfio-cxl-pci ] &&
	[ \"\$(json-get devices.0.vfio_cxl.mode < /tmp/list.json)\" = cxl ] &&
	[ \"\$(json-get devices.0.vfio_cxl.dpa_size < /tmp/list.json)\" = 268435456 ] &&
	[ \"\$(json-get devices.0.vfio_cxl.host_programming < /tmp/list.json)\" = 'not checked' ] &&
	[ \"\$(json-get devices.0.vfio_cxl.open < /tmp/list.json)\" = false ]"
vcp_step "a VFIO user opens and closes the device" vfio-cxl-demo "$BDF" 0x3000 vfio-cxl-tool
vcp_check "vfio-cxl list: after an open and close, host programming in place, not open" sh -xc "
	vfio-cxl list > /tmp/tool.out &&
	grep -qx '  vfio-cxl-pci: CXL passthrough, DPA 256 MiB, $ndec decoders, host programming in place, not open' /tmp/tool.out"

# in use: a process holding the VFIO group open; another driver
grp=$(basename "$(readlink "$SYS/$BDF/iommu_group")")
sh -c "exec 3< /dev/vfio/$grp; echo \$\$ > /tmp/holder.pid; exec sleep 60" &
sleep 1
vcp_check "vfio-cxl unbind while a process holds /dev/vfio/$grp: in use, exit 7, still bound" sh -xc "
	vfio-cxl unbind $BDF > /tmp/tool.out 2>&1; rc=\$?
	[ \$rc = 7 ] && grep -q \"process \$(cat /tmp/holder.pid) holds its VFIO device open\" /tmp/tool.out &&
	[ \"\$(curdrv)\" = vfio-cxl-pci ]"
kill "$(cat /tmp/holder.pid)" 2>/dev/null; wait
vcp_check "vfio-cxl unbind once it is closed" vfio-cxl unbind "$BDF"
ldmod vfio_pci
vcp_bind vfio-pci > /dev/null
vcp_check "vfio-cxl bind while vfio-pci has it: in use, exit 7, left with vfio-pci" sh -xc "
	vfio-cxl bind $BDF 2>&1 | grep -q 'in use by driver vfio-pci' ; vfio-cxl bind $BDF 2> /dev/null
	[ \$? = 7 ] && [ \"\$(curdrv)\" = vfio-pci ]"
vcp_check "vfio-cxl bind --force takes it from vfio-pci" sh -xc "
	vfio-cxl bind --force $BDF && [ \"\$(curdrv)\" = vfio-cxl-pci ]"
vcp_check "vfio-cxl unbind" vfio-cxl unbind "$BDF"

# --persist: driverctl's own script (bash, from the host's driverctl package)
vcp_check "vfio-cxl bind --persist without driverctl on PATH: exit 1, nothing changed" sh -xc "
	env PATH=/bin:/vcp/bin vfio-cxl bind $BDF --persist 2>&1 | grep -q 'needs driverctl'
	env PATH=/bin:/vcp/bin vfio-cxl bind $BDF --persist 2> /dev/null
	[ \$? = 1 ] && [ -z \"\$(curdrv)\" ] && [ ! -e /etc/driverctl.d/pci-$BDF ]"
if [ -x /sbin/driverctl ]; then
	vfio-cxl bind "$BDF" --persist > /tmp/tool.out 2>&1
	echo "exit $?" >> /tmp/tool.out
	vcp_check "vfio-cxl bind --persist: driverctl set-override bound it and saved the override" sh -xc "
		grep -qx 'exit 0' /tmp/tool.out && grep -q 'driverctl set-override vfio-cxl-pci' /tmp/tool.out &&
		[ \"\$(cat /etc/driverctl.d/pci-$BDF)\" = vfio-cxl-pci ] &&
		[ \"\$(cat $SYS/$BDF/driver_override)\" = vfio-cxl-pci ] && [ \"\$(curdrv)\" = vfio-cxl-pci ]"
	vcp_check "vfio-cxl unbind names the driverctl override that stays" sh -xc "
		vfio-cxl unbind $BDF | grep -q 'driverctl binds it again at boot' && [ -z \"\$(curdrv)\" ]"
	vcp_check "driverctl unset-override removes it" sh -xc "
		driverctl --noprobe unset-override $BDF && [ ! -e /etc/driverctl.d/pci-$BDF ]"
else
	for t in "bind --persist through driverctl" "unbind names the driverctl override" "driverctl unset-override"; do
		vcp_result skip "vfio-cxl $t" "driverctl is not installed on the host that built the image"
	done
fi
rm -f /etc/modprobe.d/vfio-cxl-pci.conf
vcp_step "rmmod" rmmod vfio_cxl_pci
