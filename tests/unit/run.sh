#!/bin/bash
# Build and run the user-space unit tests of the pure emulation code, with
# AddressSanitizer and UBSan. Prints "ok|not ok|skip unit: <test>" lines.
set -uo pipefail
. "$(dirname "$0")/../lib/common.sh"
eval "$("$VCP_ROOT/tests/env/linux-source.sh")"
O=$VCP_OUT/unit
mkdir -p "$O"
for t in "$VCP_ROOT"/tests/unit/*_test.c; do
	name=$(basename "$t" .c)
	src=$VCP_ROOT/src/${name%_test}.c
	if ! gcc -O1 -g -Wall -Wextra -Werror -Wno-sign-compare -Wno-unused-parameter \
		-fsanitize=address,undefined -fno-sanitize-recover=all \
		-I"$VCP_ROOT/src" -I"$LINUX_SOURCE/tools/testing/selftests" \
		-o "$O/$name" "$t" "$src" > "$O/$name.build.log" 2>&1; then
		echo "not ok unit: build $name # $(head -c 300 "$O/$name.build.log" | tr '\n' ' ')"
		continue
	fi
	"$O/$name" > "$O/$name.log" 2>&1
	rc=$?
	n=0
	while IFS= read -r line; do
		case $line in
		"ok "*"# SKIP"*) rest=${line#ok * }; echo "skip unit: $name: ${rest%% # SKIP*}"; n=$((n + 1)) ;;
		"ok "*) echo "ok unit: $name: ${line#ok * }"; n=$((n + 1)) ;;
		"not ok "*) echo "not ok unit: $name: ${line#not ok * }"; n=$((n + 1)) ;;
		esac
	done < "$O/$name.log"
	plan=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$O/$name.log")
	if [ "$n" != "$plan" ] || { [ $rc != 0 ] && ! grep -q '^not ok' "$O/$name.log"; }; then
		echo "not ok unit: $name ran to completion # rc=$rc, $n of ${plan:-?} reported: $(tail -n 3 "$O/$name.log" | tr '\n' ' ')"
	fi
done
