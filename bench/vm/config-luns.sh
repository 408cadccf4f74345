#!/bin/bash
# Benchmark (issue 4): configure 1,000 and 10,000 LUNs, spread over 10
# targets and, per target, the default group plus 4 initiator groups, on
# 100 nullio devices; then remove everything. Ours: one `scstadmin -config`
# of an scst.conf and one `scstadmin -clear_config` (scst_local targets,
# no sessions). LIO, in the same VM: the same objects in configfs (rd_mcp
# nullio devices, iSCSI targets with a TPG each, 4 node ACLs per TPG with
# mapped LUNs), made by scst_bench_fsops, one system call per object, so
# no fork per mkdir is charged to LIO. Wall time and kernel memory per LUN
# (Slab + Percpu + VmallocUsed + KernelStack + PageTables after dropping
# caches). Prints "ratio_<N> apply=X remove=Y" (our time over LIO's; the
# goal is <= 0.5).
# timeout: 2400
set -euo pipefail
source /scst/tests/vm/lib.sh
sizes=${SCST_BENCH_LUNS:-1000 10000}
targets=10 groups=4 devices=100
sets=$((targets * (groups + 1)))

now() { echo "${EPOCHREALTIME/./}"; }	# microseconds
secs() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", (b - a) / 1e6}'; }
kmem() { # kernel memory in KiB, caches dropped
	sync
	echo 3 >/proc/sys/vm/drop_caches
	awk '/^(Slab|Percpu|VmallocUsed|KernelStack|PageTables):/ {s += $2} END {print s}' /proc/meminfo
}
per_lun() { awk -v a="$1" -v b="$2" -v n="$3" 'BEGIN {printf "%.2f", (b - a) / n}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}'; }

# ---- ours: scst.conf for N LUNs ----
ours_conf() { # ours_conf N
	local per=$(($1 / sets)) t g k s
	echo "HANDLER vdisk_nullio {"
	for ((k = 0; k < devices; k++)); do
		echo "	DEVICE d$k {"
		echo "		size_mb 64"
		echo "	}"
	done
	echo "}"
	echo "TARGET_DRIVER scst_local {"
	for ((t = 0; t < targets; t++)); do
		echo "	TARGET bench_t$t {"
		s=$((t * (groups + 1)))
		for ((k = 0; k < per; k++)); do
			echo "		LUN $k d$(((s * per + k) % devices))"
		done
		for ((g = 0; g < groups; g++)); do
			s=$((t * (groups + 1) + g + 1))
			echo "		GROUP g$g {"
			echo "			INITIATOR ini_t${t}_g$g"
			for ((k = 0; k < per; k++)); do
				echo "			LUN $k d$(((s * per + k) % devices))"
			done
			echo "		}"
		done
		echo "	}"
	done
	echo "}"
}

ours_luns() {
	find "$SCST/targets/scst_local" -path '*/luns/[0-9]*' -maxdepth 6 -type d | wc -l
}

# ---- LIO: the same objects as configfs operations ----
C=/sys/kernel/config/target
lio_tgt() { echo "$C/iscsi/iqn.2026-11.invalid.bench:t$1/tpgt_1"; }
lio_apply_ops() { # lio_apply_ops N
	local per=$(($1 / sets)) t g k s T A
	echo "mkdir $C/core/rd_mcp_0"
	for ((k = 0; k < devices; k++)); do
		echo "mkdir $C/core/rd_mcp_0/d$k"
		echo "write $C/core/rd_mcp_0/d$k/control rd_pages=16384,rd_nullio=1"
		echo "write $C/core/rd_mcp_0/d$k/enable 1"
	done
	for ((t = 0; t < targets; t++)); do
		T=$(lio_tgt $t)
		echo "mkdir ${T%/tpgt_1}"
		echo "mkdir $T"
		s=$((t * (groups + 1)))
		for ((k = 0; k < per; k++)); do
			echo "mkdir $T/lun/lun_$k"
			echo "ln $C/core/rd_mcp_0/d$(((s * per + k) % devices)) $T/lun/lun_$k/port"
		done
		for ((g = 0; g < groups; g++)); do
			A=$T/acls/iqn.2026-11.invalid.ini:t${t}g$g
			echo "mkdir $A"
			for ((k = 0; k < per; k++)); do
				echo "mkdir $A/lun_$k"
				echo "ln $T/lun/lun_$k $A/lun_$k/map"
			done
		done
	done
}

lio_remove_ops() { # lio_remove_ops N
	local per=$(($1 / sets)) t g k T A
	for ((t = 0; t < targets; t++)); do
		T=$(lio_tgt $t)
		for ((g = 0; g < groups; g++)); do
			A=$T/acls/iqn.2026-11.invalid.ini:t${t}g$g
			for ((k = 0; k < per; k++)); do
				echo "rm $A/lun_$k/map"
				echo "rmdir $A/lun_$k"
			done
			echo "rmdir $A"
		done
		for ((k = 0; k < per; k++)); do
			echo "rm $T/lun/lun_$k/port"
			echo "rmdir $T/lun/lun_$k"
		done
		echo "rmdir $T"
		echo "rmdir ${T%/tpgt_1}"
	done
	for ((k = 0; k < devices; k++)); do
		echo "rmdir $C/core/rd_mcp_0/d$k"
	done
	echo "rmdir $C/core/rd_mcp_0"
}

