#!/bin/bash
# iSCSI end to end: scstadmd logs open-iscsi in (no authentication) and
# hands the connections to scst_iscsi. Discovery, login, fio with crc32c
# verify, two sessions at once (Data-In sent with zero copy from there on),
# fio killed mid-I/O then logout and login again; after logout and unload
# no slab object of ours is left.
# timeout: 300
set -euo pipefail
source /scst/tests/vm/lib.sh

ADMD=/usr/local/bin/scstadmd
[ -x "$ADMD" ] || fail "scstadmd is not in the initramfs (build user space first)"
IQN=iqn.2026-11.org.scst:vm.tgt
INI1=$(sed -n 's/^InitiatorName=//p' /etc/iscsi/initiatorname.iscsi)
INI2=iqn.2026-11.org.scst:vm.second
T=$SCST/targets/iscsi/$IQN
iscsiadm() { /usr/sbin/iscsiadm "$@"; }

save_results() {
	cp admd.log fio*.out "$SCST_RESULTS/" 2>/dev/null || true
	dmesg | grep -E 'scst_iscsi|connection|session' >"$SCST_RESULTS/iscsi-dmesg.txt" || true
}
trap save_results EXIT

# iscsi_disk INITIATOR LUN: /dev/sdX of LUN in the session of INITIATOR.
iscsi_disk() {
	local s sn d
	for s in /sys/class/iscsi_session/session*; do
		[ "$(cat "$s/initiatorname" 2>/dev/null)" = "$1" ] || continue
		sn=${s##*/}
		for d in /sys/class/scsi_device/*:"$2"; do
			[ -e "$d/device/block" ] || continue
			readlink -f "$d/device" | grep -q "/$sn/" || continue
			echo "/dev/$(ls "$d/device/block")"
			return 0
		done
	done
	return 1
}

# wait_disk INITIATOR LUN: iscsi_disk once sd has read its capacity (a
# block device of size 0 answers writes with ENOSPC).
wait_disk() {
	local d
	wait_for "d=\$(iscsi_disk $1 $2) && [ \$(cat /sys/block/\${d#/dev/}/size) -gt 0 ]" 30 ||
		fail "no LUN $2 for $1"
	iscsi_disk "$1" "$2"
}

nsessions() { ls "$T/sessions" 2>/dev/null | wc -l; }

# fio_verify NAME DEV OFFSET: randrw, 2 jobs, QD32, crc32c verify on 8 MiB.
fio_verify() {
	fio --name="$1" --filename="$2" --ioengine=libaio --direct=1 --rw=randrw \
		--bs=4k --iodepth=32 --numjobs=2 --size=4M --offset="$3" \
		--offset_increment=4M --verify=crc32c --verify_fatal=1 \
		--group_reporting >"fio-$1.out" 2>&1 || { tail -n 20 "fio-$1.out"; return 1; }
	! grep -qiE 'verify.*(fail|bad)|crc32c.*mismatch' "fio-$1.out"
}

load_scst
modprobe iscsi_tcp
slab_snapshot /tmp/slab.before

truncate -s 64M /srv/disk0.img
scst_mgmt "$SCST/handlers/vdisk_nullio/mgmt" "add_device null0 size_mb=64"
scst_mgmt "$SCST/handlers/vdisk_fileio/mgmt" "add_device disk0 filename=/srv/disk0.img"
scst_mgmt "$SCST/targets/iscsi/mgmt" "add_target $IQN"
scst_mgmt "$T/luns/mgmt" "add null0 0"
scst_mgmt "$T/luns/mgmt" "add disk0 1"
echo 1 >"$T/enabled"
check "target attributes readable" grep -q 65536 "$T/FirstBurstLength"

"$ADMD" --foreground --log-level debug --config /tmp/scst.conf \
	--lock-file /tmp/scstadmd.lock --iscsi-portal 127.0.0.1:3260 >admd.log 2>&1 &
admd=$!
wait_for "grep -q 'iSCSI portal' admd.log" 30 || { cat admd.log; fail "scstadmd did not listen"; }
# Its own session: iscsid signals its process group when it stops.
setsid /usr/sbin/iscsid -f >iscsid.log 2>&1 &
wait_for "[ -S /run/iscsid.sock ] || grep -q iscsid /proc/net/unix" 10 || true
sleep 1

log "discovery"
iscsiadm -m discovery -t st -p 127.0.0.1 >disc.out 2>&1 || { cat disc.out; cat admd.log; fail "discovery"; }
cat disc.out
check "discovery finds the target" grep -q "$IQN" disc.out

log "login"
iscsiadm -m node -T "$IQN" -p 127.0.0.1 --login || { cat admd.log; fail "login"; }
null1=$(wait_disk "$INI1" 0)
disk1=$(wait_disk "$INI1" 1)
log "session 1: nullio $null1, fileio $disk1"
check "one session in sysfs" test "$(nsessions)" -eq 1
check "fio verify on the fileio LUN" fio_verify s1 "$disk1" 0
check "fio randread on the nullio LUN" fio --name=nr --filename="$null1" \
	--ioengine=libaio --direct=1 --rw=randread --bs=64k --iodepth=16 \
	--size=16M --output=fio-nullread.out
check "logout" iscsiadm -m node -T "$IQN" -p 127.0.0.1 --logout
check "no session after logout" wait_for '[ "$(nsessions)" -eq 0 ]' 20

# From here on Data-In of 4 KiB and more goes out without a copy.
echo 4096 >/sys/module/scst_iscsi/parameters/zerocopy_threshold
log "two sessions, zero-copy Data-In"
iscsiadm -m iface -I second -o new >/dev/null
iscsiadm -m iface -I second -o update -n iface.initiatorname -v "$INI2" >/dev/null
iscsiadm -m discovery -t st -p 127.0.0.1 -I default -I second >/dev/null
iscsiadm -m node -T "$IQN" -p 127.0.0.1 --login || fail "login (two ifaces)"
disk1=$(wait_disk "$INI1" 1)
disk2=$(wait_disk "$INI2" 1)
check "two sessions in sysfs" test "$(nsessions)" -eq 2
fio_verify a "$disk1" 0 & fa=$!
fio_verify b "$disk2" 32M & fb=$!
# check runs in a subshell, which cannot wait for our children.
ra=0 rb=0
wait $fa || ra=$?
wait $fb || rb=$?
check "fio verify on session 1" test $ra -eq 0
check "fio verify on session 2" test $rb -eq 0

log "fio killed mid-I/O, logout, login again"
fio --name=kill --filename="$disk1" --ioengine=libaio --direct=1 --rw=randrw \
	--bs=16k --iodepth=32 --numjobs=2 --time_based --runtime=60 >/dev/null 2>&1 &
fk=$!
sleep 4
kill -9 $fk
wait $fk 2>/dev/null || true
check "logout of both sessions" iscsiadm -m node -T "$IQN" -p 127.0.0.1 --logout
check "no session after logout" wait_for '[ "$(nsessions)" -eq 0 ]' 20
check "login again" iscsiadm -m node -T "$IQN" -p 127.0.0.1 -I default --login
disk1=$(wait_disk "$INI1" 1)
check "fio verify after the new login" fio_verify c "$disk1" 16M
check "final logout" iscsiadm -m node -T "$IQN" -p 127.0.0.1 --logout
check "no session at the end" wait_for '[ "$(nsessions)" -eq 0 ]' 20

iscsiadm -k 0 || true
kill "$admd"
wait "$admd" || true
check "scstadmd logged the hand-overs" grep -q 'handed to the kernel' admd.log
echo 0 >"$T/enabled"
scst_mgmt "$SCST/targets/iscsi/mgmt" "del_target $IQN"
scst_mgmt "$SCST/handlers/vdisk_nullio/mgmt" "del_device null0"
scst_mgmt "$SCST/handlers/vdisk_fileio/mgmt" "del_device disk0"
unload_scst
check "no slab object of ours left" slab_compare /tmp/slab.before
finish
