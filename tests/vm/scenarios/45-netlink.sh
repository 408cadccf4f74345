#!/bin/bash
# The generic netlink interface through scstnl (libnl): objects it creates
# show up in sysfs and the other way round (the core's max_tgt_dev_commands
# too), errors come with the extack text, a monitor receives the events, an
# unprivileged user may read but not change anything, and a dump of 1000
# LUNs spanning many skbs is whole.
# timeout: 400
set -euo pipefail
source /scst/tests/vm/lib.sh

NL=/usr/local/bin/scstnl
[ -x "$NL" ] || fail "scstnl is not in the initramfs (build user space first)"
D=scst_local
T=scst_local_tgt
U=(setpriv --reuid=scstuser --regid=scstuser --clear-groups --inh-caps=-all)

# event PATTERN: the monitor printed a line matching the ERE PATTERN.
event() {
	wait_for "grep -qE '$1' mon.log" 10 || { cat mon.log; return 1; }
}

load_scst
"$NL" monitor >mon.log 2>&1 &
mon=$!
wait_for "grep -q '^# listening' mon.log" 20 || fail "scstnl monitor did not start"

check "version" has "genl_version=1" "$NL" version
check "handler dump lists vdisk_nullio" has "handler=vdisk_nullio add_params=size," "$NL" handler-get
check "driver dump lists scst_local" has "driver=scst_local" "$NL" driver-get

# ---- global settings: netlink and the module parameters agree ----
P=/sys/module/scst/parameters
check "global-get shows the SGV limits" has "attr.sgv_max_cached_mb=64 attr.sgv_max_mb=0 attr.sgv_idle_secs=60" "$NL" global-get
check "global-set sgv_max_mb" "$NL" global-set sgv_max_mb 5
check "the module parameter follows" bash -c "grep -qx 5 $P/sgv_max_mb"
check "CONFIG_CHANGED for a global setting" event "^event=CONFIG_CHANGED cmd=GLOBAL_SET"
echo 7 >"$P/sgv_max_mb"
check "a module parameter write shows in global-get" has "attr.sgv_max_mb=7" "$NL" global-get
check "... and is reported" wait_for "[ \$(grep -c '^event=CONFIG_CHANGED cmd=GLOBAL_SET' mon.log) -ge 2 ]" 10
check "an unknown setting is refused" fails_with "no such global setting" "$NL" global-set sgv_nope 1
check "a bad number is refused" fails_with "expected an unsigned number" "$NL" global-set sgv_max_mb x
check "a bad module parameter write is refused" bash -c "! echo x >$P/sgv_max_mb"
check "user: global-get" has "attr.sgv_max_mb=7" "${U[@]}" "$NL" global-get
check "user: global-set is refused" fails_with "Operation not permitted" "${U[@]}" "$NL" global-set sgv_max_mb 1
check "back to no limit" "$NL" global-set sgv_max_mb 0

# ---- devices: netlink -> sysfs and sysfs -> netlink ----
"$NL" device-add vdisk_nullio nd0 "size_mb=16; blocksize=4096" || fail "device-add nd0"
check "nd0 is in sysfs" test -d "$SCST/devices/nd0"
check "sysfs shows nd0's size" bash -c "head -n1 $SCST/devices/nd0/size | grep -qx 16777216"
check "device-get nd0" has "device=nd0 handler=vdisk_nullio size=16777216 block_size=4096 read_only=0" "$NL" device-get nd0
check "device-get shows the handler's attributes without [key]" has "attr.blocksize=4096 attr.size=16777216 attr.size_mb=16" "$NL" device-get nd0
check "DEVICE_ADDED event" event "^event=DEVICE_ADDED device=nd0 handler=vdisk_nullio"
scst_mgmt "$SCST/handlers/vdisk_nullio/mgmt" "add_device sd0 size_mb=8"
check "a sysfs device is in the netlink dump" has "device=sd0 handler=vdisk_nullio size=8388608" "$NL" device-get

dd if=/dev/zero of=/srv/f0.img bs=1M count=4 2>/dev/null
"$NL" device-add vdisk_fileio fd0 "filename=/srv/f0.img" || fail "device-add fd0"
dd if=/dev/zero of=/srv/f0.img bs=1M count=0 seek=8 2>/dev/null
check "device-set fd0 resync_size" "$NL" device-set fd0 resync_size 1
check "fd0 has the new size" has "size=8388608" "$NL" device-get fd0
check "sysfs agrees" bash -c "head -n1 $SCST/devices/fd0/size | grep -qx 8388608"
check "DEVICE_RESIZED event" event "^event=DEVICE_RESIZED device=fd0 .*size=8388608"
dd if=/dev/zero of=/srv/f0.img bs=1M count=0 seek=12 2>/dev/null
echo 1 >"$SCST/devices/fd0/resync_size"
# The second DEVICE_SET of fd0: the first one was the netlink device-set.
check "CONFIG_CHANGED after a write to a handler's sysfs file" \
	wait_for "[ \$(grep -c '^event=CONFIG_CHANGED cmd=DEVICE_SET handler=vdisk_fileio device=fd0' mon.log) -eq 2 ]" 10
