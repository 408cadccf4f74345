# shellcheck shell=bash
# iSCSI helpers for the VM scenarios and benchmarks: our target (scst_iscsi,
# logins through scstadmd) and open-iscsi as the initiator. Source it after
# lib.sh:
#   source /scst/tests/vm/lib.sh
#   source /scst/tests/vm/iscsi-lib.sh
# See tests/vm/README.md.

ADMD=/usr/local/bin/scstadmd
iscsiadm() { /usr/sbin/iscsiadm "$@"; }

# open-iscsi's initiator names: INI1 its own (iface default), INI2 that of
# the iface "second" (iscsi_iface_second).
INI1=$(sed -n 's/^InitiatorName=//p' /etc/iscsi/initiatorname.iscsi 2>/dev/null)
INI2=iqn.2026-11.org.scst:vm.second

# ---- our target ----

# iscsi_target [-n] IQN DEVICE:LUN...: an iSCSI target of scst_iscsi with
# these LUNs, enabled (-n: left disabled).
iscsi_target() {
	local enable=1 iqn l
	if [ "$1" = -n ]; then
		enable=0
		shift
	fi
	iqn=$1
	shift
	scst_mgmt "$SCST/targets/iscsi/mgmt" "add_target $iqn"
	for l; do
		scst_mgmt "$SCST/targets/iscsi/$iqn/luns/mgmt" "add ${l%%:*} ${l##*:}"
	done
	[ "$enable" = 0 ] || echo 1 >"$SCST/targets/iscsi/$iqn/enabled"
}

# iscsi_target_del IQN: disable the target IQN and delete it.
iscsi_target_del() {
	echo 0 >"$SCST/targets/iscsi/$1/enabled"
	scst_mgmt "$SCST/targets/iscsi/mgmt" "del_target $1"
}

# nsessions IQN: how many sessions the target IQN has (sysfs).
nsessions() { ls "$SCST/targets/iscsi/$1/sessions" 2>/dev/null | wc -l; }

# admd_start [-d] [-c CONFIG] PORTAL...: scstadmd in the foreground with
# the iSCSI portals PORTAL ("ADDR:PORT", "[ADDR6]:PORT"); its pid in $admd,
# its output in admd.log, -d: log level debug, CONFIG: its configuration
# file (/tmp/scst.conf). Waits up to 30 s until it listens on every
# portal, else fails the scenario.
admd_start() {
	local conf=/tmp/scst.conf args=() o p OPTIND=1
	while getopts dc: o; do
		case $o in
		d) args+=(--log-level debug) ;;
		c) conf=$OPTARG ;;
		*) fail "admd_start: unknown option" ;;
		esac
	done
	shift $((OPTIND - 1))
	[ -x "$ADMD" ] || fail "scstadmd is not in the initramfs (build user space first)"
	for p; do
		args+=(--iscsi-portal "$p")
	done
	"$ADMD" --foreground --config "$conf" --lock-file /tmp/scstadmd.lock "${args[@]}" \
		>admd.log 2>&1 &
	admd=$!
	wait_for "[ \$(grep -c 'iSCSI portal' admd.log) -ge $# ]" 30 ||
		{ cat admd.log; fail "scstadmd did not listen on $*"; }
}

# admd_stop: stop the scstadmd of admd_start.
admd_stop() {
	kill "$admd"
	wait "$admd" || true
}

# ---- open-iscsi ----

# iscsid_start [LOG]: load iscsi_tcp and start iscsid in a session of its
# own (it signals its process group when it stops); its output is
# appended to LOG (iscsid.log). Waits up to 10 s for its socket for
# iscsiadm (abstract: "@ISCSIADM_ABSTRACT_NAMESPACE" in /proc/net/unix),
# then 1 s more.
iscsid_start() {
	modprobe iscsi_tcp
	setsid /usr/sbin/iscsid -f >>"${1:-iscsid.log}" 2>&1 &
	wait_for "grep -q @ISCSIADM_ABSTRACT_NAMESPACE /proc/net/unix" 10 || true
	sleep 1
}

# iscsi_stop: log out of every session, stop iscsid and scstadmd.
iscsi_stop() {
	iscsiadm -m node --logout >/dev/null 2>&1 || true
	iscsiadm -k 0 2>/dev/null || true
	admd_stop
}

# dummy_portal ADDR: a dummy device scst0 with ADDR/24, for a portal that
# a link down or an iptables rule can cut without touching lo.
dummy_portal() {
	modprobe dummy
	ip link add scst0 type dummy
	ip addr add "$1"/24 dev scst0
	ip link set scst0 up
}

