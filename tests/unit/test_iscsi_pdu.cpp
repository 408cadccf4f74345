// iSCSI PDUs (kernel/iscsi/iscsi_pdu.c): the BHS decoder's rules, the
// target PDU builders, serial number arithmetic, padding and CRC32C.
#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <vector>

extern "C" {
#include "iscsi_pdu.h"
}

namespace {

using Bhs = std::array<u8, ISC_BHS_LEN>;

u32 be32(const u8 *p) { return get_unaligned_be32(p); }
u16 be16(const u8 *p) { return get_unaligned_be16(p); }

static_assert(sizeof(isc_bhs) == ISC_BHS_LEN);
static_assert(sizeof(isc_scsi_cmd) == ISC_BHS_LEN);
static_assert(sizeof(isc_login_rsp) == ISC_BHS_LEN);
static_assert(sizeof(isc_reject) == ISC_BHS_LEN);

isc_rx_limits limits()
{
	isc_rx_limits l{};
	l.max_recv_dsl = 8192;
	l.first_burst = 65536;
	l.immediate_data = true;
	l.initial_r2t = false;
	l.erl = 0;
	return l;
}

// A valid header of each initiator opcode.
Bhs hdr(u8 opcode)
{
	Bhs h{};
	h[0] = opcode;
	put_unaligned_be32(0x1234, &h[16]);	// ITT
	switch (opcode) {
	case ISC_OP_NOP_OUT:
		h[0] |= ISC_OP_IMMEDIATE;
		h[1] = ISC_FLAG_FINAL;
		put_unaligned_be32(ISC_RSVD_TAG, &h[20]);
		break;
	case ISC_OP_SCSI_CMD:
		h[1] = ISC_FLAG_FINAL | ISC_CMD_READ | ISC_ATTR_SIMPLE;
		put_unaligned_be32(4096, &h[20]);
		h[32] = 0x28;
		break;
	case ISC_OP_TMF_REQ:
		h[0] |= ISC_OP_IMMEDIATE;
		h[1] = ISC_FLAG_FINAL | ISC_TMF_LUN_RESET;
		put_unaligned_be32(ISC_RSVD_TAG, &h[20]);
		break;
	case ISC_OP_LOGIN_REQ:
		h[0] |= ISC_OP_IMMEDIATE;
		h[1] = ISC_FLAG_FINAL | (ISC_STAGE_SECURITY << 2) |
		       ISC_STAGE_OPERATIONAL;
		break;
	case ISC_OP_TEXT_REQ:
		h[0] |= ISC_OP_IMMEDIATE;
		h[1] = ISC_FLAG_FINAL;
		put_unaligned_be32(ISC_RSVD_TAG, &h[20]);
		break;
	case ISC_OP_DATA_OUT:
		h[1] = ISC_FLAG_FINAL;
		put_unaligned_be32(7, &h[20]);
		break;
	case ISC_OP_LOGOUT_REQ:
		h[0] |= ISC_OP_IMMEDIATE;
		h[1] = ISC_FLAG_FINAL | ISC_LOGOUT_CLOSE_SESSION;
		break;
	case ISC_OP_SNACK:
		h[1] = ISC_FLAG_FINAL | 1;
		break;
	}
	return h;
}

struct Dec {
	isc_verdict v;
	isc_pdu_info pi;
};

Dec decode(const Bhs &h, isc_phase ph = ISC_PHASE_FULL,
	   isc_rx_limits l = limits())
{
	Dec d{};
	d.v = isc_pdu_decode(h.data(), ph, &l, &d.pi);
	return d;
}

void expect_reject(const Bhs &h, u8 reason, isc_phase ph = ISC_PHASE_FULL,
		   isc_rx_limits l = limits())
{
	Dec d = decode(h, ph, l);
	EXPECT_EQ(d.v, ISC_PDU_REJECT);
	EXPECT_EQ(d.pi.reject_reason, reason);
}

void set_dsl(Bhs &h, u32 len) { isc_bhs_set_dlength(h.data(), len); }

const u8 initiator_ops[] = {
	ISC_OP_NOP_OUT, ISC_OP_SCSI_CMD, ISC_OP_TMF_REQ, ISC_OP_TEXT_REQ,
	ISC_OP_DATA_OUT, ISC_OP_LOGOUT_REQ,
};

} // namespace

TEST(IscsiPduDecode, ValidHeadersOfEveryOpcode)
{
	for (u8 op : initiator_ops) {
		Dec d = decode(hdr(op));
		EXPECT_EQ(d.v, ISC_PDU_OK) << isc_opcode_name(op);
		EXPECT_EQ(d.pi.opcode, op);
		EXPECT_EQ(d.pi.itt, 0x1234u);
	}
	isc_rx_limits l = limits();
	l.erl = 1;
	EXPECT_EQ(decode(hdr(ISC_OP_SNACK), ISC_PHASE_FULL, l).v, ISC_PDU_OK);
	EXPECT_EQ(decode(hdr(ISC_OP_LOGIN_REQ), ISC_PHASE_LOGIN).v, ISC_PDU_OK);
}

TEST(IscsiPduDecode, UnknownAndTargetOpcodes)
{
	for (u8 op : { 0x07, 0x0f, 0x11, 0x1c, 0x1e }) {
		Bhs h = hdr(ISC_OP_NOP_OUT);
		h[0] = (h[0] & ~ISC_OPCODE_MASK) | op;
		expect_reject(h, ISC_REJECT_CMD_NOT_SUPPORTED);
	}
	for (u8 op : { ISC_OP_NOP_IN, ISC_OP_SCSI_RSP, ISC_OP_R2T, ISC_OP_REJECT }) {
		Bhs h = hdr(ISC_OP_NOP_OUT);
		h[0] = op;
		expect_reject(h, ISC_REJECT_PROTOCOL_ERROR);
	}
	EXPECT_STREQ(isc_opcode_name(ISC_OP_R2T), "Ready To Transfer");
	EXPECT_STREQ(isc_opcode_name(0x3e), "unknown");
}

