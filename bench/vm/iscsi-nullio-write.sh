#!/bin/bash
# iscsi-nullio for the 4k random write only (ours, LIO, tgt taking turns,
# medians of five rounds), no iperf3: a two-minute A/B of one build.
# timeout: 900
export SCST_BENCH_TESTS=randwrite
source /scst/bench/vm/iscsi-nullio.sh
