// SPDX-License-Identifier: GPL-2.0
/*
 * iSCSI PDU decoding and building (RFC 7143 chapter 11). Portable:
 * compiles into the kernel and into the user-space library scst_portable
 * (see core/scst_portable.h).
 */
#include "iscsi_pdu.h"

#define ISC_ASSERT_BHS(type) \
	_Static_assert(sizeof(struct type) == ISC_BHS_LEN, #type " size")
ISC_ASSERT_BHS(isc_bhs);
ISC_ASSERT_BHS(isc_nop_out);
ISC_ASSERT_BHS(isc_scsi_cmd);
ISC_ASSERT_BHS(isc_tmf_req);
ISC_ASSERT_BHS(isc_login_req);
ISC_ASSERT_BHS(isc_text_req);
ISC_ASSERT_BHS(isc_data_out);
ISC_ASSERT_BHS(isc_logout_req);
ISC_ASSERT_BHS(isc_snack);
ISC_ASSERT_BHS(isc_nop_in);
ISC_ASSERT_BHS(isc_scsi_rsp);
ISC_ASSERT_BHS(isc_tmf_rsp);
ISC_ASSERT_BHS(isc_login_rsp);
ISC_ASSERT_BHS(isc_text_rsp);
ISC_ASSERT_BHS(isc_data_in);
ISC_ASSERT_BHS(isc_logout_rsp);
ISC_ASSERT_BHS(isc_r2t);
ISC_ASSERT_BHS(isc_async_msg);
ISC_ASSERT_BHS(isc_reject);

/* Phases in which an opcode may be received. */
#define ISC_PH_LOGIN	BIT(ISC_PHASE_LOGIN)
#define ISC_PH_FULL	BIT(ISC_PHASE_FULL)
#define ISC_PH_DISC	BIT(ISC_PHASE_DISCOVERY)

/* Reserved bytes of a header, bit n for byte n (2..47). */
#define ISC_RB(from, to) \
	((((u64)1 << ((to) + 1)) - 1) & ~(((u64)1 << (from)) - 1))

/* Receive rules of one initiator opcode. */
struct isc_rx_rule {
	u8 opcode;
	u8 phases;		/* ISC_PH_* */
	u8 flags_defined;	/* byte 1 bits with a meaning */
	u8 flags_required;	/* byte 1 bits that must be set */
	bool imm_defined;	/* the I bit has a meaning */
	bool ahs_ok;
	bool data_ok;
	bool rsvd_itt_ok;	/* ITT 0xffffffff is allowed at all */
	u64 rsvd;		/* ISC_RB() */
};

/*
 * Discovery sessions only use Text and Logout (RFC 7143 4.3); NOP-Out is
 * accepted too because it carries nothing but keeps the connection alive.
 */
static const struct isc_rx_rule isc_rx_rules[] = {
	{
		.opcode = ISC_OP_NOP_OUT,
		.phases = ISC_PH_FULL | ISC_PH_DISC,
		.flags_defined = ISC_FLAG_FINAL,
		.flags_required = ISC_FLAG_FINAL,
		.imm_defined = true, .data_ok = true, .rsvd_itt_ok = true,
		.rsvd = ISC_RB(2, 3) | ISC_RB(32, 47),
	},
	{
		.opcode = ISC_OP_SCSI_CMD,
		.phases = ISC_PH_FULL,
		.flags_defined = ISC_FLAG_FINAL | ISC_CMD_READ |
				 ISC_CMD_WRITE | ISC_CMD_ATTR_MASK,
		.imm_defined = true, .ahs_ok = true, .data_ok = true,
		.rsvd = ISC_RB(2, 3),
	},
	{
		.opcode = ISC_OP_TMF_REQ,
		.phases = ISC_PH_FULL,
		.flags_defined = ISC_FLAG_FINAL | ISC_TMF_FUNC_MASK,
		.flags_required = ISC_FLAG_FINAL,
		.imm_defined = true,
		.rsvd = ISC_RB(2, 3) | ISC_RB(40, 47),
	},
	{
		.opcode = ISC_OP_LOGIN_REQ,
		.phases = ISC_PH_LOGIN,
		.flags_defined = ISC_FLAG_FINAL | ISC_FLAG_CONT |
				 ISC_LOGIN_CSG_MASK | ISC_LOGIN_NSG_MASK,
		.imm_defined = true, .data_ok = true,
		.rsvd = ISC_RB(22, 23) | ISC_RB(32, 47),
	},
	{
		.opcode = ISC_OP_TEXT_REQ,
		.phases = ISC_PH_FULL | ISC_PH_DISC,
		.flags_defined = ISC_FLAG_FINAL | ISC_FLAG_CONT,
		.imm_defined = true, .data_ok = true,
		.rsvd = ISC_RB(2, 3) | ISC_RB(32, 47),
	},
	{
		.opcode = ISC_OP_DATA_OUT,
		.phases = ISC_PH_FULL,
		.flags_defined = ISC_FLAG_FINAL,
		.data_ok = true,
		.rsvd = ISC_RB(2, 3) | ISC_RB(24, 27) | ISC_RB(32, 35) |
			ISC_RB(44, 47),
	},
	{
		.opcode = ISC_OP_LOGOUT_REQ,
		.phases = ISC_PH_FULL | ISC_PH_DISC,
		.flags_defined = ISC_FLAG_FINAL | ISC_LOGOUT_REASON_MASK,
		.flags_required = ISC_FLAG_FINAL,
		.imm_defined = true,
		.rsvd = ISC_RB(2, 3) | ISC_RB(8, 15) | ISC_RB(22, 23) |
			ISC_RB(32, 47),
	},
	{
		.opcode = ISC_OP_SNACK,
		.phases = ISC_PH_FULL,
		.flags_defined = ISC_FLAG_FINAL | ISC_SNACK_TYPE_MASK,
		.flags_required = ISC_FLAG_FINAL,
		.rsvd_itt_ok = true,
		.rsvd = ISC_RB(2, 3) | ISC_RB(24, 27) | ISC_RB(32, 39),
	},
};

static const char * const isc_opcode_names[64] = {
	[ISC_OP_NOP_OUT]	= "NOP-Out",
	[ISC_OP_SCSI_CMD]	= "SCSI Command",
	[ISC_OP_TMF_REQ]	= "Task Management Request",
	[ISC_OP_LOGIN_REQ]	= "Login Request",
	[ISC_OP_TEXT_REQ]	= "Text Request",
	[ISC_OP_DATA_OUT]	= "SCSI Data-Out",
	[ISC_OP_LOGOUT_REQ]	= "Logout Request",
	[ISC_OP_SNACK]		= "SNACK Request",
	[ISC_OP_NOP_IN]		= "NOP-In",
	[ISC_OP_SCSI_RSP]	= "SCSI Response",
	[ISC_OP_TMF_RSP]	= "Task Management Response",
	[ISC_OP_LOGIN_RSP]	= "Login Response",
	[ISC_OP_TEXT_RSP]	= "Text Response",
	[ISC_OP_DATA_IN]	= "SCSI Data-In",
	[ISC_OP_LOGOUT_RSP]	= "Logout Response",
	[ISC_OP_R2T]		= "Ready To Transfer",
	[ISC_OP_ASYNC_MSG]	= "Asynchronous Message",
	[ISC_OP_REJECT]		= "Reject",
};

const char *isc_opcode_name(u8 opcode)
{
	const char *name = isc_opcode_names[opcode & ISC_OPCODE_MASK];

	return name ? name : "unknown";
}
EXPORT_SYMBOL_GPL(isc_opcode_name);

static const struct isc_rx_rule *isc_rx_rule_find(u8 opcode)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(isc_rx_rules); i++)
		if (isc_rx_rules[i].opcode == opcode)
			return &isc_rx_rules[i];
	return NULL;
}

