#!/bin/bash
# Persistent reservations and RESERVE/RELEASE between two I_T nexuses (two
# scst_local sessions, host_a and host_b, on one fileio device): register,
# reserve, conflicts, preempt, clear, release with sg_persist and sg_dd;
# an APTPL registration and reservation survive unloading and reloading the
# modules; an APTPL=0 state does not. Then libiscsi's PR and RESERVE(6)
# suites over SG_IO, and PREEMPT AND ABORT with writes in flight (a slow
# null_blk device under blockio).
# timeout: 600
set -euo pipefail
source /scst/tests/vm/lib.sh

PRDIR=/var/lib/scst/pr
# iSCSI-style names, so that sg_persist --transport-id=iqn... can name them.
NA=iqn.2024-01.test.host-a
NB=iqn.2024-01.test.host-b

# expect_conflict CMD...: CMD must fail with RESERVATION CONFLICT (sg_persist
# and sg_raw exit with 24, sg_dd with 99 and says so).
expect_conflict() {
	local rc=0 out
	out=$("$@" 2>&1) || rc=$?
	if [ "$rc" -eq 24 ] || { [ "$rc" -ne 0 ] && grep -qi 'reservation conflict' <<<"$out"; }; then
		return 0
	fi
	printf '%s\n' "$out"
	echo "exit code $rc, expected a RESERVATION CONFLICT"
	return 1
}
# sg_raw: sg_dd does not say why a read failed.
rd() { sg_raw -r 512 "$1" 28 00 00 00 00 00 00 00 01 00 >/dev/null; }
wr() { sg_dd if=/dev/zero of="$1" bs=512 count=1 oflag=sgio seek=100; }
# Take pending Unit Attentions off an I_T nexus (TUR reports them first).
clear_ua() { sg_turs "$1" >/dev/null 2>&1 || true; sg_turs "$1" >/dev/null 2>&1 || true; }
keys_of() { sg_persist --in --read-keys "$1" 2>&1 | awk '$1 ~ /^0x/ {print $1}' | sort | tr '\n' ' '; }

setup() { # setup: device, LUN 0, two sessions; sets da and db
	scst_mgmt "$SCST/handlers/vdisk_fileio/mgmt" "add_device prdisk filename=/srv/pr.img"
	scst_mgmt "$LOCAL_TGT/luns/mgmt" "add prdisk 0"
	scst_mgmt "$SCST/targets/scst_local/mgmt" "add_session scst_local_tgt $NA"
	scst_mgmt "$SCST/targets/scst_local/mgmt" "add_session scst_local_tgt $NB"
	ha=$(local_host $NA) || fail "no host for $NA"
	hb=$(local_host $NB) || fail "no host for $NB"
	da=$(local_disk "$ha" 0) || fail "no disk on host_a"
	db=$(local_disk "$hb" 0) || fail "no disk on host_b"
	clear_ua "$da"
	clear_ua "$db"
}

teardown() {
	scst_mgmt "$SCST/targets/scst_local/mgmt" "del_session scst_local_tgt $NA"
	scst_mgmt "$SCST/targets/scst_local/mgmt" "del_session scst_local_tgt $NB"
	scst_mgmt "$LOCAL_TGT/luns/mgmt" "del 0"
	local_rescan
	scst_mgmt "$SCST/handlers/vdisk_fileio/mgmt" "del_device prdisk"
}

mkdir -p "$PRDIR"
truncate -s 64M /srv/pr.img
load_scst
setup
log "host_a=$da host_b=$db"

check "REPORT CAPABILITIES" bash -c "sg_persist --in --report-capabilities $da | grep -q 'SIP_C): 1'"
check "A registers 0xa1" sg_persist --out --register --param-sark=a1 "$da"
check "B registers 0xb1" sg_persist --out --register --param-sark=b1 "$db"
check "B with a wrong key: conflict" expect_conflict sg_persist --out --register --param-rk=99 --param-sark=b2 "$db"
check "READ KEYS lists both" bash -c "[ \"$(keys_of "$db")\" = '0xa1 0xb1 ' ]"

# WRITE EXCLUSIVE: B reads, B cannot write, A can.
check "A reserves WE" sg_persist --out --reserve --param-rk=a1 --prout-type=1 "$da"
check "READ RESERVATION from B shows A's key, WE" bash -c "sg_persist --in --read-reservation $db | tee /dev/stderr | grep -q 'Key=0xa1' && sg_persist --in --read-reservation $db | grep -qi 'type: Write Exclusive'"
check "WE: B reads" rd "$db"
check "WE: B write gets RESERVATION CONFLICT" expect_conflict wr "$db"
check "WE: A writes" wr "$da"
check "B cannot reserve" expect_conflict sg_persist --out --reserve --param-rk=b1 --prout-type=1 "$db"
check "RESERVE(6) while registered: conflict" expect_conflict sg_raw "$db" 16 00 00 00 00 00
check "A releases WE" sg_persist --out --release --param-rk=a1 --prout-type=1 "$da"
check "B writes after the release" wr "$db"