# iscsi_iface_second: the iface "second", with the initiator name INI2.
iscsi_iface_second() {
	iscsiadm -m iface -I second -o new >/dev/null
	iscsiadm -m iface -I second -o update -n iface.initiatorname -v "$INI2" >/dev/null
}

# iscsi_discover PORTAL: SendTargets discovery, output appended to
# disc.out; fails the scenario if it fails.
iscsi_discover() {
	iscsiadm -m discovery -t st -p "$1" >>disc.out 2>&1 ||
		{ cat disc.out admd.log >&2 2>/dev/null; fail "discovery on $1"; }
}

# iscsi_node TARGET PORTAL NAME VALUE: set a node record's setting (of
# every iface).
iscsi_node() {
	iscsiadm -m node -T "$1" -p "$2" -o update -n "$3" -v "$4" >/dev/null
}

# iscsi_login TARGET PORTAL: log in to a discovered target, output
# appended to login.out; fails the scenario if it fails.
iscsi_login() {
	iscsiadm -m node -T "$1" -p "$2" --login >>login.out 2>&1 ||
		{ cat login.out admd.log >&2 2>/dev/null; fail "login to $1 on $2"; }
}

# iscsi_disk NAME LUN: /dev/sdX of LUN in the open-iscsi session whose
# target name or initiator name is NAME.
iscsi_disk() {
	local s b
	for s in /sys/class/iscsi_session/session*; do
		[ "$(cat "$s/targetname" 2>/dev/null)" = "$1" ] ||
			[ "$(cat "$s/initiatorname" 2>/dev/null)" = "$1" ] || continue
		for b in "$s"/device/target*/*:"$2"/block/*; do
			[ -e "$b" ] || continue
			echo "/dev/${b##*/}"
			return 0
		done
	done
	return 1
}

# iscsi_wait_disk NAME LUN [SECS]: iscsi_disk once sd has read its
# capacity (a block device of size 0 answers writes with ENOSPC); waits up
# to SECS (30) seconds, else fails the scenario.
iscsi_wait_disk() {
	local d
	wait_for "d=\$(iscsi_disk $1 $2) && [ \$(cat /sys/block/\${d#/dev/}/size) -gt 0 ]" "${3:-30}" ||
		fail "no LUN $2 for $1"
	iscsi_disk "$1" "$2"
}

# scsi_pm_off: every SCSI host, target and device has runtime PM off
# (power/control "on", which uevent-helper writes when it is added). A
# logout before then, e.g. right after a login whose LUN scan is still
# running, can trip the initiator's check_flush_dependency warning that
# uevent-helper explains.
scsi_pm_off() {
	local c
	for c in /sys/bus/scsi/devices/*/power/control; do
		[ -e "$c" ] || continue
		[ "$(cat "$c" 2>/dev/null)" = on ] || return 1
	done
}

# fio_verify NAME DEV OFFSET [ARG...]: random 4 KiB reads and writes, 2
# jobs of 4 MiB each from OFFSET, queue depth 32, crc32c verify; output in
# fio-NAME.out. ARGs come last and override these (--rw=randwrite ...).
fio_verify() {
	local name=$1 dev=$2 off=$3
	shift 3
	fio --name="$name" --filename="$dev" --ioengine=libaio --direct=1 --rw=randrw \
		--bs=4k --iodepth=32 --numjobs=2 --size=4M --offset="$off" \
		--offset_increment=4M --verify=crc32c --verify_fatal=1 --do_verify=1 \
		--group_reporting "$@" >"fio-$name.out" 2>&1 ||
		{ tail -n 20 "fio-$name.out"; return 1; }
	! grep -qiE 'verify.*(fail|bad)|crc32c.*mismatch|err= *[1-9]' "fio-$name.out"
}

# fio_verify_pair DEV1 DEV2: fio_verify on two disks at once (a: DEV1 from
# 0, b: DEV2 from 32 MiB), a check for each.
fio_verify_pair() {
	local fa fb ra=0 rb=0
	fio_verify a "$1" 0 &
	fa=$!
	fio_verify b "$2" 32M &
	fb=$!
	# check runs in a subshell, which cannot wait for our children.
	wait $fa || ra=$?
	wait $fb || rb=$?
	check "fio crc32c verify on session 1 ($1)" test $ra -eq 0
	check "fio crc32c verify on session 2 ($2)" test $rb -eq 0
}
