#!/bin/bash
# The test command (README, CI): installs what is missing, builds the modules
# for Debian's 6.1 and 6.12 kernels, checks kernel style, builds and runs the
# user-space unit tests, and runs the VM scenarios on both kernels.
#
#   scripts/test.sh                 everything
#   SCST_KERNELS=6.12 scripts/test.sh   one kernel only
#   scripts/test.sh SCENARIO...     only these VM scenarios
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
declare -A secs
failed_steps=()
total_pass=0
total_fail=0

step() { # step NAME CMD...: run, time, remember failures
	local name=$1 t0 rc
	shift
	echo "=== $name"
	t0=$(date +%s)
	"$@"
	rc=$?
	secs[$name]=$(($(date +%s) - t0))
	echo "=== $name: $([ $rc -eq 0 ] && echo ok || echo FAILED) (${secs[$name]}s)"
	[ $rc -eq 0 ] || failed_steps+=("$name")
	return $rc
}

count() { # count LOG: add the "N passed, N failed" closing line of a runner
	local line
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$1" | tail -n1)
	[ -n "$line" ] || return 0
	total_pass=$((total_pass + $(echo "$line" | sed -E 's/^([0-9]+) passed.*/\1/')))
	total_fail=$((total_fail + $(echo "$line" | sed -E 's/^[0-9]+ passed, ([0-9]+) failed.*/\1/')))
}

unit_tests() {
	cmake -S . -B build/userspace -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null &&
		cmake --build build/userspace -j"$(nproc)" &&
		ctest --test-dir build/userspace --output-on-failure -j"$(nproc)" | tee build/unit.log
	local rc=${PIPESTATUS[0]}
	# ctest's "100% tests passed, 0 tests failed out of N" -> our plain line
	local line n f
	line=$(grep -E 'tests passed, [0-9]+ tests failed out of [0-9]+' build/unit.log | tail -n1)
	if [ -n "$line" ]; then
		n=$(echo "$line" | sed -E 's/.* out of ([0-9]+).*/\1/')
		f=$(echo "$line" | sed -E 's/.*tests passed, ([0-9]+) tests failed.*/\1/')
		total_pass=$((total_pass + n - f))
		total_fail=$((total_fail + f))
	fi
	return "$rc"
}

vm_tests() {
	tests/vm/run "$@" | tee build/vm.log
	local rc=${PIPESTATUS[0]}
	count build/vm.log
	return "$rc"
}

step deps scripts/deps.sh || exit 1
mkdir -p build
step modules scripts/build-modules.sh
step checkpatch scripts/checkpatch.sh
step unit-tests unit_tests
step vm-tests vm_tests "$@"

echo
echo "=== step times:"
for s in deps modules checkpatch unit-tests vm-tests; do
	printf '  %-12s %ss\n' "$s" "${secs[$s]:--}"
done
[ ${#failed_steps[@]} -eq 0 ] || echo "=== failed steps: ${failed_steps[*]}"
[ ${#failed_steps[@]} -eq 0 ] || [ $total_fail -gt 0 ] || total_fail=1
echo "total: $total_pass passed, $total_fail failed"
[ ${#failed_steps[@]} -eq 0 ]