static bool isc_rsvd_clear(const u8 *h, u64 map)
{
	unsigned int i;

	for (i = 2; i < ISC_BHS_LEN; i++)
		if ((map & ((u64)1 << i)) && h[i])
			return false;
	return true;
}

static enum isc_verdict isc_reject(struct isc_pdu_info *pi, u8 reason)
{
	pi->reject_reason = reason;
	return ISC_PDU_REJECT;
}

/* The opcode-specific rules of the SCSI Command PDU (RFC 7143 11.3). */
static enum isc_verdict isc_check_scsi_cmd(const struct isc_scsi_cmd *c,
					   const struct isc_rx_limits *lim,
					   struct isc_pdu_info *pi)
{
	u32 unsolicited;

	pi->read = c->flags & ISC_CMD_READ;
	pi->write = c->flags & ISC_CMD_WRITE;
	pi->attr = c->flags & ISC_CMD_ATTR_MASK;
	pi->exp_xfer_len = get_unaligned_be32(c->exp_xfer_len);

	if (pi->attr > ISC_ATTR_ACA)
		return isc_reject(pi, ISC_REJECT_INVALID_PDU_FIELD);
	/*
	 * R = W = 0 with a nonzero Expected Data Transfer Length breaks
	 * 11.3.1.1 but some initiators send it for reads; the core decides
	 * the direction from the CDB, so it is not rejected here.
	 */
	if (!pi->write && (pi->data_len || !pi->final))
		return isc_reject(pi, ISC_REJECT_PROTOCOL_ERROR);
	if (pi->data_len) {
		if (!lim->immediate_data || pi->data_len > lim->first_burst ||
		    pi->data_len > pi->exp_xfer_len)
			return isc_reject(pi, ISC_REJECT_PROTOCOL_ERROR);
	}
	if (!pi->final) {
		/*
		 * F = 0 announces unsolicited Data-Out: forbidden with
		 * InitialR2T=Yes and pointless once the immediate data fills
		 * the first burst or the whole transfer.
		 */
		unsolicited = min(lim->first_burst, pi->exp_xfer_len);
		if (lim->initial_r2t || pi->data_len >= unsolicited)
			return isc_reject(pi, ISC_REJECT_PROTOCOL_ERROR);
	}
	return ISC_PDU_OK;
}

