// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: random EXTENDED COPY(LID1) parameter lists through
 * scst_xcopy_parse(), the segments it accepts through
 * scst_xcopy_check_seg() against random copy targets, and the RECEIVE
 * COPY RESULTS builders and COPY ABORTED sense data with random lengths.
 * Build with -DSCST_FUZZ=ON and clang (see tests/unit/CMakeLists.txt).
 *
 * Input layout: byte 0 a response length, byte 1 flags for the targets,
 * the rest the parameter list.
 */
#include <stdlib.h>
#include <string.h>

#include "scst_xcopy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct scst_xcopy_list list;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scst_xcopy_target t[SCST_XCOPY_MAX_CSCD];
	struct scst_xcopy_result r;
	struct scst_xcopy_extent e;
	struct scst_sense s, back;
	u8 buf[256], sbuf[SCST_SENSE_BUFFERSIZE];
	unsigned int i, n;
	u32 len;

	if (size < 2)
		return 0;
	len = data[0];
	memset(&s, 0, sizeof(s));
	if (scst_xcopy_parse(data + 2, (u32)(size - 2), &list, &s)) {
		/* Refused: ILLEGAL REQUEST, and the sense data builds. */
		if (s.key != SCST_SK_ILLEGAL_REQUEST)
			abort();
		scst_sense_build(sbuf, sizeof(sbuf), data[1] & 1, &s);
		return 0;
	}
	if (list.ncscd > SCST_XCOPY_MAX_CSCD || list.nseg > SCST_XCOPY_MAX_SEGS)
		abort();
	for (i = 0; i < list.ncscd; i++) {
		if (list.cscd[i].desig_len > SCST_XCOPY_DESIG_MAX ||
		    list.cscd[i].off + SCST_XCOPY_CSCD_LEN > size - 2)
			abort();
		t[i].found = (data[1] >> (i & 7)) & 1;
		t[i].block_size = (i & 1) ? 4096 : 512;
		t[i].nblocks = list.cscd[i].block_len;
	}
	for (i = 0; i < list.nseg; i++) {
		if (list.seg[i].off + SCST_XCOPY_B2B_LEN > size - 2)
			abort();
		if (scst_xcopy_check_seg(&list, i, t, &e, &s)) {
			if (s.key != SCST_SK_COPY_ABORTED || s.csi != i)
				abort();
			n = scst_sense_build(sbuf, sizeof(sbuf), data[1] & 2, &s);
			if (scst_sense_parse(sbuf, n, &back) || back.csi != i)
				abort();
			continue;
		}
		/* An accepted segment lies within both targets. */
		if (e.src >= list.ncscd || e.dst >= list.ncscd ||
		    !t[e.src].found || !t[e.dst].found ||
		    e.bytes % t[e.src].block_size || e.bytes % t[e.dst].block_size ||
		    e.src_lba + e.bytes / t[e.src].block_size > t[e.src].nblocks ||
		    e.dst_lba + e.bytes / t[e.dst].block_size > t[e.dst].nblocks)
			abort();
	}
	memset(&r, 0, sizeof(r));
	r.state = data[1] % 3;
	r.bytes_done = size > 10 ? get_unaligned_be64(data + 2) : 0;
	r.sense_len = (u8)min_t(size_t, size - 2, SCST_SENSE_BUFFERSIZE);
	memcpy(r.sense, data + 2, r.sense_len);
	if (scst_rcr_op_params(buf, len) > len ||
	    scst_rcr_copy_status(buf, len, &r) > len ||
	    scst_rcr_failed_segs(buf, len, &r) > len ||
	    scst_rcr_receive_data(buf, len) > len)
		abort();
	scst_xcopy_vpd_tpc(buf, len);
	return 0;
}
