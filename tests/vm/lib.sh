# shellcheck shell=bash
# Helpers for the VM test scenarios (tests/vm/scenarios/*.sh); sourced
# inside the VM as `source /scst/tests/vm/lib.sh`. See tests/vm/README.md.

SCST_PROJECT_MODULES=/scst/project-modules
SCST_SLAB_PREFIX=${SCST_SLAB_PREFIX:-scst}
scst_failures=0

# Real tools, never busybox applets: busybox's ash runs its own applet for
# a bare `ip`, `modprobe`, ... even when the real binary is in PATH. Under
# bash PATH already finds the real ones; these make it explicit.
ip() { /usr/bin/ip "$@"; }
tc() { /usr/sbin/tc "$@"; }
modprobe() { /usr/sbin/modprobe "$@"; }
insmod() { /usr/sbin/insmod "$@"; }
rmmod() { /usr/sbin/rmmod "$@"; }
lsmod() { /usr/sbin/lsmod "$@"; }
modinfo() { /usr/sbin/modinfo "$@"; }
depmod() { /usr/sbin/depmod "$@"; }
timeout() { /usr/bin/timeout "$@"; }
dd() { /usr/bin/dd "$@"; }
sync() { /usr/bin/sync "$@"; }
sleep() { /usr/bin/sleep "$@"; }
blockdev() { /usr/sbin/blockdev "$@"; }
losetup() { /usr/sbin/losetup "$@"; }
lsscsi() { /usr/bin/lsscsi "$@"; }
sha256sum() { /usr/bin/sha256sum "$@"; }
cmp() { /usr/bin/cmp "$@"; }
iptables() { /usr/sbin/iptables "$@"; }

# log MSG...: a line with the uptime in seconds (the dmesg timestamps).
log() {
	local up
	read -r up _ </proc/uptime
	printf '[%9s] %s\n' "$up" "$*"
}

# fail MSG...: print and end the scenario with exit code 1.
fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# check DESCRIPTION CMD [ARG...]: run CMD, print a PASS or FAIL line (and the
# output of a failed CMD); failures are counted and reported by finish.
# CMD runs in a subshell, so it cannot change the scenario's variables.
check() {
	local what=$1 out rc=0
	shift
	out=$("$@" 2>&1) || rc=$?
	if [ "$rc" -eq 0 ]; then
		echo "PASS: $what"
	else
		echo "FAIL: $what (exit code $rc: $*)"
		[ -z "$out" ] || printf '%s\n' "$out" | tail -n 20 | sed 's/^/    /'
		scst_failures=$((scst_failures + 1))
	fi
	return 0
}

# has TEXT CMD...: CMD succeeds and its output contains TEXT.
has() {
	local text=$1 out
	shift
	out=$("$@" 2>&1) || { echo "$out"; return 1; }
	echo "$out"
	[[ $out == *"$text"* ]]
}

# fails_with TEXT CMD...: CMD fails with exit code 1 (an error, not a
# usage mistake or a crash) and says TEXT.
fails_with() {
	local text=$1 out rc=0
	shift
	out=$("$@" 2>&1) || rc=$?
	echo "$out"
	[ "$rc" -eq 1 ] && [[ $out == *"$text"* ]]
}

# finish: end the scenario; exit code 1 if any check failed.
finish() {
	if [ "$scst_failures" -gt 0 ]; then
		echo "$scst_failures check(s) failed"
		exit 1
	fi
	exit 0
}

# wait_for COND TIMEOUT: evaluate the shell command COND every 0.1 s until it
# succeeds (return 0) or TIMEOUT seconds have passed (return 1).
wait_for() {
	local cond=$1 deadline=$((SECONDS + $2))
	until eval "$cond"; do
		[ "$SECONDS" -lt "$deadline" ] || return 1
		sleep 0.1
	done
}

module_loaded() { # module_loaded NAME
	grep -q "^$1 " /proc/modules
}