static enum isc_verdict isc_check_login(const struct isc_login_req *l,
					struct isc_pdu_info *pi)
{
	pi->csg = (l->flags & ISC_LOGIN_CSG_MASK) >> ISC_LOGIN_CSG_SHIFT;
	pi->nsg = l->flags & ISC_LOGIN_NSG_MASK;
	pi->version_max = l->version_max;
	pi->version_min = l->version_min;
	memcpy(pi->isid, l->isid, sizeof(pi->isid));
	pi->tsih = get_unaligned_be16(l->tsih);
	pi->cid = get_unaligned_be16(l->cid);

	pi->login_status = ISC_LOGIN_INITIATOR_ERROR;
	/* A Login Request is always immediate (11.12). */
	if (!pi->immediate || (pi->final && pi->cont))
		return ISC_PDU_LOGIN_FAIL;
	if (pi->csg != ISC_STAGE_SECURITY && pi->csg != ISC_STAGE_OPERATIONAL)
		return ISC_PDU_LOGIN_FAIL;
	if (pi->final && (pi->nsg == 2 || pi->nsg <= pi->csg))
		return ISC_PDU_LOGIN_FAIL;
	if (pi->version_min > pi->version_max)
		return ISC_PDU_LOGIN_FAIL;
	/* RFC 7143 knows version 0 only. */
	if (pi->version_min != 0) {
		pi->login_status = ISC_LOGIN_UNSUPPORTED_VERSION;
		return ISC_PDU_LOGIN_FAIL;
	}
	pi->login_status = ISC_LOGIN_OK;
	return ISC_PDU_OK;
}

static enum isc_verdict isc_check_specific(const u8 *h,
					   const struct isc_rx_limits *lim,
					   struct isc_pdu_info *pi)
{
	const struct isc_tmf_req *tmf = (const void *)h;
	const struct isc_data_out *dout = (const void *)h;
	const struct isc_snack *snack = (const void *)h;

