#!/bin/bash
# Diagnosis, not a race: where 1 MiB sequential reads (QD8) wait when
# scst_iscsi sends Data-In by page reference. Runs splice, splice, copy;
# for each prints the TcpExt/Tcp counters that changed, the sgv counters
# and the TCP timers that expired, and saves a 3 s system-wide perf trace
# (tcp_probe, timer_expire_entry, sched_switch/wakeup with kernel stacks)
# as trace-MODE-SECONDS.txt.gz: stalls show as gaps between tcp_probe
# events while isc_rx sleeps in sk_stream_wait_memory.
# timeout: 900
set -euo pipefail
source /scst/bench/vm/iscsi-lib.bash
trap bench_save EXIT
P=/sys/module/scst_iscsi/parameters/splice_threshold
bench_ours_only
iscsiadm -m session -P 3 2>/dev/null |
	grep -E 'MaxBurstLength|MaxRecvDataSegmentLength|MaxXmitDataSegmentLength' || true
sysctl_show() { for f in tcp_autocorking tcp_limit_output_bytes tcp_wmem tcp_rmem tcp_notsent_lowat; do echo "$f=$(cat /proc/sys/net/ipv4/$f)"; done; }
sysctl_show

counters() { cat /proc/net/netstat /proc/net/snmp | awk '
	NR % 2 == 1 { for (i = 2; i <= NF; i++) name[i] = $1 $i; next }
	{ for (i = 2; i <= NF; i++) print name[i], $i }'; }

sample() { # sample OUT: stacks of isc_rx and fio threads, and ss, until killed
	set +e
	local p c rx
	rx=$(grep -l '^isc_rx' /proc/[0-9]*/comm | cut -d/ -f3 | paste -sd' ')
	while :; do
		for p in $rx $(pidof fio); do
			for t in /proc/$p/task/*; do
				read -r c <"$t/comm" 2>/dev/null || continue
				echo "STK $c $(awk '{print $3}' "$t/stat" 2>/dev/null) $(head -5 "$t/stack" 2>/dev/null | awk '{print $2}' | paste -sd' ')"
			done
		done
		echo "SS $(ss -tiemo state established '( sport = :3260 )' 2>/dev/null | tail -n +2 | tr -s ' \n\t' ' ')"
		sleep 0.02
	done >"$1"
}

for mode in splice splice copy; do
	[ $mode = splice ] && echo 65536 >"$P" || echo 0 >"$P"
	counters >c0
	cat /sys/kernel/scst_tgt/sgv/global_stats >s0 2>/dev/null || true
	sample "$SCST_RESULTS/sample-$mode.txt" & sp=$!
	perf record -q -a -g -e timer:timer_expire_entry -e tcp:tcp_probe \
		-e tcp:tcp_retransmit_skb -e sched:sched_switch -e sched:sched_wakeup \
		-o /tmp/perf-$mode.data -- sleep 3 >/dev/null 2>&1 & pp=$!
	read -r a b c < <(bench_fio "$mode-seq" "$disk" read 1M 8 1)
	kill $sp; wait $pp || true
	counters >c1
	log "$mode: MB/s $b cpu $c"
	awk 'NR == FNR {a[$1] = $2; next} $2 != a[$1] {print "  ", $1, $2 - a[$1]}' c0 c1 | grep -v -E 'InOctets|OutOctets|InSegs|OutSegs|InPkts|OutPkts|InNoECT|InReceives|InDelivers|OutRequests|OutTransmits' || true
	cat /sys/kernel/scst_tgt/sgv/global_stats 2>/dev/null | tr '\n' ' '; echo
	perf script -i /tmp/perf-$mode.data -F comm,tid,cpu,time,event,trace,ip,sym 2>/dev/null | gzip >"$SCST_RESULTS/trace-$mode-$SECONDS.txt.gz" || true
	perf script -i /tmp/perf-$mode.data -F event,trace 2>/dev/null | grep timer_expire |
		sed -E 's/.*function=([^ ]+).*/\1/; s/.*hrtimer=[^ ]+ //' |
		awk '{n[$1]++} END {for (k in n) print "   timer", n[k], k}' | sort -k2 -n -r | head -15
done
echo 0 >"$P"
echo "RESULT diag done"
iscsiadm -m node --logout >/dev/null 2>&1 || true
