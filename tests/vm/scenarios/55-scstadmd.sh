#!/bin/bash
# scstadmd: a saved config with an error leaves a fresh kernel untouched;
# a good one is restored at start after a fresh module load; changes made
# through sysfs and netlink are saved; SIGKILL during fio with verify on an
# scst_local LUN costs the initiator nothing, and a new scstadmd resyncs
# without changing the kernel and keeps saving. A netlink overrun forces a
# resync; modules unloaded under it do not empty the file, which is applied
# again when they are back. The file parses after every step and no
# temporary file is left behind.
# timeout: 600
set -euo pipefail
source /scst/tests/vm/lib.sh

ADMD=/usr/local/bin/scstadmd
NL=/usr/local/bin/scstnl
[ -x "$ADMD" ] || fail "scstadmd is not in the initramfs (build user space first)"
[ -x "$NL" ] || fail "scstnl is not in the initramfs"
CONF=/etc/scst.conf
D=scst_local
T=scst_local_tgt

# file_ok: the saved file parses and validates, and no temporary file of
# the atomic writer is left in /etc.
file_ok() {
	"$ADMD" --check --config "$CONF" || return 1
	! ls -a /etc | grep -q '^\.scst\.conf\.tmp'
}

# start_daemon LOG: scstadmd in the background; waits until it runs.
start_daemon() {
	"$ADMD" --foreground --log-level debug --config "$CONF" >"$1" 2>&1 &
	admd=$!
	wait_for "grep -q 'running; saving' $1 || ! kill -0 $admd 2>/dev/null" 60 || true
	kill -0 "$admd" 2>/dev/null || { cat "$1"; fail "scstadmd exited at start"; }
	grep -q 'running; saving' "$1" || { cat "$1"; fail "scstadmd did not start in 60 s"; }
	log "scstadmd $admd runs"
}

# stop_daemon: SIGTERM; it must exit with 0.
stop_daemon() {
	local rc=0
	kill -TERM "$admd"
	wait "$admd" || rc=$?
	[ "$rc" -eq 0 ] || fail "scstadmd exited with $rc on SIGTERM"
}

# kernel_state: everything netlink lists, sorted; sessions and their
# counters left out (fio's I/O moves them).
kernel_state() {
	{
		"$NL" device-get
		"$NL" target-get "$D"
		"$NL" lun-get "$D" "$T"
		"$NL" group-get "$D" "$T"
		for g in $("$NL" group-get "$D" "$T" | sed -nE 's/.* group=([^ ]+).*/\1/p' | sort -u); do
			"$NL" lun-get "$D" "$T" -g "$g"
		done
	} | sort
}

saved_has() { grep -qE "$1" "$CONF"; }
# The daemon's logs and the file go back to the host whatever happens.
save_results() { cp admd*.log fio.out "$CONF" "$CONF.rejected" "$SCST_RESULTS/" 2>/dev/null || true; }
trap save_results EXIT
logged() { wait_for "grep -qE '$2' $1" 10 || { tail -n 20 "$1"; return 1; }; }

load_scst
truncate -s 64M /srv/disk0.img

# ---- 1. a saved file with an error: the fresh kernel stays untouched ----
cat >"$CONF" <<'CONF'
HANDLER vdisk_nullio {
	DEVICE null0 {
		size_mb 16
	}
}

TARGET_DRIVER scst_local {
	TARGET scst_local_tgt {
		LUN 0 null0
		LUN 1 nosuch
	}
}
CONF
start_daemon admd0.log
check "the error names the file, line and field" \
	grep -q "$CONF:10:.*LUN 1/device: no device \"nosuch\"" admd0.log
check "the kernel is untouched" bash -c "[ -z \"\$($NL device-get)\" ] && [ -z \"\$($NL lun-get $D $T)\" ]"
check "the rejected file is kept aside" grep -q nosuch "$CONF.rejected"
check "the saved file parses" file_ok
check "the saved file now is the empty kernel" bash -c "! grep -q null0 $CONF"
stop_daemon

# ---- 2. a fresh module load: the saved file is restored ----
unload_scst
load_scst
cat >"$CONF" <<'CONF'
# restored by scstadmd at start
HANDLER vdisk_nullio {
	DEVICE null0 {
		size_mb 16
	}
	DEVICE null1
}

HANDLER vdisk_fileio {
	DEVICE disk0 {
		filename /srv/disk0.img
	}
}