TEST(IscsiPduDecode, PhaseRules)
{
	// Login phase: anything but a Login Request fails the login.
	for (u8 op : initiator_ops) {
		Dec d = decode(hdr(op), ISC_PHASE_LOGIN);
		EXPECT_EQ(d.v, ISC_PDU_LOGIN_FAIL);
		EXPECT_EQ(d.pi.login_status, ISC_LOGIN_INVALID_REQUEST);
	}
	Bhs bad = hdr(ISC_OP_NOP_OUT);
	bad[0] = 0x3e;
	EXPECT_EQ(decode(bad, ISC_PHASE_LOGIN).v, ISC_PDU_LOGIN_FAIL);
	// Full feature phase: no more Login Requests.
	expect_reject(hdr(ISC_OP_LOGIN_REQ), ISC_REJECT_PROTOCOL_ERROR);
	// Discovery: Text, Logout (and NOP-Out) only.
	for (u8 op : { ISC_OP_TEXT_REQ, ISC_OP_LOGOUT_REQ, ISC_OP_NOP_OUT })
		EXPECT_EQ(decode(hdr(op), ISC_PHASE_DISCOVERY).v, ISC_PDU_OK);
	for (u8 op : { ISC_OP_SCSI_CMD, ISC_OP_TMF_REQ, ISC_OP_DATA_OUT,
		       ISC_OP_SNACK, ISC_OP_LOGIN_REQ })
		expect_reject(hdr(op), ISC_REJECT_PROTOCOL_ERROR,
			      ISC_PHASE_DISCOVERY);
}

TEST(IscsiPduDecode, RequiredFinalBit)
{
	for (u8 op : { ISC_OP_NOP_OUT, ISC_OP_TMF_REQ, ISC_OP_LOGOUT_REQ }) {
		Bhs h = hdr(op);
		h[1] &= ~ISC_FLAG_FINAL;
		expect_reject(h, ISC_REJECT_INVALID_PDU_FIELD);
	}
	isc_rx_limits l = limits();
	l.erl = 1;
	Bhs h = hdr(ISC_OP_SNACK);
	h[1] &= ~ISC_FLAG_FINAL;
	expect_reject(h, ISC_REJECT_INVALID_PDU_FIELD, ISC_PHASE_FULL, l);
}

TEST(IscsiPduDecode, ReservedFieldsOnlyInStrictMode)
{
	isc_rx_limits strict = limits();
	strict.strict_reserved = true;
	struct Case {
		u8 op;
		unsigned int byte;
		u8 val;
	} cases[] = {
		{ ISC_OP_NOP_OUT, 32, 1 },	// reserved bytes
		{ ISC_OP_NOP_OUT, 2, 1 },
		{ ISC_OP_SCSI_CMD, 3, 1 },
		{ ISC_OP_TMF_REQ, 44, 1 },
		{ ISC_OP_TEXT_REQ, 40, 1 },
		{ ISC_OP_DATA_OUT, 24, 1 },
		{ ISC_OP_DATA_OUT, 47, 1 },
		{ ISC_OP_LOGOUT_REQ, 8, 1 },
		{ ISC_OP_LOGOUT_REQ, 22, 1 },
		{ ISC_OP_SCSI_CMD, 1, 0x08 },	// undefined flag bits
		{ ISC_OP_NOP_OUT, 1, 0x01 },
		{ ISC_OP_TEXT_REQ, 1, 0x20 },
		{ ISC_OP_DATA_OUT, 0, 0x40 },	// I bit of Data-Out
		{ ISC_OP_SCSI_CMD, 0, 0x80 },	// byte 0 bit 7
	};
	for (const Case &c : cases) {
		Bhs h = hdr(c.op);
		h[c.byte] |= c.val;
		EXPECT_EQ(decode(h).v, ISC_PDU_OK) << int(c.op) << " " << c.byte;
		expect_reject(h, ISC_REJECT_INVALID_PDU_FIELD, ISC_PHASE_FULL,
			      strict);
	}
	for (u8 op : initiator_ops)
		EXPECT_EQ(decode(hdr(op), ISC_PHASE_FULL, strict).v, ISC_PDU_OK);
	// In the login phase the same error fails the login.
	Bhs h = hdr(ISC_OP_LOGIN_REQ);
	h[40] = 1;
	Dec d = decode(h, ISC_PHASE_LOGIN, strict);
	EXPECT_EQ(d.v, ISC_PDU_LOGIN_FAIL);
	EXPECT_EQ(d.pi.login_status, ISC_LOGIN_INITIATOR_ERROR);
}

TEST(IscsiPduDecode, SegmentLengths)
{
	Bhs h = hdr(ISC_OP_NOP_OUT);
	set_dsl(h, 8192);
	Dec d = decode(h);
	EXPECT_EQ(d.v, ISC_PDU_OK);
	EXPECT_EQ(d.pi.data_len, 8192u);
	set_dsl(h, 8193);
	d = decode(h);
	EXPECT_EQ(d.v, ISC_PDU_REJECT_CLOSE);
	EXPECT_EQ(d.pi.reject_reason, ISC_REJECT_PROTOCOL_ERROR);
	set_dsl(h, ISC_MAX_DSL);
	EXPECT_EQ(decode(h).v, ISC_PDU_REJECT_CLOSE);

	// AHS only on SCSI Command.
	h = hdr(ISC_OP_NOP_OUT);
	h[4] = 1;
	expect_reject(h, ISC_REJECT_PROTOCOL_ERROR);
	h = hdr(ISC_OP_SCSI_CMD);
	h[4] = 5;
	d = decode(h);
	EXPECT_EQ(d.v, ISC_PDU_OK);
	EXPECT_EQ(d.pi.ahs_len, 20u);
	// No data on TMF, Logout, SNACK.
	for (u8 op : { ISC_OP_TMF_REQ, ISC_OP_LOGOUT_REQ }) {
		h = hdr(op);
		set_dsl(h, 4);
		expect_reject(h, ISC_REJECT_PROTOCOL_ERROR);
	}
	// Login PDUs in the login phase are bounded by 8192 too.
	h = hdr(ISC_OP_LOGIN_REQ);
	set_dsl(h, 8193);
	d = decode(h, ISC_PHASE_LOGIN);
	EXPECT_EQ(d.v, ISC_PDU_LOGIN_FAIL);
	EXPECT_EQ(d.pi.login_status, ISC_LOGIN_INITIATOR_ERROR);
}

