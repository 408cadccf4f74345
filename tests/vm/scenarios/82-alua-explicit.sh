#!/bin/bash
# Explicit ALUA through the Linux initiator: the 79-alua-multipath setup
# (one LU behind two iSCSI targets on two portals, tg_a active/optimized,
# tg_b standby; INQUIRY TPGS=3). While fio with crc32c verify runs on the
# map, path A fails (its SCSI device is set offline): dm-multipath switches
# to the standby path group and its pg_init makes scsi_dh_alua send SET
# TARGET PORT GROUPS (alua_activate -> alua_rtpg_worker -> alua_stpg, the
# group is standby). The target moves tg_b to active/optimized with STATUS
# CODE "altered by SET TARGET PORT GROUPS", and I/O continues on path B
# without an error. Nothing but the initiator changes a state here.
# timeout: 600
set -euo pipefail
source /scst/tests/vm/lib.sh

ADMD=/usr/local/bin/scstadmd
[ -x "$ADMD" ] || fail "scstadmd is not in the initramfs (build user space first)"
command -v multipath >/dev/null || fail "multipath is not in the initramfs"
IQA=iqn.2026-11.org.scst:vm.alua-a
IQB=iqn.2026-11.org.scst:vm.alua-b
DG=$SCST/device_groups
iscsiadm() { /usr/sbin/iscsiadm "$@"; }
multipath() { /usr/sbin/multipath "$@"; }
multipathd() { /usr/sbin/multipathd "$@"; }
dmsetup() { /usr/sbin/dmsetup "$@"; }

save_results() {
	cp admd.log fio*.out mp*.txt multipathd.log "$SCST_RESULTS/" 2>/dev/null || true
	if [ -n "${mpd:-}" ]; then
		kill "$mpd" 2>/dev/null || true
	fi
}
trap save_results EXIT

