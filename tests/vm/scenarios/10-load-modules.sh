#!/bin/bash
# Load every project module that was built, check that each one shows up in
# lsmod and /sys/module, unload them all in reverse order and check that they
# and their slab caches are gone.
# timeout: 120
set -euo pipefail
source /scst/tests/vm/lib.sh

mapfile -t mods < <(scst_modules)
[ ${#mods[@]} -gt 0 ] || fail "no project modules in the initramfs (run scripts/build-modules.sh)"
log "project modules: ${mods[*]}"

slab_snapshot /tmp/slab.before
load_scst
for m in "${mods[@]}"; do
	check "$m is in lsmod" bash -c "lsmod | grep -q '^$m '"
	check "/sys/module/$m exists" test -d "/sys/module/$m"
done

unload_scst
for m in "${mods[@]}"; do
	check "$m is unloaded" bash -c "! grep -q '^$m ' /proc/modules"
	check "/sys/module/$m is gone" test ! -e "/sys/module/$m"
done
check "no ${SCST_SLAB_PREFIX}* slab caches remain" slab_compare /tmp/slab.before
finish