check "netlink sees the size set through sysfs" has "size=12582912" "$NL" device-get fd0
check "device-set of a read-only attribute fails" fails_with "no such writable attribute" "$NL" device-set nd0 size_mb 5
# The core's max_tgt_dev_commands is a device attribute like the handler's.
check "device-get shows the core's max_tgt_dev_commands" has "attr.max_tgt_dev_commands=0" "$NL" device-get nd0
check "device-set nd0 max_tgt_dev_commands" "$NL" device-set nd0 max_tgt_dev_commands 8
check "sysfs shows it" bash -c "head -n1 $SCST/devices/nd0/max_tgt_dev_commands | grep -qx 8"
check "device-get shows it" has "attr.max_tgt_dev_commands=8" "$NL" device-get nd0
check "above 65535: the extack says out of range" \
	fails_with "out of the attribute's range" "$NL" device-set nd0 max_tgt_dev_commands 65536
check "not a number: refused" fails_with "refused the value" "$NL" device-set nd0 max_tgt_dev_commands 8x
check "still 8" has "attr.max_tgt_dev_commands=8" "$NL" device-get nd0
echo 0 >"$SCST/devices/nd0/max_tgt_dev_commands"
check "CONFIG_CHANGED after device-set and a sysfs write of max_tgt_dev_commands" \
	wait_for "[ \$(grep -c '^event=CONFIG_CHANGED cmd=DEVICE_SET handler=vdisk_nullio device=nd0' mon.log) -eq 2 ]" 10
check "netlink sees 0 set through sysfs" has "attr.max_tgt_dev_commands=0" "$NL" device-get nd0

# ---- LUNs, groups, initiators ----
"$NL" lun-add $D $T 0 nd0 || fail "lun-add 0"
check "LUN 0 is in sysfs" bash -c "readlink $LOCAL_TGT/luns/0/device | grep -q '/nd0$'"
"$NL" group-add $D $T g1 || fail "group-add g1"
check "group g1 is in sysfs" test -d "$LOCAL_TGT/ini_groups/g1"
"$NL" initiator-add $D $T g1 'host_nl*' || fail "initiator-add"
check "the initiator is in sysfs" test -f "$LOCAL_TGT/ini_groups/g1/initiators/host_nl*"
"$NL" lun-add $D $T 1 sd0 -g g1 -r || fail "lun-add -g g1 1"
check "g1's LUN 1 is in sysfs, read-only" bash -c "head -n1 $LOCAL_TGT/ini_groups/g1/luns/1/read_only | grep -qx 1"
check "lun-get of g1's LUN 1" has "group=g1 lun=1 device=sd0 read_only=1" "$NL" lun-get $D $T 1 -g g1
scst_mgmt "$LOCAL_TGT/ini_groups/mgmt" "create g2"
check "group dump lists g1 and the sysfs group g2" bash -c "$NL group-get $D $T | grep -c '^driver=$D target=$T group=g[12]' | grep -qx 2"
"$NL" initiator-move $D $T g1 'host_nl*' g2 || fail "initiator-move"
check "the initiator moved in sysfs" test -f "$LOCAL_TGT/ini_groups/g2/initiators/host_nl*"
check "group-get g2 lists it" has "group=g2 initiator=host_nl*" "$NL" group-get $D $T g2
"$NL" lun-replace $D $T 1 nd0 -g g1 || fail "lun-replace"
check "LUN 1 of g1 now is nd0" bash -c "readlink $LOCAL_TGT/ini_groups/g1/luns/1/device | grep -q '/nd0$'"
check "CONFIG_CHANGED after a netlink change" event "^event=CONFIG_CHANGED cmd=LUN_REPLACE .*group=g1 .*lun=1"

# ---- errors: a non-zero exit and the kernel's extack text ----
check "unknown device" fails_with "no such device" "$NL" device-get nosuch
check "unknown device to delete" fails_with "no such device" "$NL" device-del nosuch
check "unknown target" fails_with "no such target" "$NL" lun-get $D nosuch
check "LUN 99999" fails_with "out of range" "$NL" lun-add $D $T 99999 nd0
check "LUN in use" fails_with "already in use" "$NL" lun-add $D $T 0 sd0
check "duplicate group" fails_with "already exists" "$NL" group-add $D $T g1
check "group names are checked like in sysfs" fails_with "invalid group name" "$NL" group-add $D $T mgmt
check "initiator already in a group" fails_with "already in a group" "$NL" initiator-add $D $T g1 'host_nl*'
check "driver-mgmt with a bad line" fails_with "the driver refused" "$NL" driver-mgmt $D "frobnicate x"
check "add_target is not a mgmt line" fails_with "TARGET_ADD" "$NL" driver-mgmt $D "add_target x"

