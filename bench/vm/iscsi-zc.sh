#!/bin/bash
# Benchmark: zero-copy Data-In of scst_iscsi against copying it, in the same
# VM and session: fio random read of 4 KiB and of 256 KiB, queue depth 32,
# one job, libaio direct, on a nullio LUN over loopback iSCSI (open-iscsi).
# The module parameter zerocopy_threshold switches the mode between runs
# (0: copy; 1: every Data-In segment without a copy); the modes alternate,
# ROUNDS runs each, medians of IOPS, MB/s and busy CPU share. Over loopback
# the receiving side copies zero-copy pages once more (skb_orphan_frags_rx),
# so this shows the sender's cost, not a NIC's.
# Prints "zc_ratio 4k=X 256k=Y" (zero copy over copy, IOPS).
# timeout: 900
set -euo pipefail
source /scst/bench/vm/iscsi-lib.bash
trap bench_save EXIT
rounds=${SCST_BENCH_ROUNDS:-5}
P=/sys/module/scst_iscsi/parameters/zerocopy_threshold

bench_ours_only
log "disk=$disk rounds=$rounds runtime=${SCST_BENCH_RUNTIME:-5}s"

declare -A iops mbs cpu
for bs in 4k 256k; do
	for mode in copy zc; do iops[$bs.$mode]='' mbs[$bs.$mode]='' cpu[$bs.$mode]=''; done
	for i in $(seq "$rounds"); do
		for mode in copy zc; do
			[ $mode = zc ] && echo 1 >"$P" || echo 0 >"$P"
			read -r a b c < <(bench_fio "$mode-$bs" "$disk" randread "$bs" 32 1)
			iops[$bs.$mode]+=" $a" mbs[$bs.$mode]+=" $b" cpu[$bs.$mode]+=" $c"
		done
	done
	log "$bs copy IOPS:${iops[$bs.copy]}  zc IOPS:${iops[$bs.zc]}"
done
echo 0 >"$P"
log "sgv: $(tr "\n" " " </sys/kernel/scst_tgt/sgv/global_stats 2>/dev/null)"

echo "RESULT randread QD32 1 job, nullio over loopback iSCSI (median of $rounds x ${SCST_BENCH_RUNTIME:-5}s):"
printf '  %-6s %-5s %9s %9s %5s\n' bs mode IOPS MB/s CPU%
for bs in 4k 256k; do
	for mode in copy zc; do
		printf '  %-6s %-5s %9s %9s %5s\n' "$bs" "$mode" \
			"$(echo ${iops[$bs.$mode]} | median)" "$(echo ${mbs[$bs.$mode]} | median)" \
			"$(echo ${cpu[$bs.$mode]} | median)"
	done
done
r4=$(ratio "$(echo ${iops[4k.zc]} | median)" "$(echo ${iops[4k.copy]} | median)")
r256=$(ratio "$(echo ${iops[256k.zc]} | median)" "$(echo ${iops[256k.copy]} | median)")
echo "zc_ratio 4k=$r4 256k=$r256"

iscsiadm -m node --logout >/dev/null 2>&1 || true
