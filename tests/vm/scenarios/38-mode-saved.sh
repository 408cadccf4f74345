#!/bin/bash
# Saved mode parameters outlive the device: MODE SELECT with SP=1 changes
# devices/<dev>/mode_saved (marked "[key]") and sends CONFIG_CHANGED, so
# the configuration file keeps them; re-creating the device from that file
# (scstadmin -write_config, -clear_config, -config) brings them back as the
# saved and the current values. Bad values written to the file are refused.
# timeout: 300
set -euo pipefail
source /scst/tests/vm/lib.sh

A=/usr/local/bin/scstadmin
NL=/usr/local/bin/scstnl
[ -x "$A" ] && [ -x "$NL" ] || fail "scstadmin or scstnl missing (build user space first)"

# sense_format DEV: the format of the sense data of an unsupported opcode.
sense_format() {
	sg_raw -v "$1" ff 00 00 00 00 00 2>&1 | grep -oE '(Fixed|Descriptor) format' | head -n1
}

load_scst
"$NL" monitor >mon.log 2>&1 &
wait_for "grep -q '^# listening' mon.log" 20 || fail "scstnl monitor did not start"
scst_mgmt "$SCST/handlers/vdisk_nullio/mgmt" "add_device ms0 size_mb=16"
scst_mgmt "$LOCAL_TGT/luns/mgmt" "add ms0 0"
host=$(local_host scst_local_host) || fail "no scst_local host"
local_rescan
dev=$(local_disk "$host" 0) || fail "LUN 0 did not appear"

check "defaults: no [key] mark" bash -c "! grep -q key $SCST/devices/ms0/mode_saved"
check "fixed format sense by default" test "$(sense_format "$dev")" = "Fixed format"

# Control page 0Ah, byte 2 bit 2: D_SENSE; --save sets SP.
check "MODE SELECT with SP=1" sg_wr_mode --page=0xa --contents=0,0,4 --mask=0,0,4 --save "$dev"
check "the saved value shows with a [key] mark" \
	bash -c "head -n1 $SCST/devices/ms0/mode_saved | grep -q 'd_sense=1' && grep -qx '\[key\]' $SCST/devices/ms0/mode_saved"
check "CONFIG_CHANGED for the saved value" \
	wait_for "grep -qE '^event=CONFIG_CHANGED cmd=DEVICE_SET handler=vdisk_nullio device=ms0' mon.log" 10
check "descriptor format sense now" test "$(sense_format "$dev")" = "Descriptor format"
check "-write_config keeps it" "$A" -write_config /tmp/saved.conf
check "the file has mode_saved" grep -q 'mode_saved.*d_sense=1' /tmp/saved.conf

check "-clear_config" "$A" -clear_config -noprompt -force
check "ms0 is gone" test ! -e "$SCST/devices/ms0"
check "-config of the written file" "$A" -config /tmp/saved.conf
check "ms0 is back with its saved values" grep -q 'd_sense=1' "$SCST/devices/ms0/mode_saved"
local_rescan
host=$(local_host scst_local_host) || fail "no scst_local host after -config"
dev=$(local_disk "$host" 0) || fail "LUN 0 did not come back"
check "the saved values are current after re-creation" test "$(sense_format "$dev")" = "Descriptor format"

check "a reserved QERR is refused" bash -c "! echo qerr=2 >$SCST/devices/ms0/mode_saved"
check "an unknown name is refused" bash -c "! echo foo=1 >$SCST/devices/ms0/mode_saved"
check "nothing changed by the refused writes" grep -q 'd_sense=1 swp=0 tas=1 qerr=0' "$SCST/devices/ms0/mode_saved"
check "back to the defaults" bash -c "echo default >$SCST/devices/ms0/mode_saved"
check "no [key] mark after default" bash -c "! grep -q key $SCST/devices/ms0/mode_saved"
check "fixed format sense again (after the MODE PARAMETERS CHANGED UA)" \
	wait_for "[ \"\$(sense_format $dev)\" = 'Fixed format' ]" 5

"$A" -clear_config -noprompt -force >/dev/null
unload_scst
finish
