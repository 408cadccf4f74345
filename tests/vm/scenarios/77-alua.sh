#!/bin/bash
# ALUA over scst_local: one fileio device behind two targets (two I_T
# nexuses), each target in its own target port group of one device group
# (sysfs device_groups/). INQUIRY TPGS and VPD 0x83, sg_rtpg in both
# formats, the sense of each access state (sg_raw), the commands a standby
# port still takes, sg_stpg transitions and refused STPG lists, the
# ASYMMETRIC ACCESS STATE CHANGED Unit Attention on the other nexus.
# timeout: 420
set -euo pipefail
source /scst/tests/vm/lib.sh

NA=iqn.2024-01.test.alua-a
NB=iqn.2024-01.test.alua-b
DG=$SCST/device_groups
TGA=$DG/dg1/target_groups/tg_a
TGB=$DG/dg1/target_groups/tg_b

# Hex bytes of a binary response, one line.
hexof() { od -An -tx1 -v | tr -s ' \n' ' ' | sed 's/^ //; s/ $//'; }
rtpg() { sg_rtpg -r "$@" | hexof; }
# sense DEV CDB...: the sense sg_raw reports, one line (the command fails).
sense() {
	local dev=$1
	shift
	sg_raw -r 512 "$dev" "$@" 2>&1 | tr '\n' ' ' || true
}
rd() { sense "$1" 28 00 00 00 00 00 00 00 01 00; }
tur() { sense "$1" 00 00 00 00 00 00; }
clear_ua() { local i; for i in 1 2 3 4; do sg_turs "$1" >/dev/null 2>&1 || true; done; }
# stpg_raw DEV BYTES...: SET TARGET PORT GROUPS with this parameter list.
stpg_raw() {
	local dev=$1 f
	shift
	f=$(mktemp)
	printf "$(printf '\\x%s' "$@")" >"$f"
	sg_raw -s "$#" -i "$f" "$dev" a4 0a 00 00 00 00 00 00 00 "$(printf %02x "$#")" 00 00 2>&1 | tr '\n' ' ' || true
	rm -f "$f"
}
# expect TEXT OUTPUT: OUTPUT contains TEXT (case-insensitive).
expect() {
	echo "$2"
	grep -qi -- "$1" <<<"$2"
}
no_sense() { ! grep -qi 'sense' <<<"$1" || { echo "$1"; return 1; }; }

truncate -s 64M /srv/alua.img
load_scst
scst_mgmt "$SCST/handlers/vdisk_fileio/mgmt" "add_device aluadisk filename=/srv/alua.img"
scst_mgmt "$SCST/targets/scst_local/mgmt" "add_target alua_b session_name=$NB"
scst_mgmt "$LOCAL_TGT/luns/mgmt" "add aluadisk 0"
scst_mgmt "$SCST/targets/scst_local/alua_b/luns/mgmt" "add aluadisk 0"
scst_mgmt "$SCST/targets/scst_local/mgmt" "add_session scst_local_tgt $NA"
ha=$(local_host $NA) || fail "no scst_local host for $NA"
hb=$(local_host $NB) || fail "no scst_local host for $NB"
local_disks "$ha" da=0
local_disks "$hb" db=0
ida=$(head -n1 "$LOCAL_TGT/rel_tgt_id")
idb=$(head -n1 "$SCST/targets/scst_local/alua_b/rel_tgt_id")
log "A: $da (rel_tgt_id $ida), B: $db (rel_tgt_id $idb)"

check "no device group: TPGS=0" expect 'TPGS=0' "$(sg_inq "$da")"
check "no device group: REPORT TPGS is an invalid opcode" \
	expect 'invalid command operation code' "$(sense "$da" a3 0a 00 00 00 00 00 00 01 00 00 00)"

