#!/bin/bash
# Mutation check: build deliberately broken copies of the driver and of the
# emulation library, run the part of the suite that must notice, and report
#   ok mutant <name>: caught by <the first failing check>
#   not ok mutant <name>: survived <what ran>   (the suite has a blind spot)
# A mutant is one exact text substitution in one source file, applied to a
# copy of the tree under $VCP_OUT/mutants/<name>; a substitution that no
# longer applies is itself "not ok" (the mutant would test nothing).
# Unit mutants run tests/unit/run.sh on the copy, fuzz mutants the fuzzer
# of the mutated file (200000 executions, against its reference model); VM
# mutants build the module from the copy and boot it once ($MUTANT_SERIES,
# the basic or the stress scenario). An unmutated copy of each lane runs first, as a control.
# Usage: tests/mutants.sh [name...]   (default: all)
set -uo pipefail
. "$(dirname "$0")/lib/common.sh"
MUTANT_SERIES=${VFIO_CXL_MUTANT_SERIES:-6.12-deb12}
M=$VCP_OUT/mutants
mkdir -p "$M"

# name @ lane (unit or vm:<boot>) @ file @ original text @ mutated text
# (\n and \t in the texts are newline and tab)
MUTANTS=(
	"commit_never_committed@unit@src/hdm_emu.c@new = (new | CXL_HDM_CTRL_COMMITTED) &@new = new &"
	"dvsec_lock_ignored@unit@src/dvsec_emu.c@return emu->regs[CXL_DVSEC_LOCK / 2] & CXL_DVSEC_LOCK_CONFIG_LOCK;@return false;"
	"decoder_ctrl_writes_ignored@unit@src/hdm_emu.c@\tu32 *ctrl = dec_reg(emu, n, CXL_HDM_DEC_CTRL);\n\tu32 cur = *ctrl, wr, new;\n@\tu32 *ctrl = dec_reg(emu, n, CXL_HDM_DEC_CTRL);\n\tu32 cur = *ctrl, wr, new;\n\n\tif (ctrl)\n\t\treturn;\n"
	"fuzz_commit_never_committed@fuzz@src/hdm_emu.c@new = (new | CXL_HDM_CTRL_COMMITTED) &@new = new &"
	"fuzz_decoder_writes_ignored@fuzz@src/hdm_emu.c@\tbool committed = dec_committed(emu, n);\n@\tbool committed = dec_committed(emu, n);\n\n\tif (emu)\n\t\treturn;\n"
	"fuzz_narrow_read_shows_device@fuzz@src/hdm_emu.c@\tif (off + width <= win || off >= win_end) {@\tif ((!write && width < 4) || off + width <= win || off >= win_end) {"
	"fuzz_ras_read_from_snapshot@fuzz@src/hdm_emu.c@\tbool live = off >= emu->geom.array_end && off < emu->geom.hdm_off;@\tbool live = false;"
	"fuzz_ras_clear_not_forwarded@fuzz@src/hdm_emu.c@\tif (!hw->write)\n\t\treturn;\n\tset =@\tif (hw->write)\n\t\treturn;\n\tset ="
	"fuzz_dvsec_writes_ignored@fuzz@src/dvsec_emu.c@\tval &= m;\n\tswitch (off) {@\tval &= m;\n\tif (r)\n\t\treturn 0;\n\tswitch (off) {"
	"fuzz_dvsec_reset_keeps_guest_state@fuzz@src/dvsec_emu.c@\t\temu->regs[regs[i] / 2] = emu->seed[regs[i] / 2];@\t\t;"
	"dvsec_range_base_from_device@vm:basic@src/dvsec_emu.c@\t\temu->regs[CXL_DVSEC_RANGE_BASE_HIGH(n) / 2] = 0;\n\t\temu->regs[CXL_DVSEC_RANGE_BASE_HIGH(n) / 2 + 1] = 0;\n@"
	"other_dvsec_writes_forwarded@vm:basic@src/config.c@\treturn iswrite ? n : vfio_cxl_core_rw(cdev, buf, n, at, p, false);@\treturn vfio_cxl_core_rw(cdev, buf, n, at, p, iswrite);"
	"ras_read_from_snapshot@vm:basic@src/hdm_emu.c@\tbool live = off >= emu->geom.array_end && off < emu->geom.hdm_off;@\tbool live = false;"
	"raw_bar_read_shows_device@vm:basic@src/comp_regs.c@\t\treturn comp_block_part;@\t\treturn vfio_cxl_core_rw;"
	"reset_skips_decoder_restore@vm:basic@src/reset.c@\t\tret = restore_decoders(cdev);@\t\tret = 0;"
	"cache_wbi_returns_before_invalid@unit@src/cache_wbi.c@if (status2 & CXL_DVSEC_STATUS2_CACHE_INVALID)@if (1)"
	"dpa_fault_maps_wrong_page@vm:basic@src/dpa.c@PHYS_PFN(cdev->hw.hpa) + pgoff;@PHYS_PFN(cdev->hw.hpa) + (pgoff ^ 1);"
	"huge_entry_maps_wrong_block@vm:basic@src/dpa.c@vfio_cxl_vmf_insert_huge(vmf, pfn, order)@vfio_cxl_vmf_insert_huge(vmf, pfn ^ (1UL << order), order)"
	"kernel_alias_kept_from_probe@vm:basic@src/detect.c@\tmemunmap(map);\n\treturn 0;@\thw->dpa_map = map;\n\treturn 0;"
	"huge_pages_never@vm:basic@src/dpa.c@if (order && (!READ_ONCE(huge_pages) ||@if (order && (1 ||"
	"mse_write_blocks_memory@vm:stress@src/dvsec_emu.c@\tif (caps->pcie && write_covers(pos, count, caps->pcie + CFG_EXP_DEVCTL_HI))@\tif (write_covers(pos, count, PCI_COMMAND))\n\t\treturn VFIO_CXL_CFG_STOPS_DECODE;\n\tif (caps->pcie && write_covers(pos, count, caps->pcie + CFG_EXP_DEVCTL_HI))"
	"block_does_not_zap@vm:stress@src/dpa.c@\t\tunmap_mapping_range(@\t\tif (0) unmap_mapping_range("
)

