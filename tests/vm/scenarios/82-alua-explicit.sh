#!/bin/bash
# Explicit ALUA through the Linux initiator: the fixture of
# 79-alua-multipath, tests/vm/alua-mp-lib.sh (one LU behind two iSCSI
# targets on two portals, tg_a active/optimized, tg_b standby; INQUIRY
# TPGS=3). While fio with crc32c verify runs on the
# map, path A fails (its SCSI device is set offline): dm-multipath switches
# to the standby path group and its pg_init makes scsi_dh_alua send SET
# TARGET PORT GROUPS (alua_activate -> alua_rtpg_worker -> alua_stpg, the
# group is standby). The target moves tg_b to active/optimized with STATUS
# CODE "altered by SET TARGET PORT GROUPS", and I/O continues on path B
# without an error. Nothing but the initiator changes a state here.
# timeout: 600
set -euo pipefail
source /scst/tests/vm/lib.sh
source /scst/tests/vm/iscsi-lib.sh
source /scst/tests/vm/alua-mp-lib.sh

mp_setup

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
# dm names a group active once an I/O went through it: poll.
wait_for "multipath -ll \"\$map\" >mp-ll-2.txt 2>&1; grep -B1 -A2 'status=active' mp-ll-2.txt | grep -q $sdb" 8 || true
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
mp_teardown
finish
