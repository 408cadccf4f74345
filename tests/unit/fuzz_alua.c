// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: SET TARGET PORT GROUPS parameter lists through
 * scst_stpg_parse(), the groups it accepts through scst_rtpg_build() into
 * a buffer of random size, and random CDBs through scst_alua_check().
 * Build with -DSCST_FUZZ=ON and clang (see tests/unit/CMakeLists.txt).
 *
 * Input layout: byte 0 the response buffer length, byte 1 the access
 * state, bytes 2..17 a CDB, the rest the parameter list.
 */
#include <stdlib.h>
#include <string.h>

#include "scst_tpg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scst_stpg_desc descs[8];
	struct scst_tpg_info tpgs[8];
	u16 ports[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	struct scst_sense sense;
	unsigned int n, i;
	u32 buf_len, len;
	u8 *buf;

	if (size < 18)
		return 0;
	buf_len = data[0];
	memset(&sense, 0, sizeof(sense));
	scst_alua_check(data[1] & 0x0f, data + 2, 16, &sense);
	if (scst_stpg_parse(data + 18, (u32)(size - 18), descs, 8, &n,
			    &sense))
		return 0;
	if (n > 8)
		abort();
	for (i = 0; i < n; i++) {
		if (descs[i].state > SCST_ALUA_UNAVAILABLE ||
		    descs[i].offset + 4u > size - 18)
			abort();
		tpgs[i].group_id = descs[i].group_id;
		tpgs[i].state = descs[i].state;
		tpgs[i].status = SCST_TPG_STATUS_STPG;
		tpgs[i].preferred = i & 1;
		tpgs[i].nports = i;
		tpgs[i].ports = ports;
	}
	/* An exact-size heap buffer: ASan sees any write past buf_len. */
	buf = malloc(buf_len ? buf_len : 1);
	if (!buf)
		return 0;
	len = scst_rtpg_build(data[1] & 0x10, 10, tpgs, n, buf, buf_len);
	if (len != (data[1] & 0x10 ? 8u : 4u) + 8 * n + 4 * (n * (n - 1) / 2))
		abort();
	free(buf);
	return 0;
}
