#!/bin/bash
# COMPARE AND WRITE and thin provisioning (UNMAP, WRITE SAME with and without
# UNMAP/NDOB, GET LBA STATUS, the VPD and READ CAPACITY(16) bits) on
# scst_local fileio, blockio (loop) and nullio LUNs with sg3_utils and fio,
# then iscsi-test-cu's CompareAndWrite, Unmap, WriteSame10/16 and
# GetLBAStatus families over SG_IO, which must run and pass.
# timeout: 600
set -euo pipefail
source /scst/tests/vm/lib.sh

load_scst
modprobe sg
truncate -s 64M /srv/thin0.img
truncate -s 64M /srv/blk0.img
loopdev=$(losetup -f --show /srv/blk0.img)

scst_mgmt "$SCST/handlers/vdisk_fileio/mgmt" "add_device thin0 filename=/srv/thin0.img"
scst_mgmt "$SCST/handlers/vdisk_fileio/mgmt" "add_device ro0 filename=/srv/thin0.img; read_only=1"
scst_mgmt "$SCST/handlers/vdisk_blockio/mgmt" "add_device blk0 filename=$loopdev"
scst_mgmt "$SCST/handlers/vdisk_nullio/mgmt" "add_device null0 size_mb=64"
scst_mgmt "$SCST/handlers/vdisk_fileio/mgmt" "add_device thick0 filename=/srv/blk0.img; thin_provisioned=0"
check "fileio is thin by default" grep -qx 1 "$SCST/devices/thin0/thin_provisioned"
check "blockio on a loop device is thin by default" grep -qx 1 "$SCST/devices/blk0/thin_provisioned"
check "thin_provisioned=0 is kept and marked a key" \
	bash -c "[ \"\$(cat $SCST/devices/thick0/thin_provisioned)\" = \$'0\n[key]' ]"

for l in thin0:0 ro0:1 blk0:2 null0:3 thick0:4; do
	scst_mgmt "$LOCAL_TGT/luns/mgmt" "add ${l%%:*} ${l##*:}"
done
host=$(local_host scst_local_host) || fail "no scst_local host"
local_rescan
local_disks "$host" file=0 ro=1 blk=2 null=3 thick=4
log "file=$file ro=$ro blk=$blk null=$null thick=$thick"

# ---- what the LUNs report ----
sg_vpd -p lbpv "$file" | tee /tmp/lbpv.txt
sg_vpd -p bl "$file" | tee /tmp/bl.txt
sg_readcap -l "$file" | tee /tmp/rc.txt
check "LBP VPD: LBPU" grep -q 'LBPU): 1' /tmp/lbpv.txt
check "LBP VPD: LBPWS" grep -q 'LBPWS): 1' /tmp/lbpv.txt
check "LBP VPD: LBPWS10" grep -q 'LBPWS10): 1' /tmp/lbpv.txt
check "LBP VPD: LBPRZ on fileio" grep -qiE 'LBPRZ\)?: 1' /tmp/lbpv.txt
check "Block Limits: max compare and write length 255" \
	grep -qiE 'compare and write length: 255' /tmp/bl.txt
check "Block Limits: max unmap LBA count" grep -qiE 'unmap LBA count: [1-9]' /tmp/bl.txt
check "READ CAPACITY(16): lbpme=1 lbprz=1" grep -q 'lbpme=1, lbprz=1' /tmp/rc.txt
check "blockio: lbpme=1 lbprz=0" bash -c "sg_readcap -l $blk | grep -q 'lbpme=1, lbprz=0'"
check "thick fileio: lbpme=0" bash -c "sg_readcap -l $thick | grep -q 'lbpme=0'"
check "nullio: lbpme=0" bash -c "sg_readcap -l $null | grep -q 'lbpme=0'"
check "RSOC lists COMPARE AND WRITE, UNMAP, GET LBA STATUS" \
	bash -c "sg_opcodes $file > /tmp/opc.txt && grep -qi 'compare and write' /tmp/opc.txt &&
		grep -qi 'unmap' /tmp/opc.txt && grep -qi 'get lba status' /tmp/opc.txt"