TEST(IscsiPduDecode, ReservedItt)
{
	for (u8 op : { ISC_OP_SCSI_CMD, ISC_OP_TMF_REQ, ISC_OP_TEXT_REQ,
		       ISC_OP_DATA_OUT, ISC_OP_LOGOUT_REQ }) {
		Bhs h = hdr(op);
		put_unaligned_be32(ISC_RSVD_TAG, &h[16]);
		expect_reject(h, ISC_REJECT_INVALID_PDU_FIELD);
	}
	// In the login phase it fails the login.
	Bhs lh = hdr(ISC_OP_LOGIN_REQ);
	put_unaligned_be32(ISC_RSVD_TAG, &lh[16]);
	Dec ld = decode(lh, ISC_PHASE_LOGIN);
	EXPECT_EQ(ld.v, ISC_PDU_LOGIN_FAIL);
	EXPECT_EQ(ld.pi.login_status, ISC_LOGIN_INITIATOR_ERROR);
	// NOP-Out: ITT 0xffffffff answers a ping and must be immediate.
	Bhs h = hdr(ISC_OP_NOP_OUT);
	put_unaligned_be32(ISC_RSVD_TAG, &h[16]);
	put_unaligned_be32(0x55, &h[20]);
	Dec d = decode(h);
	EXPECT_EQ(d.v, ISC_PDU_OK);
	EXPECT_EQ(d.pi.ttt, 0x55u);
	h[0] &= ~ISC_OP_IMMEDIATE;
	expect_reject(h, ISC_REJECT_PROTOCOL_ERROR);
	// An initiator ping carries no target tag.
	h = hdr(ISC_OP_NOP_OUT);
	put_unaligned_be32(0x55, &h[20]);
	expect_reject(h, ISC_REJECT_INVALID_PDU_FIELD);
	// SNACK may use 0xffffffff (status SNACK).
	isc_rx_limits l = limits();
	l.erl = 1;
	h = hdr(ISC_OP_SNACK);
	put_unaligned_be32(ISC_RSVD_TAG, &h[16]);
	EXPECT_EQ(decode(h, ISC_PHASE_FULL, l).v, ISC_PDU_OK);
}

TEST(IscsiPduDecode, ScsiCommandFields)
{
	Bhs h = hdr(ISC_OP_SCSI_CMD);
	put_unaligned_be64(0x0001000000000000ull, &h[8]);
	put_unaligned_be32(100, &h[24]);
	put_unaligned_be32(200, &h[28]);
	Dec d = decode(h);
	ASSERT_EQ(d.v, ISC_PDU_OK);
	EXPECT_TRUE(d.pi.read);
	EXPECT_FALSE(d.pi.write);
	EXPECT_TRUE(d.pi.final);
	EXPECT_FALSE(d.pi.immediate);
	EXPECT_EQ(d.pi.attr, ISC_ATTR_SIMPLE);
	EXPECT_EQ(d.pi.exp_xfer_len, 4096u);
	EXPECT_EQ(d.pi.cmdsn, 100u);
	EXPECT_EQ(d.pi.exp_statsn, 200u);
	EXPECT_EQ(d.pi.lun, 0x0001000000000000ull);
}

TEST(IscsiPduDecode, ScsiCommandBitRules)
{
	Bhs h = hdr(ISC_OP_SCSI_CMD);
	h[1] = (h[1] & ~ISC_CMD_ATTR_MASK) | 5;
	expect_reject(h, ISC_REJECT_INVALID_PDU_FIELD);

	// Immediate data needs W.
	h = hdr(ISC_OP_SCSI_CMD);
	set_dsl(h, 512);
	expect_reject(h, ISC_REJECT_PROTOCOL_ERROR);
	// F = 0 (unsolicited data follows) needs W.
	h = hdr(ISC_OP_SCSI_CMD);
	h[1] &= ~ISC_FLAG_FINAL;
	expect_reject(h, ISC_REJECT_PROTOCOL_ERROR);
	// R = W = 0 with a length is tolerated (the CDB decides).
	h = hdr(ISC_OP_SCSI_CMD);
	h[1] &= ~ISC_CMD_READ;
	EXPECT_EQ(decode(h).v, ISC_PDU_OK);
	// Bidirectional.
	h = hdr(ISC_OP_SCSI_CMD);
	h[1] |= ISC_CMD_WRITE;
	EXPECT_EQ(decode(h).v, ISC_PDU_OK);

	Bhs w = hdr(ISC_OP_SCSI_CMD);
	w[1] = ISC_FLAG_FINAL | ISC_CMD_WRITE | ISC_ATTR_SIMPLE;
	put_unaligned_be32(131072, &w[20]);
	set_dsl(w, 4096);
	EXPECT_EQ(decode(w).v, ISC_PDU_OK);
	isc_rx_limits l = limits();
	l.immediate_data = false;
	expect_reject(w, ISC_REJECT_PROTOCOL_ERROR, ISC_PHASE_FULL, l);
	l = limits();
	l.first_burst = 2048;
	expect_reject(w, ISC_REJECT_PROTOCOL_ERROR, ISC_PHASE_FULL, l);
	// More immediate data than the command transfers.
	h = w;
	put_unaligned_be32(2048, &h[20]);
	expect_reject(h, ISC_REJECT_PROTOCOL_ERROR);

	// Unsolicited Data-Out announced with F = 0.
	h = w;
	h[1] &= ~ISC_FLAG_FINAL;
	EXPECT_EQ(decode(h).v, ISC_PDU_OK);
	l = limits();
	l.initial_r2t = true;
	expect_reject(h, ISC_REJECT_PROTOCOL_ERROR, ISC_PHASE_FULL, l);
	// ... but nothing is left once the first burst is full.
	l = limits();
	l.first_burst = 4096;
	expect_reject(h, ISC_REJECT_PROTOCOL_ERROR, ISC_PHASE_FULL, l);
	put_unaligned_be32(4096, &h[20]);
	expect_reject(h, ISC_REJECT_PROTOCOL_ERROR);
}

