# shellcheck shell=bash
# The ALUA multipath fixture of 79-alua-multipath and 82-alua-explicit:
# one fileio LU, mpdisk, behind two iSCSI targets on two portals, IQA on
# 127.0.0.1:3260 in target port group tg_a (id 1, active/optimized) and
# IQB on 127.0.0.1:3261 in tg_b (id 2, standby), and dm-multipath over the
# two paths (scsi_dh_alua, prio alua, group_by_prio). Source it after
# lib.sh and iscsi-lib.sh, then run mp_setup.
#
# No udevd in the VM: bare udev database entries make libudev list the
# paths, and uid_attribute "" makes multipath read the WWID from sysfs.
# The WWID is the LU's T10 vendor ID designator ("SCST    <serial>-<name>"),
# the same through both targets and different for every LU.

command -v /usr/sbin/multipath >/dev/null || fail "multipath is not in the initramfs"
IQA=iqn.2026-11.org.scst:vm.alua-a
IQB=iqn.2026-11.org.scst:vm.alua-b
DG=$SCST/device_groups
multipath() { /usr/sbin/multipath "$@"; }
multipathd() { /usr/sbin/multipathd "$@"; }
dmsetup() { /usr/sbin/dmsetup "$@"; }

mp_save_results() {
	cp admd.log fio*.out mp*.txt multipathd.log "$SCST_RESULTS/" 2>/dev/null || true
	if [ -n "${mpd:-}" ]; then
		kill "$mpd" 2>/dev/null || true
	fi
}
trap mp_save_results EXIT

# No udevd in the VM: libudev lists only devices that udev has
# "initialized", i.e. that have a udev database entry, so write a bare one
# for each path. The WWID itself comes from sysfs (uid_attribute "").
udev_db() { # udev_db sdX
	mkdir -p /run/udev/data
	echo I:1 >"/run/udev/data/b$(cat "/sys/block/$1/dev")"
}

# state TG STATE: set a target group's state through sysfs.
state() { echo "$2" >"$DG/mp/target_groups/$1/state"; }

# in_active_group SDX FILE: multipath -ll (saved in FILE) shows SDX in the
# active path group of priority 50. dm names a group active once an I/O
# went through it after multipathd reloaded the map: poll for it while
# I/O runs.
in_active_group() {
	multipath -ll "$map" >"$2" 2>&1 || true
	grep -A1 'prio=50 status=active' "$2" | grep -q "$1"
}

# paths: "sdX:dm_state:checker_state:prio" of each path, from multipathd.
paths() { multipathd show paths format "%d %t %T %p" 2>/dev/null | tail -n +2 | sort; }

mpmap() { dmsetup ls --target multipath 2>/dev/null | awk '$1 != "No" {print $1; exit}'; }

