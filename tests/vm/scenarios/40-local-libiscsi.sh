#!/bin/bash
# libiscsi's conformance suite (iscsi-test-cu, LINUX family, over SG_IO) on an
# scst_local fileio LUN, with a second session for the two-initiator tests.
# Passes when at least SCST_LIBISCSI_MIN tests pass (LIO's tcm_loop passes
# 149 of 155 in the same VM); the failing tests are listed in the output.
# timeout: 900
set -euo pipefail
source /scst/tests/vm/lib.sh
min=${SCST_LIBISCSI_MIN:-149}

load_scst
truncate -s 256M /srv/conf.img
scst_mgmt "$SCST/handlers/vdisk_fileio/mgmt" "add_device conf0 filename=/srv/conf.img"
scst_mgmt "$LOCAL_TGT/luns/mgmt" "add conf0 0"
host=$(local_host scst_local_host) || fail "no scst_local host"
local_rescan
local_disk "$host" 0 >/dev/null || fail "LUN 0 did not appear"
modprobe sg
sg=$(local_sg "$host" 0) || fail "no sg device for LUN 0"
log "running iscsi-test-cu LINUX family on $sg"

summary=$(cu_sg /tmp/conformance.log LINUX "$sg") || fail "no CUnit summary"
read -r _ total ran passed failed _ <<<"$summary"
skipped=$(grep -cE 'Test: .*\[SKIPPED\]' /tmp/conformance.log || true)
log "iscsi-test-cu LINUX: total=$total ran=$ran passed=$passed failed=$failed" \
	"(of the passed, $skipped skipped themselves: feature not implemented)"
echo "failing tests:"
cu_failing /tmp/conformance.log
grep -E '^  [0-9]+\. .*' /tmp/conformance.log | head -n 60 || true
check "at least $min of $total conformance tests pass" test "$passed" -ge "$min"

scst_mgmt "$LOCAL_TGT/luns/mgmt" "del 0"
local_rescan
scst_mgmt "$SCST/handlers/vdisk_fileio/mgmt" "del_device conf0"
unload_scst
finish