TEST(IscsiPduDecode, Login)
{
	Bhs h = hdr(ISC_OP_LOGIN_REQ);
	const u8 isid[6] = { 0x80, 1, 2, 3, 4, 5 };
	memcpy(&h[8], isid, 6);
	put_unaligned_be16(0x22, &h[14]);
	put_unaligned_be16(3, &h[20]);
	h[2] = 0;
	Dec d = decode(h, ISC_PHASE_LOGIN);
	ASSERT_EQ(d.v, ISC_PDU_OK);
	EXPECT_TRUE(d.pi.final);
	EXPECT_FALSE(d.pi.cont);
	EXPECT_EQ(d.pi.csg, ISC_STAGE_SECURITY);
	EXPECT_EQ(d.pi.nsg, ISC_STAGE_OPERATIONAL);
	EXPECT_EQ(d.pi.tsih, 0x22);
	EXPECT_EQ(d.pi.cid, 3);
	EXPECT_EQ(0, memcmp(d.pi.isid, isid, 6));

	auto fails = [](Bhs b, u16 status) {
		Dec r = decode(b, ISC_PHASE_LOGIN);
		EXPECT_EQ(r.v, ISC_PDU_LOGIN_FAIL);
		EXPECT_EQ(r.pi.login_status, status);
	};
	Bhs b = hdr(ISC_OP_LOGIN_REQ);
	b[0] &= ~ISC_OP_IMMEDIATE;
	fails(b, ISC_LOGIN_INITIATOR_ERROR);
	b = hdr(ISC_OP_LOGIN_REQ);
	b[1] |= ISC_FLAG_CONT;				// T and C
	fails(b, ISC_LOGIN_INITIATOR_ERROR);
	b = hdr(ISC_OP_LOGIN_REQ);
	b[1] = ISC_FLAG_CONT | (2 << 2);		// CSG 2
	fails(b, ISC_LOGIN_INITIATOR_ERROR);
	b[1] = 3 << 2;					// CSG 3
	fails(b, ISC_LOGIN_INITIATOR_ERROR);
	b[1] = ISC_FLAG_FINAL | 2;			// NSG 2
	fails(b, ISC_LOGIN_INITIATOR_ERROR);
	b[1] = ISC_FLAG_FINAL | (1 << 2) | 1;		// 1 -> 1
	fails(b, ISC_LOGIN_INITIATOR_ERROR);
	b[1] = ISC_FLAG_FINAL | (1 << 2) | 0;		// 1 -> 0
	fails(b, ISC_LOGIN_INITIATOR_ERROR);
	b[1] = (1 << 2) | 0;				// no T: NSG ignored
	EXPECT_EQ(decode(b, ISC_PHASE_LOGIN).v, ISC_PDU_OK);
	b[1] = ISC_FLAG_FINAL | (1 << 2) | 3;		// 1 -> 3
	EXPECT_EQ(decode(b, ISC_PHASE_LOGIN).v, ISC_PDU_OK);
	b[1] = ISC_FLAG_FINAL | 3;			// 0 -> 3
	EXPECT_EQ(decode(b, ISC_PHASE_LOGIN).v, ISC_PDU_OK);
	b = hdr(ISC_OP_LOGIN_REQ);
	b[2] = 2;
	b[3] = 1;
	fails(b, ISC_LOGIN_UNSUPPORTED_VERSION);
	b[2] = 0;
	b[3] = 1;
	fails(b, ISC_LOGIN_INITIATOR_ERROR);
}

TEST(IscsiPduDecode, TextDataOutLogoutTmfSnack)
{
	Bhs h = hdr(ISC_OP_TEXT_REQ);
	h[1] = ISC_FLAG_CONT;
	Dec d = decode(h);
	EXPECT_EQ(d.v, ISC_PDU_OK);
	EXPECT_TRUE(d.pi.cont);
	h[1] |= ISC_FLAG_FINAL;
	expect_reject(h, ISC_REJECT_PROTOCOL_ERROR);

	h = hdr(ISC_OP_DATA_OUT);
	put_unaligned_be32(3, &h[36]);
	put_unaligned_be32(8192, &h[40]);
	set_dsl(h, 4096);
	d = decode(h);
	ASSERT_EQ(d.v, ISC_PDU_OK);
	EXPECT_EQ(d.pi.ttt, 7u);
	EXPECT_EQ(d.pi.datasn, 3u);
	EXPECT_EQ(d.pi.offset, 8192u);
	EXPECT_EQ(d.pi.data_len, 4096u);

	h = hdr(ISC_OP_LOGOUT_REQ);
	h[1] = ISC_FLAG_FINAL | ISC_LOGOUT_RECOVERY;
	put_unaligned_be16(9, &h[20]);
	d = decode(h);
	ASSERT_EQ(d.v, ISC_PDU_OK);
	EXPECT_EQ(d.pi.func, ISC_LOGOUT_RECOVERY);
	EXPECT_EQ(d.pi.cid, 9);
	h[1] = ISC_FLAG_FINAL | 3;
	expect_reject(h, ISC_REJECT_INVALID_PDU_FIELD);

	h = hdr(ISC_OP_TMF_REQ);
	h[1] = ISC_FLAG_FINAL | ISC_TMF_ABORT_TASK;
	put_unaligned_be32(0x77, &h[20]);
	put_unaligned_be32(5, &h[32]);
	put_unaligned_be32(6, &h[36]);
	d = decode(h);
	ASSERT_EQ(d.v, ISC_PDU_OK);
	EXPECT_EQ(d.pi.func, ISC_TMF_ABORT_TASK);
	EXPECT_EQ(d.pi.rtt, 0x77u);
	EXPECT_EQ(d.pi.ref_cmdsn, 5u);
	EXPECT_EQ(d.pi.exp_datasn, 6u);
	// Unknown functions are answered by a TMF response, not a Reject.
	h[1] = ISC_FLAG_FINAL | 0x7f;
	EXPECT_EQ(decode(h).v, ISC_PDU_OK);

	// SNACK: ErrorRecoveryLevel 0 has none.
	h = hdr(ISC_OP_SNACK);
	put_unaligned_be32(10, &h[40]);
	put_unaligned_be32(2, &h[44]);
	expect_reject(h, ISC_REJECT_PROTOCOL_ERROR);
	isc_rx_limits l = limits();
	l.erl = 2;
	d = decode(h, ISC_PHASE_FULL, l);
	ASSERT_EQ(d.v, ISC_PDU_OK);
	EXPECT_EQ(d.pi.func, 1);
	EXPECT_EQ(d.pi.begrun, 10u);
	EXPECT_EQ(d.pi.runlength, 2u);
	h[1] = ISC_FLAG_FINAL | 4;
	expect_reject(h, ISC_REJECT_INVALID_PDU_FIELD, ISC_PHASE_FULL, l);
}

