#!/bin/bash
# Zero-copy Data-In and a peer that stops acknowledging: with every Data-In
# sent without a copy, 256 KiB reads in flight, the packets to the
# initiator are dropped (iptables) and the target is disabled, which ends
# its session. The skbs that hold the commands' pages are never ACKed: the
# connection must give up on them (socket aborted after 3 s) so that the
# commands and the session end, instead of TCP retransmitting for minutes.
# Afterwards no command and no slab object of ours is left.
# timeout: 300
set -euo pipefail
source /scst/tests/vm/lib.sh
source /scst/tests/vm/iscsi-lib.sh

IQN=iqn.2026-11.org.scst:vm.zccut
T=$SCST/targets/iscsi/$IQN

save_results() {
	cp admd.log fio-cut.out "$SCST_RESULTS/" 2>/dev/null || true
	iptables -D INPUT -p tcp --sport 3260 -j DROP 2>/dev/null || true
}
trap save_results EXIT

load_scst
slab_snapshot /tmp/slab.before
scst_mgmt "$SCST/handlers/vdisk_nullio/mgmt" "add_device zc0 size_mb=256"
iscsi_target "$IQN" zc0:0
echo 1 >/sys/module/scst_iscsi/parameters/zerocopy_threshold

admd_start 127.0.0.1:3260
iscsid_start
iscsi_discover 127.0.0.1
# Without its own NOP-Out pings the initiator keeps the socket open: its
# ping timeout would reset the connection (an RST frees the unacked skbs)
# and race the target's abort path that this scenario is about.
for k in noop_out_interval noop_out_timeout; do
	iscsi_node "$IQN" 127.0.0.1 "node.conn[0].timeo.$k" 0 || fail "iscsiadm $k"
done
iscsi_login "$IQN" 127.0.0.1
disk=$(iscsi_wait_disk "$IQN" 0)
log "disk $disk, zero copy for every Data-In"

fio --name=cut --filename="$disk" --ioengine=libaio --direct=1 --rw=randread \
	--bs=256k --iodepth=32 --time_based --runtime=60 >fio-cut.out 2>&1 &
fio=$!
reads() { awk '{print $1}' "/sys/block/${disk#/dev/}/stat"; }
# fio starts slowly under TCG: cut only once reads complete.
wait_for '[ "$(reads)" -gt 200 ]' 60 || fail "fio does not read"
log "dropping everything the target sends"
iptables -A INPUT -p tcp --sport 3260 -j DROP
sleep 2
log "disabling the target"
t0=$(date +%s)
echo 0 >"$T/enabled"
check "the session ends within 20 s" wait_for '[ "$(nsessions "$IQN")" -eq 0 ]' 20
log "session gone after $(($(date +%s) - t0)) s"
check "the connection was aborted" sh -c 'dmesg | grep -q "zero-copy data not acknowledged"' 
check "no command left in the core" wait_for \
	'[ "$(cat $SCST/active_commands)" -eq 0 ]' 10

iptables -D INPUT -p tcp --sport 3260 -j DROP
kill -9 $fio 2>/dev/null || true
iscsiadm -m node -T "$IQN" -p 127.0.0.1 --logout >/dev/null 2>&1 || true
iscsiadm -m node -T "$IQN" -p 127.0.0.1 -o delete >/dev/null 2>&1 || true
wait $fio 2>/dev/null || true
iscsi_stop
echo 0 >/sys/module/scst_iscsi/parameters/zerocopy_threshold
scst_mgmt "$SCST/targets/iscsi/mgmt" "del_target $IQN"
scst_mgmt "$SCST/handlers/vdisk_nullio/mgmt" "del_device zc0"
unload_scst
check "no slab object of ours left" slab_compare /tmp/slab.before
finish