# The configuration, as SCST's scripts write it.
scst_mgmt "$DG/mgmt" "create dg1"
scst_mgmt "$DG/dg1/devices/mgmt" "add aluadisk"
scst_mgmt "$DG/dg1/target_groups/mgmt" "add tg_a"
scst_mgmt "$DG/dg1/target_groups/mgmt" "add tg_b"
echo 1 >"$TGA/group_id"
echo 2 >"$TGB/group_id"
echo 1 >"$TGA/preferred"
scst_mgmt "$TGA/mgmt" "add scst_local_tgt"
scst_mgmt "$TGB/mgmt" "add alua_b"
echo standby >"$TGB/state"
check "devices/ links the device" test -L "$DG/dg1/devices/aluadisk"
check "a device is in one device group only" bash -c "echo create dg2 >$DG/mgmt && ! echo add aluadisk >$DG/dg2/devices/mgmt && echo del dg2 >$DG/mgmt"
check "group_id must be unique in the device group" bash -c "! echo 1 >$TGB/group_id"
check "state names are checked" bash -c "! echo bogus >$TGB/state && ! echo offlinex >$TGB/state"
check "state file" expect '^standby' "$(cat "$TGB/state")"
check "member rel_tgt_id shows the local target's" expect "^$idb" "$(cat "$TGB/alua_b/rel_tgt_id")"
clear_ua "$da"
clear_ua "$db"

check "INQUIRY: TPGS=3 (implicit and explicit)" expect 'TPGS=3' "$(sg_inq "$da")"
check "VPD 0x83 on A: relative port and group 1" bash -c "
	out=\$(sg_vpd -p di $da); echo \"\$out\"
	grep -qi 'Relative target port: 0x$(printf %x "$ida")' <<<\"\$out\" &&
	grep -qi 'Target port group: 0x1\$' <<<\"\$out\""
check "VPD 0x83 on B: group 2" bash -c "sg_vpd -p di $db | tee /dev/stderr | grep -qi 'Target port group: 0x2\$'"

# REPORT TARGET PORT GROUPS: 4-byte header, two 12-byte descriptors.
exp_a="80 df 00 01 00 00 00 01 00 00 $(printf '%02x %02x' $((ida >> 8)) $((ida & 255)))"
exp_b="02 df 00 02 00 02 00 01 00 00 $(printf '%02x %02x' $((idb >> 8)) $((idb & 255)))"
check "sg_rtpg from A: length format" expect "^00 00 00 18 $exp_a $exp_b\$" "$(rtpg "$da")"
check "sg_rtpg from B (standby) works too" expect "^00 00 00 18 $exp_a $exp_b\$" "$(rtpg "$db")"
check "sg_rtpg --extended: format 1, transition time" \
	expect "^00 00 00 1c 10 0a 00 00 $exp_a $exp_b\$" "$(rtpg -e "$da")"
check "sg_rtpg decoded" bash -c "sg_rtpg -d $da | tee /dev/stderr | grep -qi 'standby'"
check "REPORT TPGS allocation length 6: truncated, full length" \
	expect "00 00 00 18 80 df" "$(sg_raw -r 6 "$da" a3 0a 00 00 00 00 00 00 00 06 00 00 2>&1 | tr '\n' ' ')"

# Standby: medium access is NOT READY 04h/0Bh; the rest still works.
check "standby: READ is NOT READY, standby state" expect 'standby state' "$(rd "$db")"
check "standby: TEST UNIT READY too" expect 'standby state' "$(tur "$db")"
check "standby: INQUIRY works" sg_inq "$db"
check "standby: READ CAPACITY(16) works" sg_readcap -l "$db"
check "standby: MODE SENSE works" sg_modes -p 0x08 "$db"
check "active/optimized: READ works" no_sense "$(rd "$da")"

echo unavailable >"$TGB/state"
check "A gets ASYMMETRIC ACCESS STATE CHANGED" expect 'asymmetric access state changed' "$(tur "$da")"
check "A: only once" no_sense "$(tur "$da")"
check "B gets the UA first" expect 'asymmetric access state changed' "$(tur "$db")"
check "unavailable: READ is 04h/0Ch" expect 'unavailable state' "$(rd "$db")"
check "unavailable: MODE SENSE refused" expect 'unavailable state' "$(sense "$db" 1a 00 08 00 ff 00)"
check "unavailable: INQUIRY works" sg_inq "$db"

