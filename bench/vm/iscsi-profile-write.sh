#!/bin/bash
# iscsi-profile for the 4k random write only, without perf: the per-I/O
# CPU, wakeups and TCP segments of ours, LIO and tgt in one short run.
# timeout: 600
export SCST_PROFILE_TESTS=randwrite SCST_PROFILE_PERF=
source /scst/bench/vm/iscsi-profile.sh