check "RSOC of thick fileio has no UNMAP" bash -c "! sg_opcodes $thick | grep -qi '^ *42 '"

# ---- COMPARE AND WRITE ----
blkfill() { head -c "$2" /dev/zero | tr '\0' "$1"; } # blkfill CHAR BYTES
caw_tests() { # caw_tests DEV NAME
	local dev=$1 name=$2
	blkfill A 4096 >/tmp/a8
	dd if=/tmp/a8 of="$dev" bs=512 seek=100 oflag=direct status=none
	{ blkfill A 4096; blkfill B 4096; } >/tmp/ab8
	check "$name: COMPARE AND WRITE of 8 blocks succeeds" \
		sg_compare_and_write --in=/tmp/ab8 --lba=100 --num=8 "$dev"
	check "$name: the second half was written" \
		bash -c "dd if=$dev bs=512 skip=100 count=8 iflag=direct status=none |
			cmp - <(head -c 4096 /dev/zero | tr '\\0' B)"
	# Compare 'B' except byte 300 of the second block: offset 812.
	{ blkfill B 812; printf Z; blkfill B 3283; blkfill C 4096; } >/tmp/bz8
	set +e
	sg_raw -s 8192 -i /tmp/bz8 "$dev" 89 00 00 00 00 00 00 00 00 64 00 00 00 08 00 00 \
		>/tmp/caw.out 2>&1
	set -e
	cat /tmp/caw.out
	check "$name: miscompare gives MISCOMPARE sense" grep -qi 'Miscompare' /tmp/caw.out
	check "$name: INFORMATION has the offset 812" grep -qiE 'Info fld=0x32c' /tmp/caw.out
	check "$name: nothing was written on miscompare" \
		bash -c "dd if=$dev bs=512 skip=100 count=8 iflag=direct status=none |
			cmp - <(head -c 4096 /dev/zero | tr '\\0' B)"
	{ blkfill B 512; blkfill D 512; } >/tmp/bd1
	check "$name: COMPARE AND WRITE with FUA" \
		sg_compare_and_write --fua --in=/tmp/bd1 --lba=100 --num=1 "$dev"
	check "$name: COMPARE AND WRITE of 0 blocks does nothing" \
		sg_raw "$dev" 89 00 00 00 00 00 00 00 00 64 00 00 00 00 00 00
	check "$name: COMPARE AND WRITE of 255 blocks" \
		sg_raw -s 261120 -i /dev/zero "$dev" 89 00 00 00 00 00 00 00 01 00 00 00 00 ff 00 00
}
caw_tests "$file" fileio
caw_tests "$blk" blockio
check "nullio: COMPARE AND WRITE is an invalid opcode" \
	bash -c "sg_raw -s 1024 -i /dev/zero $null 89 00 00 00 00 00 00 00 00 00 00 00 00 01 00 00 2>&1 |
		grep -qi 'invalid command operation code'"

# Writers and COMPARE AND WRITE at the same time: no deadlock, no error.
fio --name=bg --filename="$file" --ioengine=libaio --direct=1 --rw=randwrite \
	--bs=4k --iodepth=16 --offset=16M --size=16M --time_based --runtime=8 \
	--output=/tmp/fio-bg.out &
fiopid=$!
head -c 512 /dev/zero >/tmp/cur
for i in $(seq 1 40); do
	blkfill "$((i % 10))" 512 >/tmp/next
	cat /tmp/cur /tmp/next >/tmp/cn
	sg_compare_and_write --in=/tmp/cn --lba=0 --num=1 "$file" || true
	mv /tmp/next /tmp/cur
done
wait "$fiopid" || fail "background fio failed"
check "40 COMPARE AND WRITEs under load all took effect" \
	bash -c "dd if=$file bs=512 count=1 iflag=direct status=none | cmp - /tmp/cur"