echo transitioning >"$TGB/state"
clear_ua "$da"
check "B's UA says so too" expect 'asymmetric access state changed' "$(tur "$db")"
check "transitioning: READ is 04h/0Ah" expect 'asymmetric access state transition' "$(rd "$db")"
echo offline >"$TGB/state"
clear_ua "$da"
clear_ua "$db"
check "offline: READ is 04h/12h" expect 'offline' "$(rd "$db")"
echo nonoptimized >"$TGB/state"
clear_ua "$da"
clear_ua "$db"
check "active/non-optimized: READ works" no_sense "$(rd "$db")"

# SET TARGET PORT GROUPS: B makes itself active/optimized and A standby.
check "sg_stpg from B" sg_stpg --tp=2,1 --state=ao,s "$db"
check "state files follow STPG" bash -c "[ \"\$(head -n1 $TGA/state)\" = standby ] && [ \"\$(head -n1 $TGB/state)\" = active ]"
check "B (the sender) has no UA" no_sense "$(tur "$db")"
check "A has the UA" expect 'asymmetric access state changed' "$(tur "$da")"
check "A is standby now" expect 'standby state' "$(rd "$da")"
check "B reads" no_sense "$(rd "$db")"
check "RTPG: STATUS CODE 1 (by STPG), states swapped" \
	expect "^00 00 00 18 82 df 00 01 00 01 00 01 .. .. .. .. 00 df 00 02 00 01" "$(rtpg "$db")"
check "STPG from the standby port A is allowed" sg_stpg --tp=1 --state=an "$da"
clear_ua "$db"
check "STPG to offline: INVALID FIELD IN PARAMETER LIST" \
	expect 'invalid field in parameter list' "$(stpg_raw "$da" 00 00 00 00 0e 00 00 02)"
check "STPG naming group 9: INVALID FIELD IN PARAMETER LIST" \
	expect 'invalid field in parameter list' "$(stpg_raw "$da" 00 00 00 00 00 00 00 09)"
check "STPG naming a group twice: refused" \
	expect 'invalid field in parameter list' "$(stpg_raw "$da" 00 00 00 00 00 00 00 01 02 00 00 01)"
check "STPG list cut in a descriptor: PARAMETER LIST LENGTH ERROR" \
	expect 'parameter list length error' "$(stpg_raw "$da" 00 00 00 00 00 00)"
check "refused STPGs changed nothing" bash -c "[ \"\$(head -n1 $TGA/state)\" = nonoptimized ] && [ \"\$(head -n1 $TGB/state)\" = active ]"

# A target in no group of the device group is not restricted; removing
# the group takes ALUA away again.
scst_mgmt "$TGA/mgmt" "del scst_local_tgt"
echo standby >"$TGA/state"
clear_ua "$da"
check "A in no target group: reads" no_sense "$(rd "$da")"
check "A in no target group: no TPG designator" bash -c "! sg_vpd -p di $da | grep -qi 'Target port group'"
scst_mgmt "$DG/mgmt" "del dg1"
clear_ua "$da"
clear_ua "$db"
check "device group removed: TPGS=0" expect 'TPGS=0' "$(sg_inq "$db")"
check "device group removed: B reads" no_sense "$(rd "$db")"
check "device_groups/ is empty" bash -c "[ \"\$(ls $DG)\" = mgmt ]"

