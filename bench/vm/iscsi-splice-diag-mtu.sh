#!/bin/bash
# iscsi-splice-diag with lo's MTU at 16436: an MSS of 16 KiB instead of
# 64 KiB, which removes the 200 ms stalls (see README, splice_threshold).
# timeout: 900
/usr/bin/ip link set lo mtu 16436
source /scst/bench/vm/iscsi-splice-diag.sh