# ---- UNMAP and GET LBA STATUS (fileio: holes in the backing file) ----
dd if=/dev/urandom of="$file" bs=1M seek=8 count=8 oflag=direct status=none
sync
before=$(stat -c %b /srv/thin0.img)
sg_get_lba_status --lba=16384 "$file" | tee /tmp/gls1.txt
check "GET LBA STATUS: written blocks are mapped" grep -qiE '^[^a-z]*mapped|[^e]mapped' /tmp/gls1.txt
check "UNMAP of 8 MiB" sg_unmap --lba=16384 --num=16384 "$file"
after=$(stat -c %b /srv/thin0.img)
log "backing file: $before -> $after 512-byte blocks allocated"
check "the backing file shrank by 8 MiB" test $((before - after)) -ge 16384
sg_get_lba_status --lba=16384 "$file" | tee /tmp/gls2.txt
check "GET LBA STATUS: unmapped blocks are deallocated" grep -qi 'deallocated' /tmp/gls2.txt
check "unmapped blocks read back as zeroes" \
	bash -c "dd if=$file bs=1M skip=8 count=8 iflag=direct status=none | cmp - <(head -c $((8 << 20)) /dev/zero)"
check "UNMAP beyond the end is LBA OUT OF RANGE" \
	bash -c "sg_unmap --lba=131070 --num=4 $file 2>&1 | grep -qiE 'out of range|illegal'"
# The kernel opens a write-protected disk read-only only: sg_raw -R.
ro_refused() { # ro_refused SLEN FILE CDB...
	local out
	out=$(sg_raw -R -s "$1" -i "$2" "$ro" "${@:3}" 2>&1) || true
	echo "$out"
	grep -qi 'Data Protect' <<<"$out" && grep -qi 'Write protected' <<<"$out"
}
printf '\x00\x16\x00\x10\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x01\0\0\0\0' >/tmp/unmap1
check "UNMAP on a read-only LUN is DATA PROTECT" \
	ro_refused 24 /tmp/unmap1 42 00 00 00 00 00 00 00 18 00
check "UNMAP on thick fileio is an invalid opcode" bash -c "! sg_unmap --lba=0 --num=1 $thick"

# ---- WRITE SAME ----
blkfill Q 512 >/tmp/q1
check "WRITE SAME(10) of a pattern" sg_write_same --10 --in=/tmp/q1 --lba=2048 --num=64 "$file"
check "WRITE SAME(16) of a pattern" sg_write_same --16 --in=/tmp/q1 --lba=4096 --num=64 "$blk"
check "the pattern reads back" bash -c "dd if=$file bs=512 skip=2048 count=64 iflag=direct status=none |
	cmp - <(head -c 32768 /dev/zero | tr '\\0' Q)"
check "the pattern reads back (blockio)" bash -c "dd if=$blk bs=512 skip=4096 count=64 iflag=direct status=none |
	cmp - <(head -c 32768 /dev/zero | tr '\\0' Q)"
dd if=/dev/urandom of="$file" bs=1M seek=24 count=2 oflag=direct status=none
check "WRITE SAME(16) with UNMAP" sg_write_same --16 --unmap --lba=49152 --num=2048 "$file"
check "WRITE SAME(10) with UNMAP" sg_write_same --10 --unmap --lba=51200 --num=2048 "$file"
check "WRITE SAME with UNMAP deallocated the range" \
	bash -c "sg_get_lba_status --lba=49152 $file | tee /dev/stderr | grep -qi deallocated"
check "WRITE SAME with UNMAP reads back zeroes" \
	bash -c "dd if=$file bs=1M skip=24 count=2 iflag=direct status=none | cmp - <(head -c $((2 << 20)) /dev/zero)"
