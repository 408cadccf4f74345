#!/bin/bash
# Build every module for each kernel release (scripts/kernels.sh).
#
# Each release gets its own copy of the sources under build/<release>/,
# because a Kbuild "clean" or a build against another kernel would
# otherwise overwrite the .ko files of the first one. Test-only modules
# (tests/kmod) are built the same way into build/<release>/tests/kmod.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc)
status=0
sync_src() { # sync_src SRC_DIR DST_DIR: copy sources, keep build products
	mkdir -p "$2"
	rsync -a --delete --exclude '*.o' --exclude '*.ko' --exclude '*.mod' \
		--exclude '*.mod.c' --exclude '.*.cmd' --exclude 'modules.order' \
		--exclude 'Module.symvers' "$1/" "$2/"
}
kbuild() { # kbuild KDIR DIR
	local log
	log=$(make -s -C "$1" M="$2" -j"$jobs" modules 2>&1) || { echo "$log"; return 1; }
	echo "$log" | grep -v -e 'Skipping BTF generation' -e '^$' || true
}
for rel in $("$top/scripts/kernels.sh"); do
	kdir=/usr/src/linux-headers-$rel
	out=$top/build/$rel
	echo "== building modules for $rel"
	mkdir -p "$out"
	# A failed build must not leave the previous modules to be tested.
	find "$out" -name '*.ko' -delete
	cp "$top/Kbuild" "$out/Kbuild"
	sync_src "$top/kernel" "$out/kernel"
	sync_src "$top/include" "$out/include"
	if ! kbuild "$kdir" "$out"; then
		echo "build-modules: FAILED for $rel" >&2
		status=1
		continue
	fi
	if [ -e "$top/tests/kmod/Kbuild" ]; then
		sync_src "$top/tests/kmod" "$out/tests/kmod"
		kbuild "$kdir" "$out/tests/kmod" ||
			{ echo "build-modules: test modules FAILED for $rel" >&2; status=1; }
	fi
	(cd "$out" && find . -name '*.ko' -printf '   %P\n' | sort)
done
exit $status
