#!/bin/bash
# The CmdSN window follows the core: with max_tgt_dev_commands 4 on the LU,
# fio at queue depth 64 (2 jobs x 32) over open-iscsi never has more than
# 4 commands in the target, the window closes and reopens, no command gets
# BUSY or TASK SET FULL, and fio's crc32c verify passes; raising the limit
# to 16 opens the window wider at once. The limit is set with scstadmin
# -set_dev_attr, saved by -write_config and scstadmd, raised by -config of
# scst.conf and dropped back to 0 by -config. RspTimeout: a command the backend
# holds (nullio delay_ms) longer than RspTimeout closes the connection, the
# session is reinstated once the command ends, and nothing leaks. A READ
# that uses up a window of one and is aborted (scst_iscsi_badpdu; by its
# ABORT TASK, or by open-iscsi's LUN RESET) gets the window reopened by a
# NOP-In.
# timeout: 420
set -euo pipefail
source /scst/tests/vm/lib.sh
source /scst/tests/vm/iscsi-lib.sh

IQN=iqn.2026-11.org.scst:vm.window
ADDR=10.99.0.1
T=$SCST/targets/iscsi/$IQN
D0=$SCST/devices/disk0
N0=$SCST/devices/null0

save_results() {
	cp admd.log iscsid.log fio*.out lim*.conf badpdu*.out "$SCST_RESULTS/" 2>/dev/null || true
	dmesg | grep -E 'scst_iscsi|connection|session' >"$SCST_RESULTS/iscsi-dmesg.txt" || true
}
trap save_results EXIT

SA=/usr/local/bin/scstadmin
[ -x "$SA" ] || fail "scstadmin is not in the initramfs (build user space first)"

sess_attr() { cat "$T/sessions/$INI1/$1"; }
# dev_limit: disk0's max_tgt_dev_commands, without the "[key]" line.
dev_limit() { head -n1 "$D0/max_tgt_dev_commands"; }
# conf_limit FILE: the max_tgt_dev_commands line of DEVICE disk0 in FILE.
conf_limit() { sed -n '/DEVICE disk0 {/,/}/p' "$1" | grep -Eo 'max_tgt_dev_commands [0-9]+' || true; }
active_cmds() { cat "$SCST/active_commands"; }
ups() { dmesg | grep -c "session $INI1 tsih [0-9]* up" || true; }

# fio_write_verify NAME DEV OFFSET: randwrite then crc32c verify, QD 2 x 32.
fio_write_verify() { fio_verify "$@" --rw=randwrite; }

# slab_settle: SLUB counts the objects of per-CPU slabs as active; give
# those back first, so that a comparison sees objects in use only.
slab_settle() {
	local f
	for f in /sys/kernel/slab/scst*/shrink; do
		echo 1 >"$f" 2>/dev/null || true
	done
}

load_scst
dummy_portal $ADDR

truncate -s 64M /srv/disk0.img
scst_mgmt "$SCST/handlers/vdisk_fileio/mgmt" "add_device disk0 filename=/srv/disk0.img"
scst_mgmt "$SCST/handlers/vdisk_nullio/mgmt" "add_device null0 size_mb=64"
iscsi_target -n "$IQN" disk0:0 null0:1
check "max_tgt_dev_commands defaults to 0 (no limit)" grep -qx 0 "$D0/max_tgt_dev_commands"
check "nullio delay_ms defaults to 0" grep -qx 0 "$N0/delay_ms"
check "QueuedCommands defaults to 128" grep -qx 128 "$T/QueuedCommands"
check "scstadmin -set_dev_attr max_tgt_dev_commands=4" \
	"$SA" -set_dev_attr disk0 -attributes max_tgt_dev_commands=4
check "disk0's limit is 4" test "$(dev_limit)" = 4
check "above 65535 is refused naming the attribute" \
	fails_with "max_tgt_dev_commands" "$SA" -set_dev_attr disk0 -attributes max_tgt_dev_commands=65536
check "and changes nothing" test "$(dev_limit)" = 4
echo 1 >"$T/enabled"

admd_start -d $ADDR:3260
iscsid_start
iscsi_discover $ADDR
iscsi_login "$IQN" $ADDR
disk=$(iscsi_wait_disk "$INI1" 0 60)
null=$(iscsi_wait_disk "$INI1" 1 60)
log "open-iscsi session: $disk (fileio, limit 4), $null (nullio)"
check "one session" test "$(nsessions "$IQN")" -eq 1

# ---- the window follows max_tgt_dev_commands ----
log "fio QD 64 against a limit of 4"
closed0=$(sess_attr window_closed)
check "fio verify passes at QD 64 with a limit of 4" fio_write_verify lim4 "$disk" 0
closed1=$(sess_attr window_closed)
peak=$(sess_attr commands_peak)
log "limit 4: at most $peak commands in the target, window closed $((closed1 - closed0)) times"
check "never more than 4 commands in the target" test "$peak" -le 4
check "the window let several commands in at once" test "$peak" -ge 2
check "the window closed" test "$closed1" -gt "$closed0"
check "no BUSY or TASK SET FULL response" test "$(sess_attr busy_responses)" -eq 0
check "the window reopened: nothing left in the target" \
	wait_for '[ "$(sess_attr commands)" -eq 0 ] && [ "$(active_cmds)" -eq 0 ]' 10