TEST(IscsiAhs, ExtendedCdbAndBidi)
{
	// Extended CDB: 16 more bytes (AHSLength 17), then bidi length.
	std::vector<u8> a(20 + 8, 0);
	put_unaligned_be16(17, &a[0]);
	a[2] = ISC_AHS_EXT_CDB;
	for (int i = 0; i < 16; i++)
		a[4 + i] = u8(0x10 + i);
	put_unaligned_be16(5, &a[20]);
	a[22] = ISC_AHS_BIDI_READ_LEN;
	put_unaligned_be32(65536, &a[24]);
	isc_ahs_info ai;
	ASSERT_EQ(isc_ahs_parse(a.data(), u32(a.size()), &ai), ISC_REJECT_NONE);
	EXPECT_EQ(ai.ext_cdb_len, 16u);
	EXPECT_EQ(ai.ext_cdb[0], 0x10);
	EXPECT_TRUE(ai.has_bidi_len);
	EXPECT_EQ(ai.bidi_read_len, 65536u);

	EXPECT_EQ(isc_ahs_parse(a.data(), 0, &ai), ISC_REJECT_NONE);
	EXPECT_EQ(isc_ahs_parse(a.data(), 2, &ai), ISC_REJECT_PROTOCOL_ERROR);
	EXPECT_EQ(isc_ahs_parse(a.data(), 16, &ai), ISC_REJECT_PROTOCOL_ERROR);
	std::vector<u8> b = a;
	b[22] = 9;
	EXPECT_EQ(isc_ahs_parse(b.data(), u32(b.size()), &ai),
		  ISC_REJECT_INVALID_PDU_FIELD);
	b = a;
	put_unaligned_be16(0, &b[0]);
	EXPECT_EQ(isc_ahs_parse(b.data(), u32(b.size()), &ai),
		  ISC_REJECT_PROTOCOL_ERROR);
	b = a;
	put_unaligned_be16(4, &b[20]);
	EXPECT_EQ(isc_ahs_parse(b.data(), u32(b.size()), &ai),
		  ISC_REJECT_PROTOCOL_ERROR);
	// Two bidi AHS.
	std::vector<u8> c(16, 0);
	for (int i = 0; i < 2; i++) {
		put_unaligned_be16(5, &c[8 * i]);
		c[8 * i + 2] = ISC_AHS_BIDI_READ_LEN;
	}
	EXPECT_EQ(isc_ahs_parse(c.data(), 16, &ai), ISC_REJECT_PROTOCOL_ERROR);
}

namespace {
const isc_sn sn = { 0x10, 0x20, 0x3f };

void expect_sn(const Bhs &h, bool statsn = true)
{
	EXPECT_EQ(be32(&h[24]), statsn ? sn.statsn : 0u);
	EXPECT_EQ(be32(&h[28]), sn.exp_cmdsn);
	EXPECT_EQ(be32(&h[32]), sn.max_cmdsn);
}
} // namespace

TEST(IscsiBuild, ScsiResponse)
{
	Bhs h;
	h.fill(0xee);
	isc_scsi_rsp_args a{};
	a.itt = 0x99;
	a.response = ISC_RSP_COMPLETED;
	a.status = 0x02;
	a.exp_xfer_len = 4096;
	a.xfer_len = 1024;
	a.exp_datasn = 4;
	a.sense_len = 18;
	isc_build_scsi_rsp(h.data(), &a, &sn);
	EXPECT_EQ(h[0], ISC_OP_SCSI_RSP);
	EXPECT_EQ(h[1], ISC_FLAG_FINAL | ISC_RSP_UNDERFLOW);
	EXPECT_EQ(h[2], ISC_RSP_COMPLETED);
	EXPECT_EQ(h[3], 0x02);
	EXPECT_EQ(h[4], 0);
	EXPECT_EQ(isc_bhs_dlength(h.data()), 20u);
	EXPECT_EQ(be32(&h[16]), 0x99u);
	EXPECT_EQ(be32(&h[20]), 0u);
	expect_sn(h);
	EXPECT_EQ(be32(&h[36]), 4u);
	EXPECT_EQ(be32(&h[40]), 0u);
	EXPECT_EQ(be32(&h[44]), 3072u);
	for (int i = 8; i < 16; i++)
		EXPECT_EQ(h[i], 0);

	a.xfer_len = 8192;	// the CDB wanted more: overflow
	a.sense_len = 0;
	a.bidi = true;
	a.bidi_exp_read_len = 100;
	a.bidi_read_len = 50;
	isc_build_scsi_rsp(h.data(), &a, &sn);
	EXPECT_EQ(h[1], ISC_FLAG_FINAL | ISC_RSP_OVERFLOW |
		  ISC_RSP_BIDI_UNDERFLOW);
	EXPECT_EQ(be32(&h[44]), 4096u);
	EXPECT_EQ(be32(&h[40]), 50u);
	EXPECT_EQ(isc_bhs_dlength(h.data()), 0u);
	a.bidi_read_len = 150;
	a.xfer_len = 4096;
	isc_build_scsi_rsp(h.data(), &a, &sn);
	EXPECT_EQ(h[1], ISC_FLAG_FINAL | ISC_RSP_BIDI_OVERFLOW);
	EXPECT_EQ(be32(&h[44]), 0u);

	// A target failure carries no status or residual.
	a.response = ISC_RSP_TARGET_FAILURE;
	isc_build_scsi_rsp(h.data(), &a, &sn);
	EXPECT_EQ(h[1], ISC_FLAG_FINAL);
	EXPECT_EQ(h[3], 0);
	EXPECT_EQ(be32(&h[40]), 0u);
}

TEST(IscsiBuild, SenseSegment)
{
	u8 sense[18] = { 0x70, 0, 0x05 };
	u8 buf[32];
	EXPECT_EQ(isc_build_sense_segment(buf, sizeof(buf), sense, 18), 20u);
	EXPECT_EQ(be16(buf), 18);
	EXPECT_EQ(0, memcmp(buf + 2, sense, 18));
	EXPECT_EQ(isc_build_sense_segment(buf, 19, sense, 18), 0u);
	EXPECT_EQ(isc_build_sense_segment(buf, 1, sense, 0), 0u);
	EXPECT_EQ(isc_build_sense_segment(buf, 2, sense, 0), 2u);
}

TEST(IscsiBuild, DataIn)
{
	Bhs h;
	isc_data_in_args a{};
	a.itt = 5;
	a.lun = 0x0002000000000000ull;
	a.ttt = 0x1234;
	a.datasn = 2;
	a.offset = 16384;
	a.len = 8192;
	isc_build_data_in(h.data(), &a, &sn);
	EXPECT_EQ(h[0], ISC_OP_DATA_IN);
	EXPECT_EQ(h[1], 0);
	EXPECT_EQ(h[3], 0);
	EXPECT_EQ(isc_bhs_dlength(h.data()), 8192u);
	EXPECT_EQ(get_unaligned_be64(&h[8]), a.lun);
	EXPECT_EQ(be32(&h[16]), 5u);
	EXPECT_EQ(be32(&h[20]), ISC_RSVD_TAG);	// no A bit: no tag
	expect_sn(h, false);			// no S: StatSN reserved
	EXPECT_EQ(be32(&h[36]), 2u);
	EXPECT_EQ(be32(&h[40]), 16384u);
	EXPECT_EQ(be32(&h[44]), 0u);

	a.ack = true;
	a.final = true;
	isc_build_data_in(h.data(), &a, &sn);
	EXPECT_EQ(h[1], ISC_FLAG_FINAL | ISC_DATAIN_ACK);
	EXPECT_EQ(be32(&h[20]), 0x1234u);

	// Status in the last PDU, with a residual underflow.
	a.ack = false;
	a.has_status = true;
	a.status = 0;
	a.exp_xfer_len = 32768;
	a.xfer_len = 24576;
	isc_build_data_in(h.data(), &a, &sn);
	EXPECT_EQ(h[1], ISC_FLAG_FINAL | ISC_DATAIN_STATUS | ISC_RSP_UNDERFLOW);
	expect_sn(h, true);
	EXPECT_EQ(be32(&h[44]), 8192u);
	a.xfer_len = 40960;
	isc_build_data_in(h.data(), &a, &sn);
	EXPECT_EQ(h[1], ISC_FLAG_FINAL | ISC_DATAIN_STATUS | ISC_RSP_OVERFLOW);
	EXPECT_EQ(be32(&h[44]), 8192u);
	// Status needs F: a non-final PDU never carries it.
	a.final = false;
	isc_build_data_in(h.data(), &a, &sn);
	EXPECT_EQ(h[1], 0);
	expect_sn(h, false);
}

