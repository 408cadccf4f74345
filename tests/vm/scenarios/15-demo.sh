#!/bin/bash
# The main job (scripts/demo.sh): the target serves a LUN to an initiator in
# the same VM. A fileio device is created through sysfs, exported through
# scst_local, and used the way an admin would: SCSI inquiry, a filesystem,
# files written and read back, and a short fio run.
# timeout: 300
set -euo pipefail
source /scst/tests/vm/lib.sh

step() { echo; echo "### $*"; }

step "load the target: scst core, vdisk handlers, scst_local host"
load_scst
lsmod | grep -E '^scst'

step "create a 256 MiB fileio device and export it as LUN 0"
truncate -s 256M /srv/demo.img
echo "add_device demo0 filename=/srv/demo.img; blocksize=4096" >"$SCST/handlers/vdisk_fileio/mgmt"
echo "add demo0 0" >"$LOCAL_TGT/luns/mgmt"
find "$SCST" -maxdepth 4 -path '*/sessions' -prune -o -print | sed "s|$SCST|/sys/kernel/scst_tgt|" | sort | head -n 40

step "the initiator side sees a SCSI disk"
host=$(local_host scst_local_host) || fail "no scst_local host"
local_rescan
disk=$(local_disk "$host" 0) || fail "LUN 0 did not appear"
lsscsi
sg_inq "$disk" | sed -n '1,12p'
sg_readcap --long "$disk"
check "the disk has 4096-byte blocks" test "$(blockdev --getss "$disk")" -eq 4096

step "a filesystem on it, files written and read back"
modprobe ext4
mkfs.ext4 -q -F "$disk"
mkdir -p /mnt/demo
mount "$disk" /mnt/demo
head -c $((8 << 20)) /dev/urandom >/tmp/demo.bin
cp /tmp/demo.bin /mnt/demo/file.bin
umount /mnt/demo
mount "$disk" /mnt/demo
check "the file reads back identical after a remount" cmp /tmp/demo.bin /mnt/demo/file.bin
df -h /mnt/demo | tail -n 1
umount /mnt/demo

step "fio: 4k random read, queue depth 32, 5 seconds"
fio --name=demo --filename="$disk" --ioengine=libaio --direct=1 --rw=randread \
	--bs=4k --iodepth=32 --runtime=5 --time_based --size=128M | grep -E 'read: IOPS|lat \(usec\): min' | head -n 2

step "tear down"
echo "del 0" >"$LOCAL_TGT/luns/mgmt"
local_rescan
echo "del_device demo0" >"$SCST/handlers/vdisk_fileio/mgmt"
unload_scst
echo "modules unloaded; /srv/demo.img still holds the filesystem:"
check "the backing file holds an ext4 filesystem" bash -c "blkid /srv/demo.img 2>/dev/null | grep -q ext4 || od -A d -t x2 -j 1080 -N 2 /srv/demo.img | grep -q ef53"
finish
