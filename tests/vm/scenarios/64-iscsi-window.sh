#!/bin/bash
# The CmdSN window follows the core: with max_tgt_dev_commands 4 on the LU,
# fio at queue depth 64 (2 jobs x 32) over open-iscsi never has more than
# 4 commands in the target, the window closes and reopens, no command gets
# BUSY or TASK SET FULL, and fio's crc32c verify passes; raising the limit
# to 16 opens the window wider at once. RspTimeout: a command the backend
# holds (nullio delay_ms) longer than RspTimeout closes the connection, the
# session is reinstated once the command ends, and nothing leaks.
# timeout: 420
set -euo pipefail
source /scst/tests/vm/lib.sh

ADMD=/usr/local/bin/scstadmd
[ -x "$ADMD" ] || fail "$ADMD is not in the initramfs (build user space first)"
IQN=iqn.2026-11.org.scst:vm.window
INI1=$(sed -n 's/^InitiatorName=//p' /etc/iscsi/initiatorname.iscsi)
ADDR=10.99.0.1
T=$SCST/targets/iscsi/$IQN
D0=$SCST/devices/disk0
N0=$SCST/devices/null0
iscsiadm() { /usr/sbin/iscsiadm "$@"; }

save_results() {
	cp admd.log iscsid.log fio*.out "$SCST_RESULTS/" 2>/dev/null || true
	dmesg | grep -E 'scst_iscsi|connection|session' >"$SCST_RESULTS/iscsi-dmesg.txt" || true
}
trap save_results EXIT

