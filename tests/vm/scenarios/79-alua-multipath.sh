#!/bin/bash
# ALUA for dm-multipath: one fileio device behind two iSCSI targets on two
# portals, each target in its own target port group (active/optimized and
# standby). multipath (scsi_dh_alua, prio alua) shows one path group
# active with the optimized path and one with the standby ("ghost") path;
# fio with crc32c verify runs on the map while the states are swapped
# twice through sysfs, and I/O moves to the other path without an error.
# The fixture (targets, groups, sessions, map) is tests/vm/alua-mp-lib.sh.
# timeout: 600
set -euo pipefail
source /scst/tests/vm/lib.sh
source /scst/tests/vm/iscsi-lib.sh
source /scst/tests/vm/alua-mp-lib.sh

mp_setup

# fio runs 50 s: 8 + 12 + 8 + 10 + 8 s at most from its start.
log "fio on $dev while the states swap"
fio --name=swap --filename="$dev" --ioengine=libaio --direct=1 --rw=randrw \
	--bs=4k --iodepth=16 --numjobs=2 --size=16M --offset_increment=16M \
	--verify=crc32c --verify_fatal=1 --time_based --runtime=50 \
	--group_reporting >fio-swap.out 2>&1 &
fio_pid=$!
sleep 8
read_a0=$(awk '{print $1}' "/sys/block/$sda/stat")
read_b0=$(awk '{print $1 + $5}' "/sys/block/$sdb/stat")
log "swap 1: tg_b active, tg_a standby"
state tg_b active
state tg_a standby
sleep 12
ios_b1=$(awk '{print $1 + $5}' "/sys/block/$sdb/stat")
wait_for "in_active_group $sdb mp-ll-2.txt" 8 || true
ios_a1=$(awk '{print $1 + $5}' "/sys/block/$sda/stat")
log "swap 2: back"
state tg_a active
state tg_b standby
sleep 10
ios_a2=$(awk '{print $1 + $5}' "/sys/block/$sda/stat")
wait_for "in_active_group $sda mp-ll-3.txt" 8 || true
rc=0
wait $fio_pid || rc=$?
cat mp-ll-2.txt
tail -n 25 fio-swap.out
check "fio with crc32c verify: no error across the swaps" test "$rc" -eq 0
check "fio: no verify failure" bash -c "! grep -qiE 'verify.*(fail|bad)|crc32c.*mismatch|err= *[1-9]' fio-swap.out"
check "I/O moved to path B while it was optimized" test "$ios_b1" -gt "$((read_b0 + 100))"
check "I/O moved back to path A after swap 2" test "$ios_a2" -gt "$((ios_a1 + 100))"
check "after swap 1 path B is in the active group (prio 50)" \
	bash -c "grep -A1 'prio=50 status=active' mp-ll-2.txt | grep -q $sdb"
check "after swap 2 path A is in the active group again" \
	bash -c "grep -A1 'prio=50 status=active' mp-ll-3.txt | grep -q $sda"
log "reads on A before the swaps: $read_a0"

mp_teardown
finish
