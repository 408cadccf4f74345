#!/bin/bash
# Task management storm: sg_reset (LUN, target and host resets) while fio
# runs against scst_local LUNs. No command may get stuck, fio's data must
# still verify, and every module must unload without leaking slab objects.
# timeout: 600
set -euo pipefail
source /scst/tests/vm/lib.sh

slab_snapshot /tmp/slab.before
load_scst
truncate -s 64M /srv/tmf.img
scst_mgmt "$SCST/handlers/vdisk_fileio/mgmt" "add_device tmf0 filename=/srv/tmf.img"
scst_mgmt "$SCST/handlers/vdisk_nullio/mgmt" "add_device tmfn size_mb=64"
scst_mgmt "$LOCAL_TGT/luns/mgmt" "add tmf0 0"
scst_mgmt "$LOCAL_TGT/luns/mgmt" "add tmfn 1"
host=$(local_host scst_local_host) || fail "no scst_local host"
local_rescan
local_disks "$host" dev=0 devn=1

fio --name=storm --filename="$dev" --ioengine=libaio --direct=1 --rw=randwrite \
	--bs=4k --iodepth=32 --numjobs=2 --size=16M --offset_increment=16M \
	--verify=crc32c --verify_fatal=1 --do_verify=1 --output-format=terse >/tmp/fio.out 2>&1 &
fio_pid=$!
fio --name=stormn --filename="$devn" --ioengine=libaio --direct=1 --rw=randrw \
	--bs=4k --iodepth=32 --runtime=20 --time_based --output-format=terse >/tmp/fion.out 2>&1 &
fion_pid=$!

resets=0
for i in $(seq 1 10); do
	sleep 1
	sg_reset --device "$dev" >/dev/null 2>&1 && resets=$((resets + 1))
	sg_reset --device "$devn" >/dev/null 2>&1 && resets=$((resets + 1))
	[ $((i % 3)) -eq 0 ] && sg_reset --target "$dev" >/dev/null 2>&1 && resets=$((resets + 1))
	[ $((i % 5)) -eq 0 ] && sg_reset --host "$dev" >/dev/null 2>&1 && resets=$((resets + 1))
done
log "$resets resets issued"
check "at least 10 resets succeeded" test "$resets" -ge 10

# Overlapping TMFs: a target reset finds commands a LUN reset aborted
# first and must still wait for them.
for i in $(seq 1 5); do
	sleep 0.5
	pids=()
	sg_reset --device "$dev" >/dev/null 2>&1 & pids+=($!)
	sg_reset --target "$devn" >/dev/null 2>&1 & pids+=($!)
	sg_reset --device "$devn" >/dev/null 2>&1 & pids+=($!)
	wait "${pids[@]}" || true
done
check "fio with verify survives the resets" wait "$fio_pid"
wait "$fion_pid" || true	# I/O errors after a reset are allowed here; hangs are not
check "no command is left in the target" wait_for "[ \$(cat $SCST/active_commands) -eq 0 ]" 10

scst_mgmt "$LOCAL_TGT/luns/mgmt" "clear"
local_rescan
scst_mgmt "$SCST/handlers/vdisk_fileio/mgmt" "del_device tmf0"
scst_mgmt "$SCST/handlers/vdisk_nullio/mgmt" "del_device tmfn"
unload_scst
check "no scst slab objects leaked" slab_compare /tmp/slab.before
finish