	switch (pi->opcode) {
	case ISC_OP_NOP_OUT:
		pi->ttt = get_unaligned_be32(((const struct isc_nop_out *)h)->ttt);
		/*
		 * ITT 0xffffffff: the answer to a target ping (TTT echoed) or
		 * a bare ExpStatSN update; it must not take a CmdSN slot, so
		 * it is immediate. An initiator ping carries TTT 0xffffffff.
		 */
		if (pi->itt == ISC_RSVD_TAG && !pi->immediate)
			return isc_reject(pi, ISC_REJECT_PROTOCOL_ERROR);
		if (pi->itt != ISC_RSVD_TAG && pi->ttt != ISC_RSVD_TAG)
			return isc_reject(pi, ISC_REJECT_INVALID_PDU_FIELD);
		return ISC_PDU_OK;
	case ISC_OP_SCSI_CMD:
		return isc_check_scsi_cmd((const void *)h, lim, pi);
	case ISC_OP_TMF_REQ:
		pi->func = tmf->flags & ISC_TMF_FUNC_MASK;
		pi->rtt = get_unaligned_be32(tmf->rtt);
		pi->ref_cmdsn = get_unaligned_be32(tmf->ref_cmdsn);
		pi->exp_datasn = get_unaligned_be32(tmf->exp_datasn);
		/* Unknown functions get TMF response "rejected", no Reject. */
		return ISC_PDU_OK;
	case ISC_OP_LOGIN_REQ:
		return isc_check_login((const void *)h, pi);
	case ISC_OP_TEXT_REQ:
		pi->ttt = get_unaligned_be32(((const struct isc_text_req *)h)->ttt);
		if (pi->final && pi->cont)
			return isc_reject(pi, ISC_REJECT_PROTOCOL_ERROR);
		return ISC_PDU_OK;
	case ISC_OP_DATA_OUT:
		pi->cmdsn = 0;		/* reserved in Data-Out and SNACK */
		pi->ttt = get_unaligned_be32(dout->ttt);
		pi->datasn = get_unaligned_be32(dout->datasn);
		pi->offset = get_unaligned_be32(dout->offset);
		return ISC_PDU_OK;
	case ISC_OP_LOGOUT_REQ:
		pi->func = h[1] & ISC_LOGOUT_REASON_MASK;
		pi->cid = get_unaligned_be16(((const struct isc_logout_req *)h)->cid);
		if (pi->func > ISC_LOGOUT_RECOVERY)
			return isc_reject(pi, ISC_REJECT_INVALID_PDU_FIELD);
		return ISC_PDU_OK;
	case ISC_OP_SNACK:
		pi->cmdsn = 0;
		pi->func = snack->flags & ISC_SNACK_TYPE_MASK;
		pi->ttt = get_unaligned_be32(snack->ttt);
		pi->begrun = get_unaligned_be32(snack->begrun);
		pi->runlength = get_unaligned_be32(snack->runlength);
		/* Only ErrorRecoveryLevel > 0 has SNACK (RFC 7143 11.16). */
		if (lim->erl == 0)
			return isc_reject(pi, ISC_REJECT_PROTOCOL_ERROR);
		if (pi->func > 3)
			return isc_reject(pi, ISC_REJECT_INVALID_PDU_FIELD);
		return ISC_PDU_OK;
	}
	return ISC_PDU_OK;
}

/*
 * Checks a received BHS. On ISC_PDU_OK @pi describes the PDU; on a Reject
 * verdict the caller sends a Reject PDU with pi->reject_reason carrying
 * the header (and still has to skip pi->ahs_len + padded data bytes); on
 * ISC_PDU_LOGIN_FAIL a Login Response with pi->login_status. CmdSN and
 * task state are not checked: they need the session.
 *
 * During login @lim->max_recv_dsl should be 8192, the limit before
 * MaxRecvDataSegmentLength is negotiated.
 */
enum isc_verdict isc_pdu_decode(const void *bhs, enum isc_phase phase,
				const struct isc_rx_limits *lim,
				struct isc_pdu_info *pi)
{
	const u8 *h = bhs;
	const struct isc_rx_rule *r;
	enum isc_verdict v;

	memset(pi, 0, sizeof(*pi));
	pi->opcode = isc_bhs_opcode(h);
	pi->immediate = isc_bhs_immediate(h);
	pi->flags = h[1];
	pi->final = h[1] & ISC_FLAG_FINAL;
	pi->ahs_len = isc_bhs_ahs_bytes(h);
	pi->data_len = isc_bhs_dlength(h);
	pi->lun = get_unaligned_be64(h + 8);
	pi->itt = isc_bhs_itt(h);
	pi->cmdsn = get_unaligned_be32(h + 24);
	pi->exp_statsn = get_unaligned_be32(h + 28);

