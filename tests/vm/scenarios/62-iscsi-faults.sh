#!/bin/bash
# iSCSI faults: malformed PDUs (scst_iscsi_badpdu) get a Reject or a
# closed connection, a TCP urgent byte inside a PDU is skipped, and the
# other session keeps working; a disabled target asks open-iscsi to log
# out (Async Message) and it logs in again once the target is back; a
# connection cut (iptables DROP) longer than the NOP-In timeout is cleaned
# up by the target and open-iscsi recovers with fio verify intact; a dead
# initiator (fio and iscsid killed, link dropped) is cleaned up and logs
# in again; 100 login/logout cycles leak no session, command, module
# reference or memory; a target deleted under a session waits for the
# logout it asks for.
# timeout: 480
set -euo pipefail
source /scst/tests/vm/lib.sh
source /scst/tests/vm/iscsi-lib.sh

BAD=/usr/local/bin/scst_iscsi_badpdu
ADMIN=/usr/local/bin/scstadmin
for b in "$ADMD" "$BAD" "$ADMIN"; do
	[ -x "$b" ] || fail "$b is not in the initramfs (build user space first)"
done
IQN=iqn.2026-11.org.scst:vm.faults
TOOL_INI=iqn.2026-11.org.scst:vm.badpdu
ADDR=10.99.0.1
T=$SCST/targets/iscsi/$IQN

save_results() {
	cp admd.log iscsid*.log fio*.out badpdu*.out "$SCST_RESULTS/" 2>/dev/null || true
	dmesg | grep -E 'scst_iscsi|connection|session' >"$SCST_RESULTS/iscsi-dmesg.txt" || true
}
trap save_results EXIT

active_cmds() { cat "$SCST/active_commands"; }
# The kernel's view over netlink: sessions of the target.
nl_sessions() { "$ADMIN" -list_sessions -driver iscsi -target "$IQN" 2>&1 | grep -c "$1" || true; }
# ups: how many sessions of open-iscsi have come up so far.
ups() { dmesg | grep -c "session $INI1 tsih [0-9]* up" || true; }

# fio_write_verify NAME DEV OFFSET [ARGS...]: randwrite then crc32c
# verify, 2 jobs, queue depth 16.
fio_write_verify() {
	local name=$1 dev=$2 off=$3
	shift 3
	fio_verify "$name" "$dev" "$off" --rw=randwrite --iodepth=16 "$@"
}

cut() { # cut on|off: drop all iSCSI traffic, both directions
	local op=-I
	[ "$1" = on ] || op=-D
	iptables "$op" INPUT -p tcp --dport 3260 -j DROP
	iptables "$op" INPUT -p tcp --sport 3260 -j DROP
}

# slab_kmalloc: bytes in the kmalloc caches (active objects x size).
slab_kmalloc() { awk '$1 ~ /^kmalloc/ {s += $2 * $4} END {print s}' /proc/slabinfo; }

load_scst
dummy_portal $ADDR

truncate -s 64M /srv/disk0.img
scst_mgmt "$SCST/handlers/vdisk_fileio/mgmt" "add_device disk0 filename=/srv/disk0.img"
iscsi_target -n "$IQN" disk0:0
check "NopInInterval defaults to 30" grep -qx 30 "$T/NopInInterval"
check "RspTimeout defaults to 90" grep -qx 90 "$T/RspTimeout"
check "NopInTimeout 0 is refused" fails_with "" sh -c "echo 0 >$T/NopInTimeout"
# Short timers for the test: a ping after 1 s idle, 3 s for its answer.
echo 1 >"$T/NopInInterval"
echo 3 >"$T/NopInTimeout"
echo 10 >"$T/RspTimeout"
check "a set NopInInterval is marked [key]" grep -q '\[key\]' "$T/NopInInterval"
echo 1 >"$T/enabled"

admd_start -d $ADDR:3260
iscsid_start iscsid1.log
iscsi_discover $ADDR
iscsi_login "$IQN" $ADDR
disk=$(iscsi_wait_disk "$INI1" 0 60)
log "open-iscsi session: $disk"
check "one session" test "$(nsessions "$IQN")" -eq 1
check "netlink lists the session" test "$(nl_sessions "$INI1")" -ge 1
check "idle session survives pings (5 s)" sh -c "sleep 5; test \$(ls $T/sessions | wc -l) -eq 1"
check "fio verify" fio_write_verify base "$disk" 0

