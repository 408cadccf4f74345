#!/bin/bash
# The SGV buffer cache (kernel/core/scst_mem.c), driven by the test target
# driver scst_test_sgv, whose commands use the core's buffers (scst_local
# brings its own): data round trips through fileio at many sizes, buffers
# are recycled, a recycled buffer never shows through a nullio READ
# (and one nullio zeroed is not cleared again),
# drop_caches, sgv/flush and the idle timer empty the cache, sgv_max_mb
# turns what does not fit into BUSY, and unloading leaks nothing.
# timeout: 400
set -euo pipefail
source /scst/tests/vm/lib.sh

SGV=$SCST/sgv
PARAMS=/sys/module/scst/parameters
T=$SCST/targets/scst_test_sgv/sgv_tgt

gstat() { awk -v k="$1" '$1 == k {print $2}' "$SGV/global_stats"; }

# expect_run "good N busy N error N mismatch N" OP LUN LBA BLOCKS COUNT DEPTH SEED
expect_run() {
	local want=$1 got
	shift
	echo "$*" >"$T/run" || { echo "run '$*' was refused"; return 1; }
	got=$(cat "$T/result")
	[ "$got" = "$want" ] || { echo "run '$*': got '$got', want '$want'"; return 1; }
}

ok() { echo "good $1 busy 0 error 0 mismatch 0"; }

save_stats() { # save_stats NAME
	cat "$SGV/stats" "$SGV/global_stats" >"$SCST_RESULTS/sgv-$1.txt"
}

slab_snapshot /tmp/slab.before
load_scst
modprobe scst_test_sgv
check "sgv/ has stats, global_stats and flush" \
	test -r "$SGV/stats" -a -r "$SGV/global_stats" -a -w "$SGV/flush"
check "test target is registered" test -w "$T/run"

truncate -s 64M /srv/sgv.img
scst_mgmt "$SCST/handlers/vdisk_fileio/mgmt" "add_device sgvfile filename=/srv/sgv.img"
scst_mgmt "$SCST/handlers/vdisk_nullio/mgmt" "add_device sgvnull size_mb=64"
scst_mgmt "$T/luns/mgmt" "add sgvfile 0"
scst_mgmt "$T/luns/mgmt" "add sgvnull 1"

# 128 KiB commands, 8 at a time: 8 misses, then every buffer is recycled.
check "write 64 x 128 KiB to fileio" expect_run "$(ok 64)" write 0 0 256 64 8 11
check "read them back" expect_run "$(ok 64)" read 0 0 256 64 8 11
hits=$(gstat hits) misses=$(gstat misses)
log "after 128 commands of 128 KiB: hits $hits misses $misses"
check "buffers are recycled after warm-up (hits > misses)" test "$hits" -gt "$misses"

# Sizes of every kind: trimmed last entries (7, 9, 100 blocks), whole
# classes (8 = 1 page, 2048 = 1 MiB) and a 2 MiB buffer bypassing the cache.
# They go to the second half of the LU; its first 8 MiB keep the data above.
write_read() { # write_read BLOCKS: 24 commands, 6 at a time
	expect_run "$(ok 24)" write 0 32768 "$1" 24 6 "$1" &&
		expect_run "$(ok 24)" read 0 32768 "$1" 24 6 "$1"
}
for blocks in 1 7 8 9 100 1000 2048 4096; do
	check "write and read back $blocks-block commands" write_read "$blocks"
done
check "data of an earlier write is still intact" expect_run "$(ok 64)" read 0 0 256 64 8 11
check "buffers over 1 MiB bypass the cache" test "$(gstat big_allocs)" -gt 0
save_stats warm
cat "$SGV/stats"

# The cache now holds buffers full of fileio data; nullio (zero_read=0)
# must still return zeroes from them, not another command's data.
hits=$(gstat hits)
check "nullio READ through recycled buffers returns zeroes" \
	expect_run "$(ok 64)" readzero 1 0 256 64 8 0
check "... and those buffers were recycled ones" test "$(gstat hits)" -gt "$hits"
# nullio left them zeroed: the next nullio READs need not clear them,
# but once a fileio READ has filled them they must be cleared again. A
# run takes 8 buffers per batch of 8 and gives them back before the next.
zero_hits=$(gstat zero_hits)
check "nullio READs again through the same buffers" \
	expect_run "$(ok 64)" readzero 1 0 256 64 8 0
check "... all 64 got them as known zero (zero_hits)" \
	test "$(($(gstat zero_hits) - zero_hits))" -eq 64
