#!/bin/bash
# iSCSI authentication and access, all set up by scstadmin -config of an
# scst.conf: the CHAP accounts (IncomingUser, OutgoingUser) and
# allowed_portal of the driver and its targets as kernel attributes (sysfs
# files, netlink, -write_config round trip, single values added and
# removed, bad values refused, secrets hidden from an unprivileged user and
# the kernel log); then, with scstadmd and open-iscsi: discovery
# authentication (a wrong secret refused, the right one with mutual CHAP
# works), SendTargets filtered by LUN masking and allowed_portal, logins
# refused where the target may not be seen (0x0202, 0x0203), login without
# authentication, CHAP with MD5 and SHA-256, a wrong secret refused with an
# authentication failure and not a hang, mutual CHAP with HeaderDigest and
# DataDigest CRC32C negotiated and fio crc32c verify over two sessions, and
# a login over IPv6 ([::1]).
# timeout: 420
set -euo pipefail
source /scst/tests/vm/lib.sh
source /scst/tests/vm/iscsi-lib.sh

A=/usr/local/bin/scstadmin
[ -x "$A" ] && [ -x "$ADMD" ] || fail "scstadmin/scstadmd are not in the initramfs (build user space first)"
U=(setpriv --reuid=scstuser --regid=scstuser --clear-groups --inh-caps=-all)
D=$SCST/targets/iscsi
OPEN=iqn.2026-11.org.scst:vm.open     # no authentication
CHAP=iqn.2026-11.org.scst:vm.chap     # CHAP, mutual CHAP, digests
HIDDEN=iqn.2026-11.org.scst:vm.hidden # LUNs only for another initiator
V6=iqn.2026-11.org.scst:vm.v6only     # allowed_portal ::1 only

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
printf 'TARGET_DRIVER iscsi {\n\tIncomingUser "bob short"\n}\n' >bad.conf
check "-config: a short secret is refused, naming file and line" \
	fails_with "bad.conf:2:" "$A" -config bad.conf -noprompt
check "the kernel log names the field" bash -c "dmesg | tail -n 5 | grep -q 'CHAP secret of user bob'"
check "no secret in the kernel log" bash -c "! dmesg | grep -q -e 12charsecret -e discsecret123"
check "unknown attribute refused" fails_with "no such" "$A" -add_tgt_attr "$CHAP" -driver iscsi \
	-attributes "Color=blue"
check "sysfs add_attribute" scst_mgmt "$D/mgmt" "add_attribute IncomingUser extra extrasecret12"
check "sysfs del_attribute" scst_mgmt "$D/mgmt" "del_attribute IncomingUser extra extrasecret12"
check "deleting a missing value fails" bash -c "! echo 'del_attribute IncomingUser extra extrasecret12' >$D/mgmt"
check "still no changes" has "No changes" "$A" -check_config chap.conf

# ---- logins, with scstadmd and open-iscsi ----

# disc PORTAL NAME VALUE: the same for a SendTargets discovery record.
disc() { iscsiadm -m discoverydb -t st -p "$1" -o update -n "$2" -v "$3" >/dev/null; }
# login TARGET PORTAL: log in within 60 s (a refusal must not hang); the
# exit code is iscsiadm's (24: authentication/authorization failure).
login() { timeout 60 /usr/sbin/iscsiadm -m node -T "$1" -p "$2" --login; }
logout() { iscsiadm -m node -T "$1" -p "$2" --logout >/dev/null; }
login_refused() { # login_refused TARGET PORTAL STATUS: refused, and scstadmd says why
	local rc=0
	login "$1" "$2" >"refused.out" 2>&1 || rc=$?
	cat refused.out
	[ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] && grep -q "to $1: .*status $3" admd.log
}

admd_start -d -c /tmp/admd-scst.conf 127.0.0.1:3260 '[::1]:3260'
iscsid_start

