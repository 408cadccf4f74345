#!/bin/bash
# ALUA's logical block dependent state over scst_local: one fileio device
# behind two targets in two target port groups, a user data segment map
# (devices/<dev>/lba_map), both groups lba_dependent. sg_referrals shows
# the segments (REPORT REFERRALS, also ONE_SEG and from an LBA), sg_rtpg
# the state and LBD_SUP, sg_vpd the Referrals page and R_SUPP; READ and
# WRITE (sg_raw, sg_dd) through each port succeed in the segments active
# for its group and get NOT READY with the segment's state otherwise; the
# map round-trips through scstadmin -write_config and -config.
# timeout: 420
set -euo pipefail
source /scst/tests/vm/lib.sh

NA=iqn.2024-01.test.lba-a
NB=iqn.2024-01.test.lba-b
DG=$SCST/device_groups
TGA=$DG/dg1/target_groups/tg_a
TGB=$DG/dg1/target_groups/tg_b
MAPF=$SCST/devices/lbadisk/lba_map
A=/usr/local/bin/scstadmin
[ -x "$A" ] || fail "scstadmin is not in the initramfs"

host_of() {
	local h
	for h in /sys/class/scsi_host/host*; do
		[ "$(cat "$h/proc_name" 2>/dev/null)" = scst_local ] || continue
		[ "$(cat "$h/initiator_name" 2>/dev/null)" = "$1" ] || continue
		echo "${h##*/host}"
		return 0
	done
	return 1
}
hexof() { od -An -tx1 -v | tr -s ' \n' ' ' | sed 's/^ //; s/ $//'; }
# sense DEV CDB...: what sg_raw reports, one line.
sense() {
	local dev=$1
	shift
	sg_raw -r 4096 -o /dev/null "$dev" "$@" 2>&1 | tr '\n' ' ' || true
}
# rd DEV LBA BLOCKS / wr DEV LBA BLOCKS: READ(16) / WRITE(16) through sg_raw.
be64() { printf '%016x' "$1" | sed 's/../& /g'; }
be32() { printf '%08x' "$1" | sed 's/../& /g'; }
# shellcheck disable=SC2046
rd() { sense "$1" 88 00 $(be64 "$2") $(be32 "$3") 00 00; }
wr() {
	local f
	f=$(mktemp)
	head -c $(($3 * 512)) /dev/urandom >"$f"
	# shellcheck disable=SC2046
	sg_raw -s $(($3 * 512)) -i "$f" "$1" 8a 00 $(be64 "$2") $(be32 "$3") 00 00 2>&1 | tr '\n' ' ' || true
	rm -f "$f"
}
ok() { ! grep -qiE 'sense|error|fail' <<<"$1" || { echo "$1"; return 1; }; }
expect() {
	echo "$2"
	grep -qi -- "$1" <<<"$2"
}
clear_ua() { local i; for i in 1 2 3 4; do sg_turs "$1" >/dev/null 2>&1 || true; done; }

truncate -s 64M /srv/lba.img		# 131072 blocks of 512 bytes
load_scst
scst_mgmt "$SCST/handlers/vdisk_fileio/mgmt" "add_device lbadisk filename=/srv/lba.img"
scst_mgmt "$SCST/targets/scst_local/mgmt" "add_target lba_b session_name=$NB"
scst_mgmt "$LOCAL_TGT/luns/mgmt" "add lbadisk 0"
scst_mgmt "$SCST/targets/scst_local/lba_b/luns/mgmt" "add lbadisk 0"
scst_mgmt "$SCST/targets/scst_local/mgmt" "add_session scst_local_tgt $NA"
wait_for "host_of $NA >/dev/null && host_of $NB >/dev/null" 10 || fail "no scst_local hosts"
da=$(local_disk "$(host_of $NA)" 0) || fail "no disk behind scst_local_tgt"
db=$(local_disk "$(host_of $NB)" 0) || fail "no disk behind lba_b"
log "A: $da (group 1), B: $db (group 2)"

check "lba_map is none at first" expect '^none$' "$(cat "$MAPF")"
check "no device group: no REPORT REFERRALS" \
	expect 'invalid command operation code' "$(sense "$da" 9e 13 00 00 00 00 00 00 00 00 00 00 01 00 00 00)"

scst_mgmt "$DG/mgmt" "create dg1"
scst_mgmt "$DG/dg1/devices/mgmt" "add lbadisk"
scst_mgmt "$DG/dg1/target_groups/mgmt" "add tg_a"
scst_mgmt "$DG/dg1/target_groups/mgmt" "add tg_b"
echo 1 >"$TGA/group_id"
echo 2 >"$TGB/group_id"
scst_mgmt "$TGA/mgmt" "add scst_local_tgt"
scst_mgmt "$TGB/mgmt" "add lba_b"
clear_ua "$da"
clear_ua "$db"
check "in a device group without a map: still no REPORT REFERRALS" \
	expect 'invalid command operation code' "$(sense "$da" 9e 13 00 00 00 00 00 00 00 00 00 00 01 00 00 00)"