dd if=/dev/urandom of="$file" bs=1M seek=30 count=1 oflag=direct status=none
check "WRITE SAME(16) with NDOB and UNMAP" sg_write_same --16 --ndob --unmap --lba=61440 --num=2048 "$file"
check "NDOB reads back zeroes" \
	bash -c "dd if=$file bs=1M skip=30 count=1 iflag=direct status=none | cmp - <(head -c $((1 << 20)) /dev/zero)"
dd if=/dev/urandom of="$blk" bs=1M seek=4 count=1 oflag=direct status=none
check "blockio: WRITE SAME with UNMAP" sg_write_same --16 --unmap --lba=8192 --num=2048 "$blk"
check "blockio: it reads back zeroes" \
	bash -c "dd if=$blk bs=1M skip=4 count=1 iflag=direct status=none | cmp - <(head -c $((1 << 20)) /dev/zero)"
check "blockio: UNMAP" sg_unmap --lba=8192 --num=2048 "$blk"
check "blockio: GET LBA STATUS says mapped" \
	bash -c "sg_get_lba_status --lba=8192 $blk | tee /dev/stderr | grep -qvi deallocated"
check "WRITE SAME on a read-only LUN is DATA PROTECT" \
	ro_refused 512 /tmp/q1 93 00 00 00 00 00 00 00 00 00 00 00 00 01 00 00
check "COMPARE AND WRITE on a read-only LUN is DATA PROTECT" \
	ro_refused 1024 /tmp/bd1 89 00 00 00 00 00 00 00 00 00 00 00 00 01 00 00

# ---- the data path is still sound ----
fio_verify() { # fio_verify DEV
	fio --name=verify --filename="$1" --ioengine=libaio --direct=1 \
		--rw=randrw --rwmixread=50 --bs=4k --iodepth=16 --numjobs=2 \
		--size=8M --offset_increment=8M --verify=crc32c --verify_fatal=1 \
		--do_verify=1 --output=/tmp/fio.out >/dev/null 2>&1
}
check "fio crc32c verify on fileio" fio_verify "$file"
check "fio crc32c verify on blockio" fio_verify "$blk"

# ---- iscsi-test-cu over SG_IO ----
families="CompareAndWrite Unmap WriteSame10 WriteSame16 GetLBAStatus"
tests=$(printf 'LINUX.%s.*,' $families)
libiscsi_run() { # libiscsi_run LUN NAME
	local sg out
	sg=$(local_sg "$host" "$1") || fail "no sg device for LUN $1"
	out=/tmp/cu-$2.log
	summary=$(cu_sg "$out" "${tests%,}" "$sg") || fail "$2: no CUnit summary"
	read -r _ total ran passed failed _ <<<"$summary"
	log "iscsi-test-cu $2: total=$total ran=$ran passed=$passed failed=$failed"
	echo "skipped:"
	grep -E 'Test: |\[SKIPPED\]' "$out" | grep -B1 '\[SKIPPED\]' || true
	echo "failing tests:"
	cu_failing "$out"
	check "$2: iscsi-test-cu ran the families" test "$total" -ge 30
	check "$2: iscsi-test-cu: no failure" test "$failed" -eq 0
	# Only the suites count: the PR probe before them skips nothing here.
	check "$2: nothing skipped as not implemented" \
		bash -c "! sed -n '/^Suite:/,\$p' $out |
			grep -iE 'SKIPPED.*(not (implemented|supported)|fully provisioned|LBPWS|LBPU|UNMAP)'"
}
libiscsi_run 0 fileio

for l in 4 3 2 1 0; do
	scst_mgmt "$LOCAL_TGT/luns/mgmt" "del $l"
done
local_rescan
for d in thin0 ro0 thick0; do
	scst_mgmt "$SCST/handlers/vdisk_fileio/mgmt" "del_device $d"
done
scst_mgmt "$SCST/handlers/vdisk_blockio/mgmt" "del_device blk0"
scst_mgmt "$SCST/handlers/vdisk_nullio/mgmt" "del_device null0"
losetup -d "$loopdev"
unload_scst
finish