# scst_modules: the project modules in the initramfs, in load order
# (dependencies first, scst before the others).
scst_modules() {
	local m dep seen=" "
	while read -r m; do
		for dep in $(modprobe --show-depends "$m" | awk '$1 == "insmod" {print $2}'); do
			dep=${dep##*/}
			dep=${dep%%.ko*}
			dep=${dep//-/_}
			grep -qx "$dep" "$SCST_PROJECT_MODULES" || continue
			[[ $seen == *" $dep "* ]] && continue
			seen+="$dep "
			echo "$dep"
		done
	done <"$SCST_PROJECT_MODULES"
}

# load_scst: modprobe all project modules (scst first).
load_scst() {
	local m
	for m in $(scst_modules); do
		modprobe "$m" || fail "modprobe $m"
	done
}

# rmmod_busy MODULE: rmmod, retried for up to 10 s while the module is in
# use: a SCSI scan or disk probe that a LUN just added started holds the
# host's module for a moment.
rmmod_busy() {
	local t
	for ((t = 0; t < 100; t++)); do
		rmmod "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	rmmod "$1"
}

# unload_scst: rmmod the loaded project modules in reverse load order;
# fails the scenario if any rmmod fails.
unload_scst() {
	local mods m i
	mapfile -t mods < <(scst_modules)
	for ((i = ${#mods[@]} - 1; i >= 0; i--)); do
		m=${mods[i]}
		module_loaded "$m" || continue
		rmmod_busy "$m" || fail "rmmod $m"
	done
}

# slab_snapshot FILE: save "name active_objects" of the $SCST_SLAB_PREFIX*
# slab caches (the kernel boots with slab_nomerge, so they are not merged).
slab_snapshot() {
	awk -v p="$SCST_SLAB_PREFIX" 'index($1, p) == 1 {print $1, $2}' /proc/slabinfo >"$1"
}

# slab_compare FILE: print and return 1 if a $SCST_SLAB_PREFIX* cache exists
# that is not in the snapshot FILE or holds more active objects than then.
slab_compare() {
	local now name objs before status=0
	now=$(mktemp)
	slab_snapshot "$now"
	while read -r name objs; do
		before=$(awk -v n="$name" '$1 == n {print $2}' "$1")
		if [ -z "$before" ]; then
			echo "slab cache $name is new ($objs active objects)"
			status=1
		elif [ "$objs" -gt "$before" ]; then
			echo "slab cache $name: $before -> $objs active objects"
			status=1
		fi
	done <"$now"
	rm -f "$now"
	return $status
}

# ---- target helpers: the sysfs tree and scst_local ----

SCST=/sys/kernel/scst_tgt
LOCAL_TGT=$SCST/targets/scst_local/scst_local_tgt

# scst_mgmt FILE LINE: write a management line; a refusal fails the scenario
# and shows what the target logged about it.
scst_mgmt() {
	echo "$2" >"$1" 2>/dev/null && return 0
	dmesg | tail -n 3 >&2
	fail "'$2' > $1 was refused"
}

# local_host SESSION: the SCSI host number of the scst_local session
# SESSION of any scst_local target (waits up to 10 s for the session and
# its host).
local_host() {
	wait_for "ls -d $SCST/targets/scst_local/*/sessions/$1 >/dev/null 2>&1 &&
		local_host_now $1 >/dev/null" 10 || return 1
	local_host_now "$1"
}

local_host_now() { # local_host_now SESSION: local_host without waiting
	local h
	for h in /sys/class/scsi_host/host*; do
		[ "$(cat "$h/proc_name" 2>/dev/null)" = scst_local ] || continue
		if [ "$(cat "$h/initiator_name" 2>/dev/null)" = "$1" ]; then
			echo "${h##*/host}"
			return 0
		fi
	done
	return 1
}

# local_rescan: make every scst_local host look for new and gone LUNs now
# (scst_local also does it by itself when the LUN inventory changes).
local_rescan() {
	scst_mgmt "$SCST/targets/scst_local/mgmt" "rescan scst_local_tgt"
}

# local_disk HOST LUN: print /dev/sdX of LUN on scst_local host HOST
# (waits up to 20 s for it to appear).
local_disk() {
	local d=/sys/class/scsi_device/$1:0:0:$2/device/block
	wait_for "ls $d >/dev/null 2>&1" 20 || return 1
	echo "/dev/$(ls "$d")"
}

# local_disks HOST VAR=LUN...: set each VAR to the /dev/sdX of its LUN on
# scst_local host HOST (local_disk); fails the scenario if one does not
# appear.
local_disks() {
	local ld_host=$1 ld_v ld_dev
	shift
	for ld_v; do
		ld_dev=$(local_disk "$ld_host" "${ld_v#*=}") ||
			fail "LUN ${ld_v#*=} of scst_local host $ld_host did not appear"
		printf -v "${ld_v%%=*}" %s "$ld_dev"
	done
}

# local_sg HOST LUN: print /dev/sgN of LUN on scst_local host HOST (waits
# up to 20 s for it; the sg module must be loaded).
local_sg() {
	local g=/sys/class/scsi_device/$1:0:0:$2/device/scsi_generic
	wait_for "ls $g >/dev/null 2>&1" 20 || return 1
	echo "/dev/$(ls "$g")"
}

# ---- libiscsi's iscsi-test-cu ----

# cu_results LOG: "Suite.Test passed|FAILED" for every test of an
# iscsi-test-cu log (CUnit basic mode). A test's verdict is the first
# "passed" or "FAILED" after its "Test:" line, not counting the
# "[FAILED]"/"[SKIPPED]" tags of the messages.
cu_results() {
	awk '
	/^Suite: / { suite = $2; next }
	{
		line = $0
		if (match(line, /^  Test: [^ ]+ \.\.\./)) {
			if (cur != "" && res == "")
				print cur, "UNKNOWN"
			cur = suite "." substr(line, 9, RLENGTH - 12)
			res = ""
			line = substr(line, RLENGTH + 1)
		}
		if (cur == "" || res != "")
			next
		gsub(/\[FAILED\]|\[SKIPPED\]/, "", line)
		if (line ~ /(^|[^A-Za-z])passed([^A-Za-z]|$)/)
			res = "passed"
		else if (line ~ /(^|[^A-Za-z])FAILED([^A-Za-z]|$)/)
			res = "FAILED"
		if (res != "")
			print cur, res
	}
	END { if (cur != "" && res == "") print cur, "UNKNOWN" }' "$1"
}

# cu_sg LOG TESTS SG: iscsi-test-cu --dataloss --test=TESTS over SG_IO on
# the sg device SG, output to LOG (and a copy in $SCST_RESULTS). Prints
# the CUnit summary line ("tests TOTAL RAN PASSED FAILED ..."); without
# one it prints the end of LOG on stderr and returns 1.
cu_sg() {
	iscsi-test-cu --dataloss --test="$2" "$3" >"$1" 2>&1 || true
	cp "$1" "${SCST_RESULTS:-/tmp}/" 2>/dev/null || true
	grep -E '^ +tests +[0-9]+' "$1" | tail -n1 | grep . || { tail -n 30 "$1" >&2; return 1; }
}

# cu_failing LOG: the names of the failed tests of an iscsi-test-cu log.
cu_failing() {
	grep -B1 -E '^ +Test: .*\.\.\.FAILED|FAILED$' "$1" | grep -oE 'Test: [^ ]+' | sort -u || true
}

# cu_run LOG URL [URL2]: the whole suite, destructive tests included, with
# libiscsi's two initiator names (the two-initiator reservation tests);
# URL2, another portal of the same target, is for the MultipathIO tests.
# Prints the CUnit summary line; the output goes to LOG.
cu_run() {
	local log=$1
	shift
	timeout "${SCST_CU_TIMEOUT:-1200}" iscsi-test-cu --dataloss --test=ALL \
		--initiator-name=iqn.2007-10.com.github:sahlberg:libiscsi:iscsi-test \
		--initiator-name-2=iqn.2007-10.com.github:sahlberg:libiscsi:iscsi-test-2 \
		"$@" >"$log" 2>&1 || true
	grep -E '^ +tests +[0-9]+' "$log" | tail -n1
}
