#!/bin/bash
# Build the initramfs that tests/vm/run boots, for one kernel release:
#
#   tests/vm/mkinitramfs.sh <release>     ->  build/vm/<release>/initramfs.cpio
#
# The archive is two uncompressed cpio archives back to back (the kernel
# unpacks both, later files win), each rebuilt only when its inputs change:
#
#   base.cpio     Host binaries with their ldd libraries (busybox-static for
#                 the small applets, real tools for everything that matters),
#                 the Debian kernel modules the tests need (with dependencies,
#                 .ko.xz decompressed: loading is faster under TCG), /etc and
#                 the directory skeleton. Inputs: this script and the host's
#                 installed packages (/var/lib/dpkg/status).
#   overlay.cpio  /init, tests/vm/{lib.sh,iscsi-lib.sh,alua-mp-lib.sh,
#                 scenarios,uevent-helper}, the project modules
#                 (/lib/modules/<rel>/extra/), the test modules
#                 (/lib/modules/<rel>/extra/tests/), the userspace binaries
#                 if built, and the depmod output for all modules.
#                 Inputs: those files, this script and the base.
#
# Concurrent runs for the same release are serialised with flock.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
self="$top/tests/vm/mkinitramfs.sh"
multiarch=x86_64-linux-gnu

# Debian kernel modules the scenarios may load (dependencies are added).
kmods=(
	# SCSI core, disks, test devices
	scsi_mod sd_mod sg scsi_debug loop null_blk dm_mod dm_multipath dm_service_time dm_round_robin scsi_dh_alua
	# iSCSI initiator (open-iscsi) and iSER
	scsi_transport_iscsi libiscsi iscsi_tcp ib_iser
	# LIO, the reference target
	configfs target_core_mod target_core_file target_core_iblock
	target_core_pscsi target_core_user tcm_loop iscsi_target_mod
	# RDMA: soft-RoCE, SRP and iSER target/initiator
	rdma_rxe rdma_cm ib_uverbs rdma_ucm ib_srpt ib_srp ib_isert
	crc32_generic crc32_pclmul crc32c_generic crc32c_intel libcrc32c
	# FCoE
	tcm_fc fcoe libfcoe libfc scsi_transport_fc
	# networking inside the VM, link faults, socket statistics (ss -i)
	dummy veth nf_tables nft_compat x_tables ip_tables iptable_filter
	xt_tcpudp sch_netem inet_diag tcp_diag
	# the results disk, and ext4 for mkfs tests
	virtio_pci virtio_blk ext4
)

# Real binaries (resolved in the host's PATH); busybox covers the rest.
bins=(
	bash kmod ip tc ss bridge rdma ibv_devices ibv_devinfo
	iscsiadm iscsid iscsi-iname lsscsi fio tgtd tgtadm
	fcoeadm fipvlan fcoemon fcping fcrls fcnsq iperf3
	dd sync timeout sleep sha256sum cmp blockdev losetup lsblk setpriv
	mke2fs mkfs.ext4 e2fsck grep sed find xargs mawk strace
	xtables-nft-multi xtables-legacy-multi
	multipath multipathd dmsetup
	perf
)
# Every binary of these packages (iscsi-test-cu and friends, all sg_*).
bin_pkgs=(libiscsi-bin sg3-utils)
# kmod dispatches on argv[0]: these names become symlinks to kmod.
kmod_links=(/usr/sbin/modprobe /usr/sbin/insmod /usr/sbin/rmmod /usr/sbin/lsmod
	/usr/bin/lsmod /usr/sbin/depmod /usr/sbin/modinfo)
# Project userspace binaries, copied when present.
userspace_bins=(
	"$top/build/userspace/userspace/scstadmd/scstadmd"
	"$top/build/userspace/userspace/scstadmin/scstadmin"
	"$top/build/userspace/userspace/scstnl/scstnl"
	"$top/build/userspace/bench/tools/scst_bench_fsops"
	"$top/build/userspace/tests/tools/scst_iscsi_badpdu"
)

die() { echo "mkinitramfs: $*" >&2; exit 1; }

