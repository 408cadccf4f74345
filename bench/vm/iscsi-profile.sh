#!/bin/bash
# Profile, not a race: where the CPU and the wakeups of one command go,
# ours against LIO (and tgt), same VM, same open-iscsi, nullio LUNs. For
# each target and each of 4k randwrite and randread (QD32, two jobs) and
# 1 MiB sequential read (QD8, one job, as iscsi-nullio) one fio run,
# during which it counts context switches and the CPU time of every
# thread (schedstat: run time, time runnable but waiting for a CPU, and
# times scheduled in), grouped by role, per I/O; softirq, irq and idle
# time from /proc/stat; TCP segments and ACKs
# per I/O (tcp/io: the stack's counters, both ends; target_sock/io: the
# target's sockets from ss -i, data segments and all, pure ACKs being
# the difference). With perf in the image, a system-wide profile of ours
# and LIO during the 4k writes and the 1 MiB reads (top symbols, by
# command). SCST_PROFILE_TESTS and SCST_PROFILE_PERF (set by a wrapper
# scenario, e.g. iscsi-profile-write; an empty SCST_PROFILE_PERF: no perf)
# choose fewer tests. Threads that come and go within a run (fio) are not
# in the per-thread figures: the /proc/stat totals have them. The
# negotiated iSCSI parameters of each session come first.
# Prints "per_io TARGET TEST ..." lines; figures are noisy under TCG.
# timeout: 1200
set -euo pipefail
source /scst/bench/vm/iscsi-lib.bash
trap bench_save EXIT
runtime=${SCST_BENCH_RUNTIME:-6}

ours_start
lio_start
tgt_start
iscsid_start
declare -A disk port=([ours]=3260 [lio]=3261 [tgt]=3262)
disk[ours]=$(bench_login "$IQN_OURS" "${port[ours]}" 0)
disk[lio]=$(bench_login "$IQN_LIO" "${port[lio]}" 0)
disk[tgt]=$(bench_login "$IQN_TGT" "${port[tgt]}" 1)
for t in ours lio tgt; do log "$t: $(bench_queue_setup "${disk[$t]}")"; done
iscsiadm -m session -P 3 2>/dev/null |
	grep -E 'Target:|InitialR2T|ImmediateData|FirstBurstLength|MaxBurstLength|MaxRecvDataSegmentLength|MaxXmitDataSegmentLength|HeaderDigest' || true

# thread_stats: "tid comm run_ns wait_ns timeslices" for every thread
# (wait: runnable, waiting for a CPU).
thread_stats() {
	local f tid comm
	for f in /proc/[0-9]*/task/[0-9]*; do
		tid=${f##*/}
		read -r comm <"$f/comm" 2>/dev/null || continue
		read -r a b c <"$f/schedstat" 2>/dev/null || continue
		echo "$tid ${comm// /_} $a $b $c"
	done
}

# role COMM: the group a thread's time is counted in.
role_awk='function role(c) {
	if (c ~ /^isc_rx/) return "ours_rx"
	if (c ~ /^kworker/) return "kworker"
	if (c ~ /^iscsi_trx/) return "lio_rx"
	if (c ~ /^iscsi_ttx/) return "lio_tx"
	if (c ~ /^tgtd/) return "tgtd"
	if (c ~ /^fio/) return "fio"
	if (c ~ /^iscsid/) return "iscsid"
	if (c ~ /^ksoftirqd/) return "ksoftirqd"
	if (c ~ /^swapper/) return "idle"
	return "other"
}'

# tcp_line: "name=value" for the TCP counters that tell segments and ACKs
# apart (both ends of every connection are in this VM: the sum of both).
tcp_line() {
	awk '$1 ~ /^(Tcp|TcpExt):$/ { if (!h[$1]) { h[$1] = 1; for (i = 2; i <= NF; i++) k[$1, i] = $i; next }
		for (i = 2; i <= NF; i++) printf "%s=%s\n", k[$1, i], $i }' \
		/proc/net/snmp /proc/net/netstat |
		grep -E '^(InSegs|OutSegs|TCPPureAcks|TCPHPAcks|DelayedACKs|TCPAutoCorking|TCPBacklogCoalesce|TCPHPHits|TCPOFOQueue)=' |
		paste -sd' '
}

