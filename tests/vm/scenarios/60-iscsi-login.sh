#!/bin/bash
# iSCSI end to end: scstadmd logs open-iscsi in (no authentication) and
# hands the connections to scst_iscsi. Discovery, login, fio with crc32c
# verify (also with 256 KiB blocks, whose Data-In goes out by page
# reference), two sessions at once (Data-In sent with zero copy from there on),
# fio killed mid-I/O then logout and login again; after logout and unload
# no slab object of ours is left.
# timeout: 300
set -euo pipefail
source /scst/tests/vm/lib.sh
source /scst/tests/vm/iscsi-lib.sh

IQN=iqn.2026-11.org.scst:vm.tgt
T=$SCST/targets/iscsi/$IQN

save_results() {
	cp admd.log fio*.out "$SCST_RESULTS/" 2>/dev/null || true
	dmesg | grep -E 'scst_iscsi|connection|session' >"$SCST_RESULTS/iscsi-dmesg.txt" || true
}
trap save_results EXIT

load_scst
slab_snapshot /tmp/slab.before

truncate -s 64M /srv/disk0.img
scst_mgmt "$SCST/handlers/vdisk_nullio/mgmt" "add_device null0 size_mb=64"
scst_mgmt "$SCST/handlers/vdisk_fileio/mgmt" "add_device disk0 filename=/srv/disk0.img"
iscsi_target "$IQN" null0:0 disk0:1
check "target attributes readable" grep -q 65536 "$T/FirstBurstLength"

admd_start -d 127.0.0.1:3260
iscsid_start

log "discovery"
iscsi_discover 127.0.0.1
cat disc.out
check "discovery finds the target" grep -q "$IQN" disc.out

log "login"
iscsi_login "$IQN" 127.0.0.1
null1=$(iscsi_wait_disk "$INI1" 0)
disk1=$(iscsi_wait_disk "$INI1" 1)
log "session 1: nullio $null1, fileio $disk1"
check "one session in sysfs" test "$(nsessions "$IQN")" -eq 1
check "fio verify on the fileio LUN" fio_verify s1 "$disk1" 0
# Data-In segments of 64 KiB and more by page reference, then copied again.
echo 65536 >/sys/module/scst_iscsi/parameters/splice_threshold
check "fio verify, 256 KiB blocks (Data-In by page reference)" \
	fio_verify s1big "$disk1" 0 --bs=256k
echo 0 >/sys/module/scst_iscsi/parameters/splice_threshold
check "fio randread on the nullio LUN" fio --name=nr --filename="$null1" \
	--ioengine=libaio --direct=1 --rw=randread --bs=64k --iodepth=16 \
	--size=16M --output=fio-nullread.out
check "logout" iscsiadm -m node -T "$IQN" -p 127.0.0.1 --logout
check "no session after logout" wait_for '[ "$(nsessions "$IQN")" -eq 0 ]' 20

# From here on Data-In of 4 KiB and more goes out without a copy.
echo 4096 >/sys/module/scst_iscsi/parameters/zerocopy_threshold
log "two sessions, zero-copy Data-In"
iscsi_iface_second
iscsiadm -m discovery -t st -p 127.0.0.1 -I default -I second >/dev/null
iscsi_login "$IQN" 127.0.0.1
disk1=$(iscsi_wait_disk "$INI1" 1)
disk2=$(iscsi_wait_disk "$INI2" 1)
check "two sessions in sysfs" test "$(nsessions "$IQN")" -eq 2
fio_verify_pair "$disk1" "$disk2"

log "fio killed mid-I/O, logout, login again"
fio --name=kill --filename="$disk1" --ioengine=libaio --direct=1 --rw=randrw \
	--bs=16k --iodepth=32 --numjobs=2 --time_based --runtime=60 >/dev/null 2>&1 &
fk=$!
sleep 4
kill -9 $fk
wait $fk 2>/dev/null || true
check "logout of both sessions" iscsiadm -m node -T "$IQN" -p 127.0.0.1 --logout
check "no session after logout" wait_for '[ "$(nsessions "$IQN")" -eq 0 ]' 20
check "login again" iscsiadm -m node -T "$IQN" -p 127.0.0.1 -I default --login
disk1=$(iscsi_wait_disk "$INI1" 1)
check "fio verify after the new login" fio_verify c "$disk1" 16M
check "final logout" iscsiadm -m node -T "$IQN" -p 127.0.0.1 --logout
check "no session at the end" wait_for '[ "$(nsessions "$IQN")" -eq 0 ]' 20

iscsi_stop
check "scstadmd logged the hand-overs" grep -q 'handed to the kernel' admd.log
iscsi_target_del "$IQN"
scst_mgmt "$SCST/handlers/vdisk_nullio/mgmt" "del_device null0"
scst_mgmt "$SCST/handlers/vdisk_fileio/mgmt" "del_device disk0"
unload_scst
check "no slab object of ours left" slab_compare /tmp/slab.before
finish