# The same over netlink: scstadmin -config, listing, -set_tgrp_attr,
# -write_config round trip; scstadmd saves what STPG changes.
A=/usr/local/bin/scstadmin
ADMD=/usr/local/bin/scstadmd
[ -x "$A" ] && [ -x "$ADMD" ] || fail "scstadmin/scstadmd are not in the initramfs"
"$A" -write_config /tmp/base.conf >/dev/null
cat /tmp/base.conf - >/tmp/alua.conf <<'CONF'
DEVICE_GROUP dg1 {
	DEVICE aluadisk

	TARGET_GROUP tg_a {
		group_id 1
		preferred 1

		TARGET scst_local_tgt
	}

	TARGET_GROUP tg_b {
		group_id 2
		state standby

		TARGET alua_b
		TARGET remote_c {
			rel_tgt_id 40
		}
	}
}
CONF
check "scstadmin -config applies DEVICE_GROUP" "$A" -config /tmp/alua.conf
check "the kernel has it (sysfs)" bash -c "[ \"\$(head -n1 $TGB/state)\" = standby ] && [ \"\$(head -n1 $TGA/preferred)\" = 1 ] && [ \"\$(head -n1 $TGB/remote_c/rel_tgt_id)\" = 40 ]"
check "-check_config: no changes" has 'No changes' "$A" -check_config /tmp/alua.conf
check "-list_dgrp" has 'standby' "$A" -list_dgrp
check "-list_dgrp dg1 --json" bash -c "$A -list_dgrp dg1 --json | tee /dev/stderr | grep -q '\"state\": *\"standby\"'"
check "-list_dgrp of an unknown group fails" fails_with 'no device group' "$A" -list_dgrp nosuch
clear_ua "$da"
clear_ua "$db"
check "RTPG lists the remote port 40" expect '02 df 00 02 00 02 00 02 00 00 .. .. 00 00 00 28' "$(rtpg "$da")"
check "-write_config round trip" bash -c "$A -write_config /tmp/rt.conf && $A -check_config /tmp/rt.conf | grep -q 'No changes' && grep -q 'DEVICE_GROUP dg1' /tmp/rt.conf && grep -q 'rel_tgt_id 40' /tmp/rt.conf"
check "-set_tgrp_attr state=active" "$A" -set_tgrp_attr tg_b -dev_group dg1 -attributes state=active
check "scstadmin's change raised the UA" expect 'asymmetric access state changed' "$(tur "$da")"
check "-set_tgrp_attr with a bad state names it" fails_with 'state' "$A" -set_tgrp_attr tg_b -dev_group dg1 -attributes state=sleepy
check "-set_tgrp_attr group_id taken: refused" fails_with 'group_id' "$A" -set_tgrp_attr tg_b -dev_group dg1 -attributes group_id=1
check "-config puts standby back" "$A" -config /tmp/alua.conf

"$ADMD" --foreground --iscsi-portal none --config /tmp/admd.conf >/tmp/admd.log 2>&1 &
admd=$!
wait_for "grep -q 'running; saving' /tmp/admd.log" 60 || { cat /tmp/admd.log; fail "scstadmd did not start"; }
check "scstadmd saved the device group" wait_for "grep -q 'state standby' /tmp/admd.conf" 10
clear_ua "$da"
clear_ua "$db"
check "sg_stpg makes tg_b active/optimized" sg_stpg --tp=2 --state=ao "$db"
check "it did" bash -c "[ \"\$(head -n1 $TGB/state)\" = active ]"
check "scstadmd saves the state STPG set" wait_for "! grep -q 'state standby' /tmp/admd.conf" 10
echo unavailable >"$TGA/state"
check "scstadmd saves a sysfs change" wait_for "grep -q 'state unavailable' /tmp/admd.conf" 10
kill -TERM "$admd"
wait "$admd" || fail "scstadmd exited with an error"
log "scstadmd's log:"
tail -n 20 /tmp/admd.log
check "the saved file applies as it is" has 'No changes' "$A" -check_config /tmp/admd.conf
check "-config without DEVICE_GROUP removes it" "$A" -config /tmp/base.conf -force -noprompt
check "no device group left" bash -c "[ \"\$(ls $DG)\" = mgmt ]"
clear_ua "$da"
clear_ua "$db"

# A device that goes away leaves its group.
scst_mgmt "$DG/mgmt" "create dg3"
scst_mgmt "$DG/dg3/devices/mgmt" "add aluadisk"
scst_mgmt "$SCST/targets/scst_local/mgmt" "del_session scst_local_tgt $NA"
scst_mgmt "$SCST/targets/scst_local/mgmt" "del_target alua_b"
scst_mgmt "$LOCAL_TGT/luns/mgmt" "del 0"
local_rescan
scst_mgmt "$SCST/handlers/vdisk_fileio/mgmt" "del_device aluadisk"
check "a deleted device leaves its device group" bash -c "[ -z \"\$(ls $DG/dg3/devices | grep -v mgmt)\" ]"
scst_mgmt "$DG/mgmt" "del dg3"
finish
