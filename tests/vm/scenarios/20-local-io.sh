#!/bin/bash
# Devices of all three vdisk kinds created through sysfs mgmt, mapped through
# scst_local and used by fio with crc32c verification (mixed read/write,
# several jobs, queue depth 32). Then the fileio data must be on the backing
# file after the modules are unloaded, and no scst slab object may leak.
# timeout: 600
set -euo pipefail
source /scst/tests/vm/lib.sh

slab_snapshot /tmp/slab.before
load_scst

mkdir -p /srv
truncate -s 64M /srv/fileio0.img
truncate -s 64M /srv/blockio0.img
loopdev=$(losetup -f --show /srv/blockio0.img)

scst_mgmt "$SCST/handlers/vdisk_nullio/mgmt" "add_device null0 size_mb=64"
scst_mgmt "$SCST/handlers/vdisk_fileio/mgmt" "add_device file0 filename=/srv/fileio0.img"
scst_mgmt "$SCST/handlers/vdisk_fileio/mgmt" "add_device file4k filename=/srv/fileio0.img; blocksize=4096; read_only=1"
scst_mgmt "$SCST/handlers/vdisk_blockio/mgmt" "add_device block0 filename=$loopdev"
check "devices are listed" test -d "$SCST/devices/file0" -a -d "$SCST/devices/block0" -a -d "$SCST/devices/null0"

# A refused line returns an error to the writer.
check "add_device without filename is refused" \
	bash -c "! echo 'add_device bad0 blocksize=512' > $SCST/handlers/vdisk_fileio/mgmt"
check "duplicate device name is refused" \
	bash -c "! echo 'add_device null0 size_mb=1' > $SCST/handlers/vdisk_nullio/mgmt"
check "unknown LUN device is refused" \
	bash -c "! echo 'add nosuch 9' > $LOCAL_TGT/luns/mgmt"

scst_mgmt "$LOCAL_TGT/luns/mgmt" "add null0 0"
scst_mgmt "$LOCAL_TGT/luns/mgmt" "add file0 1"
scst_mgmt "$LOCAL_TGT/luns/mgmt" "add block0 2"
scst_mgmt "$LOCAL_TGT/luns/mgmt" "add file4k 3"
host=$(local_host scst_local_host) || fail "no scst_local host"
local_rescan
local_disks "$host" null=0 file=1 block=2 ro4k=3
lsscsi
log "null=$null file=$file block=$block ro4k=$ro4k"

check "every LU has its own WWID" bash -c "[ \$(cat /sys/block/{${file#/dev/},${block#/dev/},${null#/dev/}}/device/wwid | sort -u | wc -l) -eq 3 ]"
check "sg_inq names the product" bash -c "sg_inq $file | grep -q 'Product identification'"
check "capacity of the fileio LUN is 64 MiB" test "$(blockdev --getsize64 "$file")" -eq $((64 << 20))
check "4 KiB LUN reports 4096-byte blocks" test "$(blockdev --getss "$ro4k")" -eq 4096
check "read-only LUN refuses writes" bash -c "! dd if=/dev/zero of=$ro4k bs=4096 count=1 oflag=direct 2>/dev/null"

fio_verify() { # fio_verify DEV
	fio --name=verify --filename="$1" --ioengine=libaio --direct=1 \
		--rw=randrw --rwmixread=50 --bs=4k --iodepth=32 --numjobs=4 \
		--size=16M --offset_increment=16M --verify=crc32c --verify_fatal=1 \
		--do_verify=1 --group_reporting --output-format=terse --terse-version=3 \
		>/tmp/fio.out 2>&1
}
check "fio crc32c verify on fileio LUN" fio_verify "$file"
check "fio crc32c verify on blockio LUN" fio_verify "$block"
check "fio randrw on nullio LUN" fio --name=null --filename="$null" --ioengine=libaio \
	--direct=1 --rw=randrw --bs=4k --iodepth=32 --numjobs=2 --size=32M \
	--runtime=5 --time_based --output-format=terse

# Data written through the fileio LUN must reach the backing file.
head -c $((1 << 20)) /dev/urandom >/tmp/pattern
dd if=/tmp/pattern of="$file" bs=1M count=1 seek=7 oflag=direct 2>/dev/null
sync
sha_in=$(sha256sum </tmp/pattern | cut -d' ' -f1)

# Tear everything down through sysfs, then unload.
for l in 3 2 1 0; do scst_mgmt "$LOCAL_TGT/luns/mgmt" "del $l"; done
local_rescan
for d in file4k block0 file0; do
	h=vdisk_fileio
	[ "$d" = block0 ] && h=vdisk_blockio
	scst_mgmt "$SCST/handlers/$h/mgmt" "del_device $d"
done
scst_mgmt "$SCST/handlers/vdisk_nullio/mgmt" "del_device null0"
unload_scst
losetup -d "$loopdev"

sha_out=$(dd if=/srv/fileio0.img bs=1M skip=7 count=1 2>/dev/null | sha256sum | cut -d' ' -f1)
check "fileio data is on the backing file after unload" test "$sha_in" = "$sha_out"
check "no scst slab objects leaked" slab_compare /tmp/slab.before
finish