# mp_setup: the targets, groups, sessions and the map; sets sda and sdb
# (path A and B, sdX), map and dev (the map's block device), and checks
# the starting point: path A active/optimized, path B standby.
mp_setup() {
	load_scst
	modprobe dm_multipath
	modprobe dm_service_time
	modprobe scsi_dh_alua

	truncate -s 128M /srv/mp.img
	scst_mgmt "$SCST/handlers/vdisk_fileio/mgmt" "add_device mpdisk filename=/srv/mp.img"
	iscsi_target "$IQA" mpdisk:0
	iscsi_target "$IQB" mpdisk:0
	scst_mgmt "$DG/mgmt" "create mp"
	scst_mgmt "$DG/mp/devices/mgmt" "add mpdisk"
	scst_mgmt "$DG/mp/target_groups/mgmt" "add tg_a"
	scst_mgmt "$DG/mp/target_groups/mgmt" "add tg_b"
	echo 1 >"$DG/mp/target_groups/tg_a/group_id"
	echo 2 >"$DG/mp/target_groups/tg_b/group_id"
	scst_mgmt "$DG/mp/target_groups/tg_a/mgmt" "add $IQA"
	scst_mgmt "$DG/mp/target_groups/tg_b/mgmt" "add $IQB"
	state tg_b standby

	admd_start 127.0.0.1:3260 127.0.0.1:3261
	iscsid_start
	iscsi_discover 127.0.0.1:3260
	iscsi_discover 127.0.0.1:3261
	cat disc.out
	iscsi_login "$IQA" 127.0.0.1:3260
	iscsi_login "$IQB" 127.0.0.1:3261
	sda=$(iscsi_wait_disk "$IQA" 0)
	sda=${sda#/dev/}
	sdb=$(iscsi_wait_disk "$IQB" 0)
	sdb=${sdb#/dev/}
	log "path A (tg_a, active): $sda, path B (tg_b, standby): $sdb"
	check "scsi_dh_alua attached to both paths" bash -c "grep -q alua /sys/block/$sda/device/dh_state && grep -q alua /sys/block/$sdb/device/dh_state"
	check "both paths have the same WWID" test "$(cat /sys/block/$sda/device/wwid)" = "$(cat /sys/block/$sdb/device/wwid)"
	udev_db "$sda"
	udev_db "$sdb"

	mkdir -p /etc/multipath
	cat >/etc/multipath.conf <<EOF
# No udevd in the VM: uid_attribute "" turns udev-based WWIDs off, so
# multipath reads the WWID from the VPD page 0x83 copy in sysfs.
defaults {
	uid_attribute ""
	find_multipaths no
	user_friendly_names no
	polling_interval 2
	path_checker tur
	no_path_retry queue
}
blacklist {
	devnode "^(vd|loop|ram|nullb|dm-)"
}
devices {
	device {
		vendor "SCST"
		product "VDISK-.*"
		uid_attribute ""
		hardware_handler "1 alua"
		path_grouping_policy group_by_prio
		prio alua
		detect_prio no
		failback immediate
		no_path_retry queue
	}
}
EOF
	multipathd -d -s -v3 >multipathd.log 2>&1 &
	mpd=$!
	wait_for "[ -n \"\$(mpmap)\" ]" 30 || { multipath -v3 >mp-v3.txt 2>&1 || true; tail -n 40 mp-v3.txt; tail -n 30 multipathd.log; fail "no multipath map"; }
	map=$(mpmap)
	log "map $map"
	dmsetup mknodes "$map" 2>/dev/null || true
	wait_for "[ \"\$(paths | wc -l)\" -eq 2 ]" 30 || true
	dev=/dev/mapper/"$map"
	[ -b "$dev" ] || dev=/dev/$(dmsetup info -c --noheadings -o blkdevname "$map")
	log "WWID $(cat /sys/block/$sda/device/wwid), map $dev"
	# multipathd orders the path groups by the priorities of their usable
	# paths: a map made before its checker has seen path A up lists the
	# standby group first (seen under load), and the first I/O would then
	# activate it, STPG and all. Wait until both paths are checked with
	# their ALUA priorities, reload the map, and wait for A's group first.
	wait_for "paths | grep -Eq \"^$sda +active +ready +50 *\\\$\" &&
		paths | grep -Eq \"^$sdb .* 1 *\\\$\"" 30 || true
	multipath -r "$map" >/dev/null 2>&1 || true
	wait_for "multipath -ll \"\$map\" | grep -m1 -A1 'prio=' | grep -q \"$sda\"" 30 || true
	# dm-multipath activates a path group on the first I/O only.
	dd if="$dev" of=/dev/null bs=4k count=1 iflag=direct 2>/dev/null || fail "read from $dev"
	multipath -ll "$map" | tee mp-ll-1.txt
	paths | tee mp-paths-1.txt
	check "one active/optimized path group (prio 50) with path A" \
		bash -c "multipathd show paths format '%d %p %t' | grep -q \"^$sda *50 *active\""
	check "one standby path group (prio 1) with path B" \
		bash -c "multipathd show paths format '%d %p' | grep -q \"^$sdb *1 *\$\""
	check "multipath -ll: the active group first, the standby one enabled" \
		bash -c "grep -A1 'prio=50 status=active' mp-ll-1.txt | grep -q $sda && grep -A1 'prio=1 status=enabled' mp-ll-1.txt | grep -q $sdb"
}

# mp_teardown: multipathd, the map and the sessions go.
mp_teardown() {
	kill "$mpd" 2>/dev/null || true
	wait "$mpd" 2>/dev/null || true
	mpd=
	dmsetup remove "$map" 2>/dev/null || dmsetup remove -f "$map" || true
	iscsi_stop
}
