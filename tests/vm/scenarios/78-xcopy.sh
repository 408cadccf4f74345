#!/bin/bash
# EXTENDED COPY (LID1) and RECEIVE COPY RESULTS on scst_local: sg_xcopy
# between fileio LUNs, within one LUN and to and from blockio (loop), data
# checked by SHA-256; a copy naming a LUN the nexus cannot see is refused
# (COPY TARGET DEVICE NOT REACHABLE); a copy to a read-only LUN fails at
# the write and leaves FAILED SEGMENT DETAILS, one to a LUN another
# initiator reserved gets RESERVATION CONFLICT; LIST IDs (held results,
# OPERATION IN PROGRESS); sg_copy_results, sg_raw, sg_vpd -p tpc; then
# iscsi-test-cu's ExtendedCopy and ReceiveCopyResults families over SG_IO,
# which must run and pass.
# timeout: 600
set -euo pipefail
source /scst/tests/vm/lib.sh

load_scst
modprobe sg
truncate -s 64M /srv/src0.img /srv/dst0.img /srv/hid0.img /srv/blk0.img
truncate -s 600M /srv/big0.img
loopdev=$(losetup -f --show /srv/blk0.img)

F=$SCST/handlers/vdisk_fileio/mgmt
scst_mgmt "$F" "add_device src0 filename=/srv/src0.img"
scst_mgmt "$F" "add_device dst0 filename=/srv/dst0.img"
scst_mgmt "$F" "add_device hid0 filename=/srv/hid0.img"
scst_mgmt "$F" "add_device ro0 filename=/srv/dst0.img; read_only=1"
scst_mgmt "$F" "add_device big0 filename=/srv/big0.img; blocksize=4096"
scst_mgmt "$SCST/handlers/vdisk_blockio/mgmt" "add_device blk0 filename=$loopdev"
scst_mgmt "$SCST/handlers/vdisk_nullio/mgmt" "add_device null0 size_mb=64"
for l in src0:0 dst0:1 blk0:2 ro0:3 big0:4 null0:5; do
	scst_mgmt "$LOCAL_TGT/luns/mgmt" "add ${l%%:*} ${l##*:}"
done
# host_b1 sees only hid0; the default session does not see it.
scst_mgmt "$LOCAL_TGT/ini_groups/mgmt" "create only_b"
scst_mgmt "$LOCAL_TGT/ini_groups/only_b/initiators/mgmt" "add host_b1"
scst_mgmt "$LOCAL_TGT/ini_groups/only_b/luns/mgmt" "add hid0 0"
scst_mgmt "$SCST/targets/scst_local/mgmt" "add_session scst_local_tgt host_b1"

host=$(local_host scst_local_host) || fail "no scst_local host"
hb=$(local_host host_b1) || fail "no host for host_b1"
local_rescan
local_disks "$host" src=0 dst=1 blk=2 ro=3 big=4 null=5
local_disks "$hb" hid=0
log "src=$src dst=$dst blk=$blk ro=$ro big=$big null=$null hid=$hid"
# sg_xcopy wants the sg devices.
gsrc=$(local_sg "$host" 0) && gdst=$(local_sg "$host" 1) && gblk=$(local_sg "$host" 2) &&
	gro=$(local_sg "$host" 3) && gbig=$(local_sg "$host" 4) && ghid=$(local_sg "$hb" 0) ||
	fail "no sg devices"

# sum DEV SKIP COUNT: SHA-256 of COUNT 512-byte blocks from block SKIP.
sum() {
	dd if="$1" bs=512 skip="$2" count="$3" iflag=direct status=none | sha256sum | cut -d' ' -f1
}
# same DEV1 SKIP1 DEV2 SKIP2 COUNT: the two ranges hold the same data.
same() {
	[ "$(sum "$1" "$2" "$5")" = "$(sum "$3" "$4" "$5")" ]
}

# ---- what the LUNs report ----
check "standard INQUIRY: 3PC=1" bash -c "sg_inq $src | grep -q '3PC=1'"
check "nullio: 3PC=0" bash -c "sg_inq $null | grep -q '3PC=0'"
sg_vpd -p tpc "$src" | tee /tmp/tpc.txt
check "VPD 8Fh: supported commands" grep -qi 'extended copy' /tmp/tpc.txt
check "VPD 8Fh: block -> block segments" grep -qi 'block -> block' /tmp/tpc.txt
check "VPD 8Fh: identification CSCD descriptor" grep -qi 'identification' /tmp/tpc.txt
check "VPD 8Fh: 16 CSCD descriptors" grep -qiE 'maximum cscd descriptor count: 16' /tmp/tpc.txt
check "VPD 8Fh: general copy operations" grep -qiE 'maximum segment length: 268435456' /tmp/tpc.txt
check "supported VPD pages list 8Fh" bash -c "sg_vpd $src | grep -qi 'third party copy'"
check "nullio has no VPD 8Fh" bash -c "! sg_vpd -p tpc $null"
check "RSOC lists EXTENDED COPY and RECEIVE COPY RESULTS" \
	bash -c "sg_opcodes $src > /tmp/opc.txt && grep -qi 'extended copy' /tmp/opc.txt &&
		grep -qi 'receive copy' /tmp/opc.txt"
