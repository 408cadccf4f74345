#!/bin/bash
# Print the kernel releases we build and test for, one per line:
# Debian 12's 6.1 LTS and 6.12 LTS, as installed by scripts/deps.sh.
# SCST_KERNELS="6.1" (or "6.12", or a full release) narrows the list.
set -euo pipefail
want=${SCST_KERNELS:-"6.1 6.12"}
for w in $want; do
	found=
	for d in /usr/src/linux-headers-*-amd64; do
		[ -e "$d/Module.symvers" ] || continue
		rel=${d#/usr/src/linux-headers-}
		case "$rel" in
		"$w" | "$w".*) echo "$rel"; found=1 ;;
		esac
	done
	[ -n "$found" ] || { echo "kernels.sh: no headers for kernel $w" >&2; exit 1; }
done