TEST(IscsiBuild, R2T)
{
	Bhs h;
	isc_r2t_args a{ 0x11, 0x0001000000000000ull, 0x22, 3, 65536, 262144 };
	isc_build_r2t(h.data(), &a, &sn);
	EXPECT_EQ(h[0], ISC_OP_R2T);
	EXPECT_EQ(h[1], ISC_FLAG_FINAL);
	EXPECT_EQ(isc_bhs_dlength(h.data()), 0u);
	EXPECT_EQ(get_unaligned_be64(&h[8]), a.lun);
	EXPECT_EQ(be32(&h[16]), 0x11u);
	EXPECT_EQ(be32(&h[20]), 0x22u);
	expect_sn(h);
	EXPECT_EQ(be32(&h[36]), 3u);
	EXPECT_EQ(be32(&h[40]), 65536u);
	EXPECT_EQ(be32(&h[44]), 262144u);
}

TEST(IscsiBuild, NopInRejectAsyncLogoutTmfText)
{
	Bhs h;
	isc_build_nop_in(h.data(), ISC_RSVD_TAG, 0x42, 0, 0, &sn);
	EXPECT_EQ(h[0], ISC_OP_NOP_IN);
	EXPECT_EQ(h[1], ISC_FLAG_FINAL);
	EXPECT_EQ(be32(&h[16]), ISC_RSVD_TAG);
	EXPECT_EQ(be32(&h[20]), 0x42u);
	expect_sn(h);
	isc_build_nop_in(h.data(), 7, ISC_RSVD_TAG, 3, 100, &sn);
	EXPECT_EQ(isc_bhs_dlength(h.data()), 100u);
	EXPECT_EQ(get_unaligned_be64(&h[8]), 3u);

	isc_build_reject(h.data(), ISC_REJECT_INVALID_PDU_FIELD, 0, &sn);
	EXPECT_EQ(h[0], ISC_OP_REJECT);
	EXPECT_EQ(h[1], ISC_FLAG_FINAL);
	EXPECT_EQ(h[2], ISC_REJECT_INVALID_PDU_FIELD);
	EXPECT_EQ(isc_bhs_dlength(h.data()), u32(ISC_BHS_LEN));
	EXPECT_EQ(be32(&h[16]), ISC_RSVD_TAG);
	expect_sn(h);

	isc_build_async_logout(h.data(), 10, &sn);
	EXPECT_EQ(h[0], ISC_OP_ASYNC_MSG);
	EXPECT_EQ(h[1], ISC_FLAG_FINAL);
	EXPECT_EQ(be32(&h[16]), ISC_RSVD_TAG);
	expect_sn(h);
	EXPECT_EQ(h[36], ISC_ASYNC_LOGOUT_REQUEST);
	EXPECT_EQ(be16(&h[42]), 10);

	isc_build_logout_rsp(h.data(), 0x31, ISC_LOGOUT_RSP_OK, 2, 20, &sn);
	EXPECT_EQ(h[0], ISC_OP_LOGOUT_RSP);
	EXPECT_EQ(h[1], ISC_FLAG_FINAL);
	EXPECT_EQ(h[2], ISC_LOGOUT_RSP_OK);
	EXPECT_EQ(be32(&h[16]), 0x31u);
	expect_sn(h);
	EXPECT_EQ(be16(&h[40]), 2);
	EXPECT_EQ(be16(&h[42]), 20);

	isc_build_tmf_rsp(h.data(), 0x32, ISC_TMF_RSP_NO_TASK, &sn);
	EXPECT_EQ(h[0], ISC_OP_TMF_RSP);
	EXPECT_EQ(h[1], ISC_FLAG_FINAL);
	EXPECT_EQ(h[2], ISC_TMF_RSP_NO_TASK);
	EXPECT_EQ(be32(&h[16]), 0x32u);
	expect_sn(h);

	isc_build_text_rsp(h.data(), 0x33, 0x44, 0, false, true, 300, &sn);
	EXPECT_EQ(h[0], ISC_OP_TEXT_RSP);
	EXPECT_EQ(h[1], ISC_FLAG_CONT);
	EXPECT_EQ(be32(&h[20]), 0x44u);
	EXPECT_EQ(isc_bhs_dlength(h.data()), 300u);
	expect_sn(h);
	isc_build_text_rsp(h.data(), 0x33, 0x44, 0, true, false, 0, &sn);
	EXPECT_EQ(h[1], ISC_FLAG_FINAL);
	EXPECT_EQ(be32(&h[20]), ISC_RSVD_TAG);
}

TEST(IscsiBuild, LoginResponse)
{
	Bhs h;
	isc_login_rsp_args a{};
	a.itt = 0x5;
	const u8 isid[6] = { 0x40, 0, 1, 2, 3, 4 };
	memcpy(a.isid, isid, 6);
	a.tsih = 0x101;
	a.transit = true;
	a.csg = ISC_STAGE_OPERATIONAL;
	a.nsg = ISC_STAGE_FULL_FEATURE;
	a.data_len = 77;
	isc_build_login_rsp(h.data(), &a, &sn);
	EXPECT_EQ(h[0], ISC_OP_LOGIN_RSP);
	EXPECT_EQ(h[1], ISC_FLAG_FINAL | (1 << 2) | 3);
	EXPECT_EQ(h[2], 0);
	EXPECT_EQ(h[3], 0);
	EXPECT_EQ(isc_bhs_dlength(h.data()), 77u);
	EXPECT_EQ(0, memcmp(&h[8], isid, 6));
	EXPECT_EQ(be16(&h[14]), 0x101);
	EXPECT_EQ(be32(&h[16]), 5u);
	expect_sn(h);
	EXPECT_EQ(h[36], 0);
	EXPECT_EQ(h[37], 0);

	a.transit = false;
	a.cont = true;
	isc_build_login_rsp(h.data(), &a, &sn);
	EXPECT_EQ(h[1], ISC_FLAG_CONT | (1 << 2));

	a.status = ISC_LOGIN_AUTH_FAILED;
	a.transit = true;
	a.data_len = 0;
	isc_build_login_rsp(h.data(), &a, &sn);
	EXPECT_EQ(h[1], 0);
	EXPECT_EQ(h[36], 2);
	EXPECT_EQ(h[37], 1);
}

