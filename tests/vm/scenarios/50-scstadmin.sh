#!/bin/bash
# scstadmin on the kernel: -config of a file with three handlers, scst_local
# targets, groups, initiators and LUNs; the listings (and --json) match;
# -write_config, -clear_config, -config of the written file give the same
# state; a sysfs change shows in -write_config; a device's
# max_tgt_dev_commands is set, saved, restored and reset, a value out of its
# range refused by scstadmin before it sends anything; a config with an error, or
# whose apply fails in the kernel midway, changes nothing; -check_config
# shows the difference; an unprivileged user lists but gets EPERM.
# timeout: 500
set -euo pipefail
source /scst/tests/vm/lib.sh

A=/usr/local/bin/scstadmin
[ -x "$A" ] || fail "scstadmin is not in the initramfs (build user space first)"
U=(setpriv --reuid=scstuser --regid=scstuser --clear-groups --inh-caps=-all)
D=scst_local

# state FILE: the kernel's configuration as sysfs shows it, for before/after.
state() {
	(cd $SCST && find devices targets handlers -mindepth 1 \
		\( -name mgmt -o -name resync_size \) -prune -o -print | sort
	 for f in devices/*/size devices/*/filename $SCST/targets/$D/*/ini_groups/*/luns/*/read_only; do
		if [ -e "$f" ]; then echo "$f=$(head -n1 "$f")"; fi
	 done) >"$1" 2>/dev/null || true
}

# same_conf A B: two written configs are equal but for the header.
same_conf() {
	diff <(grep -v '^#' "$1") <(grep -v '^#' "$2")
}

load_scst
dd if=/dev/zero of=/srv/f0.img bs=1M count=16 2>/dev/null
dd if=/dev/zero of=/srv/b0.img bs=1M count=16 2>/dev/null
loop=$(losetup -f --show /srv/b0.img)

# The default target's session is the kernel's when the config names none.
cat >keep.conf <<EOF
HANDLER vdisk_nullio {
	DEVICE k0
}
TARGET_DRIVER scst_local {
	TARGET scst_local_tgt {
		LUN 0 k0
	}
}
EOF
check "a config without session_name needs no -force" "$A" -config keep.conf
check "the default session is still there" test -d "$LOCAL_TGT/sessions/scst_local_host"
check "LUN 0 is k0" bash -c "readlink $LOCAL_TGT/luns/0/device | grep -q '/k0$'"
check "-clear_config removes the default target" "$A" -clear_config -noprompt
check "nothing is left" bash -c "[ -z \"\$(ls $SCST/targets/$D | grep -v mgmt)\" ]"

cat >scst.conf <<EOF
# Three handlers, two scst_local targets with groups.
HANDLER vdisk_nullio {
	DEVICE null0 {
		size_mb 64
		blocksize 4096
	}
	DEVICE null1
}

HANDLER vdisk_fileio {
	DEVICE file0 {
		filename /srv/f0.img
		write_through 1
	}
}

HANDLER vdisk_blockio {
	DEVICE blk0 {
		filename $loop
		read_only 1
	}
}

TARGET_DRIVER scst_local {
	TARGET t1 {
		session_name host_a1
		LUN 0 null0
		LUN 1 file0

		GROUP hosts_b {
			INITIATOR host_b*
			LUN 0 blk0
			LUN 1 null1 {
				read_only 1
			}
		}
	}
	TARGET t2 {
		session_name host_b1
		session_name host_c1
		LUN 5 null1
		GROUP g2 {
			INITIATOR host_c1
			INITIATOR "host_x?"
			LUN 0 file0
		}
	}
}
EOF

# ---- -config and the listings ----
check "-config applies scst.conf" "$A" -config scst.conf
check "null0 is 64 MiB in 4k blocks" bash -c "head -n1 $SCST/devices/null0/size | grep -qx 67108864 && head -n1 $SCST/devices/null0/blocksize | grep -qx 4096"
check "blk0 is on $loop, read-only" bash -c "head -n1 $SCST/devices/blk0/filename | grep -qx $loop && head -n1 $SCST/devices/blk0/read_only | grep -qx 1"
check "t1 LUN 1 is file0" bash -c "readlink $SCST/targets/$D/t1/luns/1/device | grep -q '/file0$'"
check "hosts_b has host_b*" test -e "$SCST/targets/$D/t1/ini_groups/hosts_b/initiators/host_b*"
check "hosts_b LUN 1 is read-only" bash -c "head -n1 $SCST/targets/$D/t1/ini_groups/hosts_b/luns/1/read_only | grep -qx 1"
check "a second -config changes nothing" has "No changes" "$A" -config scst.conf
check "-list_handler" has "vdisk_blockio" "$A" -list_handler
check "-list_device" has "file0" "$A" -list_device
check "-list_device --json" has '"name": "blk0"' "$A" -list_device --json
check "-list_dev_attr null0" has "67108864" "$A" -list_dev_attr null0
check "-list_dev_attr --json marks the key values" has '"blocksize"' "$A" -list_dev_attr null0 --json
check "-list_driver" has "scst_local" "$A" -list_driver
check "-list_target --json" has '"name": "t2"' "$A" -list_target -driver $D --json
check "-list_target t1 --json has its LUNs" has '"device": "file0"' "$A" -list_target t1 -driver $D --json
check "-list_group" has "host_b*" "$A" -list_group -driver $D -target t1
check "-list_group --json" has '"host_x?"' "$A" -list_group g2 -driver $D -target t2 --json
check "-list_sessions" has "host_c1" "$A" -list_sessions
check "-list_sessions --json: host_c1 is in g2" has '"group": "g2"' "$A" -list_sessions -driver $D -target t2 --json
check "-list_tgt_attr" has "rel_tgt_id" "$A" -list_tgt_attr t1 -driver $D
check "-list_scst_attr --json" has '"version"' "$A" -list_scst_attr --json

# ---- the single-change verbs ----
check "-open_dev" "$A" -open_dev n9 -handler vdisk_nullio -attributes size_mb=8,blocksize=512
check "-add_lun" "$A" -add_lun 9 -driver $D -target t1 -device n9 -attributes read_only=1
check "-add_group, -add_init, -move_init" bash -c "$A -add_group g9 -driver $D -target t1 && $A -add_init 'i9' -driver $D -target t1 -group g9 && $A -move_init i9 -driver $D -target t1 -group g9 -to hosts_b"
check "i9 moved" test -e "$SCST/targets/$D/t1/ini_groups/hosts_b/initiators/i9"
check "-set_lun_attr read_only=0" "$A" -set_lun_attr 9 -driver $D -target t1 -attributes read_only=0
check "LUN 9 is writable now" bash -c "head -n1 $SCST/targets/$D/t1/luns/9/read_only | grep -qx 0"
check "-rem_init, -rem_group, -rem_lun, -close_dev" bash -c "$A -noprompt -rem_init i9 -driver $D -target t1 -group hosts_b && $A -noprompt -rem_group g9 -driver $D -target t1 && $A -noprompt -rem_lun 9 -driver $D -target t1 && $A -noprompt -close_dev n9"
check "-set_dev_attr of a read-only attribute fails with the kernel's message" fails_with "no such writable attribute" "$A" -set_dev_attr null0 -attributes size_mb=5
check "-resync_dev" "$A" -resync_dev file0
check "-set_hnd_attr of an attribute this kernel lacks says so" fails_with "no such attribute in this kernel" "$A" -set_hnd_attr vdisk_nullio -attributes foo=1
check "-set_tgt_attr rel_tgt_id" "$A" -set_tgt_attr t2 -driver $D -attributes rel_tgt_id=42
check "back to scst.conf" has "No changes" "$A" -config scst.conf

# ---- -write_config, -clear_config, -config of the written file ----
check "-write_config" "$A" -write_config w1.conf
cat w1.conf
check "-write_config JSON" "$A" -write_config w1.json
state before.txt
check "-clear_config" "$A" -clear_config -noprompt
check "no devices left" bash -c "[ -z \"\$(ls $SCST/devices)\" ]"
check "-config of the written file" "$A" -config w1.conf
check "-write_config again" "$A" -write_config w2.conf
check "the written configs are equal" same_conf w1.conf w2.conf
state after.txt
check "sysfs shows the same state" diff before.txt after.txt
check "the JSON file describes the same state" has "No changes" "$A" -check_config w1.json

# ---- a change made through sysfs ----
scst_mgmt "$SCST/targets/$D/t1/luns/mgmt" "add null1 7"
check "-write_config has the LUN added through sysfs" bash -c "$A -write_config w3.conf && grep -q 'LUN 7 null1' w3.conf"
check "-check_config lists the difference" has "LUN 7" "$A" -check_config w1.conf
check "-config that removes something needs -force" fails_with "use -force" "$A" -config w1.conf
check "... and changed nothing" test -e "$SCST/targets/$D/t1/luns/7"
check "-config -force" "$A" -config w1.conf -force
check "LUN 7 is gone" test ! -e "$SCST/targets/$D/t1/luns/7"

# ---- global settings ----
check "-set_scst_attr" "$A" -set_scst_attr -attributes sgv_max_mb=3
check "-list_scst_attr shows it" has "sgv_max_mb" "$A" -list_scst_attr
check "the module parameter follows" grep -qx 3 /sys/module/scst/parameters/sgv_max_mb
check "-write_config keeps it" bash -c "$A -write_config w5.conf && grep -qx 'sgv_max_mb 3' w5.conf"
check "-config of a file without it resets it" "$A" -config w1.conf
check "back to the default" grep -qx 0 /sys/module/scst/parameters/sgv_max_mb

# ---- a device's max_tgt_dev_commands (the core's, of any handler) ----
MX=$SCST/devices/null1/max_tgt_dev_commands
check "w1.conf has no max_tgt_dev_commands (0, the default)" bash -c "! grep -q max_tgt_dev_commands w1.conf"
check "-set_dev_attr max_tgt_dev_commands" "$A" -set_dev_attr null1 -attributes max_tgt_dev_commands=8
check "sysfs shows 8, marked configuration" bash -c "head -n1 $MX | grep -qx 8 && sed -n 2p $MX | grep -qxF '[key]'"
# Out of range or not a number: scstadmin refuses it with the range before
# sending anything (nothing in the kernel log), exit code 1.
dmesg_lines=$(dmesg | wc -l)
check "-set_dev_attr out of range is refused naming attribute, value and range" \
	fails_with 'set max_tgt_dev_commands of device null1 to 65536: "65536" is out of range: expected a number of commands 0..65535 (0: no limit)' \
	"$A" -set_dev_attr null1 -attributes max_tgt_dev_commands=65536
check "-set_dev_attr of a non-number is refused alike" \
	fails_with '"many" is not a decimal number: expected a number of commands 0..65535' \
	"$A" -set_dev_attr null1 -attributes max_tgt_dev_commands=many
check "-set_dev_attr of a good and a bad value sets neither" \
	fails_with '"-1" is not a decimal number' \
	"$A" -set_dev_attr null1 -attributes max_tgt_dev_commands=16,max_tgt_dev_commands=-1
check "-open_dev with it out of range creates nothing" \
	fails_with 'max_tgt_dev_commands: "70000" is out of range' \
	"$A" -open_dev null9 -handler vdisk_nullio -attributes size_mb=1,max_tgt_dev_commands=70000
check "null9 does not exist" test ! -e $SCST/devices/null9
check "-set_tgt_attr of an iSCSI parameter out of range, without even the module" \
	fails_with '"4096" is out of range: expected a number of commands 1..2048' \
	"$A" -set_tgt_attr t1 -driver iscsi -attributes QueuedCommands=4096
check "none of them reached the kernel (no kernel log line)" \
	bash -c "[ \$(dmesg | wc -l) -eq $dmesg_lines ] || { dmesg | tail -n +$((dmesg_lines + 1)); false; }"
check "and it is still 8" bash -c "head -n1 $MX | grep -qx 8"
check "-write_config keeps it in DEVICE null1 only" bash -c "$A -write_config w6.conf &&
	sed -n '/DEVICE null1 {/,/}/p' w6.conf | grep -Eqx '\s+max_tgt_dev_commands 8' &&
	[ \$(grep -c max_tgt_dev_commands w6.conf) -eq 1 ]"
check "-clear_config, then -config of that file" bash -c "$A -clear_config -noprompt && $A -config w6.conf"
check "the new null1 has 8 again" bash -c "head -n1 $MX | grep -qx 8"
check "a second -config changes nothing" has "No changes" "$A" -config w6.conf
sed 's/max_tgt_dev_commands 8/max_tgt_dev_commands 70000/' w6.conf >bad3.conf
line=$(grep -n 'max_tgt_dev_commands 70000' bad3.conf | cut -d: -f1)
check "a config with it out of range is refused with its line" \
	fails_with "bad3.conf:$line" "$A" -config bad3.conf
check "... naming the value and the range" \
	fails_with "bad3.conf:$line:3: HANDLER vdisk_nullio/DEVICE null1/max_tgt_dev_commands: \"70000\" is out of range: expected a number of commands 0..65535 (0: no limit)" \
	"$A" -config bad3.conf
check "... and -check_config alike" fails_with "bad3.conf:$line:3:" "$A" -check_config bad3.conf
check "8 still, after all of them" bash -c "head -n1 $MX | grep -qx 8"
sed 's/max_tgt_dev_commands 8/max_tgt_dev_commands 0/' w6.conf >w7.conf
check "-config with max_tgt_dev_commands 0" "$A" -config w7.conf
check "sets 0 (no limit), not configuration any more" bash -c "[ \"\$(cat $MX)\" = 0 ]"
check "which is w1.conf" has "No changes" "$A" -check_config w1.conf
check "-config of w6.conf again, then of w1.conf" bash -c "$A -config w6.conf && $A -config w1.conf"
check "drops it back to 0" bash -c "[ \"\$(cat $MX)\" = 0 ]"

# ---- a config with an error in its middle changes nothing ----
state before.txt
awk '{ print } /LUN 1 file0/ && !done { print "\t\tLUN 2 nosuchdev"; done = 1 }' w1.conf >bad-ref.conf
sed 's/^\(\t*\)\(DEVICE null1\)$/\1DEVICE null2\n\1\2/' bad-ref.conf >bad.conf
line=$(grep -n 'LUN 2 nosuchdev' bad.conf | cut -d: -f1)
check "a reference to no device is refused with its line" fails_with "bad.conf:$line" "$A" -config bad.conf
awk '{ print } /LUN 1 file0/ && !done { print "\t\tLUN x null0"; done = 1 }' w1.conf >bad2.conf
sed -i 's/^\(\t*\)\(DEVICE null1\)$/\1DEVICE null2\n\1\2/' bad2.conf
line=$(grep -n 'LUN x null0' bad2.conf | cut -d: -f1)
check "a syntax error is refused with its line" fails_with "bad2.conf:$line" "$A" -config bad2.conf
state after.txt
check "nothing changed in the kernel" diff before.txt after.txt

# ---- a config whose apply fails in the kernel midway is rolled back ----
# The new group is created before the devices; the fileio device on a
# missing file passes validation but the kernel refuses it.
awk '{ print }
	/^\tTARGET t1/ && !g { getline; print; print "\t\tGROUP newgrp {\n\t\t\tINITIATOR late*\n\t\t}"; g = 1 }
	/^HANDLER vdisk_fileio/ && !d { getline; print "\tDEVICE file9 {\n\t\tfilename /srv/missing.img\n\t}\n"; print; d = 1 }' \
	w1.conf >fail.conf
cat fail.conf
line=$(grep -n 'DEVICE file9' fail.conf | cut -d: -f1)
check "the kernel's refusal names the line" fails_with "fail.conf:$line" "$A" -config fail.conf
check "and says it rolled back" fails_with "rolled back" "$A" -config fail.conf
check "newgrp was removed again" test ! -e "$SCST/targets/$D/t1/ini_groups/newgrp"
state after.txt
check "the kernel is as before" diff before.txt after.txt

# ---- -cont_on_err: every failure reported, no rollback ----
awk '{ print }
	/^HANDLER vdisk_fileio/ && !d { getline; print "\tDEVICE file8 {\n\t\tfilename /srv/missing8.img\n\t}\n\tDEVICE file9 {\n\t\tfilename /srv/missing9.img\n\t}\n"; print; d = 1 }
	/^HANDLER vdisk_nullio/ && !n { getline; print "\tDEVICE null8\n"; print; n = 1 }' \
	w1.conf >cont.conf
rc=0
"$A" -config cont.conf -cont_on_err >cont.out 2>&1 || rc=$?
cat cont.out
check "-config -cont_on_err fails" test "$rc" -ne 0
check "-cont_on_err reports both failures with their lines" \
	bash -c "grep -q 'cont.conf:[0-9].*file8' cont.out && grep -q 'cont.conf:[0-9].*file9' cont.out"
check "-cont_on_err keeps what worked" test -d "$SCST/devices/null8"
check "back to w1.conf" "$A" -config w1.conf -force
state after.txt
check "the kernel is as before" diff before.txt after.txt

# ---- an unprivileged user lists but changes nothing ----
cp w1.conf /tmp/user-w1.conf
cp fail.conf /tmp/user-fail.conf
chmod 0644 /tmp/user-w1.conf /tmp/user-fail.conf
check "user: -list_target" has "t1" "${U[@]}" "$A" -list_target
check "user: -list_group --json" has "host_b*" "${U[@]}" "$A" -list_group --json
check "user: -check_config" has "No changes" "${U[@]}" "$A" -check_config /tmp/user-w1.conf
check "user: -add_group" fails_with "Operation not permitted" "${U[@]}" "$A" -add_group ug -driver $D -target t1
check "user: -open_dev" fails_with "Operation not permitted" "${U[@]}" "$A" -open_dev ux -handler vdisk_nullio -attributes size_mb=1
check "user: -clear_config" fails_with "Operation not permitted" "${U[@]}" "$A" -clear_config -noprompt
check "user: -config" fails_with "Operation not permitted" "${U[@]}" "$A" -config /tmp/user-fail.conf
state after.txt
check "the user changed nothing" diff before.txt after.txt

# ---- ALUA device groups: validated, applied, saved, removed ----
cp w1.conf alua.conf
printf '\nDEVICE_GROUP dg1 {\n\tDEVICE null9\n}\n' >>alua.conf
line=$(grep -n 'DEVICE null9' alua.conf | cut -d: -f1)
check "a DEVICE_GROUP of an unknown device is refused with its line" fails_with "alua.conf:$line" "$A" -config alua.conf
cp w1.conf alua.conf
printf '\nDEVICE_GROUP dg1 {\n\tDEVICE null0\n\n\tTARGET_GROUP tg1 {\n\t\tgroup_id 3\n\t\tstate nonoptimized\n\t}\n}\n' >>alua.conf
check "a DEVICE_GROUP applies" "$A" -config alua.conf
check "-write_config keeps it" bash -c "$A -write_config w5.conf && grep -q 'DEVICE_GROUP dg1' w5.conf && grep -q 'state nonoptimized' w5.conf"
check "the config without it removes it" "$A" -config w1.conf -force -noprompt
check "no device group is left" bash -c "[ \"\$(ls $SCST/device_groups)\" = mgmt ]"
state after.txt
check "the ALUA config changed nothing else" diff before.txt after.txt

# ---- the JSON form ----
check "-clear_config, then -config of the JSON file" bash -c "$A -clear_config -noprompt && $A -config w1.json"
check "gives the same state" bash -c "$A -write_config w4.conf && diff <(grep -v '^#' w1.conf) <(grep -v '^#' w4.conf)"

check "-clear_config at the end" "$A" -clear_config -noprompt
losetup -d "$loop"
unload_scst
finish