	r = isc_rx_rule_find(pi->opcode);
	if (phase == ISC_PHASE_LOGIN && (!r || !(r->phases & ISC_PH_LOGIN))) {
		pi->login_status = ISC_LOGIN_INVALID_REQUEST;
		return ISC_PDU_LOGIN_FAIL;
	}
	/* A target opcode from an initiator breaks the protocol. */
	if (!r && (pi->opcode & 0x20))
		return isc_reject(pi, ISC_REJECT_PROTOCOL_ERROR);
	if (!r)
		return isc_reject(pi, ISC_REJECT_CMD_NOT_SUPPORTED);
	if (!(r->phases & BIT(phase)))
		return isc_reject(pi, ISC_REJECT_PROTOCOL_ERROR);
	if (r->flags_defined & ISC_FLAG_CONT)
		pi->cont = h[1] & ISC_FLAG_CONT;

	v = ISC_PDU_OK;
	if ((h[1] & r->flags_required) != r->flags_required) {
		pi->reject_reason = ISC_REJECT_INVALID_PDU_FIELD;
		v = ISC_PDU_REJECT;
	} else if (lim->strict_reserved &&
		   ((h[0] & 0x80) || (!r->imm_defined && pi->immediate) ||
		    (h[1] & ~r->flags_defined) || !isc_rsvd_clear(h, r->rsvd))) {
		pi->reject_reason = ISC_REJECT_INVALID_PDU_FIELD;
		v = ISC_PDU_REJECT;
	} else if (pi->data_len > lim->max_recv_dsl) {
		/*
		 * Nothing sensible can be done with a segment larger than
		 * we declared: the buffers are sized by it.
		 */
		pi->reject_reason = ISC_REJECT_PROTOCOL_ERROR;
		v = ISC_PDU_REJECT_CLOSE;
	} else if ((pi->ahs_len && !r->ahs_ok) ||
		   (pi->data_len && !r->data_ok)) {
		pi->reject_reason = ISC_REJECT_PROTOCOL_ERROR;
		v = ISC_PDU_REJECT;
	} else if (pi->itt == ISC_RSVD_TAG && !r->rsvd_itt_ok) {
		pi->reject_reason = ISC_REJECT_INVALID_PDU_FIELD;
		v = ISC_PDU_REJECT;
	}
	if (v != ISC_PDU_OK) {
		if (phase != ISC_PHASE_LOGIN)
			return v;
		pi->login_status = ISC_LOGIN_INITIATOR_ERROR;
		return ISC_PDU_LOGIN_FAIL;
	}
	return isc_check_specific(h, lim, pi);
}
EXPORT_SYMBOL_GPL(isc_pdu_decode);

u8 isc_ahs_parse(const u8 *ahs, u32 len, struct isc_ahs_info *ai)
{
	u32 off = 0, alen, total;

	memset(ai, 0, sizeof(*ai));
	while (off < len) {
		if (len - off < 4)
			return ISC_REJECT_PROTOCOL_ERROR;
		/* AHSLength counts the bytes after the type and reserved. */
		alen = get_unaligned_be16(ahs + off);
		total = isc_padded(3 + alen);
		if (alen == 0 || total > len - off)
			return ISC_REJECT_PROTOCOL_ERROR;
		switch (ahs[off + 2]) {
		case ISC_AHS_EXT_CDB:
			/* One reserved byte, then CDB bytes 16 and up. */
			if (ai->ext_cdb || alen < 2)
				return ISC_REJECT_PROTOCOL_ERROR;
			ai->ext_cdb = ahs + off + 4;
			ai->ext_cdb_len = alen - 1;
			break;
		case ISC_AHS_BIDI_READ_LEN:
			if (ai->has_bidi_len || alen != 5)
				return ISC_REJECT_PROTOCOL_ERROR;
			ai->has_bidi_len = true;
			ai->bidi_read_len = get_unaligned_be32(ahs + off + 4);
			break;
		default:
			return ISC_REJECT_INVALID_PDU_FIELD;
		}
		off += total;
	}
	return ISC_REJECT_NONE;
}
EXPORT_SYMBOL_GPL(isc_ahs_parse);

enum isc_cmdsn_verdict isc_cmdsn_check(u32 cmdsn, u32 exp_cmdsn,
				       u32 max_cmdsn)
{
	if (cmdsn == exp_cmdsn && isc_sn_le(cmdsn, max_cmdsn))
		return ISC_CMDSN_IN_ORDER;
	if (isc_sn_gt(cmdsn, exp_cmdsn) && isc_sn_le(cmdsn, max_cmdsn))
		return ISC_CMDSN_AHEAD;
	return ISC_CMDSN_OUTSIDE;
}
EXPORT_SYMBOL_GPL(isc_cmdsn_check);