TEST(IscsiSerial, Rfc1982Comparisons)
{
	EXPECT_TRUE(isc_sn_lt(1, 2));
	EXPECT_FALSE(isc_sn_lt(2, 1));
	EXPECT_FALSE(isc_sn_lt(5, 5));
	EXPECT_TRUE(isc_sn_le(5, 5));
	EXPECT_TRUE(isc_sn_ge(5, 5));
	// Wrap: 0xffffffff < 0 < 1.
	EXPECT_TRUE(isc_sn_lt(0xffffffffu, 0));
	EXPECT_TRUE(isc_sn_gt(0, 0xffffffffu));
	EXPECT_TRUE(isc_sn_lt(0xfffffff0u, 0x10));
	EXPECT_TRUE(isc_sn_gt(0x7fffffffu, 0));
	EXPECT_FALSE(isc_sn_lt(0x7fffffffu, 0));
	// 2^31 apart: undefined, neither.
	EXPECT_FALSE(isc_sn_lt(0, 0x80000000u));
	EXPECT_FALSE(isc_sn_gt(0, 0x80000000u));
	EXPECT_FALSE(isc_sn_lt(0x80000000u, 0));
	EXPECT_FALSE(isc_sn_gt(0x80000000u, 0));
	EXPECT_FALSE(isc_sn_le(0, 0x80000000u));
	EXPECT_TRUE(isc_sn_lt(0, 0x7fffffffu));
	EXPECT_TRUE(isc_sn_gt(0, 0x80000001u));
}

TEST(IscsiSerial, CmdSnWindow)
{
	EXPECT_EQ(isc_cmdsn_check(10, 10, 20), ISC_CMDSN_IN_ORDER);
	EXPECT_EQ(isc_cmdsn_check(15, 10, 20), ISC_CMDSN_AHEAD);
	EXPECT_EQ(isc_cmdsn_check(20, 10, 20), ISC_CMDSN_AHEAD);
	EXPECT_EQ(isc_cmdsn_check(21, 10, 20), ISC_CMDSN_OUTSIDE);
	EXPECT_EQ(isc_cmdsn_check(9, 10, 20), ISC_CMDSN_OUTSIDE);
	// Across the wrap.
	EXPECT_EQ(isc_cmdsn_check(0xfffffffeu, 0xfffffffeu, 5),
		  ISC_CMDSN_IN_ORDER);
	EXPECT_EQ(isc_cmdsn_check(2, 0xfffffffeu, 5), ISC_CMDSN_AHEAD);
	EXPECT_EQ(isc_cmdsn_check(6, 0xfffffffeu, 5), ISC_CMDSN_OUTSIDE);
	EXPECT_EQ(isc_cmdsn_check(0xfffffffdu, 0xfffffffeu, 5),
		  ISC_CMDSN_OUTSIDE);
	// A closed window (MaxCmdSN = ExpCmdSN - 1) takes nothing.
	EXPECT_EQ(isc_max_cmdsn(10, 0), 9u);
	EXPECT_EQ(isc_cmdsn_check(10, 10, 9), ISC_CMDSN_OUTSIDE);
	EXPECT_EQ(isc_cmdsn_check(0, 0, isc_max_cmdsn(0, 0)),
		  ISC_CMDSN_OUTSIDE);
	EXPECT_EQ(isc_max_cmdsn(0xffffffffu, 2), 0u);
	EXPECT_EQ(isc_cmdsn_check(0, 0xffffffffu, 0), ISC_CMDSN_AHEAD);
}

TEST(IscsiPad, Lengths)
{
	EXPECT_EQ(isc_pad_len(0), 0u);
	EXPECT_EQ(isc_pad_len(1), 3u);
	EXPECT_EQ(isc_pad_len(2), 2u);
	EXPECT_EQ(isc_pad_len(3), 1u);
	EXPECT_EQ(isc_pad_len(4), 0u);
	EXPECT_EQ(isc_padded(5), 8u);
	EXPECT_EQ(isc_padded(ISC_MAX_DSL), 0x1000000u);
}

namespace {
std::array<u8, 4> digest_bytes(const u8 *p, u32 len)
{
	std::array<u8, 4> d;
	isc_put_digest(isc_digest(p, len), d.data());
	return d;
}
} // namespace

// RFC 3720 appendix B.4: CRC32C examples, as the bytes on the wire.
TEST(IscsiCrc32c, Rfc3720Vectors)
{
	u8 buf[48];

	memset(buf, 0, 32);
	EXPECT_EQ(digest_bytes(buf, 32), (std::array<u8, 4>{ 0xaa, 0x36, 0x91, 0x8a }));
	memset(buf, 0xff, 32);
	EXPECT_EQ(digest_bytes(buf, 32), (std::array<u8, 4>{ 0x43, 0xab, 0xa8, 0x62 }));
	for (int i = 0; i < 32; i++)
		buf[i] = u8(i);
	EXPECT_EQ(digest_bytes(buf, 32), (std::array<u8, 4>{ 0x4e, 0x79, 0xdd, 0x46 }));
	for (int i = 0; i < 32; i++)
		buf[i] = u8(31 - i);
	EXPECT_EQ(digest_bytes(buf, 32), (std::array<u8, 4>{ 0x5c, 0xdb, 0x3f, 0x11 }));
	// An iSCSI SCSI Read (10) command PDU.
	const u8 pdu[48] = {
		0x01, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00,
		0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x18,
		0x28, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	};
	EXPECT_EQ(digest_bytes(pdu, 48), (std::array<u8, 4>{ 0x56, 0x3a, 0x96, 0xd9 }));
	EXPECT_EQ(isc_get_digest(digest_bytes(pdu, 48).data()), isc_digest(pdu, 48));
}