lio_luns() {
	local n=0 d
	for d in "$C"/iscsi/*/tpgt_1/lun/lun_* "$C"/iscsi/*/tpgt_1/acls/*/lun_*; do
		[ -e "$d" ] && n=$((n + 1))
	done
	echo "$n"
}

A=/usr/local/bin/scstadmin
F=/usr/local/bin/scst_bench_fsops
[ -x "$A" ] && [ -x "$F" ] || fail "scstadmin or scst_bench_fsops missing (build user space first)"
load_scst
"$A" -clear_config -noprompt >/dev/null
modprobe target_core_mod
modprobe iscsi_target_mod
grep -q " /sys/kernel/config " /proc/mounts || mount -t configfs configfs /sys/kernel/config
[ -d "$C/iscsi" ] || mkdir "$C/iscsi"	# the fabric, as loading it would

declare -A res
for n in $sizes; do
	ours_conf "$n" >/tmp/bench.conf
	lio_apply_ops "$n" >/tmp/lio.apply
	lio_remove_ops "$n" >/tmp/lio.remove
	log "N=$n: scst.conf $(wc -l </tmp/bench.conf) lines, LIO $(wc -l </tmp/lio.apply) + $(wc -l </tmp/lio.remove) operations"

	m0=$(kmem)
	t0=$(now)
	"$A" -config /tmp/bench.conf >/tmp/apply.out 2>&1 || { cat /tmp/apply.out; fail "scstadmin -config failed"; }
	t1=$(now)
	got=$(ours_luns)
	[ "$got" -eq "$n" ] || fail "ours: $got LUNs configured instead of $n"
	m1=$(kmem)
	t2=$(now)
	"$A" -clear_config -noprompt >/tmp/clear.out 2>&1 || { cat /tmp/clear.out; fail "scstadmin -clear_config failed"; }
	t3=$(now)
	[ "$(ours_luns)" -eq 0 ] || fail "ours: LUNs left after -clear_config"
	res[$n.ours.apply]=$(secs "$t0" "$t1")
	res[$n.ours.remove]=$(secs "$t2" "$t3")
	res[$n.ours.mem]=$(per_lun "$m0" "$m1" "$n")

	m0=$(kmem)
	t0=$(now)
	"$F" </tmp/lio.apply || fail "LIO configuration failed"
	t1=$(now)
	got=$(lio_luns)
	[ "$got" -eq "$n" ] || fail "LIO: $got LUNs configured instead of $n"
	m1=$(kmem)
	t2=$(now)
	"$F" </tmp/lio.remove || fail "LIO removal failed"
	t3=$(now)
	[ "$(lio_luns)" -eq 0 ] || fail "LIO: LUNs left after removal"
	res[$n.lio.apply]=$(secs "$t0" "$t1")
	res[$n.lio.remove]=$(secs "$t2" "$t3")
	res[$n.lio.mem]=$(per_lun "$m0" "$m1" "$n")
	log "N=$n: ours apply ${res[$n.ours.apply]}s remove ${res[$n.ours.remove]}s" \
		"${res[$n.ours.mem]} KiB/LUN; LIO apply ${res[$n.lio.apply]}s" \
		"remove ${res[$n.lio.remove]}s ${res[$n.lio.mem]} KiB/LUN"
done

echo "RESULT LUNs over $targets targets x $((groups + 1)) groups, $devices nullio devices:"
for n in $sizes; do
	printf '  N=%-6s apply  ours %7ss  LIO %7ss  ratio %s\n' "$n" \
		"${res[$n.ours.apply]}" "${res[$n.lio.apply]}" \
		"$(ratio "${res[$n.ours.apply]}" "${res[$n.lio.apply]}")"
	printf '  N=%-6s remove ours %7ss  LIO %7ss  ratio %s\n' "$n" \
		"${res[$n.ours.remove]}" "${res[$n.lio.remove]}" \
		"$(ratio "${res[$n.ours.remove]}" "${res[$n.lio.remove]}")"
	printf '  N=%-6s memory ours %7s KiB/LUN  LIO %7s KiB/LUN\n' "$n" \
		"${res[$n.ours.mem]}" "${res[$n.lio.mem]}"
done
for n in $sizes; do
	echo "ratio_$n apply=$(ratio "${res[$n.ours.apply]}" "${res[$n.lio.apply]}")" \
		"remove=$(ratio "${res[$n.ours.remove]}" "${res[$n.lio.remove]}")"
done
finish