void isc_aimd_init(struct isc_aimd *w, u32 cap)
{
	*w = (struct isc_aimd){ .limit = cap, .low = cap };
}
EXPORT_SYMBOL_GPL(isc_aimd_init);

/**
 * isc_aimd_rsp() - account a response in a window limit
 * @w:		the limit
 * @cap:	the most it grows to (at least 1)
 * @cmdsn:	the CmdSN of the command answered
 * @busy:	the response is BUSY or TASK SET FULL
 * @in_flight:	the commands the target has, this one included
 * @max_cmdsn:	the highest MaxCmdSN granted so far
 */
void isc_aimd_rsp(struct isc_aimd *w, u32 cap, u32 cmdsn, bool busy,
		  u32 in_flight, u32 max_cmdsn)
{
	u32 half = max(in_flight / 2, 1U);

	/* Admitted after the last shrink: its round trip is over. */
	if (w->recovering && isc_sn_gt(cmdsn, w->recover_sn))
		w->recovering = false;
	if (busy) {
		if (w->recovering)
			return;
		w->shrinks++;
		w->limit = min(w->limit, half);
		w->low = min(w->low, w->limit);
		w->credit = 0;
		w->recover_sn = max_cmdsn;
		w->recovering = true;
		return;
	}
	if (w->limit >= cap) {
		/* QueuedCommands may have been lowered. */
		w->limit = cap;
		return;
	}
	if (++w->credit >= w->limit) {
		w->credit = 0;
		w->limit++;
	}
}
EXPORT_SYMBOL_GPL(isc_aimd_rsp);

u32 isc_ttt_alloc(u32 *next, u32 *span)
{
	u32 ttt = (*next)++;
	u32 used = 1;

	if (ttt == ISC_RSVD_TAG) {
		ttt = (*next)++;
		used++;
	}
	*span = *span < ISC_TTT_SPAN - used ? *span + used : ISC_TTT_SPAN;
	return ttt;
}
EXPORT_SYMBOL_GPL(isc_ttt_alloc);

bool isc_ttt_issued(u32 ttt, u32 next, u32 span)
{
	/* Distance back from the last one issued: 0 is that one. */
	return ttt != ISC_RSVD_TAG && (u32)(next - 1 - ttt) < span;
}
EXPORT_SYMBOL_GPL(isc_ttt_issued);

u32 isc_crc32c(u32 crc, const void *buf, u32 len)
{
	return crc32c(crc, buf, len);
}
EXPORT_SYMBOL_GPL(isc_crc32c);

u32 isc_digest(const void *buf, u32 len)
{
	return isc_crc32c_final(isc_crc32c(ISC_CRC32C_SEED, buf, len));
}
EXPORT_SYMBOL_GPL(isc_digest);

u32 isc_data_digest(const void *buf, u32 len)
{
	static const u8 zero[3];
	u32 crc = isc_crc32c(ISC_CRC32C_SEED, buf, len);

	crc = isc_crc32c(crc, zero, isc_pad_len(len));
	return isc_crc32c_final(crc);
}
EXPORT_SYMBOL_GPL(isc_data_digest);

static void isc_put_sn(u8 *h, const struct isc_sn *sn, bool statsn)
{
	if (statsn)
		put_unaligned_be32(sn->statsn, h + 24);
	put_unaligned_be32(sn->exp_cmdsn, h + 28);
	put_unaligned_be32(sn->max_cmdsn, h + 32);
}

static void isc_init_bhs(void *bhs, u8 opcode, u8 flags, u32 data_len)
{
	u8 *h = bhs;

	memset(h, 0, ISC_BHS_LEN);
	h[0] = opcode;
	h[1] = flags;
	isc_bhs_set_dlength(h, data_len);
}

/*
 * Residuals (RFC 7143 11.4.5): overflow when the command wanted more than
 * the initiator expected, underflow when it moved less.
 */
static u8 isc_residual(u32 exp, u32 actual, u8 over, u8 under, u8 *res)
{
	if (actual > exp) {
		put_unaligned_be32(actual - exp, res);
		return over;
	}
	if (actual < exp) {
		put_unaligned_be32(exp - actual, res);
		return under;
	}
	return 0;
}