# disk_of TARGET: /dev/sdX of LUN 0 of the session with TARGET.
disk_of() {
	local s sn d
	for s in /sys/class/iscsi_session/session*; do
		[ "$(cat "$s/targetname" 2>/dev/null)" = "$1" ] || continue
		sn=${s##*/}
		for d in /sys/class/scsi_device/*:0; do
			[ -e "$d/device/block" ] || continue
			readlink -f "$d/device" | grep -q "/$sn/" || continue
			echo "$(ls "$d/device/block")"
			return 0
		done
	done
	return 1
}
wait_disk() {
	local d
	wait_for "d=\$(disk_of $1) && [ \$(cat /sys/block/\$d/size) -gt 0 ]" 30 ||
		fail "no LUN 0 behind $1"
	disk_of "$1"
}

# No udevd in the VM: libudev lists only devices that udev has
# "initialized", i.e. that have a udev database entry, so write a bare one
# for each path. The WWID itself comes from sysfs (uid_attribute "").
udev_db() { # udev_db sdX
	mkdir -p /run/udev/data
	echo I:1 >"/run/udev/data/b$(cat "/sys/block/$1/dev")"
}

# state TG STATE: set a target group's state through sysfs.
state() { echo "$2" >"$DG/mp/target_groups/$1/state"; }

# paths: "sdX:dm_state:checker_state:prio" of each path, from multipathd.
paths() { multipathd show paths format "%d %t %T %p" 2>/dev/null | tail -n +2 | sort; }

load_scst
modprobe iscsi_tcp
modprobe dm_multipath
modprobe dm_service_time
modprobe scsi_dh_alua

truncate -s 128M /srv/mp.img
scst_mgmt "$SCST/handlers/vdisk_fileio/mgmt" "add_device mpdisk filename=/srv/mp.img"
for t in $IQA $IQB; do
	scst_mgmt "$SCST/targets/iscsi/mgmt" "add_target $t"
	scst_mgmt "$SCST/targets/iscsi/$t/luns/mgmt" "add mpdisk 0"
	echo 1 >"$SCST/targets/iscsi/$t/enabled"
done
scst_mgmt "$DG/mgmt" "create mp"
scst_mgmt "$DG/mp/devices/mgmt" "add mpdisk"
scst_mgmt "$DG/mp/target_groups/mgmt" "add tg_a"
scst_mgmt "$DG/mp/target_groups/mgmt" "add tg_b"
echo 1 >"$DG/mp/target_groups/tg_a/group_id"
echo 2 >"$DG/mp/target_groups/tg_b/group_id"
scst_mgmt "$DG/mp/target_groups/tg_a/mgmt" "add $IQA"
scst_mgmt "$DG/mp/target_groups/tg_b/mgmt" "add $IQB"
state tg_b standby

"$ADMD" --foreground --config /tmp/scst.conf --lock-file /tmp/scstadmd.lock \
	--iscsi-portal 127.0.0.1:3260 --iscsi-portal 127.0.0.1:3261 >admd.log 2>&1 &
admd=$!
wait_for "grep -q 'iSCSI portal' admd.log" 30 || { cat admd.log; fail "scstadmd did not listen"; }
setsid /usr/sbin/iscsid -f >iscsid.log 2>&1 &
wait_for "grep -q iscsid /proc/net/unix" 10 || true
sleep 1
for port in 3260 3261; do
	iscsiadm -m discovery -t st -p 127.0.0.1:$port >>disc.out 2>&1 || { cat disc.out admd.log; fail "discovery on :$port"; }
done
cat disc.out
iscsiadm -m node -T $IQA -p 127.0.0.1:3260 --login >/dev/null || fail "login to $IQA on :3260"
iscsiadm -m node -T $IQB -p 127.0.0.1:3261 --login >/dev/null || fail "login to $IQB on :3261"
sda=$(wait_disk $IQA)
sdb=$(wait_disk $IQB)
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
mpmap() { dmsetup ls --target multipath 2>/dev/null | awk '$1 != "No" {print $1; exit}'; }
wait_for "[ -n \"\$(mpmap)\" ]" 30 || { multipath -v3 >mp-v3.txt 2>&1 || true; tail -n 40 mp-v3.txt; tail -n 30 multipathd.log; fail "no multipath map"; }
map=$(mpmap)
log "map $map"
dmsetup mknodes "$map" 2>/dev/null || true
wait_for "[ \"\$(paths | wc -l)\" -eq 2 ]" 30 || true
dev=/dev/mapper/"$map"
[ -b "$dev" ] || dev=/dev/$(dmsetup info -c --noheadings -o blkdevname "$map")
log "WWID $(cat /sys/block/$sda/device/wwid), map $dev"
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

check "tg_b is standby before the failure" bash -c "[ \"\$(head -n1 $DG/mp/target_groups/tg_b/state)\" = standby ]"

log "fio on $dev; path A fails after 8 s"
fio --name=failover --filename="$dev" --ioengine=libaio --direct=1 --rw=randrw \
	--bs=4k --iodepth=16 --numjobs=2 --size=16M --offset_increment=16M \
	--verify=crc32c --verify_fatal=1 --time_based --runtime=40 \
	--group_reporting >fio-failover.out 2>&1 &
fio_pid=$!
sleep 8
ios_b0=$(awk '{print $1 + $5}' "/sys/block/$sdb/stat")
log "path A ($sda) offline"
echo offline >"/sys/block/$sda/device/state"
check "scsi_dh_alua's STPG made tg_b active/optimized" \
	wait_for "[ \"\$(head -n1 $DG/mp/target_groups/tg_b/state)\" = active ]" 30
multipath -ll "$map" >mp-ll-2.txt 2>&1 || true
cat mp-ll-2.txt
# RTPG through B: the descriptor of group 2 has STATUS CODE 01h.
rt=$(sg_rtpg -r "/dev/$sdb" | od -An -tx1 -v | tr -s ' \n' ' ')
log "RTPG: $rt"
check "RTPG: group 2 active/optimized, altered by SET TARGET PORT GROUPS" \
	bash -c "grep -q ' 00 df 00 02 00 01 ' <<<'$rt'"
check "tg_a was not changed (scsi_dh_alua names only its own group)" \
	bash -c "[ \"\$(head -n1 $DG/mp/target_groups/tg_a/state)\" = active ]"
sleep 10
ios_b1=$(awk '{print $1 + $5}' "/sys/block/$sdb/stat")
rc=0
wait $fio_pid || rc=$?
tail -n 25 fio-failover.out
dmesg | grep -i 'alua' | tail -n 20 || true
check "fio with crc32c verify: no error across the failover" test "$rc" -eq 0
check "fio: no verify failure" bash -c "! grep -qiE 'verify.*(fail|bad)|crc32c.*mismatch|err= *[1-9]' fio-failover.out"
check "I/O moved to path B" test "$ios_b1" -gt "$((ios_b0 + 100))"
check "multipath -ll: path B in the active group" \
	bash -c "grep -B1 -A2 'status=active' mp-ll-2.txt | grep -q $sdb"

echo running >"/sys/block/$sda/device/state"
kill "$mpd" 2>/dev/null || true
wait "$mpd" 2>/dev/null || true
mpd=
dmsetup remove "$map" 2>/dev/null || dmsetup remove -f "$map" || true
iscsiadm -m node --logout >/dev/null 2>&1 || true
iscsiadm -k 0 || true
kill "$admd"
wait "$admd" || true
finish
