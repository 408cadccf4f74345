#!/bin/bash
# libiscsi's conformance suite over iSCSI: iscsi-test-cu --dataloss
# --test=ALL (230 tests) against scst_iscsi (scstadmd login) on a fileio
# LUN, with libiscsi's two initiator names (two-initiator reservation
# tests) and a second portal of the same target (MultipathIO). Fails if a
# test fails that 80-iscsi-libiscsi.known does not list, if a test listed
# as "fails" passes, or if fewer than 230 tests ran; prints the pass count.
# After the suite no session and no slab object of ours is left.
# The same suite against LIO, side by side: bench/vm/iscsi-conformance.sh.
# timeout: 1500
set -euo pipefail
source /scst/tests/vm/lib.sh
source /scst/tests/vm/iscsi-lib.sh

IQN=iqn.2026-11.org.scst:vm.conformance
KNOWN=/scst/tests/vm/scenarios/80-iscsi-libiscsi.known
TOTAL=230

save_results() {
	cp cu.log admd.log results.txt "$SCST_RESULTS/" 2>/dev/null || true
}
trap save_results EXIT

load_scst
slab_snapshot /tmp/slab.before
truncate -s 128M /srv/conf.img
scst_mgmt "$SCST/handlers/vdisk_fileio/mgmt" "add_device conf0 filename=/srv/conf.img"
iscsi_target "$IQN" conf0:0
admd_start 127.0.0.1:3260 127.0.0.1:3261

log "iscsi-test-cu ALL against scst_iscsi"
t0=$SECONDS
summary=$(cu_run cu.log "iscsi://127.0.0.1:3260/$IQN/0" "iscsi://127.0.0.1:3261/$IQN/0")
log "done in $((SECONDS - t0)) s: $summary"
cu_results cu.log >results.txt
ran=$(wc -l <results.txt)
passed=$(grep -c ' passed$' results.txt || true)

unexpected=() fixed=()
while read -r name verdict; do
	[ "$verdict" = passed ] && continue
	grep -qE "^$name[[:space:]]+(fails|flaky)[[:space:]]" "$KNOWN" || unexpected+=("$name $verdict")
done <results.txt
while read -r name kind why; do
	[ "$kind" = fails ] || continue
	grep -qx "$name passed" results.txt && fixed+=("$name")
done < <(grep -vE '^(#|$)' "$KNOWN")
known=$(grep -cvE '^(#|$)' "$KNOWN" || true)

echo "RESULT iscsi-test-cu ALL against scst_iscsi: $passed of $ran passed" \
	"($known known failures listed)"
for t in "${unexpected[@]}"; do
	echo "unexpected: $t"
	awk -v t="  Test: ${t#*.} ..." 'index($0, t) == 1 {p = 1} p && /^  Test: / && index($0, t) != 1 {exit} p' cu.log |
		grep -vE '^\s*\[FAILED\] (VERIFY|WRITE).*should have' | head -n 15 | sed 's/^/    /'
done
for t in "${fixed[@]}"; do
	echo "passes now, remove it from $(basename "$KNOWN"): $t"
done
check "all $TOTAL tests ran" test "$ran" -eq "$TOTAL"
check "no failure that is not listed as known" test "${#unexpected[@]}" -eq 0
check "no test listed as failing passes" test "${#fixed[@]}" -eq 0

admd_stop
check "no session left" wait_for '[ "$(nsessions "$IQN")" -eq 0 ]' 20
iscsi_target_del "$IQN"
scst_mgmt "$SCST/handlers/vdisk_fileio/mgmt" "del_device conf0"
unload_scst
check "no slab object of ours left" slab_compare /tmp/slab.before
finish
