#!/bin/bash
# Benchmark: Data-In of scst_iscsi sent by page reference (sendpage on
# 6.1, MSG_SPLICE_PAGES on 6.12) against copying it, in the same VM and
# session: fio 1 MiB sequential read (queue depth 8, one job, as
# iscsi-nullio) and 256 KiB random read (queue depth 32, one job), libaio
# direct, on a nullio LUN over loopback iSCSI (open-iscsi). The module
# parameter splice_threshold switches the mode between runs (0: copy;
# 65536: segments of 64 KiB and more by reference); the modes alternate,
# ROUNDS runs each, medians of MB/s and busy CPU share, and the SGV
# cache's counters (a buffer TCP still holds at completion is freed, not
# reused: freed_busy).
# Prints "splice_ratio seqread=X rand256k=Y" (by reference over copy, MB/s).
# timeout: 900
set -euo pipefail
source /scst/bench/vm/iscsi-lib.bash
trap bench_save EXIT
rounds=${SCST_BENCH_ROUNDS:-5}
P=/sys/module/scst_iscsi/parameters/splice_threshold

bench_ours_only
log "disk=$disk rounds=$rounds runtime=${SCST_BENCH_RUNTIME:-5}s"
iscsiadm -m session -P 3 2>/dev/null |
	grep -E 'MaxBurstLength|MaxRecvDataSegmentLength|MaxXmitDataSegmentLength' || true

# name:rw:bs:depth
tests="seqread:read:1M:8 rand256k:randread:256k:32"
declare -A mbs cpu
for tc in $tests; do
	IFS=: read -r name rw bs depth <<<"$tc"
	for mode in copy splice; do mbs[$name.$mode]='' cpu[$name.$mode]=''; done
	for i in $(seq "$rounds"); do
		for mode in copy splice; do
			[ $mode = splice ] && echo 65536 >"$P" || echo 0 >"$P"
			read -r a b c < <(bench_fio "$mode-$name" "$disk" "$rw" "$bs" "$depth" 1)
			mbs[$name.$mode]+=" $b" cpu[$name.$mode]+=" $c"
		done
	done
	log "$name copy MB/s:${mbs[$name.copy]}  splice MB/s:${mbs[$name.splice]}"
done
echo 0 >"$P"
log "sgv: $(tr "\n" " " </sys/kernel/scst_tgt/sgv/global_stats 2>/dev/null)"

echo "RESULT Data-In copied vs by reference, nullio over loopback iSCSI (median of $rounds x ${SCST_BENCH_RUNTIME:-5}s):"
printf '  %-9s %-6s %9s %5s\n' test mode MB/s CPU%
line=splice_ratio
for tc in $tests; do
	name=${tc%%:*}
	for mode in copy splice; do
		printf '  %-9s %-6s %9s %5s\n' "$name" "$mode" \
			"$(echo ${mbs[$name.$mode]} | median)" "$(echo ${cpu[$name.$mode]} | median)"
	done
	line+=" $name=$(ratio "$(echo ${mbs[$name.splice]} | median)" "$(echo ${mbs[$name.copy]} | median)")"
done
echo "$line"

iscsiadm -m node --logout >/dev/null 2>&1 || true