check "no Referrals VPD page without a map" bash -c "! sg_vpd -p 0xb3 $da"

MAP="0-8191:1=active,2=standby 8192-16383:1=standby,2=active 16384-24575:1=unavailable,2=nonoptimized"
check "overlapping segments are refused" bash -c "! echo '0-99:1=active 50-199:1=standby' >$MAPF"
check "a segment state must be one of four" bash -c "! echo '0-99:1=offline' >$MAPF"
check "the refusal is explained" bash -c "dmesg | tail -n 5 | grep 'lba_map' | grep -q 'invalid at byte'"
echo "$MAP" >"$MAPF"
check "lba_map shows the map, marked as configuration" \
	bash -c "[ \"\$(head -n1 $MAPF)\" = '$MAP' ] && [ \"\$(sed -n 2p $MAPF)\" = '[key]' ]"
check "the same file under device_groups/dg1/devices/lbadisk" \
	bash -c "[ \"\$(head -n1 $DG/dg1/devices/lbadisk/lba_map)\" = '$MAP' ]"
check "the map change raised ASYMMETRIC ACCESS STATE CHANGED" \
	expect 'asymmetric access state changed' "$(sense "$da" 00 00 00 00 00 00)"
clear_ua "$da"
clear_ua "$db"

echo lba_dependent >"$TGA/state"
echo lba_dependent >"$TGB/state"
clear_ua "$da"
clear_ua "$db"
check "state file says lba_dependent" expect '^lba_dependent' "$(cat "$TGA/state")"
rt=$(sg_rtpg -r "$da" | hexof)
check "RTPG: state 4 (LBA dependent) and LBD_SUP in both descriptors" \
	expect '^00 00 00 18 04 df 00 01 .* 04 df 00 02' "$rt"
check "sg_rtpg decodes LBA dependent" bash -c "sg_rtpg -d $da | tee /dev/stderr | grep -qi 'dependent'"
check "Extended INQUIRY VPD: R_SUPP=1" bash -c "sg_vpd -p ei $da | tee /dev/stderr | grep -qE 'R_SUPP?=1'"
check "Referrals VPD page 0xB3: variable segments (size 0, multiplier 0)" \
	expect '^00 b3 00 0c 00 00 00 00 00 00 00 00 00 00 00 00$' "$(sg_vpd -p 0xb3 -r "$da" | hexof)"
check "supported VPD pages list 0xB3" bash -c "sg_vpd -p sv $da | tee /dev/stderr | grep -qi 'referrals'"

ref=$(sg_referrals "$da" 2>&1)
echo "$ref"
check "sg_referrals: three segments" test "$(grep -c 'user data segment:' <<<"$ref")" -eq 3
check "sg_referrals: segment 0-8191, group 1 active/optimized, group 2 standby" bash -c "
	grep -A5 'first lba 0, last lba 8191' <<<\"\$0\" | grep -q 'port group 1 state (active/optimized)' &&
	grep -A5 'first lba 0, last lba 8191' <<<\"\$0\" | grep -q 'port group 2 state (standby)'" "$ref"
check "sg_referrals: segment 8192-16383" bash -c "grep -A5 'first lba 8192, last lba 16383' <<<\"\$0\" | grep -q 'port group 1 state (standby)'" "$ref"
check "sg_referrals: segment 16384-24575 unavailable / non-optimized" bash -c "
	grep -A5 'first lba 16384, last lba 24575' <<<\"\$0\" | grep -q 'port group 1 state (unavailable)' &&
	grep -A5 'first lba 16384, last lba 24575' <<<\"\$0\" | grep -qi 'port group 2 state (active/non'" "$ref"
check "sg_referrals through B (the same map)" bash -c "sg_referrals $db | grep -c 'user data segment:' | grep -qx 3"
check "sg_referrals --lba=9000: from the segment that holds it" \
	bash -c "sg_referrals --lba=9000 $da | tee /dev/stderr | grep 'user data segment:' | head -n1 | grep -q 'first lba 8192,'"
check "sg_referrals --lba=9000 --one-segment: just that one" \
	bash -c "[ \"\$(sg_referrals --lba=9000 --one-segment $da | grep -c 'user data segment:')\" = 1 ]"
check "sg_referrals raw: descriptor length 3 x 28" \
	expect '^00 00 00 54 00 00 00 02 00 00 00 00 00 00 00 00 00 00 00 00 00 00 1f ff 00 00 00 01 02 00 00 02' \
	"$(sg_referrals -r "$da" | hexof)"
check "REPORT REFERRALS beyond the capacity: LBA OUT OF RANGE" \
	expect 'out of range' "$(sense "$da" 9e 13 00 00 00 00 00 02 00 00 00 00 01 00 00 00)"

