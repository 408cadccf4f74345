#!/bin/bash
# Kernel style: checkpatch.pl (from the linux-source package, unpacked by
# scripts/deps.sh) over every kernel and include file. Fails on any error
# or warning.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cp=$(ls -d /usr/src/linux-source-*/scripts/checkpatch.pl 2>/dev/null | tail -n1)
[ -n "$cp" ] || { echo "checkpatch.sh: checkpatch.pl not found; run scripts/deps.sh" >&2; exit 1; }
cd "$top"
mapfile -t files < <(git ls-files -co --exclude-standard 'kernel/*.[ch]' 'include/*.h' 'tests/kmod/*.[ch]')
[ ${#files[@]} -gt 0 ] || exit 0
# --no-tree: out of tree. Ignored checks do not apply to an out-of-tree project
# whose portable files are shared with user space.
out=$(perl "$cp" --no-tree --terse --show-types -f \
	--ignore FILE_PATH_CHANGES,SPDX_LICENSE_TAG,LINUX_VERSION_CODE \
	"${files[@]}" 2>&1 || true)
bad=$(echo "$out" | grep -E ': (ERROR|WARNING):' || true)
if [ -n "$bad" ]; then
	echo "$bad"
	echo "checkpatch: $(echo "$bad" | wc -l) problems in ${#files[@]} files"
	exit 1
fi
echo "checkpatch: ${#files[@]} files clean"