check "RECEIVE COPY RESULTS, OPERATING PARAMETERS (sg_copy_results)" \
	bash -c "sg_copy_results --params $src | tee /dev/stderr | grep -qiE 'max.*target descriptor count: 16'"
# AVAILABLE DATA 42, SNLID, 16 CSCDs, 64 segments.
check "RECEIVE COPY RESULTS, OPERATING PARAMETERS (sg_raw)" \
	bash -c "sg_raw -r 512 $src 84 03 00 00 00 00 00 00 00 00 00 00 02 00 00 00 2>&1 |
		tee /dev/stderr | grep -qE '00 +00 00 00 2a 01 00 00 00  00 10 00 40'"

# ---- copies ----
dd if=/dev/urandom of="$src" bs=1M seek=1 count=8 oflag=direct status=none
check "fileio -> fileio: sg_xcopy of 8 MiB" \
	sg_xcopy if="$gsrc" of="$gdst" bs=512 skip=2048 seek=4096 count=16384
check "fileio -> fileio: the data arrived" same "$src" 2048 "$dst" 4096 16384
check "within one LUN: sg_xcopy" \
	sg_xcopy if="$gsrc" of="$gsrc" bs=512 skip=2048 seek=40960 count=16384
check "within one LUN: the data arrived" same "$src" 2048 "$src" 40960 16384
check "fileio -> blockio: sg_xcopy" \
	sg_xcopy if="$gsrc" of="$gblk" bs=512 skip=2048 seek=8192 count=16384 --on_src
check "fileio -> blockio: the data arrived" same "$src" 2048 "$blk" 8192 16384
check "blockio -> fileio: sg_xcopy" \
	sg_xcopy if="$gblk" of="$gdst" bs=512 skip=8192 seek=65536 count=16384
check "blockio -> fileio: the data arrived" same "$blk" 8192 "$dst" 65536 16384
check "the untouched part of dst0 is still zero" \
	bash -c "dd if=$dst bs=512 skip=20480 count=2048 iflag=direct status=none |
		cmp - <(head -c $((2048 * 512)) /dev/zero)"

# ---- LUNs the nexus cannot see ----
# sg_xcopy does not show the sense data: these lists go through sg_raw.
# cscd SGDEV: an identification CSCD descriptor with the NAA designator of
# SGDEV (the first one of its Device Identification VPD page).
cscd() {
	printf '\xe4\x00\x00\x00'
	sg_vpd -p di -r "$1" | dd bs=1 skip=4 count=12 status=none
	printf '\x00%.0s' {1..12}
	printf '\x00\x00\x02\x00'
}
be64() { # be64 N: N as 8 big-endian bytes
	local i
	for i in 56 48 40 32 24 16 8 0; do
		printf "\\x$(printf %02x $((($1 >> i) & 255)))"
	done
}
# xlist FILE LISTID USAGE SRC DST NBLOCKS DSTLBA: a parameter list of two
# CSCDs and one segment of NBLOCKS from LBA 0 of SRC to DSTLBA of DST.
xlist() {
	{
		printf "\\x$(printf %02x "$2")\\x$(printf %02x $(($3 << 3)))"
		printf '\x00\x40\x00\x00\x00\x00\x00\x00\x00\x1c\x00\x00\x00\x00'
		cscd "$4"
		cscd "$5"
		printf '\x02\x00\x00\x18\x00\x00\x00\x01\x00\x00'
		printf "\\x$(printf %02x $(($6 >> 8)))\\x$(printf %02x $(($6 & 255)))"
		printf '\x00%.0s' {1..8}
		be64 "$7"
	} >"$1"
	[ "$(stat -c %s "$1")" -eq 108 ]
}
# sense_has TEXT CMD...: CMD (failing or not) reports TEXT, any case.
sense_has() {
	local text=$1 out
	shift
	out=$("$@" 2>&1) || true
	echo "$out"
	grep -qi "$text" <<<"$out"
}
# xcopy_sense SGDEV FILE: send the list, print sg_raw's report of the sense.
xcopy_sense() {
	sg_raw -s 108 -i "$2" "$1" 83 00 00 00 00 00 00 00 00 00 00 00 00 6c 00 00 2>&1 || true
}
dd if=/dev/urandom of="$hid" bs=1M count=1 oflag=direct status=none
hidsum=$(sum "$hid" 0 2048)
xlist /tmp/x-src.bin 0 3 "$ghid" "$gdst" 2048 0 || fail "parameter list"
xlist /tmp/x-dst.bin 0 3 "$gsrc" "$ghid" 2048 0 || fail "parameter list"
check "a source the nexus cannot see: COPY TARGET DEVICE NOT REACHABLE" \
	sense_has "not reachable" xcopy_sense "$gdst" /tmp/x-src.bin