TEST(IscsiCrc32c, IncrementalAndPadding)
{
	u8 buf[37];
	for (unsigned int i = 0; i < sizeof(buf); i++)
		buf[i] = u8(i * 7 + 1);
	u32 crc = isc_crc32c(ISC_CRC32C_SEED, buf, 10);
	crc = isc_crc32c(crc, buf + 10, 27);
	EXPECT_EQ(isc_crc32c_final(crc), isc_digest(buf, 37));
	// The data digest covers the padding bytes too.
	u8 padded[40] = {};
	memcpy(padded, buf, 37);
	EXPECT_EQ(isc_data_digest(buf, 37), isc_digest(padded, 40));
	EXPECT_EQ(isc_data_digest(buf, 36), isc_digest(buf, 36));
	EXPECT_EQ(isc_digest(buf, 0), 0u);
}

TEST(IscsiTtt, AllocSkipsReservedAndCountsTheSpan)
{
	uint32_t next = 0, span = 0;

	EXPECT_EQ(isc_ttt_alloc(&next, &span), 0u);
	EXPECT_EQ(isc_ttt_alloc(&next, &span), 1u);
	EXPECT_EQ(next, 2u);
	EXPECT_EQ(span, 2u);
	// Across the wrap the reserved tag is never handed out.
	next = 0xfffffffeu;
	EXPECT_EQ(isc_ttt_alloc(&next, &span), 0xfffffffeu);
	EXPECT_EQ(isc_ttt_alloc(&next, &span), 0u);
	EXPECT_EQ(next, 1u);
	EXPECT_EQ(span, 5u);
	// The span saturates.
	span = ISC_TTT_SPAN - 1;
	isc_ttt_alloc(&next, &span);
	isc_ttt_alloc(&next, &span);
	EXPECT_EQ(span, ISC_TTT_SPAN);
}

TEST(IscsiTtt, IssuedOnlyWhatWasGivenOut)
{
	uint32_t next = 0, span = 0;

	// Nothing issued yet: no TTT is known, whatever its value.
	EXPECT_FALSE(isc_ttt_issued(0, next, span));
	EXPECT_FALSE(isc_ttt_issued(0xabcdefu, next, span));
	EXPECT_FALSE(isc_ttt_issued(0xfffffffeu, next, span));
	for (int i = 0; i < 10; i++)
		isc_ttt_alloc(&next, &span);
	EXPECT_TRUE(isc_ttt_issued(0, next, span));
	EXPECT_TRUE(isc_ttt_issued(9, next, span));
	EXPECT_FALSE(isc_ttt_issued(10, next, span));
	EXPECT_FALSE(isc_ttt_issued(0xabcdefu, next, span));
	EXPECT_FALSE(isc_ttt_issued(ISC_RSVD_TAG, next, span));
	// After the wrap the tags before 0 are still known.
	next = 0xfffffffdu;
	span = 0;
	for (int i = 0; i < 4; i++)
		isc_ttt_alloc(&next, &span);
	EXPECT_TRUE(isc_ttt_issued(0xfffffffdu, next, span));
	EXPECT_TRUE(isc_ttt_issued(0xfffffffeu, next, span));
	EXPECT_TRUE(isc_ttt_issued(0, next, span));
	EXPECT_TRUE(isc_ttt_issued(1, next, span));
	EXPECT_FALSE(isc_ttt_issued(2, next, span));
	EXPECT_FALSE(isc_ttt_issued(0xfffffffcu, next, span));
	EXPECT_FALSE(isc_ttt_issued(ISC_RSVD_TAG, next, span));
}

TEST(IscsiAimd, BusyHalvesOncePerRoundTrip)
{
	isc_aimd w;

	isc_aimd_init(&w, 128);
	EXPECT_EQ(w.limit, 128u);
	EXPECT_EQ(w.low, 128u);
	// At the cap, good responses change nothing.
	isc_aimd_rsp(&w, 128, 1, false, 64, 200);
	EXPECT_EQ(w.limit, 128u);
	// A BUSY with 64 commands in flight: half of them.
	isc_aimd_rsp(&w, 128, 10, true, 64, 200);
	EXPECT_EQ(w.limit, 32u);
	EXPECT_EQ(w.low, 32u);
	EXPECT_EQ(w.shrinks, 1u);
	// More BUSY for commands admitted before it (CmdSN <= 200): no change.
	isc_aimd_rsp(&w, 128, 11, true, 63, 210);
	isc_aimd_rsp(&w, 128, 200, true, 10, 210);
	EXPECT_EQ(w.limit, 32u);
	EXPECT_EQ(w.shrinks, 1u);
	// One admitted after it: the next round trip, which halves again.
	isc_aimd_rsp(&w, 128, 201, true, 20, 230);
	EXPECT_EQ(w.limit, 10u);
	EXPECT_EQ(w.shrinks, 2u);
	// Never below one, never above what it was.
	isc_aimd_rsp(&w, 128, 231, true, 1, 240);
	EXPECT_EQ(w.limit, 1u);
	isc_aimd_rsp(&w, 128, 241, true, 100, 250);
	EXPECT_EQ(w.limit, 1u);
	EXPECT_EQ(w.low, 1u);
	EXPECT_EQ(w.shrinks, 4u);
}

TEST(IscsiAimd, GrowsByOnePerLimitOfResponses)
{
	isc_aimd w;

	isc_aimd_init(&w, 8);
	isc_aimd_rsp(&w, 8, 5, true, 8, 10);
	EXPECT_EQ(w.limit, 4u);
	// Four good responses raise 4 to 5, five more to 6.
	for (u32 sn = 11; sn < 15; sn++)
		isc_aimd_rsp(&w, 8, sn, false, 4, 20);
	EXPECT_EQ(w.limit, 5u);
	for (u32 sn = 15; sn < 20; sn++)
		isc_aimd_rsp(&w, 8, sn, false, 4, 20);
	EXPECT_EQ(w.limit, 6u);
	// Up to the cap and no further.
	for (u32 sn = 20; sn < 100; sn++)
		isc_aimd_rsp(&w, 8, sn, false, 4, 100);
	EXPECT_EQ(w.limit, 8u);
	EXPECT_EQ(w.low, 4u);
	// The recovery point survives the CmdSN wrap.
	isc_aimd_init(&w, 8);
	isc_aimd_rsp(&w, 8, 0xfffffff0u, true, 8, 0xfffffffeu);
	EXPECT_EQ(w.limit, 4u);
	isc_aimd_rsp(&w, 8, 0xfffffffeu, true, 8, 3);
	EXPECT_EQ(w.limit, 4u);
	isc_aimd_rsp(&w, 8, 2, true, 4, 3);
	EXPECT_EQ(w.limit, 2u);
}