TARGET_DRIVER scst_local {
	TARGET scst_local_tgt {
		# scst_local's sessions: the one it creates when it loads
		session_name scst_local_host
		LUN 0 disk0
		LUN 1 null0
		GROUP g1 {
			LUN 0 null1
			INITIATOR "host_g1*"
		}
	}
}
CONF
start_daemon admd1.log
check "restore was chosen" grep -q 'the kernel holds no configuration: restoring' admd1.log
check "restore kept the target and its session" bash -c "! grep -q 'delete target' admd1.log"
check "devices restored" test -d "$SCST/devices/disk0" -a -d "$SCST/devices/null0" -a -d "$SCST/devices/null1"
check "LUN 0 is disk0" bash -c "readlink $LOCAL_TGT/luns/0/device | grep -q '/disk0$'"
check "group g1 and its LUN and initiator restored" \
	bash -c "test -f '$LOCAL_TGT/ini_groups/g1/initiators/host_g1*' && readlink $LOCAL_TGT/ini_groups/g1/luns/0/device | grep -q '/null1$'"
check "the saved file parses" file_ok
check "the saved file was rewritten by scstadmd" saved_has 'saved by scstadmd'
check "the saved file holds the restored objects" \
	bash -c "grep -q 'DEVICE disk0' $CONF && grep -q 'GROUP g1' $CONF && grep -q 'INITIATOR' $CONF"
second_daemon() {
	local rc=0
	timeout 20 "$ADMD" --foreground --config "$CONF" >second.log 2>&1 || rc=$?
	cat second.log
	[ "$rc" -eq 1 ] && grep -q 'another scstadmd is running' second.log
}
check "a second daemon is refused" second_daemon
cp "$CONF" "$SCST_RESULTS/restored.conf" 2>/dev/null || true

# ---- 3. changes through sysfs and netlink are saved ----
scst_mgmt "$SCST/handlers/vdisk_nullio/mgmt" "add_device sys0 size_mb=8"
check "sysfs: the event is logged" logged admd1.log 'device added: sys0 \(vdisk_nullio\)'
check "sysfs: the new device is saved" wait_for "grep -q 'DEVICE sys0' $CONF" 10
check "the saved file parses" file_ok
"$NL" lun-add "$D" "$T" 5 sys0 || fail "scstnl lun-add"
check "netlink: the event is logged" logged admd1.log 'config changed: LUN_ADD .*LUN 5'
check "netlink: the new LUN is saved" wait_for "grep -qE 'LUN 5 sys0' $CONF" 10
check "the saved file parses" file_ok
scst_mgmt "$LOCAL_TGT/ini_groups/mgmt" "create g2"
check "sysfs: a new group is saved" wait_for "grep -q 'GROUP g2' $CONF" 10
"$NL" group-del "$D" "$T" g2 || fail "scstnl group-del"
check "netlink: the deleted group is gone from the file" wait_for "! grep -q 'GROUP g2' $CONF" 10
check "the saved file parses" file_ok

# ---- 4. SIGKILL during fio with verify; a new daemon resyncs ----
host=$(local_host scst_local_host) || {
	ls -l "$LOCAL_TGT/sessions" /sys/class/scsi_host/
	cat /sys/class/scsi_host/host*/initiator_name
	fail "no scst_local host"
}
local_rescan
disk=$(local_disk "$host" 0) || fail "LUN 0 did not appear"
log "fio on $disk"
fio --name=verify --filename="$disk" --ioengine=libaio --direct=1 \
	--rw=randwrite --bs=4k --iodepth=16 --size=48M --verify=crc32c \
	--verify_backlog=256 --verify_fatal=1 --do_verify=1 \
	--time_based --runtime=25 --output-format=terse --terse-version=3 \
	>fio.out 2>&1 &
fio_pid=$!
sleep 5
kernel_state >state.before
cp "$CONF" conf.before
kill -KILL "$admd"
wait "$admd" 2>/dev/null || true
check "fio still runs after scstadmd was killed" kill -0 "$fio_pid"
sleep 2
start_daemon admd2.log
check "the new daemon takes the kernel as the truth" grep -q 'the kernel holds a configuration' admd2.log
check "the new daemon applied nothing" bash -c "! grep -qE 'restor|applying' admd2.log"
kernel_state >state.after
check "the kernel state is unchanged by the restart" diff -u state.before state.after
check "the saved file is unchanged by the restart" cmp conf.before "$CONF"
check "the saved file parses" file_ok
rc=0
wait "$fio_pid" || rc=$?
cp fio.out "$SCST_RESULTS/" 2>/dev/null || true
check "fio exited with 0" test "$rc" -eq 0
# terse v3: field 5 is the error count.
check "fio reports no I/O error" bash -c "awk -F';' '\$1 == 3 {print \$5}' fio.out | grep -qx 0"
check "no I/O error in the kernel log" bash -c "! dmesg | grep -E 'I/O error|critical target error'"

