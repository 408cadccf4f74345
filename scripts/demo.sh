#!/bin/bash
# The main job: boot Debian's kernel in a VM with the target's modules, serve
# a LUN to an initiator inside it, and show it working (tests/vm/scenarios/
# 15-demo.sh). Installs what it needs first.
#   scripts/demo.sh [--kernel 6.1|6.12]     default: 6.12
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
kernel=6.12
[ "${1:-}" = --kernel ] && kernel=${2:?--kernel needs 6.1 or 6.12}
"$top/scripts/deps.sh"
"$top/scripts/build-modules.sh"
exec "$top/tests/vm/run" --show --kernel "$kernel" demo