# EXCLUSIVE ACCESS: B can neither read nor write.
check "A reserves EA" sg_persist --out --reserve --param-rk=a1 --prout-type=3 "$da"
check "EA: B read gets RESERVATION CONFLICT" expect_conflict rd "$db"
check "EA: B write gets RESERVATION CONFLICT" expect_conflict wr "$db"
check "EA: A reads" rd "$da"

# PREEMPT: B takes the reservation and A's registration goes.
check "B preempts A (EA)" sg_persist --out --preempt --param-rk=b1 --param-sark=a1 --prout-type=3 "$db"
check "A got REGISTRATIONS PREEMPTED" bash -c "sg_turs -v $da 2>&1 | grep -qi 'registrations preempted'"
clear_ua "$da"
check "READ KEYS: only 0xb1" bash -c "[ \"$(keys_of "$da")\" = '0xb1 ' ]"
check "EA held by B: A read conflicts" expect_conflict rd "$da"
check "B reads" rd "$db"

# PREEMPT AND ABORT of a registrant that does not hold the reservation.
check "A registers 0xa1 again" sg_persist --out --register --param-sark=a1 "$da"
check "B preempts and aborts A (WE)" sg_persist --out --preempt-abort --param-rk=b1 --param-sark=a1 --prout-type=1 "$db"
clear_ua "$da"
check "READ KEYS after PREEMPT AND ABORT: only 0xb1" bash -c "[ \"$(keys_of "$da")\" = '0xb1 ' ]"
# A was not the holder: the reservation (EA) stays as it was.
check "still EA, held by B" bash -c "sg_persist --in --read-reservation $da | grep -qi 'type: Exclusive Access'"
check "EA held by B: A read conflicts" expect_conflict rd "$da"

# CLEAR, then RESERVE(6)/RELEASE(6) work again.
check "B clears" sg_persist --out --clear --param-rk=b1 "$db"
check "no keys after CLEAR" bash -c "[ -z \"$(keys_of "$da")\" ]"
check "A reads after CLEAR" rd "$da"
check "RESERVE(6) from A" sg_raw "$da" 16 00 00 00 00 00
check "RESERVE(6) held: B read conflicts" expect_conflict rd "$db"
check "RESERVE(6) held: B RESERVE(6) conflicts" expect_conflict sg_raw "$db" 16 00 00 00 00 00
check "RESERVE(6) held: B PR IN conflicts" expect_conflict sg_persist --in --read-keys "$db"
check "RESERVE(6) held: A writes" wr "$da"
check "RELEASE(6) from A" sg_raw "$da" 17 00 00 00 00 00
check "B writes after RELEASE(6)" wr "$db"
check "RESERVE(10) from B" sg_raw "$db" 56 00 00 00 00 00 00 00 00 00
check "RESERVE(10) held: A write conflicts" expect_conflict wr "$da"
check "RELEASE(10) from B" sg_raw "$db" 57 00 00 00 00 00 00 00 00 00

# SPEC_I_PT: A registers itself and B (iSCSI name TransportID).
check "A registers A and B by SPEC_I_PT" sg_persist --out --register --param-sark=c1 --transport-id="$NB" "$da"
clear_ua "$db"
check "SPEC_I_PT registered both" bash -c "[ \"$(keys_of "$da")\" = '0xc1 0xc1 ' ]"
# REGISTER AND MOVE: A reserves, then hands the reservation to B.
rtpi=$(cat "$LOCAL_TGT/rel_tgt_id" 2>/dev/null || echo 1)
check "A reserves WE with 0xc1" sg_persist --out --reserve --param-rk=c1 --prout-type=1 "$da"
check "A moves it to B (0xd1), unregistering" sg_persist --out --register-move --param-rk=c1 --param-sark=d1 --prout-type=1 --relative-target-port="$rtpi" --transport-id="$NB" --unreg "$da"
check "B holds it with 0xd1" bash -c "sg_persist --in --read-reservation $da | grep -q 'Key=0xd1'"
check "B writes" wr "$db"
check "A write conflicts" expect_conflict wr "$da"
check "B clears" sg_persist --out --clear --param-rk=d1 "$db"
clear_ua "$da"

# APTPL: B registers, A registers with APTPL=1 and reserves WE.
check "B registers 0xb2" sg_persist --out --register --param-sark=b2 "$db"
check "A registers 0xa2 with APTPL" sg_persist --out --register --param-sark=a2 --param-aptpl "$da"
check "A reserves WE" sg_persist --out --reserve --param-rk=a2 --prout-type=1 "$da"
check "PTPL_A reported" bash -c "sg_persist --in --report-capabilities $da | grep -q 'PTPL_A): 1'"
check "an APTPL file was written" bash -c "ls $PRDIR/prdisk.* >/dev/null"

