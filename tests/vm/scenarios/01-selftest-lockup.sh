#!/bin/bash
# Self-test of the runner's soft lockup handling: a test module spins with
# preemption disabled; the soft lockup detector must report it with every
# CPU's backtrace and panic the guest, which stops the VM well before the
# host's timeout. The runner passes this scenario only then.
# timeout: 120
# expect: console-panic
set -euo pipefail
source /scst/tests/vm/lib.sh

# Reported after 2 * watchdog_thresh seconds (default 10); under TCG the
# report comes late, so the spin lasts long enough for it anyway.
echo 4 >/proc/sys/kernel/watchdog_thresh
log "loading scst_test_warn with lockup_secs=40"
modprobe scst_test_warn lockup_secs=40
fail "the soft lockup did not panic the guest"