# ---- 5. the new daemon keeps saving ----
scst_mgmt "$LOCAL_TGT/luns/mgmt" "del 5"
check "sysfs after the restart: the removed LUN is saved" wait_for "! grep -q 'LUN 5 sys0' $CONF" 10
"$NL" device-del sys0 || fail "scstnl device-del"
check "netlink after the restart: the removed device is saved" wait_for "! grep -q 'DEVICE sys0' $CONF" 10
check "the saved file parses" file_ok
# ---- 6. a netlink overrun (ENOBUFS) forces a full resync ----
kill -STOP "$admd"
for i in $(seq 100 1299); do
	echo "add null1 $i" >"$LOCAL_TGT/ini_groups/g1/luns/mgmt"
done
kill -CONT "$admd"
check "the overrun is noticed" logged admd2.log 'netlink overrun'
check "all 1200 LUNs are saved" wait_for "grep -q 'LUN 1299 null1' $CONF" 30
check "the saved file parses" file_ok
for i in $(seq 100 1299); do
	echo "del $i" >"$LOCAL_TGT/ini_groups/g1/luns/mgmt"
done
check "their removal is saved" wait_for "! grep -q 'LUN 1[0-9][0-9][0-9] null1' $CONF" 60
check "the saved file parses" file_ok

# ---- 7. modules unloaded while it runs: the file keeps their objects ----
kernel_state >state.loaded
cp "$CONF" conf.loaded
rmmod_busy scst_local || fail "rmmod scst_local"
check "an unloaded driver is noticed" logged admd2.log 'target driver scst_local unloaded'
sleep 1
check "the file still holds the target's LUNs" cmp conf.loaded "$CONF"
modprobe scst_local || fail "modprobe scst_local"
check "the file is applied again when scst_local is back" \
	wait_for "readlink $LOCAL_TGT/luns/0/device 2>/dev/null | grep -q /disk0" 20
check "g1 is back" wait_for "test -f '$LOCAL_TGT/ini_groups/g1/initiators/host_g1*'" 10
kernel_state >state.reloaded
check "the kernel state is the one before the unload" diff -u state.loaded state.reloaded
check "the file is unchanged" cmp conf.loaded "$CONF"

# The whole stack, the core included: the daemon subscribes again.
unload_scst
check "the unload is noticed" logged admd2.log 'unloaded: not saving'
check "the file is unchanged with no module loaded" cmp conf.loaded "$CONF"
load_scst
check "everything is applied again" \
	wait_for "readlink $LOCAL_TGT/ini_groups/g1/luns/0/device 2>/dev/null | grep -q /null1" 20
kernel_state >state.reloaded2
check "the kernel state is the one before the unload" diff -u state.loaded state.reloaded2
scst_mgmt "$SCST/handlers/vdisk_nullio/mgmt" "add_device after_reload size_mb=1"
check "changes after the reload are saved" wait_for "grep -q 'DEVICE after_reload' $CONF" 10
"$NL" device-del after_reload || fail "scstnl device-del after_reload"
check "and removed" wait_for "! grep -q 'DEVICE after_reload' $CONF" 10
check "the saved file parses" file_ok

kill -HUP "$admd"
check "SIGHUP re-reads" logged admd2.log 'SIGHUP: re-reading'
check "the daemon still runs after SIGHUP" kill -0 "$admd"
stop_daemon
check "it said why it exited" grep -q 'exiting on' admd2.log
check "the saved file parses" file_ok
check "no temporary file left" bash -c "! ls -a /etc | grep -q '^\.scst\.conf\.tmp'"

# ---- detached: the parent returns once started; the lock names the daemon ----
check "a detached start returns 0" timeout 60 "$ADMD" --config "$CONF"
pid=$(cat /run/scstadmd.lock)
check "the detached daemon runs" kill -0 "$pid"
check "it holds the lock" bash -c "! timeout 20 $ADMD --foreground --config $CONF"
kill -TERM "$pid"
check "it exits on SIGTERM" wait_for "! kill -0 $pid 2>/dev/null" 10

# Take the configuration down so that the modules unload.
"$NL" driver-mgmt "$D" "del_session $T scst_local_host" 2>/dev/null || true
"$NL" lun-clear "$D" "$T" -g g1 || true
"$NL" lun-clear "$D" "$T" || true
"$NL" initiator-del "$D" "$T" g1 'host_g1*' || true
"$NL" group-del "$D" "$T" g1 || true
for d in disk0 null0 null1; do "$NL" device-del "$d" || true; done
unload_scst
finish