# sock_line PORT: segments in and out of the target's sockets on PORT (the
# target's own side: data segments, and all of them with pure ACKs).
modprobe tcp_diag 2>/dev/null || true
sock_line() {
	{ ss -tni state established "( sport = :$1 )" || true; } |
		{ grep -oE '(data_)?segs_(in|out):[0-9]+' || true; } | tr ':' '=' |
		awk -F= '{ n[$1] += $2 } END { for (k in n) printf "%s=%d ", k, n[k]; print "" }'
}

# per_io_delta LABEL N BEFORE AFTER: each "name=value" of AFTER minus
# BEFORE, divided by N.
per_io_delta() {
	awk -v label="$1" -v n="$2" '
		NR == FNR { for (i = 1; i <= NF; i++) { split($i, kv, "="); a[kv[1]] = kv[2] } next }
		{ printf "  %s", label; for (i = 1; i <= NF; i++) { split($i, kv, "=")
			printf " %s=%.2f", kv[1], (kv[2] - a[kv[1]]) / n } print "" }' "$3" "$4"
}

stat_line() { awk '/^cpu / {print $2 + $3, $4, $5 + $6, $7, $8} /^ctxt/ {print $2}' /proc/stat | paste -sd' '; }

# name:rw:bs:depth:jobs of each test
declare -A shape=([randwrite]=randwrite:4k:32:2 [randread]=randread:4k:32:2
	[seqread]=read:1M:8:1)
tests=${SCST_PROFILE_TESTS:-randwrite randread seqread}
perf_tests=${SCST_PROFILE_PERF-randwrite seqread}

# profile TARGET TEST: one fio run, then per-I/O figures.
profile() {
	local t=$1 name=$2 rw bs depth jobs s0 s1 out ios
	IFS=: read -r rw bs depth jobs <<<"${shape[$name]}"
	thread_stats >ts0
	tcp_line >tcp0
	sock_line "${port[$t]}" >sock0
	s0=$(stat_line)
	out=$(fio --name="$t-$name" --filename="${disk[$t]}" --ioengine=libaio --direct=1 \
		--rw="$rw" --bs="$bs" --iodepth="$depth" --numjobs="$jobs" --group_reporting \
		--runtime="$runtime" --time_based --size=512M \
		--output-format=terse --terse-version=3 2>"fio-$t-$name.out")
	s1=$(stat_line)
	tcp_line >tcp1
	sock_line "${port[$t]}" >sock1
	thread_stats >ts1
	# terse v3: KiB read field 6, written 47
	ios=$(echo "$out" | awk -F';' -v bs="$bs" '{
		kb = bs + 0; if (bs ~ /[mM]$/) kb *= 1024
		print int(($6 + $47) / kb) }')
	echo "per_io $t $name ios=$ios iops=$((ios / runtime))" \
		"MB/s=$(echo "$out" | awk -F';' '{printf "%.1f", ($7 + $48) / 1024}')" \
		"$(awk -v a="$s0" -v b="$s1" -v n="$ios" 'BEGIN {
			split(a, x, " "); split(b, y, " ");
			# usr+nice sys idle+iowait irq softirq ctxt (USER_HZ ticks)
			printf "ctxsw=%.2f usr_us=%.1f sys_us=%.1f irq_us=%.1f softirq_us=%.1f idle_us=%.1f",
				(y[6] - x[6]) / n, (y[1] - x[1]) * 10000 / n,
				(y[2] - x[2]) * 10000 / n, (y[4] - x[4]) * 10000 / n,
				(y[5] - x[5]) * 10000 / n, (y[3] - x[3]) * 10000 / n }')"
	per_io_delta tcp/io "$ios" tcp0 tcp1
	per_io_delta target_sock/io "$ios" sock0 sock1
	awk -v n="$ios" "$role_awk"'
		NR == FNR { r0[$1] = $3; w0[$1] = $4; c0[$1] = $5; next }
		{ g = role($2); run[g] += $3 - r0[$1]; wait[g] += $4 - w0[$1]; sw[g] += $5 - c0[$1] }
		END { for (g in run) if (run[g] > 0)
			printf "  %-10s cpu_us/io=%6.1f  runnable_us/io=%6.1f  scheduled/io=%5.2f\n", g,
				run[g] / n / 1000, wait[g] / n / 1000, sw[g] / n }' ts0 ts1 | sort
}

