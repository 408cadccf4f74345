#!/bin/bash
# Install everything the build, the tests and the VM need, on Debian 12, as root.
# Idempotent and quick when everything is present already.
set -euo pipefail
pkgs=(
	# kernels we build for and boot in the VM
	linux-headers-amd64 linux-headers-6.12-amd64
	linux-image-amd64 linux-image-6.12-amd64
	linux-source-6.12              # scripts/checkpatch.pl
	# build
	build-essential cmake rsync bc flex bison libelf-dev xz-utils
	libgtest-dev libnl-3-dev libnl-genl-3-dev libboost-program-options-dev
	nlohmann-json3-dev libssl-dev pkg-config
	clang-14 libclang-rt-14-dev     # libFuzzer targets (cmake -DSCST_FUZZ=ON)
	# VM and the real initiators/peers run inside it
	qemu-system-x86 busybox-static kmod cpio e2fsprogs
	open-iscsi libiscsi-bin sg3-utils lsscsi fio tgt iproute2 rdma-core
	ibverbs-utils fcoe-utils iperf3 util-linux procps
	ibverbs-providers iptables strace  # rxe/siw verbs providers, iptables, strace in the VM
	multipath-tools dmsetup         # dm-multipath over two iSCSI paths (ALUA)
	linux-perf                      # perf in the VM: profiles of the benchmarks
)
missing=()
for p in "${pkgs[@]}"; do
	[ "${p:0:1}" = "#" ] && continue
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	[ "$(id -u)" -eq 0 ] || { echo "deps.sh: need root to install: ${missing[*]}" >&2; exit 1; }
	echo "== apt-get install ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -q --no-install-recommends "${missing[@]}" >/tmp/scst-apt.log 2>&1 ||
		{ tail -30 /tmp/scst-apt.log; exit 1; }
fi
# checkpatch.pl ships inside the linux-source tarball: unpack just what it needs.
src=$(ls -d /usr/src/linux-source-6.12.tar.xz 2>/dev/null | head -n1)
if [ -n "$src" ] && [ ! -e /usr/src/linux-source-6.12/scripts/checkpatch.pl ]; then
	echo "== unpacking checkpatch.pl from $src"
	tar -C /usr/src -xJf "$src" linux-source-6.12/scripts/checkpatch.pl \
		linux-source-6.12/scripts/spelling.txt \
		linux-source-6.12/scripts/const_structs.checkpatch
fi