log "discovery authentication"
iscsiadm -m discoverydb -t st -p 127.0.0.1 -o new >/dev/null
disc 127.0.0.1 discovery.sendtargets.auth.authmethod CHAP
disc 127.0.0.1 discovery.sendtargets.auth.username discuser
disc 127.0.0.1 discovery.sendtargets.auth.password wrongsecret99
rc=0
timeout 60 /usr/sbin/iscsiadm -m discoverydb -t st -p 127.0.0.1 --discover >disc-wrong.out 2>&1 || rc=$?
cat disc-wrong.out
check "discovery with a wrong secret is refused" test "$rc" -ne 0 -a "$rc" -ne 124
check "scstadmd: wrong CHAP_R of the discovery session" grep -q "CHAP_N discuser: wrong CHAP_R" admd.log
disc 127.0.0.1 discovery.sendtargets.auth.password discsecret123
disc 127.0.0.1 discovery.sendtargets.auth.username_in disctarget
disc 127.0.0.1 discovery.sendtargets.auth.password_in disctsecret12
timeout 60 /usr/sbin/iscsiadm -m discoverydb -t st -p 127.0.0.1 --discover >disc4.out 2>&1 ||
	{ cat disc4.out admd.log; fail "discovery with the right secret"; }
cat disc4.out
check "scstadmd: the discovery session authenticated, mutual" grep -q "CHAP user discuser authenticated (.*, mutual)" admd.log
check "SendTargets: the open target" grep -q "127.0.0.1:3260,1 $OPEN" disc4.out
check "SendTargets: the CHAP target on both its portals" \
	bash -c "grep -q '127.0.0.1:3260,1 $CHAP' disc4.out && grep -q '\[::1\]:3260,1 $CHAP' disc4.out"
check "SendTargets: not the target masked for others" bash -c "! grep -q '$HIDDEN' disc4.out"
check "SendTargets: not the IPv6-only target over IPv4" bash -c "! grep -q '$V6' disc4.out"

iscsiadm -m discoverydb -t st -p '[::1]' -o new >/dev/null
disc '[::1]' discovery.sendtargets.auth.authmethod CHAP
disc '[::1]' discovery.sendtargets.auth.username discuser
disc '[::1]' discovery.sendtargets.auth.password discsecret123
timeout 60 /usr/sbin/iscsiadm -m discoverydb -t st -p '[::1]' --discover >disc6.out 2>&1 ||
	{ cat disc6.out admd.log; fail "discovery over IPv6"; }
cat disc6.out
check "SendTargets over IPv6: the IPv6-only target" grep -q "\[::1\]:3260,1 $V6" disc6.out
check "SendTargets over IPv6: its portal only" bash -c "! grep -q '127.0.0.1:3260,1 $V6' disc6.out"

log "logins refused where the target cannot be seen"
iscsiadm -m node -o new -T "$HIDDEN" -p 127.0.0.1:3260,1 >/dev/null
iscsiadm -m node -o new -T "$V6" -p 127.0.0.1:3260,1 >/dev/null
check "masked target: authorization failure 0x0202" login_refused "$HIDDEN" 127.0.0.1 0202
check "IPv6-only target over IPv4: not found 0x0203" login_refused "$V6" 127.0.0.1 0203
check "no session was made" test "$(nsessions "$HIDDEN")$(nsessions "$V6")" = 00

log "no authentication"
check "login to the open target" login "$OPEN" 127.0.0.1
d=$(iscsi_wait_disk "$INI1" 0)
check "I/O on the open target" dd if="$d" of=/dev/null bs=64k count=16 iflag=direct
check "logout" logout "$OPEN" 127.0.0.1

log "CHAP, MD5 and SHA-256"
iscsi_node "$CHAP" 127.0.0.1 node.session.auth.authmethod CHAP
iscsi_node "$CHAP" 127.0.0.1 node.session.auth.username joe
iscsi_node "$CHAP" 127.0.0.1 node.session.auth.password 12charsecret
iscsi_node "$CHAP" 127.0.0.1 node.session.auth.chap_algs MD5
check "CHAP MD5 login" login "$CHAP" 127.0.0.1
check "scstadmd: joe authenticated with MD5" grep -q "CHAP user joe authenticated (MD5)" admd.log
iscsi_wait_disk "$INI1" 0 >/dev/null
check "logout" logout "$CHAP" 127.0.0.1
iscsi_node "$CHAP" 127.0.0.1 node.session.auth.chap_algs SHA256
iscsi_node "$CHAP" 127.0.0.1 node.session.auth.username ann
iscsi_node "$CHAP" 127.0.0.1 node.session.auth.password annsecret4567
check "CHAP SHA-256 login" login "$CHAP" 127.0.0.1
check "scstadmd: ann authenticated with SHA-256" grep -q "CHAP user ann authenticated (SHA256)" admd.log
iscsi_wait_disk "$INI1" 0 >/dev/null
check "logout" logout "$CHAP" 127.0.0.1

