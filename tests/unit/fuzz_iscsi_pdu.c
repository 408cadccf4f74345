// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: random headers through the iSCSI BHS decoder in every
 * phase, the AHS parser and the digest, and the builders fed with the
 * decoded fields. Build with -DSCST_FUZZ=ON and clang (see
 * tests/unit/CMakeLists.txt).
 *
 * Input layout: byte 0 limits, byte 1 lengths, then a 48-byte BHS (zero
 * filled if short), then AHS/data bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "iscsi_pdu.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_verdict(enum isc_verdict v, const struct isc_pdu_info *pi,
			  enum isc_phase ph)
{
	switch (v) {
	case ISC_PDU_OK:
		if (pi->reject_reason || (pi->login_status && ph != ISC_PHASE_LOGIN))
			abort();
		if (pi->opcode == ISC_OP_LOGIN_REQ &&
		    (ph != ISC_PHASE_LOGIN || pi->csg > 1 || pi->version_min))
			abort();
		if (ph == ISC_PHASE_LOGIN && pi->opcode != ISC_OP_LOGIN_REQ)
			abort();
		break;
	case ISC_PDU_REJECT:
	case ISC_PDU_REJECT_CLOSE:
		if (ph == ISC_PHASE_LOGIN || !pi->reject_reason)
			abort();
		break;
	case ISC_PDU_LOGIN_FAIL:
		if (ph != ISC_PHASE_LOGIN || (pi->login_status >> 8) < 2)
			abort();
		break;
	default:
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const u32 dsls[] = { 0, 512, 8192, 262144, ISC_MAX_DSL };
	struct isc_rx_limits lim;
	struct isc_pdu_info pi;
	struct isc_ahs_info ai;
	struct isc_sn sn;
	u8 bhs[ISC_BHS_LEN], out[ISC_BHS_LEN], sense[64];
	const u8 *rest;
	u32 rest_len;
	int ph;

	if (size < 2)
		return 0;
	memset(&lim, 0, sizeof(lim));
	lim.immediate_data = data[0] & 1;
	lim.initial_r2t = data[0] & 2;
	lim.strict_reserved = data[0] & 4;
	lim.erl = (data[0] >> 3) & 3;
	lim.max_recv_dsl = dsls[(data[0] >> 5) % ARRAY_SIZE(dsls)];
	lim.first_burst = dsls[data[1] % ARRAY_SIZE(dsls)];
	memset(bhs, 0, sizeof(bhs));
	memcpy(bhs, data + 2, min_t(size_t, size - 2, ISC_BHS_LEN));
	rest = size > 2 + ISC_BHS_LEN ? data + 2 + ISC_BHS_LEN : NULL;
	rest_len = rest ? (u32)(size - 2 - ISC_BHS_LEN) : 0;

	for (ph = ISC_PHASE_LOGIN; ph <= ISC_PHASE_DISCOVERY; ph++) {
		enum isc_verdict v = isc_pdu_decode(bhs, ph, &lim, &pi);

		check_verdict(v, &pi, ph);
		if (pi.data_len != isc_bhs_dlength(bhs) || pi.ahs_len > ISC_MAX_AHS_LEN)
			abort();
		if (v == ISC_PDU_OK && pi.data_len > lim.max_recv_dsl)
			abort();
	}
	if (rest) {
		if (isc_ahs_parse(rest, rest_len, &ai) == ISC_REJECT_NONE &&
		    ai.ext_cdb &&
		    (ai.ext_cdb < rest || ai.ext_cdb + ai.ext_cdb_len > rest + rest_len))
			abort();
		if (isc_data_digest(rest, rest_len) != isc_data_digest(rest, rest_len))
			abort();
	}

	/* Builders with fields from the input: always a valid header. */
	sn.statsn = pi.cmdsn;
	sn.exp_cmdsn = pi.exp_statsn;
	sn.max_cmdsn = pi.itt;
	isc_build_reject(out, pi.reject_reason, pi.datasn, &sn);
	if (isc_bhs_opcode(out) != ISC_OP_REJECT ||
	    isc_bhs_dlength(out) != ISC_BHS_LEN)
		abort();
	{
		struct isc_scsi_rsp_args a = {
			.itt = pi.itt, .status = bhs[3], .response = bhs[2] & 1,
			.exp_xfer_len = pi.exp_xfer_len, .xfer_len = pi.cmdsn,
			.bidi = bhs[1] & 1, .bidi_exp_read_len = pi.offset,
			.bidi_read_len = pi.datasn, .sense_len = bhs[4],
		};
		u32 res;

		isc_build_scsi_rsp(out, &a, &sn);
		res = get_unaligned_be32(out + 44);
		if ((out[1] & ISC_RSP_UNDERFLOW) && res != a.exp_xfer_len - a.xfer_len)
			abort();
		if (!(out[1] & (ISC_RSP_UNDERFLOW | ISC_RSP_OVERFLOW)) && res)
			abort();
	}
	{
		struct isc_data_in_args a = {
			.itt = pi.itt, .lun = pi.lun, .ttt = pi.ttt,
			.datasn = pi.datasn, .offset = pi.offset,
			.len = pi.data_len, .final = bhs[1] & 0x80,
			.ack = bhs[1] & 0x40, .has_status = bhs[1] & 1,
			.status = bhs[3], .exp_xfer_len = pi.exp_xfer_len,
			.xfer_len = pi.cmdsn,
		};

		isc_build_data_in(out, &a, &sn);
		if ((out[1] & ISC_DATAIN_STATUS) && !(out[1] & ISC_FLAG_FINAL))
			abort();
	}
	isc_build_sense_segment(sense, sizeof(sense), bhs, bhs[5] % ISC_BHS_LEN);
	if (isc_cmdsn_check(pi.cmdsn, pi.exp_statsn, pi.itt) == ISC_CMDSN_IN_ORDER &&
	    pi.cmdsn != pi.exp_statsn)
		abort();
	if (isc_sn_lt(pi.cmdsn, pi.itt) && isc_sn_gt(pi.cmdsn, pi.itt))
		abort();
	return 0;
}
