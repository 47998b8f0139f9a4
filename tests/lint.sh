#!/bin/bash
# Static checks: checkpatch.pl --strict (from Debian's linux-source), sparse
# (make C=2), kernel-doc -Wall, and kernel-doc present on every non-static
# function and every UAPI definition. Prints "ok|not ok lint: <check>" lines.
set -uo pipefail
. "$(dirname "$0")/lib/common.sh"
eval "$("$VCP_ROOT/tests/env/linux-source.sh")"
cd "$VCP_ROOT" || exit 1
res() { if [ "$1" = 0 ]; then echo "ok lint: $2"; else echo "not ok lint: $2 # $3"; fi; }

SRCS=(src/*.c src/*.h include/uapi/linux/*.h conftest/*.c)
for f in "${SRCS[@]}"; do
	# checkpatch exits non-zero on any ERROR/WARNING/CHECK (and when it
	# cannot run at all); "fatal:" lines are git noise from --no-tree
	out=$("$LINUX_SOURCE/scripts/checkpatch.pl" --no-tree --strict --quiet --show-types -f "$f" 2>&1)
	rc=$?
	out=$(echo "$out" | grep -v '^fatal: ')
	res $([ $rc = 0 ] && [ -z "$out" ]; echo $?) "checkpatch --strict $f" \
		"rc=$rc $(echo "$out" | grep -m2 . | tr '\n' ' ' | cut -c1-200)"
done

# the vfio-cxl command: kernel style where it applies to user space (libc
# types, PRIu64, volatile MMIO reads and long message strings are allowed)
for f in tools/vfio-cxl/*.[ch]; do
	out=$("$LINUX_SOURCE/scripts/checkpatch.pl" --no-tree --strict --quiet --show-types \
		--ignore PREFER_KERNEL_TYPES,VOLATILE,AVOID_EXTERNS,SPLIT_STRING,CAMELCASE,LONG_LINE,LONG_LINE_STRING,STATIC_CONST_CHAR_ARRAY,EMBEDDED_FUNCTION_NAME \
		-f "$f" 2>&1)
	rc=$?
	out=$(echo "$out" | grep -v '^fatal: ')
	res $([ $rc = 0 ] && [ -z "$out" ]; echo $?) "checkpatch --strict (user space) $f" \
		"rc=$rc $(echo "$out" | grep -m2 . | tr '\n' ' ' | cut -c1-200)"
done
out=$(make -s -C tools/vfio-cxl clean all CFLAGS="-O2 -Werror" 2>&1; make -s -C tools/vfio-cxl clean)
res $([ -z "$out" ]; echo $?) "vfio-cxl builds with -Wall -Wextra -Werror" "$(echo "$out" | head -n 2 | tr '\n' ' ')"

# sparse over the whole module, against the bookworm-built kernel
out=$("$VCP_ROOT/tests/build.sh" 6.12-deb12 C=2 2>&1)
res $? "sparse (make C=2) on 6.12-deb12" "$(echo "$out" | grep -E 'warning|error' | head -n 2 | tr '\n' ' ')"

eval "$("$VCP_ROOT/tests/env/kernels.sh" 6.12-deb12 --headers-only)"
KDOC=$(readlink -f "$KDIR/scripts")/kernel-doc
out=$("$KDOC" -none -Wall src/*.c src/*.h include/uapi/linux/vfio_cxl.h 2>&1)
res $([ -z "$out" ]; echo $?) "kernel-doc -Wall" "$(echo "$out" | head -n 2 | tr '\n' ' ')"

# every non-static function definition has a kernel-doc comment naming it
missing=""
for f in src/*.c; do
	for fn in $(awk '
		/^[a-z_][a-z0-9_ *]*[ *]([a-z0-9_]+)\(/ && !/^static/ && !/;[ \t]*$/ {
			match($0, /[a-z0-9_]+\(/); name = substr($0, RSTART, RLENGTH - 1); pending = 1; next
		}
		pending && /^\{/ { print name; pending = 0 }
		pending && /;[ \t]*$/ { pending = 0 }' "$f"); do
		grep -qE "^ \* $fn\(\) - " "$f" || missing="$missing $f:$fn"
	done
done
res $([ -z "$missing" ]; echo $?) "kernel-doc on every non-static function" "missing:$missing"

# every UAPI definition (but the include guard) has a kernel-doc comment
missing=""
for name in $(sed -n 's/^#define \([A-Z_0-9]*\).*/\1/p; s/^struct \([a-z_0-9]*\) {/\1/p' include/uapi/linux/vfio_cxl.h); do
	[ "$name" = _UAPI_LINUX_VFIO_CXL_H ] && continue
	grep -qE "^ \* (struct )?$name( -|\(\))" include/uapi/linux/vfio_cxl.h || missing="$missing $name"
done
res $([ -z "$missing" ]; echo $?) "kernel-doc on every UAPI item" "missing:$missing"

# the UAPI header compiles on its own beside <linux/vfio.h>, 32- and 64-bit
for m in -m64 -m32; do
	out=$(printf '#include <linux/vfio.h>\n#include "include/uapi/linux/vfio_cxl.h"\nint main(void) { return sizeof(struct vfio_device_info_cap_cxl) != 32; }\n' |
	      gcc "$m" -std=c11 -Wall -Werror -x c - -o /dev/null 2>&1)
	if echo "$out" | grep -qE 'gnu/stubs-32.h|asm/types.h|cannot find|skipping incompatible'; then
		echo "skip lint: UAPI header builds with $m # no $m libc on this host"
	else
		res $([ -z "$out" ]; echo $?) "UAPI header builds with $m" "$(echo "$out" | head -n 2 | tr '\n' ' ')"
	fi
done
# the header's static assertions bite: a <linux/vfio.h> that disagrees with
# our layout (here: a different flag bit) must break the build
out=$(printf '#define VFIO_DEVICE_FLAGS_CXL (1 << 10)\n#include "include/uapi/linux/vfio_cxl.h"\nint main(void) { return 0; }\n' |
      gcc -std=c11 -Wall -x c - -o /dev/null 2>&1)
res $(echo "$out" | grep -q 'static assertion failed'; echo $?) \
	"UAPI header refuses a conflicting VFIO_DEVICE_FLAGS_CXL" "$(echo "$out" | head -n 2 | tr '\n' ' ')"
out=$(printf '#include <linux/vfio.h>\n#include "include/uapi/linux/vfio_cxl.h"\nint main() { return 0; }\n' |
      g++ -std=c++11 -Wall -Werror -x c++ - -o /dev/null 2>&1)
res $([ -z "$out" ]; echo $?) "UAPI header builds as C++" "$(echo "$out" | head -n 2 | tr '\n' ' ')"