iscsi_disk() { # iscsi_disk LUN: /dev/sdX of LUN in the open-iscsi session
	local s sn d
	for s in /sys/class/iscsi_session/session*; do
		[ "$(cat "$s/initiatorname" 2>/dev/null)" = "$INI1" ] || continue
		sn=${s##*/}
		for d in /sys/class/scsi_device/*:"$1"; do
			[ -e "$d/device/block" ] || continue
			readlink -f "$d/device" | grep -q "/$sn/" || continue
			echo "/dev/$(ls "$d/device/block")"
			return 0
		done
	done
	return 1
}

wait_disk() {
	local d
	wait_for "d=\$(iscsi_disk $1) && [ \$(cat /sys/block/\${d#/dev/}/size) -gt 0 ]" 60 ||
		fail "no LUN $1"
	iscsi_disk "$1"
}

nsessions() { ls "$T/sessions" 2>/dev/null | wc -l; }
sess_attr() { cat "$T/sessions/$INI1/$1"; }
active_cmds() { cat "$SCST/active_commands"; }
ups() { dmesg | grep -c "session $INI1 tsih [0-9]* up" || true; }

# fio_verify NAME DEV OFFSET: randwrite then crc32c verify, QD 2 x 32.
fio_verify() {
	fio --name="$1" --filename="$2" --ioengine=libaio --direct=1 --rw=randwrite \
		--bs=4k --iodepth=32 --numjobs=2 --size=4M --offset="$3" \
		--offset_increment=4M --verify=crc32c --verify_fatal=1 --do_verify=1 \
		--group_reporting >"fio-$1.out" 2>&1 || { tail -n 20 "fio-$1.out"; return 1; }
	! grep -qiE 'verify.*(fail|bad)|crc32c.*mismatch|err= *[1-9]' "fio-$1.out"
}

# slab_settle: SLUB counts the objects of per-CPU slabs as active; give
# those back first, so that a comparison sees objects in use only.
slab_settle() {
	local f
	for f in /sys/kernel/slab/scst*/shrink; do
		echo 1 >"$f" 2>/dev/null || true
	done
}

load_scst
modprobe iscsi_tcp
modprobe dummy
ip link add scst0 type dummy
ip addr add $ADDR/24 dev scst0
ip link set scst0 up

truncate -s 64M /srv/disk0.img
scst_mgmt "$SCST/handlers/vdisk_fileio/mgmt" "add_device disk0 filename=/srv/disk0.img"
scst_mgmt "$SCST/handlers/vdisk_nullio/mgmt" "add_device null0 size_mb=64"
scst_mgmt "$SCST/targets/iscsi/mgmt" "add_target $IQN"
scst_mgmt "$T/luns/mgmt" "add disk0 0"
scst_mgmt "$T/luns/mgmt" "add null0 1"
check "max_tgt_dev_commands defaults to 0 (no limit)" grep -qx 0 "$D0/max_tgt_dev_commands"
check "nullio delay_ms defaults to 0" grep -qx 0 "$N0/delay_ms"
check "QueuedCommands defaults to 128" grep -qx 128 "$T/QueuedCommands"
echo 4 >"$D0/max_tgt_dev_commands"
echo 1 >"$T/enabled"

"$ADMD" --foreground --log-level debug --config /tmp/scst.conf \
	--lock-file /tmp/scstadmd.lock --iscsi-portal $ADDR:3260 >admd.log 2>&1 &
admd=$!
wait_for "grep -q 'iSCSI portal' admd.log" 30 || { cat admd.log; fail "scstadmd did not listen"; }
setsid /usr/sbin/iscsid -f >>iscsid.log 2>&1 &
wait_for "grep -q iscsid /proc/net/unix" 10 || true
sleep 1
iscsiadm -m discovery -t st -p $ADDR >disc.out 2>&1 || { cat disc.out admd.log; fail "discovery"; }
iscsiadm -m node -T "$IQN" -p $ADDR --login || { cat admd.log; fail "login"; }
disk=$(wait_disk 0)
null=$(wait_disk 1)
log "open-iscsi session: $disk (fileio, limit 4), $null (nullio)"
check "one session" test "$(nsessions)" -eq 1

# ---- the window follows max_tgt_dev_commands ----
log "fio QD 64 against a limit of 4"
closed0=$(sess_attr window_closed)
check "fio verify passes at QD 64 with a limit of 4" fio_verify lim4 "$disk" 0
closed1=$(sess_attr window_closed)
peak=$(sess_attr commands_peak)
log "limit 4: at most $peak commands in the target, window closed $((closed1 - closed0)) times"
check "never more than 4 commands in the target" test "$peak" -le 4
check "the window let several commands in at once" test "$peak" -ge 2
check "the window closed" test "$closed1" -gt "$closed0"
check "no BUSY or TASK SET FULL response" test "$(sess_attr busy_responses)" -eq 0
check "the window reopened: nothing left in the target" \
	wait_for '[ "$(sess_attr commands)" -eq 0 ] && [ "$(active_cmds)" -eq 0 ]' 10

log "the limit raised to 16 during the session"
echo 16 >"$D0/max_tgt_dev_commands"
check "fio verify passes with a limit of 16" fio_verify lim16 "$disk" 8M
peak=$(sess_attr commands_peak)
log "limit 16: at most $peak commands in the target"
check "never more than 16 commands in the target" test "$peak" -le 16
check "the window opened past 4" test "$peak" -gt 4
check "still no BUSY or TASK SET FULL response" test "$(sess_attr busy_responses)" -eq 0
echo 0 >"$D0/max_tgt_dev_commands"

# ---- RspTimeout: a command stuck in the backend ----
log "a command held past RspTimeout"
check "fio verify before" fio_verify pre "$disk" 16M
# The snapshot without a session: the end is compared without one too.
iscsiadm -m node -T "$IQN" -p $ADDR --logout >/dev/null || true
wait_for '[ "$(nsessions)" -eq 0 ] && [ "$(active_cmds)" -eq 0 ]' 20 || true
slab_settle
SCST_SLAB_PREFIX=scst_isc slab_snapshot /tmp/slab.rsp.isc
SCST_SLAB_PREFIX=scst_cmd slab_snapshot /tmp/slab.rsp.cmd
iscsiadm -m node -T "$IQN" -p $ADDR --login >/dev/null || fail "login again"
null=$(wait_disk 1)
echo 3 >"$T/RspTimeout"
echo 8000 >"$N0/delay_ms"
old=$(ups)
t0=$SECONDS
dd if="$null" of=/dev/null bs=4k count=1 iflag=direct 2>dd.err &
ddpid=$!
check "the connection is closed after RspTimeout (3 s)" \
	wait_for "dmesg | grep -q 'a command not done within RspTimeout'" 15
t_close=$((SECONDS - t0))
# The retry on the new session must not be held again.
echo 0 >"$N0/delay_ms"
log "closed after ${t_close}s"
check "closed after RspTimeout, before the held command ended (8 s)" \
	test "$t_close" -ge 2 -a "$t_close" -lt 8
check "open-iscsi logs in again (session reinstated)" \
	wait_for '[ "$(nsessions)" -eq 1 ] && [ "$(ups)" -gt "$old" ]' 60
check "the old session ended after its held command" \
	sh -c "dmesg | grep -q 'session $INI1 tsih [0-9]* down: a command not done within RspTimeout'"
rc=0
wait $ddpid || rc=$?
check "the held READ succeeds once retried" test $rc -eq 0
echo 90 >"$T/RspTimeout"
disk=$(wait_disk 0)
check "fio verify on the new session" fio_verify post "$disk" 24M
check "no command left in the core" wait_for '[ "$(active_cmds)" -eq 0 ]' 10
check "no BUSY or TASK SET FULL on the new session" test "$(sess_attr busy_responses)" -eq 0
iscsiadm -m node -T "$IQN" -p $ADDR --logout >/dev/null || true
check "no session after the logout" wait_for '[ "$(nsessions)" -eq 0 ]' 20
slab_settle
# The SGV buffer cache keeps buffers on purpose: commands and tasks only.
no_leak() {
	SCST_SLAB_PREFIX=scst_isc slab_compare /tmp/slab.rsp.isc &&
		SCST_SLAB_PREFIX=scst_cmd slab_compare /tmp/slab.rsp.cmd
}
check "no command or task leaked by the held command" no_leak

iscsiadm -k 0 || true
kill "$admd"
wait "$admd" || true
scst_mgmt "$SCST/targets/iscsi/mgmt" "del_target $IQN"
scst_mgmt "$SCST/handlers/vdisk_fileio/mgmt" "del_device disk0"
scst_mgmt "$SCST/handlers/vdisk_nullio/mgmt" "del_device null0"
unload_scst
finish