check "a destination the nexus cannot see: COPY TARGET DEVICE NOT REACHABLE" \
	sense_has "not reachable" xcopy_sense "$gsrc" /tmp/x-dst.bin
check "sg_xcopy to a LUN the nexus cannot see fails" \
	bash -c "! sg_xcopy if=$gsrc of=$ghid bs=512 count=2048 --on_src"
xlist /tmp/x-ok.bin 0 3 "$gsrc" "$gdst" 2048 100000 || fail "parameter list"
xcopy_sense "$gdst" /tmp/x-ok.bin >/tmp/x-ok.txt
check "the same list between visible LUNs copies" bash -c "! grep -qi sense /tmp/x-ok.txt"
check "and the data arrived" same "$src" 0 "$dst" 100000 2048
check "the hidden LUN is unchanged" test "$(sum "$hid" 0 2048)" = "$hidsum"

# ---- reservations apply to the copy's READs and WRITEs ----
# host_b1 also gets dst0 (LUN 1 of its group) and reserves it WRITE
# EXCLUSIVE: the default nexus may still read it, but not write to it.
scst_mgmt "$LOCAL_TGT/ini_groups/only_b/luns/mgmt" "add dst0 1"
local_disks "$hb" hbd=1
for i in 1 2 3; do sg_turs "$hbd" >/dev/null 2>&1 || true; done
check "host_b1 reserves dst0 WRITE EXCLUSIVE" \
	bash -c "sg_persist --out --register --param-sark=b1 $hbd &&
		sg_persist --out --reserve --param-rk=b1 --prout-type=1 $hbd"
check "a copy into the reserved LUN: RESERVATION CONFLICT" \
	sense_has "reservation conflict" xcopy_sense "$gsrc" /tmp/x-ok.bin
xlist /tmp/x-rd.bin 0 3 "$gdst" "$gsrc" 2048 120000 || fail "parameter list"
xcopy_sense "$gsrc" /tmp/x-rd.bin >/tmp/x-rd.txt
check "a copy out of the reserved LUN works" bash -c "! grep -qiE 'sense|conflict' /tmp/x-rd.txt"
check "and the data arrived" same "$dst" 0 "$src" 120000 2048
check "host_b1 clears the reservation" sg_persist --out --clear --param-rk=b1 "$hbd"
scst_mgmt "$LOCAL_TGT/ini_groups/only_b/luns/mgmt" "del 1"

# ---- LIST IDs and RECEIVE COPY RESULTS ----
check "a copy with LIST ID 5, held" \
	sg_xcopy if="$gsrc" of="$gdst" bs=512 skip=2048 seek=90000 count=2048 list_id=5 id_usage=hold
sg_copy_results --status --list_id=5 "$dst" | tee /tmp/cs.txt || true
check "COPY STATUS: completed without errors" grep -qi 'completed without errors' /tmp/cs.txt
check "COPY STATUS: one segment" grep -qi 'segments processed: 1' /tmp/cs.txt
check "COPY STATUS: 1 MiB transferred" grep -qiE 'transfer count: 1048576' /tmp/cs.txt
check "COPY STATUS is reported once" bash -c "! sg_copy_results --status --list_id=5 $dst"
check "COPY STATUS of an unknown LIST ID is an invalid field" \
	sense_has "Invalid field in cdb" sg_raw -r 64 "$gdst" 84 00 4d 00 00 00 00 00 00 00 00 00 00 40 00 00
check "a discarded LIST ID keeps nothing" \
	bash -c "sg_xcopy if=$gsrc of=$gdst bs=512 count=8 list_id=6 id_usage=discard &&
		! sg_copy_results --status --list_id=6 $dst"