# add_file PATH: copy a host file to the same path under $root, with the
# directory canonicalised (/lib/x -> /usr/lib/x) so that neither layer ever
# needs the merged-/usr symlinks to resolve. Symlinks are recreated and
# their target copied too. ELF files are queued for add_libs. Files that
# the layer below ($lower, if set) already has are skipped.
declare -A added=() canon=()
elf_queue=()
lower=''
add_file() {
	local src=$1 dir path dst magic
	[ -n "${added[$src]:-}" ] && return
	added[$src]=1
	[ -e "$src" ] || die "missing host file $src"
	dir=$(dirname "$src")
	[ -n "${canon[$dir]:-}" ] || canon[$dir]=$(readlink -f "$dir")
	path=${canon[$dir]}/$(basename "$src")
	[ -z "$lower" ] || [ ! -e "$lower$path" ] || return 0
	dst=$root$path
	mkdir -p "$(dirname "$dst")"
	if [ -L "$src" ]; then
		add_file "$(readlink -f "$src")"
		[ -e "$dst" ] || ln -s "$(readlink -f "$src")" "$dst"
		return
	fi
	cp -a "$src" "$dst"
	IFS= read -r -n 4 magic <"$src" || true
	[ "$magic" != $'\x7fELF' ] || elf_queue+=("$src")
}