# ---- sessions and events ----
"$NL" driver-mgmt $D "add_session $T host_nl1" || fail "add_session"
check "SESSION_UP event" event "^event=SESSION_UP driver=$D target=$T initiator=host_nl1"
check "session-get host_nl1 (bound to g2)" has "initiator=host_nl1 group=g2 lun_count=0" "$NL" session-get $D $T host_nl1
check "session dump" has "initiator=host_nl1" "$NL" session-get $D $T
scst_mgmt "$LOCAL_TGT/luns/mgmt" "add sd0 2"
check "CONFIG_CHANGED after a sysfs LUN add" event "^event=CONFIG_CHANGED cmd=LUN_ADD device=sd0 driver=$D target=$T lun=2"
"$NL" driver-mgmt $D "del_session $T host_nl1" || fail "del_session"
check "SESSION_DOWN event" event "^event=SESSION_DOWN driver=$D target=$T initiator=host_nl1"

# ---- targets ----
"$NL" target-add $D nl_t2 || fail "target-add"
check "nl_t2 is in sysfs" test -d "$SCST/targets/$D/nl_t2"
check "target-set rel_tgt_id" "$NL" target-set $D nl_t2 rel_tgt_id=77
check "sysfs shows rel_tgt_id 77" bash -c "head -n1 $SCST/targets/$D/nl_t2/rel_tgt_id | grep -qx 77"
check "target-get nl_t2" has "driver=$D target=nl_t2 enabled=1 rel_tgt_id=77" "$NL" target-get $D nl_t2
check "rel_tgt_id in use" fails_with "another target uses" "$NL" target-set $D $T rel_tgt_id=77
check "target dump lists both" bash -c "$NL target-get $D | grep -c '^driver=$D target=' | grep -qx 2"

# ---- an unprivileged user reads but changes nothing ----
check "user: device-get" has "device=nd0" "${U[@]}" "$NL" device-get
check "user: lun-get" has "lun=0 device=nd0" "${U[@]}" "$NL" lun-get $D $T
for c in "device-add vdisk_nullio ux size_mb=1" "device-del nd0" "device-set fd0 resync_size 1" \
	"driver-mgmt $D rescan" "target-add $D ut" "target-del $D nl_t2" \
	"target-set $D nl_t2 rel_tgt_id=5" "group-add $D $T ug" "group-del $D $T g1" \
	"initiator-add $D $T g1 u" "initiator-del $D $T g2 host_nl*" \
	"initiator-move $D $T g2 host_nl* g1" "lun-add $D $T 7 nd0" "lun-del $D $T 0" \
	"lun-replace $D $T 0 sd0" "lun-clear $D $T"; do
	read -ra args <<<"$c"
	check "user: ${args[0]} is refused" fails_with "Operation not permitted" "${U[@]}" "$NL" "${args[@]}"
done
check "nothing changed" has "lun=0 device=nd0" "$NL" lun-get $D $T 0

# ---- a dump of 1000 LUNs spans many skbs and is complete ----
# Each LUN message is about 80 bytes: 1000 of them need at least three of
# the kernel's dump skbs (32 KiB at most each).
for i in $(seq 0 999); do
	echo "add nd0 $i" >"$SCST/targets/$D/nl_t2/luns/mgmt"
done
"$NL" lun-get $D nl_t2 >luns.txt
check "the LUN dump has 1000 lines" bash -c "[ \$(wc -l <luns.txt) -eq 1000 ]"
check "each LUN exactly once" bash -c "sed -E 's/.* lun=([0-9]+) .*/\1/' luns.txt | sort -n | uniq | wc -l | grep -qx 1000"

# ---- clean up through netlink ----
"$NL" lun-clear $D nl_t2 || fail "lun-clear"
check "nl_t2 has no LUNs" bash -c "[ -z \"\$($NL lun-get $D nl_t2)\" ]"
"$NL" target-del $D nl_t2 || fail "target-del"
check "nl_t2 is gone" test ! -e "$SCST/targets/$D/nl_t2"
"$NL" lun-del $D $T 0 || fail "lun-del"
"$NL" lun-del $D $T 2 || fail "lun-del"
"$NL" initiator-del $D $T g2 'host_nl*' || fail "initiator-del"
"$NL" group-del $D $T g1 || fail "group-del g1"
"$NL" group-del $D $T g2 || fail "group-del g2"
check "the groups are gone" test ! -e "$LOCAL_TGT/ini_groups/g1" -a ! -e "$LOCAL_TGT/ini_groups/g2"
for d in nd0 sd0 fd0; do
	"$NL" device-del $d || fail "device-del $d"
done
check "DEVICE_REMOVED event" event "^event=DEVICE_REMOVED device=fd0"
check "no devices left" bash -c "[ -z \"\$($NL device-get)\" ]"

kill "$mon"
wait "$mon" 2>/dev/null || true
cp mon.log "$SCST_RESULTS/" 2>/dev/null || true
unload_scst
finish