# ---- (d) malformed PDUs, while the open-iscsi session runs ----
log "malformed PDUs"
bad() { # bad NAME [-d] CASE
	local name=$1
	shift
	"$BAD" "${@:1:$#-1}" $ADDR "$IQN" "$TOOL_INI" "${@: -1}" >"badpdu-$name.out" 2>&1
	local rc=$?
	cat "badpdu-$name.out"
	return $rc
}
check "malformed: unknown opcode -> Reject 0x05" bad unknown unknown-opcode
check "malformed: target opcode -> Reject 0x04" bad target target-opcode
check "malformed: NOP-Out with AHS -> Reject 0x04" bad nopahs nop-ahs
check "malformed: bad AHS length -> Reject 0x04" bad ahs bad-ahs
check "malformed: TCP urgent byte inside a PDU -> skipped, answered" bad urgent urgent
check "malformed: DataSegmentLength over the limit -> Reject, close" bad dsl dsl-over-max
check "malformed: Data-Out for an unknown ITT -> Reject 0x09" bad dout data-out-unknown-itt
check "malformed: late unsolicited Data-Out ignored" bad late data-out-late
check "malformed: bad header digest -> close" bad hdig -d header-digest
check "malformed: bad data digest -> Reject 0x02, close" bad ddig -d data-digest
check "a WRITE whose data never comes: closed after RspTimeout (10 s)" bad nodata no-data-out
check "the target logged why" sh -c "dmesg | grep -q 'no write data for RspTimeout'"
for seed in 1 2 3 4 5; do
	check "malformed: garbage header (seed $seed)" bad "garbage$seed" "garbage:$seed"
done
check "tool sessions gone" wait_for '[ "$(nsessions "$IQN")" -eq 1 ]' 20
check "a ping after all that" bad ping ping
check "the open-iscsi session still works (fio verify)" fio_write_verify after-bad "$disk" 8M
check "no command left after the malformed PDUs" wait_for '[ "$(active_cmds)" -eq 0 ]' 10

# ---- (e) disable: Async logout request, open-iscsi logs out; enable: back ----
log "target disabled"
echo 0 >"$T/enabled"
check "no session once disabled" wait_for '[ "$(nsessions "$IQN")" -eq 0 ]' 15
check "open-iscsi was asked to log out" wait_for "grep -q 'requests logout' iscsid1.log" 10
check "the session ended by a logout, not a timeout" \
	sh -c "dmesg | grep -E 'session $INI1.* down: logged out'"
echo 1 >"$T/enabled"
log "target enabled"
check "open-iscsi logs in again by itself" wait_for '[ "$(nsessions "$IQN")" -eq 1 ]' 60
disk=$(iscsi_wait_disk "$INI1" 0 60)
check "fio verify after re-enable" fio_write_verify enable "$disk" 16M

# ---- (b) connection cut longer than the NOP-In timeout ----
log "connection cut during fio"
old=$(ups)
fio_write_verify cut "$disk" 24M --rate_iops=,100 & fcut=$!
sleep 3
cut on
check "target closes the dead connection (NOP-In timeout)" \
	wait_for '[ "$(nsessions "$IQN")" -eq 0 ]' 20
check "the target logged why" sh -c "dmesg | grep -q 'no answer to a NOP-In ping'"
check "no command left in the core during the cut" wait_for '[ "$(active_cmds)" -eq 0 ]' 10
sleep 4
cut off
log "connection restored"
rc=0
wait $fcut || rc=$?
check "fio across the cut: no I/O error, verify passes" test $rc -eq 0
check "open-iscsi recovered (a new session)" wait_for '[ "$(nsessions "$IQN")" -eq 1 ] && [ "$(ups)" -gt "$old" ]' 30
grep -E 'err=|runt=|IOPS' fio-cut.out | head -4 || true

# ---- (a) dead initiator: fio and iscsid killed, the link gone ----
log "dead initiator"
# --thread: kill -9 takes every job (processes would outlive the parent).
fio --name=kill --thread --filename="$disk" --ioengine=libaio --direct=1 --rw=randrw \
	--bs=16k --iodepth=32 --numjobs=2 --time_based --runtime=60 >/dev/null 2>&1 &
