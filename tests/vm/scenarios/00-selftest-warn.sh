#!/bin/bash
# Self-test of the runner's console check: load a test module that triggers
# a kernel WARNING. The runner passes this scenario only because its console
# check catches that warning; without the "expect" header it must fail.
# timeout: 60
# expect: console-failure
set -euo pipefail
source /scst/tests/vm/lib.sh

log "loading scst_test_warn with warn=1"
modprobe scst_test_warn warn=1
module_loaded scst_test_warn || fail "scst_test_warn is not loaded"
rmmod scst_test_warn
log "done; the runner must now find the WARNING in dmesg"
