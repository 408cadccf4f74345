#!/bin/bash
# Quick proof that the real tools (not busybox applets) work in the VM:
# libiscsi, sg3-utils, fio, iproute2, loop devices and a scsi_debug disk.
# timeout: 120
set -euo pipefail
source /scst/tests/vm/lib.sh

iscsi-test-cu --list >/tmp/tests.txt
head -n 5 /tmp/tests.txt
check "iscsi-test-cu lists its tests" test -s /tmp/tests.txt
check "sg_inq --version" sg_inq --version
check "fio --version" fio --version
check "iscsiadm --version" iscsiadm --version
check "ip is iproute2" bash -c 'ip -V | grep -q iproute2'
check "ip link add d0 type dummy" ip link add d0 type dummy
check "ip link set d0 up" ip link set d0 up
check "ip link del d0" ip link del d0

truncate -s 16M /srv/loop.img
check "losetup -f (loop autoloads via /dev/loop-control)" losetup -f /srv/loop.img
check "losetup -D" losetup -D

# The scsi_debug disk: the sdX whose model is scsi_debug.
scsi_debug_disk() {
	local d
	for d in /sys/block/sd*; do
		grep -qs scsi_debug "$d/device/model" && echo "/dev/${d##*/}" && return 0
	done
	return 1
}
modprobe scsi_debug
wait_for 'scsi_debug_disk >/dev/null' 20 || fail "no scsi_debug disk appeared"
disk=$(scsi_debug_disk)
wait_for "test -b $disk" 10 || fail "$disk did not appear in /dev"
log "scsi_debug disk: $disk"
check "sg_inq $disk reports scsi_debug" bash -c "sg_inq $disk | grep -q scsi_debug"
check "lsscsi lists scsi_debug" bash -c 'lsscsi | grep -q scsi_debug'
lsscsi
check "rmmod scsi_debug" rmmod scsi_debug
finish