log "a wrong secret"
iscsi_node "$CHAP" 127.0.0.1 node.session.auth.password wrongsecret99
t0=$SECONDS
rc=0
login "$CHAP" 127.0.0.1 >wrong.out 2>&1 || rc=$?
cat wrong.out
check "wrong secret: iscsiadm reports an authentication failure (24)" test "$rc" -eq 24
check "wrong secret: refused at once, no hang" test $((SECONDS - t0)) -lt 30
check "scstadmd: wrong CHAP_R, status 0201" grep -q "CHAP_N ann: wrong CHAP_R, status 0201" admd.log
check "no session" test "$(nsessions "$CHAP")" = 0

log "mutual CHAP, digests, two sessions"
iscsi_iface_second
iscsiadm -m node -o new -T "$CHAP" -p 127.0.0.1:3260,1 -I second >/dev/null
iscsi_node "$CHAP" 127.0.0.1 node.session.auth.authmethod CHAP
iscsi_node "$CHAP" 127.0.0.1 node.session.auth.chap_algs SHA256,MD5
iscsi_node "$CHAP" 127.0.0.1 node.session.auth.username joe
iscsi_node "$CHAP" 127.0.0.1 node.session.auth.password 12charsecret
iscsi_node "$CHAP" 127.0.0.1 node.session.auth.username_in tgtuser
iscsi_node "$CHAP" 127.0.0.1 node.session.auth.password_in mutualsecret9
iscsi_node "$CHAP" 127.0.0.1 'node.conn[0].iscsi.HeaderDigest' CRC32C
iscsi_node "$CHAP" 127.0.0.1 'node.conn[0].iscsi.DataDigest' CRC32C
check "mutual CHAP login, two ifaces" login "$CHAP" 127.0.0.1
check "scstadmd: mutual CHAP" grep -q "CHAP user joe authenticated (SHA256, mutual)" admd.log
disk1=$(iscsi_wait_disk "$INI1" 0)
disk2=$(iscsi_wait_disk "$INI2" 0)
check "two sessions" test "$(nsessions "$CHAP")" = 2
iscsiadm -m session -P 2 >session.out 2>&1 || true
check "HeaderDigest CRC32C negotiated" test "$(grep -c 'HeaderDigest: CRC32C' session.out)" = 2
check "DataDigest CRC32C negotiated" test "$(grep -c 'DataDigest: CRC32C' session.out)" = 2
fio_verify_pair "$disk1" "$disk2"
check "logout of both" logout "$CHAP" 127.0.0.1
check "no session left" wait_for "[ \$(nsessions $CHAP) -eq 0 ]" 20

log "IPv6"
check "login over [::1]" login "$V6" '[::1]'
d=$(iscsi_wait_disk "$INI1" 0)
check "the session's connection is IPv6" bash -c \
	'cat /sys/class/iscsi_connection/*/persistent_address | grep -q ::1'
check "I/O over IPv6" dd if="$d" of=/dev/null bs=64k count=16 iflag=direct
check "logout" logout "$V6" '[::1]'
check "no session left" wait_for "[ \$(nsessions $V6) -eq 0 ]" 20

iscsi_stop
check "scstadmd kept the accounts in its file" grep -q 'IncomingUser "joe 12charsecret"' /tmp/admd-scst.conf
check "its file is root's only" test "$(stat -c %a /tmp/admd-scst.conf)" = 600

log "cleanup"
check "-clear_config" "$A" -clear_config -noprompt
unload_scst
finish