# mutate <tree> <file> <from> <to>: exactly one occurrence, else fail
mutate() {
	python3 - "$1/$2" "$3" "$4" <<'EOF'
import sys
p, a, b = sys.argv[1], sys.argv[2], sys.argv[3]
a = a.replace('\\n', '\n').replace('\\t', '\t')
b = b.replace('\\n', '\n').replace('\\t', '\t')
s = open(p).read()
if s.count(a) != 1:
    sys.exit('%d occurrences of the original text' % s.count(a))
open(p, 'w').write(s.replace(a, b))
EOF
}

# first_fail <results>: the first "not ok" line, without its status
first_fail() { sed -n 's/^not ok //p' "$1" | head -n 1 | cut -c1-160; }

# run_copy <name> <lane> <file> <from> <to>: build and test a mutated copy;
# sets FAIL to its first failing check (empty if everything passed), or
# returns 1 with FAIL set to why the copy could not be tested
run_copy() {
	local name=$1 lane=$2 file=$3 from=$4 to=$5 tree=$M/$1 out ko why fz
	FAIL=""
	rm -rf "$tree"; mkdir -p "$tree"
	# a copy with its times kept, so the guest programs built for the real
	# tree are not rebuilt for every mutant
	(cd "$VCP_ROOT" && tar -c --exclude=./out --exclude=./.git .) | tar -x -C "$tree"
	if [ -d "$VCP_OUT/guest-bin" ]; then mkdir -p "$tree/out"; cp -a "$VCP_OUT/guest-bin" "$tree/out/"; fi
	if ! why=$(mutate "$tree" "$file" "$from" "$to" 2>&1); then
		FAIL="does not apply to $file # $why"
		return 1
	fi
	out=$tree/results
	case $lane in
	unit)
		VFIO_CXL_OUT=$tree/out "$tree/tests/unit/run.sh" > "$out" 2> "$tree/run.log"
		;;
	fuzz)
		# the fuzzer of the mutated file; both for the control
		fz=$(basename "$file" _emu.c)
		[ -f "$tree/tests/fuzz/${fz}_fuzz.c" ] || fz=""
		VFIO_CXL_OUT=$tree/out VFIO_CXL_FUZZ_RUNS=${VFIO_CXL_MUTANT_FUZZ_RUNS:-200000} \
			"$tree/tests/fuzz/run.sh" $fz > "$out" 2> "$tree/run.log"
		;;
	vm:*)
		eval "$("$VCP_ROOT/tests/env/kernels.sh" "$MUTANT_SERIES" --headers-only)"
		[ "$TOOLCHAIN" = host ] || { FAIL="$MUTANT_SERIES needs the host toolchain"; return 1; }
		# no W=1 here: a mutant only has to build
		if ! make -C "$tree" KVER="$ABI" KDIR="$KDIR" > "$tree/build.log" 2>&1; then
			FAIL="does not build # $(grep -m1 error: "$tree/build.log" | cut -c1-160)"
			return 1
		fi
		ko=$(find "$tree" -maxdepth 2 -name vfio-cxl-pci.ko | head -n 1)
		VFIO_CXL_OUT=$tree/out VCP_MODULE=$ko \
			"$tree/tests/vm/vm.sh" "$MUTANT_SERIES" "${lane#vm:}" > "$out" 2> "$tree/run.log"
		;;
	esac
	FAIL=$(first_fail "$out")
	PASSED=$(grep -c '^ok ' "$out")
	return 0
}

run_mutant() { # run_mutant <name> <lane> <file> <from> <to>
	if ! run_copy "$@"; then
		echo "not ok mutant $1: $FAIL"
	elif [ -n "$FAIL" ]; then
		echo "ok mutant $1: caught by $FAIL"
	else
		echo "not ok mutant $1: survived $2 ($PASSED checks passed; $M/$1)"
	fi
}

# The controls: the same copy, build and run with nothing changed must pass,
# or a mutant's "caught" could be the harness failing.
control() { # control <lane>
	if run_copy "control-${1/:/-}" "$1" src/dpa.c "// SPDX-License-Identifier: GPL-2.0-only" "// SPDX-License-Identifier: GPL-2.0-only" && [ -z "$FAIL" ]; then
		echo "ok mutant control: an unmutated copy passes $1 ($PASSED checks)"
		return 0
	fi
	echo "not ok mutant control: an unmutated copy fails $1 # ${FAIL}"
	return 1
}

want=" $* "
declare -A ctl=()
for m in "${MUTANTS[@]}"; do
	IFS='@' read -r name lane file from to <<< "$m"
	[ $# = 0 ] || [[ "$want" == *" $name "* ]] || continue
	if [ -z "${ctl[$lane]:-}" ]; then
		if control "$lane"; then ctl[$lane]=ok; else ctl[$lane]=failed; fi
	fi
	if [ "${ctl[$lane]}" != ok ]; then
		echo "skip mutant $name: not run # the unmutated copy fails $lane"
		continue
	fi
	t0=$(date +%s)
	run_mutant "$name" "$lane" "$file" "$from" "$to"
	log "mutant $name: $(( $(date +%s) - t0 )) s"
done
