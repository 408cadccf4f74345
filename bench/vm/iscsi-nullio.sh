#!/bin/bash
# Benchmark: scst_iscsi against LIO's iSCSI target (rd_mcp rd_nullio=1) and
# tgt (backing store type null), all on loopback in the same VM, open-iscsi
# as the initiator of all three: fio 4k random read and random write (queue
# depth 32, two jobs, libaio direct) and 1 MiB sequential read (queue depth
# 8, one job). Every target admits 128 commands per session and every disk
# gets the same queue settings. The targets take turns in each of ROUNDS
# rounds; medians. Then iperf3 over loopback for the TCP ceiling.
# Prints "ratio_lio randread=X randwrite=Y seqread=Z" (ours over LIO; goal
# 1.5), "ratio_tgt ..." (goal 2), "rounds_lio"/"rounds_tgt" (each
# round's ratio), "tcp_share seqread=P%" (our 1 MiB read throughput as a
# share of iperf3's; goal 90%).
# timeout: 1500
set -euo pipefail
source /scst/bench/vm/iscsi-lib.bash
trap bench_save EXIT
rounds=${SCST_BENCH_ROUNDS:-5}
runtime=${SCST_BENCH_RUNTIME:-5}
zc=${SCST_BENCH_ZC:-}
[ -z "$zc" ] || echo "$zc" >/sys/module/scst_iscsi/parameters/zerocopy_threshold

ours_start
lio_start
tgt_start
iscsid_start
declare -A disk
disk[ours]=$(bench_login "$IQN_OURS" 3260 0)
disk[lio]=$(bench_login "$IQN_LIO" 3261 0)
disk[tgt]=$(bench_login "$IQN_TGT" 3262 1)
for t in ours lio tgt; do log "$t: $(bench_queue_setup "${disk[$t]}")"; done
log "rounds=$rounds runtime=${runtime}s zerocopy_threshold=$(cat /sys/module/scst_iscsi/parameters/zerocopy_threshold)"

# name:rw:bs:depth:jobs:column (1 IOPS, 2 MB/s)
tests="randread:randread:4k:32:2:1 randwrite:randwrite:4k:32:2:1 seqread:read:1M:8:1:2"
# SCST_BENCH_TESTS: a subset, by name (a wrapper's, e.g. to A/B one test)
if [ -n "${SCST_BENCH_TESTS:-}" ]; then
	sel=''
	for want in $SCST_BENCH_TESTS; do
		[[ " $tests" == *" $want:"* ]] || fail "SCST_BENCH_TESTS: no test '$want' (randread, randwrite, seqread)"
	done
	for tc in $tests; do
		[[ " $SCST_BENCH_TESTS " != *" ${tc%%:*} "* ]] || sel+=" $tc"
	done
	tests=$sel
fi
declare -A res cpu
for tc in $tests; do
	IFS=: read -r name rw bs depth jobs col <<<"$tc"
	for t in ours lio tgt; do res[$name.$t]='' cpu[$name.$t]=''; done
	for i in $(seq "$rounds"); do
		for t in ours lio tgt; do
			read -r a b c < <(bench_fio "$t-$name" "${disk[$t]}" "$rw" "$bs" "$depth" "$jobs")
			[ "$col" = 1 ] && res[$name.$t]+=" $a" || res[$name.$t]+=" $b"
			cpu[$name.$t]+=" $c"
		done
	done
	log "$name: ours:${res[$name.ours]}  lio:${res[$name.lio]}  tgt:${res[$name.tgt]}"
done

# The TCP ceiling, for the 1 MiB read.
tcp=''
ceiling=no
[[ " $tests" != *" seqread:"* ]] || ceiling=yes
if [ $ceiling = yes ]; then
	log "iperf3 over loopback"
	iperf3 -s -1 -p 5201 >/dev/null 2>&1 &
	sleep 1
	for i in $(seq "$rounds"); do
		[ "$i" = 1 ] || { iperf3 -s -1 -p 5201 >/dev/null 2>&1 & sleep 1; }
		tcp+=" $(iperf3 -c 127.0.0.1 -p 5201 -t "$runtime" -f M 2>/dev/null |
			awk '/receiver/ {for (i = 1; i < NF; i++) if ($(i + 1) == "MBytes/sec") print $i}')"
	done
	log "iperf3 MB/s:$tcp"
	tcp=$(echo $tcp | median)
fi

echo "RESULT nullio over loopback iSCSI, open-iscsi, median of $rounds x ${runtime}s (CPU: busy share of the VM's vCPUs):"
printf '  %-10s %-22s %10s %5s %10s %5s %10s %5s\n' test unit ours CPU% LIO CPU% tgt CPU%
for tc in $tests; do
	IFS=: read -r name rw bs depth jobs col <<<"$tc"
	[ "$col" = 1 ] && unit="IOPS $bs QD$depth x$jobs" || unit="MB/s $bs QD$depth x$jobs"
	printf '  %-10s %-22s %10s %5s %10s %5s %10s %5s\n' "$name" "$unit" \
		"$(echo ${res[$name.ours]} | median)" "$(echo ${cpu[$name.ours]} | median)" \
		"$(echo ${res[$name.lio]} | median)" "$(echo ${cpu[$name.lio]} | median)" \
		"$(echo ${res[$name.tgt]} | median)" "$(echo ${cpu[$name.tgt]} | median)"
done
[ $ceiling = no ] || printf '  %-10s %-22s %10s\n' iperf3 "MB/s loopback TCP" "$tcp"
for peer in lio tgt; do
	line="ratio_$peer"
	for tc in $tests; do
		name=${tc%%:*}
		line+=" $name=$(ratio "$(echo ${res[$name.ours]} | median)" "$(echo ${res[$name.$peer]} | median)")"
	done
	echo "$line"
done
# Each round's ratios: the targets of a round ran back to back, so their
# spread shows how far the host's drift moves a run's medians.
for peer in lio tgt; do
	line="rounds_$peer"
	for tc in $tests; do
		name=${tc%%:*}
		read -ra mine <<<"${res[$name.ours]}"
		read -ra theirs <<<"${res[$name.$peer]}"
		r=''
		for i in "${!mine[@]}"; do r+="${r:+,}$(ratio "${mine[$i]}" "${theirs[$i]}")"; done
		line+=" $name=$r"
	done
	echo "$line"
done
[ $ceiling = no ] || echo "tcp_share seqread=$(awk -v a="$(echo ${res[seqread.ours]} | median)" -v b="$tcp" \
	'BEGIN {printf "%.0f%%", (b > 0 ? 100 * a / b : 0)}')"

iscsiadm -m node --logout >/dev/null 2>&1 || true