for name in $tests; do
	for t in ours lio tgt; do
		profile "$t" "$name"
	done
done
# The core's buffer cache: hits, misses, buffers freed while busy.
sgv=/sys/kernel/scst_tgt/sgv
[ ! -d $sgv ] || { cat $sgv/stats $sgv/global_stats 2>/dev/null || true; }

# perf takes seconds to start under TCG: it samples the middle of a
# longer fio run.
perf_profile() {
	local t=$1 name=$2 f=perf-$1-$2 fio_pid rw bs depth jobs
	IFS=: read -r rw bs depth jobs <<<"${shape[$name]}"
	fio --name="$f" --filename="${disk[$t]}" --ioengine=libaio --direct=1 \
		--rw="$rw" --bs="$bs" --iodepth="$depth" --numjobs="$jobs" --group_reporting \
		--runtime=25 --time_based --size=512M >"$f.fio" 2>&1 &
	fio_pid=$!
	sleep 3
	perf record -a -g -F 499 -o "$f.data" -- sleep 8 >/dev/null 2>&1 || true
	wait "$fio_pid" || true
	grep -E 'IOPS' "$f.fio" || true
	echo "== perf $t $name: by command"
	{ perf report -i "$f.data" --no-children --sort comm --stdio 2>/dev/null || true; } |
		grep -v '^#' | grep '%' | head -12 || true
	echo "== perf $t $name: top symbols (self)"
	{ perf report -i "$f.data" --no-children --sort sym --stdio -g none 2>/dev/null || true; } |
		grep -v '^#' | grep '%' | head -60 || true
	{ perf report -i "$f.data" --no-children --sort comm,sym --stdio -g none 2>/dev/null || true; } |
		grep -v '^#' | grep '%' | head -150 >"$SCST_RESULTS/$f.comm-sym.txt" || true
	{ perf report -i "$f.data" --children --sort sym --stdio -g none 2>/dev/null || true; } |
		grep -v '^#' | grep '%' | head -150 >"$SCST_RESULTS/$f.children.txt" || true
	# Inclusive time per thread, the target's and the initiator's
	# transmit worker: how much of each is the other side's receive
	# (over loopback its softirq runs in the sender's context, or in
	# the socket owner's at release_sock() when the segment found the
	# socket locked).
	{ perf report -i "$f.data" --children --sort comm,sym --stdio -g none 2>/dev/null || true; } |
		grep -v '^#' | grep -E 'isc_rx|iscsi_t[rt]x|kworker' | head -400 \
		>"$SCST_RESULTS/$f.threads-children.txt" || true
	# Who calls the copies and page clearing: call chains into them.
	{ perf report -i "$f.data" --no-children --stdio \
		--symbols=memcpy_erms,memcpy_orig,memset_erms,memset_orig,clear_page_erms,clear_page_rep,clear_page_orig \
		-g caller,0.5,callee 2>/dev/null || true; } | grep -v '^#' | head -300 \
		>"$SCST_RESULTS/$f.copy-callers.txt" || true
	# Who waits on a contended spinlock: the call chains into the slow path.
	{ perf report -i "$f.data" --no-children --stdio \
		--symbol-filter=queued_spin_lock_slowpath -g graph,0.5,callee \
		2>/dev/null || true; } | grep -v '^#' | head -120 \
		>"$SCST_RESULTS/$f.spin-callers.txt" || true
	# Who reads the clock: the VM's clocksource is the HPET, an emulated
	# device under TCG, so every ktime_get() is expensive.
	{ perf report -i "$f.data" --no-children --stdio \
		--symbol-filter=read_hpet -g caller,0.5,callee \
		2>/dev/null || true; } | grep -v '^#' | head -300 \
		>"$SCST_RESULTS/$f.clock-callers.txt" || true
}

if command -v perf >/dev/null; then
	for name in $perf_tests; do
		for t in ours lio; do
			perf_profile "$t" "$name"
		done
	done
fi
iscsiadm -m node --logout >/dev/null 2>&1 || true