void isc_build_scsi_rsp(void *bhs, const struct isc_scsi_rsp_args *a,
			const struct isc_sn *sn)
{
	struct isc_scsi_rsp *r = bhs;
	u32 dlen = a->sense_len ? a->sense_len + 2 : 0;

	isc_init_bhs(r, ISC_OP_SCSI_RSP, ISC_FLAG_FINAL, dlen);
	r->response = a->response;
	/* Status is only valid when the command completed at the target. */
	if (a->response == ISC_RSP_COMPLETED) {
		r->status = a->status;
		r->flags |= isc_residual(a->exp_xfer_len, a->xfer_len,
					 ISC_RSP_OVERFLOW, ISC_RSP_UNDERFLOW,
					 r->residual);
		if (a->bidi)
			r->flags |= isc_residual(a->bidi_exp_read_len,
						 a->bidi_read_len,
						 ISC_RSP_BIDI_OVERFLOW,
						 ISC_RSP_BIDI_UNDERFLOW,
						 r->bidi_residual);
	}
	put_unaligned_be32(a->itt, r->itt);
	isc_put_sn(bhs, sn, true);
	put_unaligned_be32(a->exp_datasn, r->exp_datasn);
}
EXPORT_SYMBOL_GPL(isc_build_scsi_rsp);

u32 isc_build_sense_segment(u8 *buf, u32 cap, const u8 *sense,
			    u32 sense_len)
{
	if (sense_len > U16_MAX || cap < 2 || sense_len > cap - 2)
		return 0;
	put_unaligned_be16((u16)sense_len, buf);
	memcpy(buf + 2, sense, sense_len);
	return sense_len + 2;
}
EXPORT_SYMBOL_GPL(isc_build_sense_segment);

void isc_build_data_in(void *bhs, const struct isc_data_in_args *a,
		       const struct isc_sn *sn)
{
	struct isc_data_in *d = bhs;
	u8 flags = 0;
	bool status = a->has_status && a->final;

	if (a->final)
		flags |= ISC_FLAG_FINAL;
	if (a->ack)
		flags |= ISC_DATAIN_ACK;
	isc_init_bhs(d, ISC_OP_DATA_IN, flags, a->len);
	if (status) {
		d->flags |= ISC_DATAIN_STATUS;
		d->status = a->status;
		d->flags |= isc_residual(a->exp_xfer_len, a->xfer_len,
					 ISC_RSP_OVERFLOW, ISC_RSP_UNDERFLOW,
					 d->residual);
	}
	put_unaligned_be64(a->lun, d->lun);
	put_unaligned_be32(a->itt, d->itt);
	put_unaligned_be32(a->ack ? a->ttt : ISC_RSVD_TAG, d->ttt);
	/* StatSN only counts when the status travels in this PDU. */
	isc_put_sn(bhs, sn, status);
	put_unaligned_be32(a->datasn, d->datasn);
	put_unaligned_be32(a->offset, d->offset);
}
EXPORT_SYMBOL_GPL(isc_build_data_in);

void isc_build_r2t(void *bhs, const struct isc_r2t_args *a,
		   const struct isc_sn *sn)
{
	struct isc_r2t *r = bhs;

	isc_init_bhs(r, ISC_OP_R2T, ISC_FLAG_FINAL, 0);
	put_unaligned_be64(a->lun, r->lun);
	put_unaligned_be32(a->itt, r->itt);
	put_unaligned_be32(a->ttt, r->ttt);
	/* An R2T carries the next StatSN without taking it. */
	isc_put_sn(bhs, sn, true);
	put_unaligned_be32(a->r2tsn, r->r2tsn);
	put_unaligned_be32(a->offset, r->offset);
	put_unaligned_be32(a->desired_len, r->desired_len);
}
EXPORT_SYMBOL_GPL(isc_build_r2t);

void isc_build_nop_in(void *bhs, u32 itt, u32 ttt, u64 lun, u32 data_len,
		      const struct isc_sn *sn)
{
	struct isc_nop_in *n = bhs;

	isc_init_bhs(n, ISC_OP_NOP_IN, ISC_FLAG_FINAL, data_len);
	put_unaligned_be64(lun, n->lun);
	put_unaligned_be32(itt, n->itt);
	put_unaligned_be32(ttt, n->ttt);
	isc_put_sn(bhs, sn, true);
}
EXPORT_SYMBOL_GPL(isc_build_nop_in);

