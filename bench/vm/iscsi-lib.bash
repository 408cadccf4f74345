# Helpers of the iSCSI benchmarks (sourced, not a benchmark itself): the
# three targets on loopback, each with a null LUN, open-iscsi logged in to
# them, and fio runs measured with their CPU time.
#   ours  scst_iscsi + scstadmd, vdisk_nullio      127.0.0.1:3260
#   LIO   iscsi_target_mod, rd_mcp rd_nullio=1     127.0.0.1:3261
#   tgt   tgtd, backing store type null            127.0.0.1:3262
# Every target admits 128 commands per session (CmdSN window), and every
# disk gets the same block queue settings (bench_queue_setup).
source /scst/tests/vm/lib.sh
source /scst/tests/vm/iscsi-lib.sh

IQN_OURS=iqn.2026-11.org.scst:bench.ours
IQN_LIO=iqn.2026-11.org.scst:bench.lio
IQN_TGT=iqn.2026-11.org.scst:bench.tgt

bench_save() {
	cp admd.log iscsid.log tgtd.log fio-*.out "$SCST_RESULTS/" 2>/dev/null || true
}

# ours_start: the nullio LUN on our target, scstadmd on the portal.
ours_start() {
	load_scst
	scst_mgmt "$SCST/handlers/vdisk_nullio/mgmt" "add_device bnull size_mb=1024"
	iscsi_target "$IQN_OURS" bnull:0
	admd_start 127.0.0.1:3260
}

lio_start() {
	local C=/sys/kernel/config/target T
	modprobe target_core_mod
	modprobe iscsi_target_mod
	grep -q " /sys/kernel/config " /proc/mounts || mount -t configfs configfs /sys/kernel/config
	mkdir -p /var/target/pr /var/target/alua "$C/core/rd_mcp_0/bnull"
	echo "rd_pages=262144,rd_nullio=1" >"$C/core/rd_mcp_0/bnull/control"
	echo 1 >"$C/core/rd_mcp_0/bnull/enable"
	T=$C/iscsi/$IQN_LIO/tpgt_1
	mkdir -p "$T/lun/lun_0"
	ln -s "$C/core/rd_mcp_0/bnull" "$T/lun/lun_0/bnull"
	echo 0 >"$T/attrib/authentication"
	echo 1 >"$T/attrib/generate_node_acls"
	echo 0 >"$T/attrib/demo_mode_write_protect"
	echo 1 >"$T/attrib/cache_dynamic_acls"
	echo 128 >"$T/attrib/default_cmdsn_depth"
	mkdir "$T/np/127.0.0.1:3261"
	echo 1 >"$T/enable"
}

tgt_start() {
	mkdir -p /run/tgtd
	[ -e /var/run ] || ln -s /run /var/run
	/usr/sbin/tgtd -f --iscsi portal=127.0.0.1:3262 >tgtd.log 2>&1 &
	wait_for "/usr/sbin/tgtadm --lld iscsi --op show --mode target >/dev/null 2>&1" 20 ||
		fail "tgtd did not start"
	/usr/sbin/tgtadm --lld iscsi --op new --mode target --tid 1 -T "$IQN_TGT"
	/usr/sbin/tgtadm --lld iscsi --op new --mode logicalunit --tid 1 --lun 1 \
		--bstype null --backing-store bnull
	/usr/sbin/tgtadm --lld iscsi --op bind --mode target --tid 1 -I ALL
	/usr/sbin/tgtadm --lld iscsi --op update --mode target --tid 1 \
		--name MaxQueueCmd --value 128 2>/dev/null || true
}

# bench_login IQN PORT LUN: discover, log in with a queue depth of 128;
# prints the disk of LUN.
bench_login() {
	iscsi_discover "127.0.0.1:$2"
	iscsi_node "$1" "127.0.0.1:$2" node.session.queue_depth 128
	iscsi_login "$1" "127.0.0.1:$2"
	iscsi_wait_disk "$1" "$3"
}

# bench_ours_only: our target alone, logged in, its LUN 0 set up as
# bench_queue_setup does; sets disk (for benchmarks of our modes only).
bench_ours_only() {
	ours_start
	iscsid_start
	disk=$(bench_login "$IQN_OURS" 3260 0)
	log "$(bench_queue_setup "$disk")"
}

# bench_queue_setup DEV: the same queue settings for every disk (LIO and
# tgt report rotational, which adds entropy sampling per I/O).
bench_queue_setup() {
	local q=/sys/block/${1#/dev/}/queue
	echo mq-deadline >"$q/scheduler"
	echo 0 >"$q/rotational"
	echo 0 >"$q/add_random"
	echo "$1: scheduler=$(sed 's/.*\[\(.*\)\].*/\1/' "$q/scheduler")" \
		"rotational=$(cat "$q/rotational") add_random=$(cat "$q/add_random")" \
		"nr_requests=$(cat "$q/nr_requests") max_sectors_kb=$(cat "$q/max_sectors_kb")"
}

cpu_busy() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8, $5 + $6}' /proc/stat; }

# bench_fio NAME DEV RW BS DEPTH JOBS: one time-based fio run; prints
# "IOPS MB/s CPU%" (CPU: busy share of all vCPUs during the run).
bench_fio() {
	local out b0 i0 b1 i1 f
	read -r b0 i0 < <(cpu_busy)
	out=$(fio --name="$1" --filename="$2" --ioengine=libaio --direct=1 --rw="$3" \
		--bs="$4" --iodepth="$5" --numjobs="$6" --group_reporting \
		--runtime="${SCST_BENCH_RUNTIME:-5}" --time_based --size=512M \
		--output-format=terse --terse-version=3 2>"fio-$1.out") ||
		{ cat "fio-$1.out"; fail "fio $1"; }
	read -r b1 i1 < <(cpu_busy)
	# terse v3: read IOPS field 8, bandwidth (KiB/s) 7; write 49, 48
	case $3 in *write) f=48 ;; *) f=7 ;; esac
	echo "$out" | awk -F';' -v f="$f" -v cpu="$(( (b1 - b0) * 100 / (b1 - b0 + i1 - i0 + 1) ))" \
		'{printf "%.0f %.1f %d\n", $(f + 1), $f / 1024, cpu}'
}

median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}'; }