# A read-only destination passes validation and fails at the WRITE.
xlist /tmp/x-ro.bin 9 0 "$gsrc" "$gro" 8 0 || fail "parameter list"
xcopy_sense "$gsrc" /tmp/x-ro.bin | tee /tmp/x-ro.txt
check "a copy to a read-only LUN: COPY ABORTED, WRITE PROTECTED" \
	bash -c "grep -qi 'copy aborted' /tmp/x-ro.txt && grep -qi 'write protected' /tmp/x-ro.txt"
sg_copy_results --status --list_id=9 "$src" | tee /tmp/cs9.txt || true
check "COPY STATUS: completed with errors" grep -qi 'completed with errors' /tmp/cs9.txt
xcopy_sense "$gsrc" /tmp/x-ro.bin >/dev/null
check "FAILED SEGMENT DETAILS: the sense data of the failure" \
	bash -c "sg_copy_results --failed --list_id=9 --hex $src | tee /dev/stderr | grep -qiE ' 27 00'"
# A long copy (256 MiB in one segment) holds its LIST ID while it runs.
xlist /tmp/x-busy.bin 7 0 "$gbig" "$gbig" 8 140000 || fail "parameter list"
dd if=/dev/urandom of="$big" bs=1M count=2 oflag=direct status=none
dd if=/dev/urandom of="$big" bs=1M seek=200 count=2 oflag=direct status=none
sg_xcopy if="$gbig" of="$gbig" bs=4096 skip=0 seek=70000 count=65535 bpt=65535 \
	list_id=7 id_usage=hold >/tmp/long.txt 2>&1 &
longpid=$!
check "the long copy reports progress" \
	wait_for "sg_copy_results --status --list_id=7 $big 2>/dev/null | grep -qi 'in progress'" 30
check "the same LIST ID meanwhile: OPERATION IN PROGRESS" \
	sense_has "Operation in progress" xcopy_sense "$gbig" /tmp/x-busy.bin
longrc=0
wait "$longpid" || longrc=$?
cat /tmp/long.txt
check "the long copy succeeds" test "$longrc" -eq 0
check "the long copy arrived" \
	bash -c "[ \$(dd if=$big bs=4096 count=65535 iflag=direct status=none | sha256sum | cut -c1-64) = \
		\$(dd if=$big bs=4096 skip=70000 count=65535 iflag=direct status=none | sha256sum | cut -c1-64) ]"

# ---- the data path is still sound ----
check "fio crc32c verify on fileio" \
	fio --name=verify --filename="$dst" --ioengine=libaio --direct=1 --rw=randrw \
	--bs=4k --iodepth=16 --size=8M --verify=crc32c --verify_fatal=1 --output=/tmp/fio.out

# ---- iscsi-test-cu over SG_IO ----
sg=$(local_sg "$host" 0) || fail "no sg device for LUN 0"
out=/tmp/cu-xcopy.log
# Not in the LINUX family: the SCSI family's suites, over SG_IO all the same.
summary=$(cu_sg "$out" "SCSI.ExtendedCopy.*,SCSI.ReceiveCopyResults.*" "$sg") ||
	fail "no CUnit summary"
read -r _ total ran passed failed _ <<<"$summary"
log "iscsi-test-cu ExtendedCopy+ReceiveCopyResults: total=$total ran=$ran passed=$passed failed=$failed"
echo "failing tests:"
cu_failing "$out"
check "iscsi-test-cu ran both families" test "$total" -ge 8
check "iscsi-test-cu: no failure" test "$failed" -eq 0
check "nothing skipped as not implemented" \
	bash -c "! sed -n '/^Suite:/,\$p' $out | grep -iE 'SKIPPED.*(not (implemented|supported)|3PC|EXTENDED COPY)'"

# ---- teardown ----
scst_mgmt "$SCST/targets/scst_local/mgmt" "del_session scst_local_tgt host_b1"
for l in 5 4 3 2 1 0; do
	scst_mgmt "$LOCAL_TGT/luns/mgmt" "del $l"
done
scst_mgmt "$LOCAL_TGT/ini_groups/only_b/luns/mgmt" "del 0"
scst_mgmt "$LOCAL_TGT/ini_groups/mgmt" "del only_b"
local_rescan
for d in src0 dst0 hid0 ro0 big0; do
	scst_mgmt "$F" "del_device $d"
done
scst_mgmt "$SCST/handlers/vdisk_blockio/mgmt" "del_device blk0"
scst_mgmt "$SCST/handlers/vdisk_nullio/mgmt" "del_device null0"
losetup -d "$loopdev"
unload_scst
finish