teardown
unload_scst
log "modules unloaded; loading them again"
load_scst
setup
check "after reload: keys are back" bash -c "[ \"$(keys_of "$db")\" = '0xa2 0xb2 ' ]"
check "after reload: A's WE reservation is back" bash -c "sg_persist --in --read-reservation $db | grep -q 'Key=0xa2'"
check "after reload: B write conflicts" expect_conflict wr "$db"
check "after reload: A writes" wr "$da"

# APTPL=0 from now on: nothing comes back.
check "A re-registers without APTPL" sg_persist --out --register --param-rk=a2 --param-sark=a3 "$da"
teardown
setup
check "after re-adding the device with APTPL=0: no keys" bash -c "[ -z \"$(keys_of "$da")\" ]"
check "and B writes" wr "$db"

# libiscsi's suites. Its two-initiator tests log in a second time over
# iSCSI (iscsic2); over SG_IO they cannot, see the output.
modprobe sg
ga=$(local_sg "$ha" 0) || fail "no sg device for LUN 0 of $NA"
summary_all=""
for suite in PrinReadKeys PrinServiceactionRange PrinReportCapabilities \
	ProutRegister ProutReserve ProutClear ProutPreempt Reserve6; do
	s=$(cu_sg /tmp/pr-$suite.log "SCSI.$suite" "$ga") || true
	read -r _ total ran passed failed _ <<<"${s:-x 0 0 0 0}"
	skipped=$(grep -c 'SKIPPED' /tmp/pr-$suite.log || true)
	log "iscsi-test-cu SCSI.$suite: total=$total ran=$ran passed=$passed failed=$failed skipped=$skipped"
	grep -E 'FAILED|SKIPPED|error' /tmp/pr-$suite.log | head -n 10 || true
	summary_all+="$suite:$passed/$ran "
	check "iscsi-test-cu SCSI.$suite ran and had no failures" test "$ran" -gt 0 -a "$failed" -eq 0
done
log "libiscsi summary: $summary_all"

# PREEMPT AND ABORT with commands in flight: blockio on a null_blk device
# that completes every I/O after 0.5 s, so A's writes are still executing
# when B preempts and aborts A. The PR OUT completes once they are gone, A
# sees its writes fail (TASK ABORTED, then RESERVATION CONFLICT on the
# retry) and no command is left behind.
modprobe null_blk nr_devices=1 gb=1 irqmode=2 completion_nsec=500000000
scst_mgmt "$SCST/handlers/vdisk_blockio/mgmt" "add_device slow0 filename=/dev/nullb0"
scst_mgmt "$LOCAL_TGT/luns/mgmt" "add slow0 1"
sa=$(local_disk "$ha" 1) || fail "no slow disk on host_a"
sb=$(local_disk "$hb" 1) || fail "no slow disk on host_b"
clear_ua "$sa"
clear_ua "$sb"
check "slow: B registers 0xb1" sg_persist --out --register --param-sark=b1 "$sb"
check "slow: A registers 0xa1" sg_persist --out --register --param-sark=a1 "$sa"
check "slow: B reserves WE, registrants only" \
	sg_persist --out --reserve --param-rk=b1 --prout-type=5 "$sb"
fio --name=inflight --filename="$sa" --ioengine=libaio --direct=1 --rw=randwrite \
	--bs=4k --iodepth=16 --size=64M --time_based --runtime=60 \
	--output=/tmp/fio-pa.out >/dev/null 2>&1 &
fiopid=$!
check "A has writes in flight" \
	wait_for "[ \$(cat $SCST/active_commands) -ge 8 ]" 30
inflight=$(cat "$SCST/active_commands")
t0=$SECONDS
check "B preempts and aborts A with $inflight commands in flight" \
	timeout 60 sg_persist --out --preempt-abort --param-rk=b1 --param-sark=a1 \
	--prout-type=5 "$sb"
log "PREEMPT AND ABORT took $((SECONDS - t0)) s"
fiorc=0
wait_for "! kill -0 $fiopid 2>/dev/null" 90 || kill "$fiopid" 2>/dev/null || true
wait "$fiopid" || fiorc=$?
cat /tmp/fio-pa.out || true
check "A's writes failed after being preempted (fio exit code $fiorc)" test "$fiorc" -ne 0
check "A's writes end in RESERVATION CONFLICT" expect_conflict wr "$sa"
check "no command is left behind" wait_for "[ \$(cat $SCST/active_commands) -eq 0 ]" 30
clear_ua "$sa"
check "slow: READ KEYS: only 0xb1" bash -c "[ \"$(keys_of "$sa")\" = '0xb1 ' ]"
check "slow: B still writes" wr "$sb"
check "slow: B clears" sg_persist --out --clear --param-rk=b1 "$sb"
scst_mgmt "$LOCAL_TGT/luns/mgmt" "del 1"
local_rescan
scst_mgmt "$SCST/handlers/vdisk_blockio/mgmt" "del_device slow0"
rmmod null_blk

teardown
unload_scst
finish