check "fileio READs fill the same buffers" expect_run "$(ok 64)" read 0 0 256 64 8 11
zero_hits=$(gstat zero_hits)
check "nullio READ after them still returns zeroes" \
	expect_run "$(ok 64)" readzero 1 0 256 64 8 0
check "... the first 8 cleared them, the other 56 found them zero" \
	test "$(($(gstat zero_hits) - zero_hits))" -eq 56

# drop_caches runs the shrinker.
check "idle buffers are cached" test "$(gstat pages_cached)" -gt 0
echo 3 >/proc/sys/vm/drop_caches
check "drop_caches empties the cache" test "$(gstat pages_cached)" -eq 0
check "... through the shrinker" test "$(gstat freed_by_shrinker)" -gt 0
check "nothing is in use when idle" test "$(gstat pages_total)" -eq 0

# sgv/flush.
check "re-warm" expect_run "$(ok 16)" read 0 0 256 16 8 11
check "cached again" test "$(gstat pages_cached)" -gt 0
echo 1 >"$SGV/flush"
check "flush empties the cache" test "$(gstat pages_cached)" -eq 0
check "... and counts it" test "$(gstat freed_by_flush)" -gt 0

# sgv_max_mb=1 (256 pages): two 512 KiB buffers fit, the next two get BUSY.
echo 1 >"$PARAMS/sgv_max_mb"
fails=$(gstat limit_failures)
check "over sgv_max_mb: BUSY, not more memory" \
	expect_run "good 2 busy 2 error 0 mismatch 0" write 0 16384 1024 4 4 5
check "... counted as limit failures" test "$(gstat limit_failures)" -gt "$fails"
check "... and the limit holds" test "$(gstat pages_total)" -le 256
# Idle buffers make room: fill the cache beyond the limit, then allocate.
echo 0 >"$PARAMS/sgv_max_mb"
echo 1 >"$SGV/flush"
check "cache two 1 MiB buffers" expect_run "$(ok 2)" read 0 0 2048 2 2 11
echo 1 >"$PARAMS/sgv_max_mb"
check "idle buffers are evicted to stay under sgv_max_mb" \
	expect_run "$(ok 2)" read 0 0 1024 2 2 11
check "... counted" test "$(gstat freed_for_limit)" -gt 0
echo 0 >"$PARAMS/sgv_max_mb"
save_stats limits

# sgv_max_cached_mb=0: nothing more is kept.
echo 1 >"$SGV/flush"
echo 0 >"$PARAMS/sgv_max_cached_mb"
check "no caching with sgv_max_cached_mb=0" expect_run "$(ok 16)" read 0 0 256 16 8 11
check "... nothing cached" test "$(gstat pages_cached)" -eq 0
echo 64 >"$PARAMS/sgv_max_cached_mb"

# Rough cost of a buffer with and without the cache (TCG: informational).
usecs() { echo "${EPOCHREALTIME/./}"; }
hits=$(gstat hits) misses=$(gstat misses)
t0=$(usecs)
check "512 nullio READs, cached" expect_run "$(ok 512)" readzero 1 0 256 512 16 0
t1=$(usecs)
log "cached: hits $(($(gstat hits) - hits)) misses $(($(gstat misses) - misses))"
echo 0 >"$PARAMS/sgv_max_cached_mb"
check "512 nullio READs, uncached" expect_run "$(ok 512)" readzero 1 0 256 512 16 0
t2=$(usecs)
echo 64 >"$PARAMS/sgv_max_cached_mb"
log "512 nullio READs of 128 KiB, 16 at a time: $(((t1 - t0) / 1000)) ms cached, $(((t2 - t1) / 1000)) ms uncached"

# The idle timer gives everything back once unused for sgv_idle_secs.
echo 1 >"$PARAMS/sgv_idle_secs"
check "re-warm for the idle timer" expect_run "$(ok 16)" read 0 0 256 16 8 11
check "idle buffers are freed after sgv_idle_secs" \
	wait_for '[ "$(gstat pages_cached)" -eq 0 ]' 40
check "... by the idle timer" test "$(gstat freed_idle)" -gt 0
save_stats end
cat "$SGV/global_stats"

rmmod scst_test_sgv
scst_mgmt "$SCST/handlers/vdisk_fileio/mgmt" "del_device sgvfile"
scst_mgmt "$SCST/handlers/vdisk_nullio/mgmt" "del_device sgvnull"
unload_scst
check "no scst slab objects leaked" slab_compare /tmp/slab.before
finish