log "the limit raised to 16 during the session, by scstadmin -config"
check "scstadmd saved the limit of 4" wait_for '[ "$(conf_limit /tmp/scst.conf)" = "max_tgt_dev_commands 4" ]' 10
check "-write_config has it" bash -c "$SA -write_config lim4.conf && grep -q 'TARGET $IQN' lim4.conf"
check "in DEVICE disk0" test "$(conf_limit lim4.conf)" = "max_tgt_dev_commands 4"
check "-config of the written file changes nothing" has "No changes" "$SA" -config lim4.conf
sed 's/^\(\s*max_tgt_dev_commands\) 4$/\1 16/' lim4.conf >lim16.conf
check "-config of it with 16" "$SA" -config lim16.conf
check "disk0's limit is 16" test "$(dev_limit)" = 16
check "scstadmd saved the limit of 16" wait_for '[ "$(conf_limit /tmp/scst.conf)" = "max_tgt_dev_commands 16" ]' 10
check "fio verify passes with a limit of 16" fio_write_verify lim16 "$disk" 8M
peak=$(sess_attr commands_peak)
log "limit 16: at most $peak commands in the target"
check "never more than 16 commands in the target" test "$peak" -le 16
check "the window opened past 4" test "$peak" -gt 4
check "still no BUSY or TASK SET FULL response" test "$(sess_attr busy_responses)" -eq 0
grep -v 'max_tgt_dev_commands' lim16.conf >lim0.conf
check "-config of the file without the line" "$SA" -config lim0.conf
check "drops the limit to 0 (no limit)" test "$(cat "$D0/max_tgt_dev_commands")" = 0
check "scstadmd saved that too" wait_for '[ -z "$(conf_limit /tmp/scst.conf)" ]' 10

# ---- RspTimeout: a command stuck in the backend ----
log "a command held past RspTimeout"
check "fio verify before" fio_write_verify pre "$disk" 16M
# The snapshot without a session: the end is compared without one too.
iscsiadm -m node -T "$IQN" -p $ADDR --logout >/dev/null || true
wait_for '[ "$(nsessions "$IQN")" -eq 0 ] && [ "$(active_cmds)" -eq 0 ]' 20 || true
slab_settle
SCST_SLAB_PREFIX=scst_isc slab_snapshot /tmp/slab.rsp.isc
SCST_SLAB_PREFIX=scst_cmd slab_snapshot /tmp/slab.rsp.cmd
iscsiadm -m node -T "$IQN" -p $ADDR --login >/dev/null || fail "login again"
null=$(iscsi_wait_disk "$INI1" 1 60)
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
	wait_for '[ "$(nsessions "$IQN")" -eq 1 ] && [ "$(ups)" -gt "$old" ]' 60
check "the old session ended after its held command" \
	sh -c "dmesg | grep -q 'session $INI1 tsih [0-9]* down: a command not done within RspTimeout'"
rc=0
wait $ddpid || rc=$?
check "the held READ succeeds once retried" test $rc -eq 0
echo 90 >"$T/RspTimeout"
disk=$(iscsi_wait_disk "$INI1" 0 60)
check "fio verify on the new session" fio_write_verify post "$disk" 24M
check "no command left in the core" wait_for '[ "$(active_cmds)" -eq 0 ]' 10
check "no BUSY or TASK SET FULL on the new session" test "$(sess_attr busy_responses)" -eq 0

# ---- an aborted command reopens a closed window with a NOP-In ----
log "a command aborted while the window is closed"
check "scstadmin -set_dev_attr null0 max_tgt_dev_commands=1" \
	"$SA" -set_dev_attr null0 -attributes max_tgt_dev_commands=1
echo 3000 >"$N0/delay_ms"
check "scst_iscsi_badpdu abort-window: the NOP-In reopens it" \
	bash -c "/usr/local/bin/scst_iscsi_badpdu $ADDR $IQN iqn.2026-11.org.scst:vm.abort abort-window:1 >badpdu-abort.out 2>&1; rc=\$?; cat badpdu-abort.out; exit \$rc"
# Aborted by open-iscsi's LUN RESET instead: no TMF response goes to the
# tool's session, only the NOP-In can reopen its window.
echo 10000 >"$N0/delay_ms"
null=$(iscsi_wait_disk "$INI1" 1 60)
/usr/local/bin/scst_iscsi_badpdu $ADDR "$IQN" iqn.2026-11.org.scst:vm.reset reset-window:1 \
	>badpdu-reset.out 2>&1 &
badpid=$!
check "the tool's READ is held with the window closed" \
	wait_for 'grep -qx held badpdu-reset.out' 20
check "sg_reset -d (LUN RESET) through open-iscsi" sg_reset -d "$null"
rc=0
wait $badpid || rc=$?
cat badpdu-reset.out
check "scst_iscsi_badpdu reset-window: the NOP-In reopens it" test $rc -eq 0
echo 0 >"$N0/delay_ms"
check "null0's limit back to 0" "$SA" -set_dev_attr null0 -attributes max_tgt_dev_commands=0
check "open-iscsi still does I/O" fio_write_verify abort "$disk" 32M
iscsiadm -m node -T "$IQN" -p $ADDR --logout >/dev/null || true
check "no session after the logout" wait_for '[ "$(nsessions "$IQN")" -eq 0 ]' 20
slab_settle
# The SGV buffer cache keeps buffers on purpose: commands and tasks only.
no_leak() {
	SCST_SLAB_PREFIX=scst_isc slab_compare /tmp/slab.rsp.isc &&
		SCST_SLAB_PREFIX=scst_cmd slab_compare /tmp/slab.rsp.cmd
}
check "no command or task leaked by the held command" no_leak

iscsi_stop
scst_mgmt "$SCST/targets/iscsi/mgmt" "del_target $IQN"
scst_mgmt "$SCST/handlers/vdisk_fileio/mgmt" "del_device disk0"
scst_mgmt "$SCST/handlers/vdisk_nullio/mgmt" "del_device null0"
unload_scst
finish
