#!/bin/bash
# iSCSI authentication and access, all set up by scstadmin -config of an
# scst.conf: the CHAP accounts (IncomingUser, OutgoingUser) and
# allowed_portal of the driver and its targets as kernel attributes (sysfs
# files, netlink, -write_config round trip, single values added and
# removed, bad values refused, secrets hidden from an unprivileged user and
# the kernel log).
# timeout: 420
set -euo pipefail
source /scst/tests/vm/lib.sh

A=/usr/local/bin/scstadmin
ADMD=/usr/local/bin/scstadmd
[ -x "$A" ] && [ -x "$ADMD" ] || fail "scstadmin/scstadmd are not in the initramfs (build user space first)"
U=(setpriv --reuid=scstuser --regid=scstuser --clear-groups --inh-caps=-all)
D=$SCST/targets/iscsi
OPEN=iqn.2026-11.org.scst:vm.open     # no authentication
CHAP=iqn.2026-11.org.scst:vm.chap     # CHAP, mutual CHAP, digests
HIDDEN=iqn.2026-11.org.scst:vm.hidden # LUNs only for another initiator
V6=iqn.2026-11.org.scst:vm.v6only     # allowed_portal ::1 only
INI1=$(sed -n 's/^InitiatorName=//p' /etc/iscsi/initiatorname.iscsi)
INI2=iqn.2026-11.org.scst:vm.second
iscsiadm() { /usr/sbin/iscsiadm "$@"; }

save_results() {
	cp admd.log fio*.out ./*.conf ./*.out "$SCST_RESULTS/" 2>/dev/null || true
	dmesg | grep -E 'scst|iscsi|connection|session' >"$SCST_RESULTS/iscsi-dmesg.txt" || true
}
trap save_results EXIT

# Not scst_local: its target would not be in the file.
modprobe scst_vdisk && modprobe scst_iscsi || fail "modprobe"
truncate -s 64M /srv/disk0.img

# ---- the attributes, through scstadmin -config ----

cat >chap.conf <<EOF
HANDLER vdisk_fileio {
	DEVICE disk0 {
		filename /srv/disk0.img
	}
}
HANDLER vdisk_nullio {
	DEVICE null0 {
		size_mb 64
	}
}
TARGET_DRIVER iscsi {
	IncomingUser "discuser discsecret123"
	OutgoingUser "disctarget disctsecret12"
	TARGET $OPEN {
		LUN 0 null0
		enabled 1
	}
	TARGET $CHAP {
		IncomingUser "joe 12charsecret"
		IncomingUser "ann annsecret4567"
		OutgoingUser "tgtuser mutualsecret9"
		allowed_portal 127.0.0.1
		allowed_portal ::1
		LUN 0 disk0
		enabled 1
	}
	TARGET $HIDDEN {
		GROUP others {
			LUN 0 null0
			INITIATOR iqn.2026-11.org.scst:nobody*
		}
		enabled 1
	}
	TARGET $V6 {
		allowed_portal [::1]
		LUN 0 null0
		enabled 1
	}
}
EOF
log "scstadmin -config"
check "-config of a file with CHAP accounts" "$A" -config chap.conf -noprompt
check "a target's IncomingUser files" has "joe 12charsecret" cat "$D/$CHAP/IncomingUser" "$D/$CHAP/IncomingUser1"
check "one value each" has "ann annsecret4567" cat "$D/$CHAP/IncomingUser" "$D/$CHAP/IncomingUser1"
check "no third one" test ! -e "$D/$CHAP/IncomingUser2"
check "the values are configuration" grep -qx '\[key\]' "$D/$CHAP/OutgoingUser"
check "secrets are root's only (0400)" test "$(stat -c %a "$D/$CHAP/IncomingUser")" = 400
check "allowed_portal is world-readable" test "$(stat -c %a "$D/$CHAP/allowed_portal1")" = 444
check "the driver's accounts" has "discuser discsecret123" cat "$D/IncomingUser"
user_cat() { ! "${U[@]}" cat "$D/$CHAP/IncomingUser"; }
check "user: reading a secret file fails" user_cat

check "-list_tgt_attr shows the accounts" has "ann annsecret4567" "$A" -list_tgt_attr "$CHAP" -driver iscsi
check "-list_drv_attr shows the driver's" has "disctarget disctsecret12" "$A" -list_drv_attr iscsi
user_list() { "${U[@]}" "$A" -list_tgt_attr "$CHAP" -driver iscsi; }
no_secret() { local out; out=$("$@") || return 1; echo "$out"; ! grep -q secret <<<"$out"; }
check "user: -list_tgt_attr works" has "allowed_portal" user_list
check "user: -list_tgt_attr has no secret" no_secret user_list
check "user: -list_drv_attr has no secret" no_secret "${U[@]}" "$A" -list_drv_attr iscsi

check "-write_config" "$A" -write_config written.conf
check "written: the target's account" grep -q 'IncomingUser "joe 12charsecret"' written.conf
check "written: the driver's account" grep -q 'OutgoingUser "disctarget disctsecret12"' written.conf
check "written: allowed_portal" grep -q 'allowed_portal ::1' written.conf
check "written file is root's only" test "$(stat -c %a written.conf)" = 600
check "-config of the written file: no changes" has "No changes" "$A" -config written.conf -noprompt
check "-config of the original file: no changes" has "No changes" "$A" -config chap.conf -noprompt

log "changing single values"
sed -e '/ann annsecret4567/d' -e 's/tgtuser mutualsecret9/tgtuser2 mutualsecret10/' chap.conf >changed.conf
check "-config drops one account, replaces OutgoingUser" "$A" -config changed.conf -noprompt
check "ann is gone" bash -c "! grep -rq ann $D/$CHAP/IncomingUser*"
check "OutgoingUser replaced" has "tgtuser2 mutualsecret10" cat "$D/$CHAP/OutgoingUser"
check "back to the original" "$A" -config chap.conf -noprompt
check "second OutgoingUser refused" fails_with "one value" "$A" -add_tgt_attr "$CHAP" -driver iscsi \
	-attributes "OutgoingUser=other 123456789012"
check "short secret refused" fails_with "invalid value" "$A" -add_drv_attr iscsi -attributes "IncomingUser=bob short"
check "the kernel log names the field" bash -c "dmesg | tail -n 5 | grep -q 'CHAP secret of user bob'"
check "no secret in the kernel log" bash -c "! dmesg | grep -q -e 12charsecret -e discsecret123"
check "unknown attribute refused" fails_with "no such" "$A" -add_tgt_attr "$CHAP" -driver iscsi \
	-attributes "Color=blue"
check "sysfs add_attribute" scst_mgmt "$D/mgmt" "add_attribute IncomingUser extra extrasecret12"
check "sysfs del_attribute" scst_mgmt "$D/mgmt" "del_attribute IncomingUser extra extrasecret12"
check "deleting a missing value fails" bash -c "! echo 'del_attribute IncomingUser extra extrasecret12' >$D/mgmt"
check "still no changes" has "No changes" "$A" -check_config chap.conf

log "cleanup"
check "-clear_config" "$A" -clear_config -noprompt
unload_scst
finish