# Medium access follows the segments' state for the nexus' group.
check "A reads segment 0 (active/optimized for group 1)" ok "$(rd "$da" 0 8)"
check "A writes segment 0" ok "$(wr "$da" 100 8)"
check "B reading segment 0 (standby for group 2): NOT READY, standby" expect 'standby state' "$(rd "$db" 0 8)"
check "B writing segment 0: standby" expect 'standby state' "$(wr "$db" 100 8)"
check "A reading segment 8192 (standby for group 1): standby" expect 'standby state' "$(rd "$da" 8192 1)"
check "B reads segment 8192" ok "$(rd "$db" 8192 8)"
check "A reading segment 16384 (unavailable for group 1): unavailable" expect 'unavailable state' "$(rd "$da" 16384 1)"
check "A writing segment 16384: unavailable" expect 'unavailable state' "$(wr "$da" 20000 4)"
check "B writes segment 16384 (active/non-optimized)" ok "$(wr "$db" 20000 4)"
check "A reading across segments 0 and 8192: standby" expect 'standby state' "$(rd "$da" 8190 4)"
check "A reads blocks in no segment" ok "$(rd "$da" 30000 8)"
check "TEST UNIT READY through A: no medium access, GOOD" ok "$(sense "$da" 00 00 00 00 00 00)"
check "READ CAPACITY through B works" sg_readcap -l "$db"
check "sg_dd through A, segment 0: 4 MiB read" sg_dd if="$da" of=/dev/null bs=512 count=8192 blk_sgio=1
rc=0
out=$(sg_dd if="$da" of=/dev/null bs=512 skip=8192 count=8 blk_sgio=1 2>&1) || rc=$?
check "sg_dd through A from segment 8192 fails" test "$rc" -ne 0
check "sg_dd's error: NOT READY" expect 'not ready' "$out"
check "B sg_dd writes segment 8192" sg_dd if=/dev/zero of="$db" bs=512 seek=8192 count=64 blk_sgio=1

# A plain state on the group again: the map no longer applies.
echo active >"$TGA/state"
clear_ua "$da"
check "group 1 active: A reads segment 16384" ok "$(rd "$da" 16384 1)"
echo lba_dependent >"$TGA/state"
clear_ua "$da"
clear_ua "$db"

# The map is configuration: scstadmin saves and applies it over netlink.
"$A" -write_config /tmp/lba.conf >/dev/null
cat /tmp/lba.conf
check "-write_config saves the map" grep -qF "lba_map \"$MAP\"" /tmp/lba.conf
check "-write_config saves lba_dependent" grep -q 'state lba_dependent' /tmp/lba.conf
check "-check_config: no changes" bash -c "$A -check_config /tmp/lba.conf | grep -q 'No changes'"
MAP2="0-65535:1=standby,2=active 65536-131071:1=active,2=standby"
sed "s|lba_map \"$MAP\"|lba_map \"$MAP2\"|" /tmp/lba.conf >/tmp/lba2.conf
check "the edited file names the new map" grep -qF "$MAP2" /tmp/lba2.conf
check "-config applies a changed map" "$A" -config /tmp/lba2.conf
check "the new map is in sysfs" bash -c "[ \"\$(head -n1 $MAPF)\" = '$MAP2' ]"
clear_ua "$da"
clear_ua "$db"
check "new map: A reads segment 65536" ok "$(rd "$da" 70000 8)"
check "new map: A reading LBA 0 is standby" expect 'standby state' "$(rd "$da" 0 8)"
check "-write_config round trip" bash -c "$A -write_config /tmp/lba3.conf >/dev/null && grep -qF 'lba_map \"$MAP2\"' /tmp/lba3.conf && $A -check_config /tmp/lba3.conf | grep -q 'No changes'"
sed "/lba_map /d" /tmp/lba2.conf >/tmp/lba4.conf
check "-config without lba_map drops the map" "$A" -config /tmp/lba4.conf
check "lba_map is none again" expect '^none$' "$(cat "$MAPF")"
clear_ua "$da"
check "no map: REPORT REFERRALS is an invalid opcode" \
	expect 'invalid command operation code' "$(sense "$da" 9e 13 00 00 00 00 00 00 00 00 00 00 01 00 00 00)"
check "no map, lba_dependent: every LBA is reachable" ok "$(rd "$da" 0 8)"

echo "$MAP" >"$MAPF"
scst_mgmt "$DG/mgmt" "del dg1"
scst_mgmt "$SCST/targets/scst_local/mgmt" "del_session scst_local_tgt $NA"
scst_mgmt "$SCST/targets/scst_local/mgmt" "del_target lba_b"
scst_mgmt "$LOCAL_TGT/luns/mgmt" "del 0"
local_rescan
scst_mgmt "$SCST/handlers/vdisk_fileio/mgmt" "del_device lbadisk"
finish