# add_libs: add the shared libraries of every queued ELF file (one ldd
# call for all of them, repeated until no new library shows up).
add_libs() {
	local libs lib
	while [ ${#elf_queue[@]} -gt 0 ]; do
		libs=$( (ldd "${elf_queue[@]}" 2>/dev/null || true) |
			awk '/=> \// {print $3} /^\t\/[^ ]+ \(0x/ {print $1}' | sort -u)
		elf_queue=()
		for lib in $libs; do
			add_file "$lib"
		done
	done
}

# The merged-/usr skeleton, devices needed before /init mounts devtmpfs,
# configuration files and the busybox applets.
make_skeleton() {
	mkdir -p "$root"/{usr/bin,usr/sbin,usr/lib/$multiarch,usr/lib64,usr/local/bin}
	ln -s usr/bin "$root/bin"
	ln -s usr/sbin "$root/sbin"
	ln -s usr/lib "$root/lib"
	ln -s usr/lib64 "$root/lib64"
	mkdir -p "$root"/{dev,proc,sys,run,tmp,srv,root,mnt,results,scst,home/scstuser}
	mkdir -p "$root"/var/lib/iscsi/{nodes,send_targets,ifaces,isns,static,fw,slp}
	mkdir -p "$root"/var/target/{pr,alua} "$root"/var/tmp "$root"/etc/iscsi
	ln -s ../run "$root/var/run"
	ln -s ../run/lock "$root/var/lock"
	chmod 1777 "$root/tmp" "$root/var/tmp"
	chown 1000:1000 "$root/home/scstuser"
	mknod -m 600 "$root/dev/console" c 5 1
	mknod -m 666 "$root/dev/null" c 1 3

	cat >"$root/etc/passwd" <<-'EOF'
	root:x:0:0:root:/root:/bin/bash
	nobody:x:65534:65534:nobody:/nonexistent:/bin/false
	scstuser:x:1000:1000:SCST unprivileged test user:/home/scstuser:/bin/bash
	EOF
	cat >"$root/etc/group" <<-'EOF'
	root:x:0:
	disk:x:6:
	scstuser:x:1000:
	nogroup:x:65534:
	EOF
	printf '127.0.0.1\tlocalhost\n::1\t\tlocalhost\n' >"$root/etc/hosts"
	printf 'passwd: files\ngroup: files\nhosts: files\n' >"$root/etc/nsswitch.conf"
	echo scst-vm >"$root/etc/hostname"
	echo "InitiatorName=iqn.1993-08.org.debian:01:scst-vm" >"$root/etc/iscsi/initiatorname.iscsi"
	# Debian's defaults, but iscsid is started by hand (no systemctl).
	sed 's|^iscsid.startup = .*|iscsid.startup = /usr/sbin/iscsid|' \
		/etc/iscsi/iscsid.conf >"$root/etc/iscsi/iscsid.conf"
	cp -a /etc/mke2fs.conf "$root/etc/"
	[ -d /etc/fcoe ] && cp -a /etc/fcoe "$root/etc/"
	return 0
}

add_binaries() {
	local b path
	for b in "${bins[@]}"; do
		path=$(PATH=/usr/sbin:/usr/bin command -v "$b") || die "host tool $b not installed (run scripts/deps.sh)"
		add_file "$path"
	done
	for path in $(dpkg -L "${bin_pkgs[@]}" | grep -E '^/usr/s?bin/[^/]+$'); do
		[ -f "$path" ] && [ -x "$path" ] && add_file "$path"
	done
	for path in "${kmod_links[@]}"; do
		ln -sf /usr/bin/kmod "$root$path"
	done
	ln -s mawk "$root/usr/bin/awk"
	ln -sf bash "$root/usr/bin/sh"
	for b in iptables iptables-save iptables-restore; do
		ln -s xtables-nft-multi "$root/usr/sbin/$b"
		ln -s xtables-legacy-multi "$root/usr/sbin/${b/iptables/iptables-legacy}"
	done
	# Plugins that are dlopen()ed, so ldd does not see them.
	for path in /usr/lib/"$multiarch"/xtables/*.so /etc/libibverbs.d/{rxe,siw}.driver \
		/usr/lib/"$multiarch"/libibverbs/lib{rxe,siw}-rdmav*.so \
		/usr/lib/multipath/lib{checktur,checkdirectio,prioalua,prioconst}.so; do
		add_file "$path"
	done
	add_libs
	# busybox applets only where no real tool exists (see vm-testing.md).
	cp /bin/busybox "$root/usr/bin/busybox"
	for b in $(/bin/busybox --list); do
		[ -e "$root/usr/bin/$b" ] || [ -e "$root/usr/sbin/$b" ] || [ -L "$root/usr/bin/$b" ] ||
			ln -s busybox "$root/usr/bin/$b"
	done
}

# Copy the modules in $kmods and their dependencies for release $rel.
add_kernel_modules() {
	local m f out path dst missing=()
	mkdir -p "$root/usr/lib/modules/$rel"
	for f in modules.order modules.builtin modules.builtin.modinfo; do
		cp "/lib/modules/$rel/$f" "$root/usr/lib/modules/$rel/"
	done
	for m in "${kmods[@]}"; do
		out=$(modprobe -S "$rel" --show-depends "$m" 2>/dev/null) || { missing+=("$m"); continue; }
		for path in $(awk '$1 == "insmod" {print $2}' <<<"$out"); do
			dst=$root/usr${path%.xz}
			[ -e "$dst" ] && continue
			mkdir -p "$(dirname "$dst")"
			case "$path" in
			*.xz) xz -dc "$path" >"$dst" ;;
			*) cp "$path" "$dst" ;;
			esac
		done
	done
	[ ${#missing[@]} -eq 0 ] || echo "mkinitramfs: $rel has no module ${missing[*]} (skipped)" >&2
	return 0
}

make_cpio() { # make_cpio DIR OUT
	(cd "$1" && find . -mindepth 1 | LC_ALL=C sort |
		cpio --quiet -o -H newc -R 0:0) >"$2.tmp"
	mv "$2.tmp" "$2"
}

build_base() {
	root=$out/base
	rm -rf "$root"
	mkdir -p "$root"
	added=()
	make_skeleton
	add_binaries
	add_kernel_modules
	make_cpio "$root" "$out/base.cpio"
}

project_modules() { find "$top/build/$rel/kernel" -name '*.ko' 2>/dev/null | sort; }
test_modules() { find "$top/build/$rel/tests/kmod" -maxdepth 1 -name '*.ko' 2>/dev/null | sort; }

build_overlay() {
	local f name moddir=usr/lib/modules/$rel
	root=$out/overlay
	lower=$out/base
	rm -rf "$root"
	mkdir -p "$root/scst/tests/vm" "$root/$moddir/extra/tests" "$root/usr/local/bin"
	added=()
	install -m 755 "$top/tests/vm/init" "$root/init"
	install -m 755 "$top/tests/vm/uevent-helper" "$root/scst/uevent-helper"
	cp -a "$top/tests/vm/lib.sh" "$top/tests/vm/iscsi-lib.sh" \
		"$top/tests/vm/alua-mp-lib.sh" "$top/tests/vm/scenarios" "$root/scst/tests/vm/"
	if [ -d "$top/bench/vm" ]; then
		mkdir -p "$root/scst/bench"
		cp -a "$top/bench/vm" "$root/scst/bench/"
	fi
	for f in $(project_modules); do
		cp "$f" "$root/$moddir/extra/"
	done
	for f in $(test_modules); do
		cp "$f" "$root/$moddir/extra/tests/"
	done
	# Manifest of the project modules for lib.sh: scst first, then by name.
	for f in $(project_modules); do
		name=$(basename "$f" .ko)
		echo "${name//-/_}"
	done | LC_ALL=C sort | awk '$0 == "scst" {print; next} {rest[++n] = $0}
		END {for (i = 1; i <= n; i++) print rest[i]}' >"$root/scst/project-modules"
	for f in "${userspace_bins[@]}"; do
		[ -x "$f" ] || continue
		cp "$f" "$root/usr/local/bin/"
		elf_queue+=("$f")
	done
	add_libs
	# depmod over base + overlay modules, in a hard-linked scratch tree.
	rm -rf "$out/depmod"
	mkdir -p "$out/depmod/lib/modules"
	cp -al "$out/base/$moddir" "$out/depmod/lib/modules/"
	cp -al "$root/$moddir/extra" "$out/depmod/lib/modules/$rel/"
	depmod -b "$out/depmod" "$rel"
	cp "$out/depmod/lib/modules/$rel"/modules.* "$root/$moddir/"
	rm -rf "$out/depmod"
	make_cpio "$root" "$out/overlay.cpio"
}

overlay_inputs() {
	echo "$self"
	echo "$top/tests/vm/init"
	echo "$top/tests/vm/uevent-helper"
	echo "$top/tests/vm/lib.sh"
	echo "$top/tests/vm/iscsi-lib.sh"
	echo "$top/tests/vm/alua-mp-lib.sh"
	find "$top/tests/vm/scenarios" -type f | LC_ALL=C sort
	[ ! -d "$top/bench/vm" ] || find "$top/bench/vm" -type f | LC_ALL=C sort
	project_modules
	test_modules
	for f in "${userspace_bins[@]}"; do
		[ -x "$f" ] && echo "$f"
	done
	return 0
}

main() {
	[ $# -eq 1 ] || die "usage: $0 <kernel release>"
	rel=$1
	out=$top/build/vm/$rel
	[ -d "/lib/modules/$rel" ] || die "no /lib/modules/$rel (run scripts/deps.sh)"
	mkdir -p "$out"
	exec 9>"$out/.lock"
	flock 9

	local base_key overlay_key did=()
	base_key=$(cat "$self" /var/lib/dpkg/status | sha256sum | cut -d' ' -f1)
	if [ ! -e "$out/base.cpio" ] || [ "$(cat "$out/base.key" 2>/dev/null)" != "$base_key" ]; then
		build_base
		echo "$base_key" >"$out/base.key"
		did+=(base)
	fi
	overlay_key=$( (echo "$base_key"; overlay_inputs | xargs sha256sum) | sha256sum | cut -d' ' -f1)
	if [ ! -e "$out/initramfs.cpio" ] || [ "$(cat "$out/overlay.key" 2>/dev/null)" != "$overlay_key" ]; then
		build_overlay
		cat "$out/base.cpio" "$out/overlay.cpio" >"$out/initramfs.cpio.tmp"
		mv "$out/initramfs.cpio.tmp" "$out/initramfs.cpio"
		echo "$overlay_key" >"$out/overlay.key"
		did+=(overlay)
	fi
	local size
	size=$(du -m "$out/initramfs.cpio" | cut -f1)
	if [ ${#did[@]} -eq 0 ]; then
		echo "$out/initramfs.cpio up to date (${size} MiB)"
	else
		echo "$out/initramfs.cpio rebuilt ${did[*]} (${size} MiB)"
	fi
}

main "$@"
