#!/bin/bash
# Benchmark: fio 4k random read and random write, queue depth 32, on a nullio
# LUN through scst_local, against LIO's tcm_loop with an rd_mcp nullio
# backstore, in the same VM. Both disks get the same queue settings. Each
# side runs ROUNDS times, alternating, and the median IOPS is compared.
# Prints "ratio randread=X randwrite=Y" (ours over LIO: one fio job, the
# default I/O scheduler of both disks; the goal is >= 1.2), then the same
# with two jobs ("ratio_jobs2") and with no I/O scheduler ("ratio_none").
# timeout: 1500
set -euo pipefail
source /scst/tests/vm/lib.sh
rounds=${SCST_BENCH_ROUNDS:-5}
runtime=${SCST_BENCH_RUNTIME:-5}
# name:fio jobs:I/O scheduler; the first one is the goal's.
configs="default:1:mq-deadline jobs2:2:mq-deadline none:1:none"

iops() { # iops DEV RW JOBS: total IOPS of one fio run
	local out
	out=$(fio --name=b --filename="$1" --ioengine=libaio --direct=1 --rw="$2" \
		--bs=4k --iodepth=32 --numjobs="$3" --group_reporting \
		--runtime="$runtime" --time_based --size=256M \
		--output-format=terse --terse-version=3 2>/dev/null)
	# terse v3: field 8 is read IOPS, field 49 write IOPS
	if [ "$2" = randread ]; then
		echo "$out" | awk -F';' '{print $8}'
	else
		echo "$out" | awk -F';' '{print $49}'
	fi
}

median() { tr ' ' '\n' | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }

# Both are RAM-backed null devices: the same queue settings for both (LIO
# reports rotational, which adds entropy sampling and other work per I/O).
queue_setup() { # queue_setup DEV SCHEDULER
	local q=/sys/block/${1#/dev/}/queue
	echo "$2" >"$q/scheduler"
	echo 0 >"$q/rotational"
	echo 0 >"$q/add_random"
	echo "$1: scheduler=$(sed 's/.*\[\(.*\)\].*/\1/' "$q/scheduler")" \
		"rotational=$(cat "$q/rotational") add_random=$(cat "$q/add_random")" \
		"nr_hw_queues=$(ls "/sys/block/${1#/dev/}/mq" | wc -l)"
}

# --- ours: vdisk_nullio through scst_local ---
load_scst
scst_mgmt "$SCST/handlers/vdisk_nullio/mgmt" "add_device bench0 size_mb=1024"
scst_mgmt "$LOCAL_TGT/luns/mgmt" "add bench0 0"
host=$(local_host scst_local_host) || fail "no scst_local host"
local_rescan
ours=$(local_disk "$host" 0) || fail "scst_local LUN did not appear"

# --- LIO: rd_mcp nullio through tcm_loop ---
modprobe target_core_mod
modprobe tcm_loop
grep -q " /sys/kernel/config " /proc/mounts || mount -t configfs configfs /sys/kernel/config
C=/sys/kernel/config/target
mkdir -p "$C/core/rd_mcp_0/null0"
echo "rd_pages=262144,rd_nullio=1" >"$C/core/rd_mcp_0/null0/control"
echo 1 >"$C/core/rd_mcp_0/null0/enable"
W=naa.6001405000000001
mkdir -p "$C/loopback/$W/tpgt_1/lun/lun_0"
echo naa.6001405000000002 >"$C/loopback/$W/tpgt_1/nexus"
ln -s "$C/core/rd_mcp_0/null0" "$C/loopback/$W/tpgt_1/lun/lun_0/null0"
lio=
wait_for 'for b in /sys/block/sd*; do readlink -f $b | grep -q tcm_loop && lio=/dev/${b##*/} && break; done; [ -n "$lio" ]' 20 ||
	fail "tcm_loop LUN did not appear"
log "ours=$ours lio=$lio rounds=$rounds runtime=${runtime}s"

declare -A res
for c in $configs; do
	IFS=: read -r name jobs sched <<<"$c"
	log "$(queue_setup "$ours" "$sched")"
	log "$(queue_setup "$lio" "$sched")"
	for rw in randread randwrite; do
		o='' l=''
		for i in $(seq "$rounds"); do
			o+=" $(iops "$ours" "$rw" "$jobs")"
			l+=" $(iops "$lio" "$rw" "$jobs")"
		done
		res[$rw.$name.ours]=$(echo $o | median)
		res[$rw.$name.lio]=$(echo $l | median)
		log "$rw jobs=$jobs $sched: scst_local runs:$o  tcm_loop runs:$l"
	done
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}'; }
echo "RESULT 4k QD32 IOPS (median of $rounds x ${runtime}s):"
for c in $configs; do
	IFS=: read -r name jobs sched <<<"$c"
	for rw in randread randwrite; do
		printf '  %-10s jobs=%s %-12s scst_local %8.0f   tcm_loop %8.0f   ratio %s\n' \
			"$rw" "$jobs" "$sched" "${res[$rw.$name.ours]}" "${res[$rw.$name.lio]}" \
			"$(ratio "${res[$rw.$name.ours]}" "${res[$rw.$name.lio]}")"
	done
done
for c in $configs; do
	name=${c%%:*}
	label=ratio_$name
	[ "$name" != default ] || label=ratio
	echo "$label randread=$(ratio "${res[randread.$name.ours]}" "${res[randread.$name.lio]}")" \
		"randwrite=$(ratio "${res[randwrite.$name.ours]}" "${res[randwrite.$name.lio]}")"
done