fk=$!
sleep 3
kill -9 $fk
pkill_iscsid=$(pidof iscsid || true)
[ -z "$pkill_iscsid" ] || kill -9 $pkill_iscsid
wait $fk 2>/dev/null || true
cut on
check "target cleans up the dead session (sysfs)" wait_for '[ "$(nsessions "$IQN")" -eq 0 ]' 20
check "target cleans up the dead session (netlink)" test "$(nl_sessions "$INI1")" -eq 0
check "no command left in the core" wait_for '[ "$(active_cmds)" -eq 0 ]' 10
cut off
iscsid_start iscsid2.log
check "restarted iscsid logs in again" wait_for '[ "$(nsessions "$IQN")" -eq 1 ]' 60
disk=$(iscsi_wait_disk "$INI1" 0 60)
check "fio verify after the restart" fio_write_verify restart "$disk" 32M

# ---- (c) login/logout cycles: nothing leaks ----
log "login/logout cycles"
check "open-iscsi logout" iscsiadm -m node -T "$IQN" -p $ADDR --logout
check "no session" wait_for '[ "$(nsessions "$IQN")" -eq 0 ]' 20
for i in 1 2 3 4 5; do "$BAD" $ADDR "$IQN" "$TOOL_INI" logout >/dev/null 2>&1 || true; done
sleep 1
slab_snapshot /tmp/slab.cycles
km0=$(slab_kmalloc)
ref0=$(cat /sys/module/scst_iscsi/refcnt)
t0=$SECONDS
fails=0
for i in $(seq 100); do
	"$BAD" $ADDR "$IQN" "$TOOL_INI" logout >badpdu-cycle.out 2>&1 || fails=$((fails + 1))
done
t_tool=$((SECONDS - t0))
log "100 login/logout cycles (raw iSCSI, through scstadmd): ${t_tool}s, $fails failed"
check "100 login/logout cycles all succeed" test $fails -eq 0
t0=$SECONDS
fails=0
for i in $(seq 10); do
	iscsiadm -m node -T "$IQN" -p $ADDR --login >/dev/null 2>&1 || fails=$((fails + 1))
	# The scan done and its runtime PM off before the logout (scsi_pm_off).
	iscsi_wait_disk "$IQN" 0 60 >/dev/null
	wait_for scsi_pm_off 10 || fails=$((fails + 1))
	iscsiadm -m node -T "$IQN" -p $ADDR --logout >/dev/null 2>&1 || fails=$((fails + 1))
done
t_adm=$((SECONDS - t0))
log "10 iscsiadm login/logout cycles: ${t_adm}s, $fails failed"
check "10 iscsiadm login/logout cycles succeed" test $fails -eq 0
check "no session after the cycles" wait_for '[ "$(nsessions "$IQN")" -eq 0 ]' 20
check "no command after the cycles" test "$(active_cmds)" -eq 0
check "module references back to $ref0" wait_for "[ \$(cat /sys/module/scst_iscsi/refcnt) -eq $ref0 ]" 10
check "no slab object of ours leaked by the cycles" slab_compare /tmp/slab.cycles
km1=$(slab_kmalloc)
log "kmalloc caches: $km0 -> $km1 bytes ($(((km1 - km0) / 1024)) KiB)"
check "kmalloc caches grew by less than 256 KiB" test $((km1 - km0)) -lt 262144
echo "cycles: tool ${t_tool}s/100, iscsiadm ${t_adm}s/10, kmalloc delta $((km1 - km0))" \
	>"$SCST_RESULTS/cycles.txt"

# ---- a target deleted under a session: Async logout, then gone ----
log "target deleted while a session runs"
iscsiadm -m node -T "$IQN" -p $ADDR --login >/dev/null || fail "login before del_target"
iscsi_wait_disk "$INI1" 0 60 >/dev/null
outs=$(dmesg | grep -c "session $INI1 .*down: logged out" || true)
t0=$SECONDS
scst_mgmt "$SCST/targets/iscsi/mgmt" "del_target $IQN"
log "del_target returned after $((SECONDS - t0)) s"
check "del_target waited for the logout, not the 5 s limit" test $((SECONDS - t0)) -lt 5
check "the session ended by a logout" \
	test "$(dmesg | grep -c "session $INI1 .*down: logged out")" -gt "$outs"
# open-iscsi now retries a target that is gone: make it stop.
iscsi_stop
scst_mgmt "$SCST/handlers/vdisk_fileio/mgmt" "del_device disk0"
unload_scst
finish
