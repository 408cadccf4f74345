#!/bin/bash
# LUN masking: two scst_local sessions with different initiator names see
# different LUN sets (one through a named ini_group matched by a wildcard,
# one through the target's default LUNs), with their own read-only flags.
# Adding and removing a LUN shows up on the host without a manual rescan.
# timeout: 300
set -euo pipefail
source /scst/tests/vm/lib.sh

load_scst
scst_mgmt "$SCST/handlers/vdisk_nullio/mgmt" "add_device shared size_mb=16"
scst_mgmt "$SCST/handlers/vdisk_nullio/mgmt" "add_device only_a size_mb=32"
scst_mgmt "$SCST/handlers/vdisk_nullio/mgmt" "add_device later size_mb=48"

# Default group: LUN 0 = shared.
scst_mgmt "$LOCAL_TGT/luns/mgmt" "add shared 0"
# Group for initiators host_a*: LUN 0 = shared read-only, LUN 1 = only_a.
scst_mgmt "$LOCAL_TGT/ini_groups/mgmt" "create grp_a"
scst_mgmt "$LOCAL_TGT/ini_groups/grp_a/initiators/mgmt" "add host_a*"
scst_mgmt "$LOCAL_TGT/ini_groups/grp_a/luns/mgmt" "add shared 0 read_only=1"
scst_mgmt "$LOCAL_TGT/ini_groups/grp_a/luns/mgmt" "add only_a 1"

scst_mgmt "$SCST/targets/scst_local/mgmt" "add_session scst_local_tgt host_a1"
scst_mgmt "$SCST/targets/scst_local/mgmt" "add_session scst_local_tgt host_b1"
ha=$(local_host host_a1) || fail "no host for host_a1"
hb=$(local_host host_b1) || fail "no host for host_b1"
log "host_a1=host$ha host_b1=host$hb"
check "session directories exist" test -d "$LOCAL_TGT/sessions/host_a1" -a -d "$LOCAL_TGT/sessions/host_b1"

check "host_a1 sees LUN 0" local_disk "$ha" 0
check "host_a1 sees LUN 1" local_disk "$ha" 1
check "host_b1 sees LUN 0" local_disk "$hb" 0
check "host_b1 does not see LUN 1" bash -c "! ls -d /sys/class/scsi_device/$hb:0:0:1 2>/dev/null"
da0=$(local_disk "$ha" 0)
db0=$(local_disk "$hb" 0)
check "host_a1's LUN 0 is read-only" bash -c "! dd if=/dev/zero of=$da0 bs=512 count=1 oflag=direct 2>/dev/null"
check "host_b1's LUN 0 is writable" dd if=/dev/zero of="$db0" bs=512 count=1 oflag=direct
check "REPORT LUNS on host_a1 lists 2 LUNs" bash -c "[ \$(sg_luns $da0 | grep -cE '^ +[0-9a-f]{16}$') -eq 2 ]"
check "REPORT LUNS on host_b1 lists 1 LUN" bash -c "[ \$(sg_luns $db0 | grep -cE '^ +[0-9a-f]{16}$') -eq 1 ]"

# A LUN added to the default group appears on host_b1 without a manual rescan.
scst_mgmt "$LOCAL_TGT/luns/mgmt" "add later 5"
dd if="$db0" of=/dev/null bs=512 count=1 iflag=direct 2>/dev/null || true
check "new LUN 5 appears on host_b1" wait_for "ls -d /sys/class/scsi_device/$hb:0:0:5 >/dev/null 2>&1" 20
check "new LUN 5 does not appear on host_a1" bash -c "! ls -d /sys/class/scsi_device/$ha:0:0:5 2>/dev/null"
scst_mgmt "$LOCAL_TGT/luns/mgmt" "del 5"
dd if="$db0" of=/dev/null bs=512 count=1 iflag=direct 2>/dev/null || true
check "removed LUN 5 disappears from host_b1" wait_for "! ls -d /sys/class/scsi_device/$hb:0:0:5 >/dev/null 2>&1" 20

# Moving host_a1 out of the group (del the pattern) rebinds it to the default LUNs.
scst_mgmt "$LOCAL_TGT/ini_groups/grp_a/initiators/mgmt" "del host_a*"
check "host_a1 now sees exactly 1 LUN" bash -c "[ \$(sg_luns $da0 2>/dev/null | grep -cE '^ +[0-9a-f]{16}$') -eq 1 ]"

scst_mgmt "$SCST/targets/scst_local/mgmt" "del_session scst_local_tgt host_a1"
scst_mgmt "$SCST/targets/scst_local/mgmt" "del_session scst_local_tgt host_b1"
check "sessions are gone" test ! -e "$LOCAL_TGT/sessions/host_a1" -a ! -e "$LOCAL_TGT/sessions/host_b1"
scst_mgmt "$LOCAL_TGT/ini_groups/mgmt" "del grp_a"
unload_scst
finish
