#!/bin/bash
# The CmdSN window follows the buffer memory: with sgv_max_mb 2, fio over
# open-iscsi (2 jobs at queue depth 32, 64k-256k random reads and writes,
# crc32c verify) on a fileio LU hits the limit, and the BUSY answers shrink
# the window (busy_window), so they stay few relative to the commands;
# fio finishes without an error and its verify passes. Without the limit
# the window grows back, no buffer stays in use, and logout and unload
# are clean.
# timeout: 240
set -euo pipefail
source /scst/tests/vm/lib.sh
source /scst/tests/vm/iscsi-lib.sh

IQN=iqn.2026-11.org.scst:vm.memwindow
ADDR=10.99.0.1
T=$SCST/targets/iscsi/$IQN
SGV=$SCST/sgv
PARAMS=/sys/module/scst/parameters
# The most BUSY answers per 100 commands; without the window following the
# memory, every command over it gets one (see the README).
MAX_BUSY_PCT=${MAX_BUSY_PCT:-10}

save_results() {
	cp admd.log iscsid.log fio*.out sgv-*.txt sess-*.txt "$SCST_RESULTS/" 2>/dev/null || true
	dmesg | grep -E 'scst_iscsi|connection|session' >"$SCST_RESULTS/iscsi-dmesg.txt" || true
}
trap save_results EXIT

sess_attr() { cat "$T/sessions/$INI1/$1"; }
gstat() { awk -v k="$1" '$1 == k {print $2}' "$SGV/global_stats"; }
# The SGV buffers of all size classes in use: the stats' in_use column.
sgv_in_use() { awk 'NR > 1 {n += $2} END {print n + 0}' "$SGV/stats"; }
# fio_ios NAME: the reads and writes fio issued (BUSY retries not counted).
fio_ios() {
	sed -n 's/.*issued rwts: total=\([0-9]*\),\([0-9]*\),.*/\1 \2/p' "fio-$1.out" |
		awk '{n += $1 + $2} END {print n + 0}'
}
save_state() { # save_state NAME
	cat "$SGV/stats" "$SGV/global_stats" >"sgv-$1.txt"
	for a in commands commands_peak window_closed busy_responses busy_window \
		busy_window_low busy_window_shrinks; do
		echo "$a $(sess_attr $a)"
	done >"sess-$1.txt"
}

load_scst
dummy_portal $ADDR

truncate -s 320M /srv/disk0.img
scst_mgmt "$SCST/handlers/vdisk_fileio/mgmt" "add_device disk0 filename=/srv/disk0.img"
iscsi_target "$IQN" disk0:0
admd_start $ADDR:3260
iscsid_start
iscsi_discover $ADDR
iscsi_login "$IQN" $ADDR
disk=$(iscsi_wait_disk "$INI1" 0 60)
log "open-iscsi session: $disk"
qd=$(cat "$T/QueuedCommands")
check "the window starts at QueuedCommands ($qd)" test "$(sess_attr busy_window)" -eq "$qd"
check "and has not shrunk" test "$(sess_attr busy_window_shrinks)" -eq 0

# ---- sgv_max_mb 2: 512 pages, 8 to 32 commands of 256k to 64k ----
echo 2 >"$PARAMS/sgv_max_mb"
echo 1 >"$SGV/flush"
fails0=$(gstat limit_failures)
busy0=$(sess_attr busy_responses)
log "fio 64k-256k randrw QD 2 x 32 under sgv_max_mb 2"
rc=0
fio_verify mem "$disk" 0 --bsrange=64k-256k --size=128M --offset_increment=128M || rc=$?
save_state mem
check "fio finishes without an error and its crc32c verify passes" test $rc -eq 0
fails=$(($(gstat limit_failures) - fails0))
busy=$(($(sess_attr busy_responses) - busy0))
ios=$(fio_ios mem)
low=$(sess_attr busy_window_low)
shrinks=$(sess_attr busy_window_shrinks)
log "$ios commands, $busy BUSY, $fails limit failures, window down to $low ($shrinks shrinks), peak $(sess_attr commands_peak)"
check "the memory limit was hit (limit_failures)" test "$fails" -gt 0
check "commands were answered BUSY" test "$busy" -gt 0
check "fio did its commands" test "$ios" -ge 500
check "the BUSY answers shrank the window" test "$shrinks" -gt 0
check "below fio's queue depth" test "$low" -lt 32
check "the BUSY answers stay few: $busy per $ios commands, at most $MAX_BUSY_PCT%" \
	test $((busy * 100)) -le $((ios * MAX_BUSY_PCT))
check "no command left in the target" \
	wait_for '[ "$(sess_attr commands)" -eq 0 ] && [ "$(cat $SCST/active_commands)" -eq 0 ]' 10
check "no SGV buffer left in use" wait_for '[ "$(sgv_in_use)" -eq 0 ] && [ "$(gstat pages_in_use)" -eq 0 ]' 10
check "within sgv_max_mb" test "$(gstat pages_total)" -le 512

# ---- no limit: the window grows back ----
echo 0 >"$PARAMS/sgv_max_mb"
win=$(sess_attr busy_window)
busy0=$(sess_attr busy_responses)
check "fio verify passes without the limit" fio_verify free "$disk" 256M --bsrange=4k-64k
save_state free
log "window $win -> $(sess_attr busy_window)"
check "no BUSY answer without the limit" test "$(sess_attr busy_responses)" -eq "$busy0"
check "the window grew back" test "$(sess_attr busy_window)" -gt "$win"
check "no SGV buffer left in use after it" wait_for '[ "$(sgv_in_use)" -eq 0 ] && [ "$(gstat pages_in_use)" -eq 0 ]' 10

iscsiadm -m node -T "$IQN" -p $ADDR --logout >/dev/null || true
check "no session after the logout" wait_for '[ "$(nsessions "$IQN")" -eq 0 ]' 20
check "no SGV buffer in use after the logout" test "$(sgv_in_use)" -eq 0
iscsi_stop
scst_mgmt "$SCST/targets/iscsi/mgmt" "del_target $IQN"
scst_mgmt "$SCST/handlers/vdisk_fileio/mgmt" "del_device disk0"
unload_scst
finish
