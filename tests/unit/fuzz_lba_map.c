// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: user data segment maps (scst_lba_map.c). The input
 * is the text of a map for scst_lba_map_parse(); a map it accepts must
 * print (scst_lba_map_format()) to text that parses to the same map, be
 * in ascending order, and give REPORT REFERRALS data of the computed
 * length into a buffer of random size. Build with -DSCST_FUZZ=ON and
 * clang (see tests/unit/CMakeLists.txt).
 *
 * Input layout: byte 0 the response buffer length, bytes 1..8 an LBA,
 * the rest the text.
 */
#include <stdlib.h>
#include <string.h>

#include "scst_lba_map.h"
#include "scst_tpg.h"

#define MAX_SEGS	8

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct scst_lba_seg segs[MAX_SEGS], again[MAX_SEGS];
	unsigned int n, n2, pos, i, ntpgs = 0;
	char *text, out[8192];
	u32 buf_len, len;
	u64 lba = 0;
	u8 *buf;

	if (size < 9)
		return 0;
	buf_len = data[0];
	for (i = 1; i < 9; i++)
		lba = lba << 8 | data[i];
	text = malloc(size - 9 + 1);
	if (!text)
		return 0;
	memcpy(text, data + 9, size - 9);
	text[size - 9] = '\0';
	if (scst_lba_map_parse(text, segs, MAX_SEGS, &n, &pos)) {
		if (pos > size - 9)
			abort();
		free(text);
		return 0;
	}
	free(text);
	if (n > MAX_SEGS)
		abort();
	for (i = 0; i < n; i++) {
		if (segs[i].last < segs[i].first ||
		    (i && segs[i].first <= segs[i - 1].last) ||
		    !segs[i].ntpgs || segs[i].ntpgs > SCST_LBA_MAP_MAX_TPGS)
			abort();
		ntpgs += segs[i].ntpgs;
	}
	if (scst_lba_map_format(segs, n, out, sizeof(out)) >= sizeof(out))
		return 0;
	if (scst_lba_map_parse(out, again, MAX_SEGS, &n2, &pos) || n2 != n)
		abort();
	for (i = 0; i < n; i++)
		if (memcmp(&segs[i].first, &again[i].first, 16) ||
		    segs[i].ntpgs != again[i].ntpgs ||
		    memcmp(segs[i].tpgs, again[i].tpgs,
			   segs[i].ntpgs * sizeof(segs[i].tpgs[0])))
			abort();
	if (scst_lba_map_state(segs, n, segs[0].tpgs[0].group_id, lba,
			       data[0]) > SCST_ALUA_UNAVAILABLE && n)
		abort();
	/* An exact-size heap buffer: ASan sees any write past buf_len. */
	buf = malloc(buf_len ? buf_len : 1);
	if (!buf)
		return 0;
	len = scst_referrals_build(segs, n, 0, false, buf, buf_len);
	if (len != 4 + 20 * n + 4 * ntpgs)
		abort();
	scst_referrals_build(segs, n, lba, data[0] & 1, buf, buf_len);
	free(buf);
	return 0;
}
