#!/bin/bash
# Conformance comparison: libiscsi's iscsi-test-cu --dataloss --test=ALL
# (230 tests) against scst_iscsi (scstadmd login, fileio LUN) and against
# LIO's iSCSI target (fileio backstore) in the same VM, each with two
# initiator names and a second portal (MultipathIO). Prints the pass
# counts and run times side by side, then the tests that fail on either
# side. The CI runs only our half (tests/vm/scenarios/80-iscsi-libiscsi.sh).
# timeout: 2700
set -euo pipefail
source /scst/tests/vm/lib.sh
source /scst/tests/vm/iscsi-lib.sh

IQN=iqn.2026-11.org.scst:vm.conformance
LIQN=iqn.2003-01.org.linux-iscsi:vm.conformance
INIS="iqn.2007-10.com.github:sahlberg:libiscsi:iscsi-test iqn.2007-10.com.github:sahlberg:libiscsi:iscsi-test-2"
trap 'cp ours.log lio.log admd.log "$SCST_RESULTS/" 2>/dev/null || true' EXIT

# --- ours ---
load_scst
truncate -s 128M /srv/ours.img
scst_mgmt "$SCST/handlers/vdisk_fileio/mgmt" "add_device conf0 filename=/srv/ours.img"
iscsi_target "$IQN" conf0:0
admd_start 127.0.0.1:3260 127.0.0.1:3261
t0=$SECONDS
log "ours: $(cu_run ours.log "iscsi://127.0.0.1:3260/$IQN/0" "iscsi://127.0.0.1:3261/$IQN/0")"
ours_s=$((SECONDS - t0))
admd_stop
iscsi_target_del "$IQN"
scst_mgmt "$SCST/handlers/vdisk_fileio/mgmt" "del_device conf0"
unload_scst

# --- LIO: fileio backstore, demo-mode ACLs for both initiator names ---
modprobe target_core_mod
modprobe target_core_file
modprobe iscsi_target_mod
grep -q " /sys/kernel/config " /proc/mounts || mount -t configfs configfs /sys/kernel/config
mkdir -p /var/target/pr /var/target/alua
C=/sys/kernel/config/target
truncate -s 128M /srv/lio.img
mkdir -p "$C/core/fileio_0/conf0"
echo "fd_dev_name=/srv/lio.img,fd_dev_size=$((128 << 20))" >"$C/core/fileio_0/conf0/control"
echo conf0 >"$C/core/fileio_0/conf0/wwn/vpd_unit_serial"
echo 1 >"$C/core/fileio_0/conf0/enable"
echo 1 >"$C/core/fileio_0/conf0/attrib/emulate_tpu"
L=$C/iscsi/$LIQN/tpgt_1
mkdir -p "$L/lun/lun_0"
ln -s "$C/core/fileio_0/conf0" "$L/lun/lun_0/port"
echo 0 >"$L/attrib/authentication"
echo 1 >"$L/attrib/generate_node_acls"
echo 0 >"$L/attrib/demo_mode_write_protect"
echo 1 >"$L/attrib/cache_dynamic_acls"
for i in $INIS; do
	mkdir -p "$L/acls/$i/lun_0"
	ln -s "$L/lun/lun_0" "$L/acls/$i/lun_0/m"
done
mkdir "$L/np/127.0.0.1:3260" "$L/np/127.0.0.1:3261"
echo 1 >"$L/enable"
t0=$SECONDS
log "LIO: $(cu_run lio.log "iscsi://127.0.0.1:3260/$LIQN/0" "iscsi://127.0.0.1:3261/$LIQN/0")"
lio_s=$((SECONDS - t0))

cu_results ours.log >ours.txt
cu_results lio.log >lio.txt
count() { grep -c " $2\$" "$1" || true; }
echo "RESULT iscsi-test-cu ALL (passed/ran, seconds):" \
	"scst_iscsi $(count ours.txt passed)/$(wc -l <ours.txt) ${ours_s}s" \
	"LIO $(count lio.txt passed)/$(wc -l <lio.txt) ${lio_s}s"
awk 'FNR == NR {ours[$1] = $2; next} {lio[$1] = $2; if (!($1 in ours)) ours[$1] = "missing"}
	END {for (t in ours) {l = (t in lio) ? lio[t] : "missing"
		if (ours[t] != "passed" || l != "passed")
			printf "  %-45s scst_iscsi %-7s LIO %s\n", t, ours[t], l}}' ours.txt lio.txt | sort