void isc_build_reject(void *bhs, u8 reason, u32 datasn,
		      const struct isc_sn *sn)
{
	struct isc_reject *r = bhs;

	isc_init_bhs(r, ISC_OP_REJECT, ISC_FLAG_FINAL, ISC_BHS_LEN);
	r->reason = reason;
	put_unaligned_be32(ISC_RSVD_TAG, r->itt);
	isc_put_sn(bhs, sn, true);
	put_unaligned_be32(datasn, r->datasn);
}
EXPORT_SYMBOL_GPL(isc_build_reject);

void isc_build_async_logout(void *bhs, u16 secs, const struct isc_sn *sn)
{
	struct isc_async_msg *m = bhs;

	isc_init_bhs(m, ISC_OP_ASYNC_MSG, ISC_FLAG_FINAL, 0);
	put_unaligned_be32(ISC_RSVD_TAG, m->itt);
	isc_put_sn(bhs, sn, true);
	m->event = ISC_ASYNC_LOGOUT_REQUEST;
	put_unaligned_be16(secs, m->param3);
}
EXPORT_SYMBOL_GPL(isc_build_async_logout);

void isc_build_logout_rsp(void *bhs, u32 itt, u8 response, u16 time2wait,
			  u16 time2retain, const struct isc_sn *sn)
{
	struct isc_logout_rsp *r = bhs;

	isc_init_bhs(r, ISC_OP_LOGOUT_RSP, ISC_FLAG_FINAL, 0);
	r->response = response;
	put_unaligned_be32(itt, r->itt);
	isc_put_sn(bhs, sn, true);
	put_unaligned_be16(time2wait, r->time2wait);
	put_unaligned_be16(time2retain, r->time2retain);
}
EXPORT_SYMBOL_GPL(isc_build_logout_rsp);

void isc_build_tmf_rsp(void *bhs, u32 itt, u8 response,
		       const struct isc_sn *sn)
{
	struct isc_tmf_rsp *r = bhs;

	isc_init_bhs(r, ISC_OP_TMF_RSP, ISC_FLAG_FINAL, 0);
	r->response = response;
	put_unaligned_be32(itt, r->itt);
	isc_put_sn(bhs, sn, true);
}
EXPORT_SYMBOL_GPL(isc_build_tmf_rsp);

void isc_build_login_rsp(void *bhs, const struct isc_login_rsp_args *a,
			 const struct isc_sn *sn)
{
	struct isc_login_rsp *r = bhs;
	u8 flags = 0;

	if (a->status == ISC_LOGIN_OK) {
		if (a->transit)
			flags |= ISC_FLAG_FINAL | (a->nsg & ISC_LOGIN_NSG_MASK);
		if (a->cont)
			flags |= ISC_FLAG_CONT;
		flags |= (a->csg << ISC_LOGIN_CSG_SHIFT) & ISC_LOGIN_CSG_MASK;
	}
	isc_init_bhs(r, ISC_OP_LOGIN_RSP, flags, a->data_len);
	/* Versions: RFC 7143 defines 0 only. */
	memcpy(r->isid, a->isid, sizeof(r->isid));
	put_unaligned_be16(a->tsih, r->tsih);
	put_unaligned_be32(a->itt, r->itt);
	isc_put_sn(bhs, sn, true);
	r->status_class = a->status >> 8;
	r->status_detail = a->status & 0xff;
}
EXPORT_SYMBOL_GPL(isc_build_login_rsp);

void isc_build_text_rsp(void *bhs, u32 itt, u32 ttt, u64 lun, bool final,
			bool cont, u32 data_len, const struct isc_sn *sn)
{
	struct isc_text_rsp *r = bhs;

	isc_init_bhs(r, ISC_OP_TEXT_RSP,
		     (final ? ISC_FLAG_FINAL : 0) | (cont ? ISC_FLAG_CONT : 0),
		     data_len);
	put_unaligned_be64(lun, r->lun);
	put_unaligned_be32(itt, r->itt);
	/* A final response ends the exchange: no tag to continue with. */
	put_unaligned_be32(final ? ISC_RSVD_TAG : ttt, r->ttt);
	isc_put_sn(bhs, sn, true);
}
EXPORT_SYMBOL_GPL(isc_build_text_rsp);
