// READ CAPACITY, REPORT LUNS, REPORT SUPPORTED OPERATION CODES/TMFs and the
// simple commands of scst_spc_emulate().
#include <gtest/gtest.h>

#include <set>
#include <utility>

#include "scst_test_util.h"

using namespace scst_test;

namespace {

Bytes rc16(int alloc = 32)
{
	return cdb({0x9e, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, alloc, 0, 0});
}

Bytes rluns(int select, u32 alloc)
{
	return cdb({0xa0, 0, select, 0, 0, 0, int(alloc >> 24), int((alloc >> 16) & 0xff),
		    int((alloc >> 8) & 0xff), int(alloc & 0xff), 0, 0});
}

Bytes rsoc(int opts, int op = 0, int sa = 0, u32 alloc = 0x10000)
{
	return cdb({0xa3, 0x0c, opts, op, sa >> 8, sa & 0xff, int(alloc >> 24),
		    int((alloc >> 16) & 0xff), int((alloc >> 8) & 0xff), int(alloc & 0xff), 0, 0});
}

} // namespace

TEST(ReadCapacity, Ten)
{
	Emul em;
	ASSERT_EQ(em.run(cdb({0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0})), SCST_EMUL_DONE);
	ASSERT_EQ(em.len(), 8u);
	EXPECT_EQ(be32(em.data()), 2097151u);
	EXPECT_EQ(be32(em.data() + 4), 512u);

	em.lu.nblocks = 0x100000000ull;		// last LBA 0xffffffff
	ASSERT_EQ(em.run(cdb({0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0})), SCST_EMUL_DONE);
	EXPECT_EQ(be32(em.data()), 0xffffffffu);
	em.lu.nblocks = 0x300000000ull;
	em.lu.block_size = 4096;
	ASSERT_EQ(em.run(cdb({0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0})), SCST_EMUL_DONE);
	EXPECT_EQ(be32(em.data()), 0xffffffffu);
	EXPECT_EQ(be32(em.data() + 4), 4096u);
	em.lu.nblocks = 0xffffffffull;		// last LBA 0xfffffffe fits
	ASSERT_EQ(em.run(cdb({0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0})), SCST_EMUL_DONE);
	EXPECT_EQ(be32(em.data()), 0xfffffffeu);
}

TEST(ReadCapacity, TenPmiRules)
{
	Emul em;
	ASSERT_EQ(em.run(cdb({0x25, 0, 0, 0, 0, 1, 0, 0, 0, 0})), SCST_EMUL_CHECK);
	EXPECT_SENSE_FIELD(em.e.sense, SCST_ASC_INVALID_FIELD_IN_CDB, 0, true, 2, -1);
	ASSERT_EQ(em.run(cdb({0x25, 0, 0, 0, 0, 1, 0, 0, 1, 0})), SCST_EMUL_DONE);
	ASSERT_EQ(em.run(rc16()), SCST_EMUL_DONE);
	Bytes c = rc16();
	c[9] = 5;
	ASSERT_EQ(em.run(c), SCST_EMUL_CHECK);
	EXPECT_SENSE_FIELD(em.e.sense, SCST_ASC_INVALID_FIELD_IN_CDB, 0, true, 2, -1);
	c[14] = 1;
	ASSERT_EQ(em.run(c), SCST_EMUL_DONE);
}

TEST(ReadCapacity, Sixteen)
{
	Emul em;
	em.lu.nblocks = 0x123456789abull;
	em.lu.block_size = 4096;
	ASSERT_EQ(em.run(rc16()), SCST_EMUL_DONE);
	ASSERT_EQ(em.len(), 32u);
	EXPECT_EQ(be64(em.data()), 0x123456789aaull);
	EXPECT_EQ(be32(em.data() + 8), 4096u);
	EXPECT_EQ(em.data()[12], 0) << "no protection";
	EXPECT_EQ(em.data()[13], 0) << "one logical block per physical block";
	EXPECT_EQ(em.data()[14], 0xc0) << "LBPME LBPRZ";
	em.lu.thin_provisioned = false;
	ASSERT_EQ(em.run(rc16(12)), SCST_EMUL_DONE);
	EXPECT_EQ(em.len(), 12u);
	ASSERT_EQ(em.run(rc16()), SCST_EMUL_DONE);
	EXPECT_EQ(em.data()[14], 0);
}

TEST(ReportLuns, ContentAndTruncation)
{
	Emul em;
	em.luns = { 0, 1, 255, 256, 16383 };
	ASSERT_EQ(em.run(rluns(0, 1024)), SCST_EMUL_DONE);
	const u8 *b = em.data();
	ASSERT_EQ(be32(b), 40u);
	ASSERT_EQ(em.len(), 48u);
	for (size_t i = 0; i < em.luns.size(); i++) {
		u64 lun;
		ASSERT_EQ(scst_lun_decode(b + 8 + 8 * i, 8, &lun), 0);
		EXPECT_EQ(lun, em.luns[i]);
	}
	EXPECT_EQ(b[8 + 3 * 8], 0x41);
	ASSERT_EQ(em.run(rluns(2, 1024)), SCST_EMUL_DONE);
	EXPECT_EQ(em.len(), 48u);

	ASSERT_EQ(em.run(rluns(0, 24)), SCST_EMUL_DONE);
	EXPECT_EQ(em.len(), 24u);
	EXPECT_EQ(be32(em.data()), 40u) << "full list length when truncated";
	EXPECT_EQ(em.data()[16 + 1], 1);
	ASSERT_EQ(em.run(rluns(0, 1024), 20), SCST_EMUL_DONE);
	EXPECT_EQ(em.len(), 20u) << "buffer shorter than the allocation length";

	ASSERT_EQ(em.run(rluns(1, 1024)), SCST_EMUL_DONE);
	EXPECT_EQ(em.len(), 8u);
	EXPECT_EQ(be32(em.data()), 0u) << "no well-known LUNs";

	em.luns = { 3, 20000 };
	ASSERT_EQ(em.run(rluns(0, 1024)), SCST_EMUL_DONE);
	EXPECT_EQ(be32(em.data()), 8u) << "unaddressable LUN skipped";
	em.luns.clear();
	ASSERT_EQ(em.run(rluns(0, 1024)), SCST_EMUL_DONE);
	EXPECT_EQ(em.len(), 8u);
}

TEST(ReportLuns, Errors)
{
	Emul em;
	ASSERT_EQ(em.run(rluns(0, 15)), SCST_EMUL_CHECK);
	EXPECT_SENSE_FIELD(em.e.sense, SCST_ASC_INVALID_FIELD_IN_CDB, 0, true, 6, -1);
	ASSERT_EQ(em.run(rluns(0x10, 64)), SCST_EMUL_CHECK);
	EXPECT_SENSE_FIELD(em.e.sense, SCST_ASC_INVALID_FIELD_IN_CDB, 0, true, 2, -1);
}

TEST(Rsoc, AllCommands)
{
	Emul em;
	ASSERT_EQ(em.run(rsoc(0)), SCST_EMUL_DONE);
	const u8 *b = em.data();
	u32 total = 4 + be32(b);
	ASSERT_EQ(em.len(), total);
	std::set<std::pair<int, int>> seen;
	u32 off = 4;
	while (off < total) {
		ASSERT_LE(off + 8, total);
		u8 opc = b[off];
		u16 sa = be16(b + off + 2);
		bool servactv = b[off + 5] & 1;
		EXPECT_EQ(b[off + 5] & 2, 0) << "no CTDP without RCTD";
		const scst_op_desc *op = servactv ? scst_op_find(opc, u8(sa)) : scst_op_find(opc, 0);
		ASSERT_NE(op, nullptr) << int(opc);
		EXPECT_EQ(servactv, op->has_sa);
		EXPECT_EQ(be16(b + off + 6), op->cdb_len);
		EXPECT_TRUE(seen.insert({opc, sa}).second);
		off += 8;
	}
	EXPECT_EQ(seen.size(), scst_op_count()) << "every feature on: every command";
	EXPECT_TRUE(seen.count({0x28, 0}));
	EXPECT_TRUE(seen.count({0x9e, 0x10}));

	// with timeouts descriptors
	ASSERT_EQ(em.run(rsoc(0x80)), SCST_EMUL_DONE);
	EXPECT_EQ(4 + be32(em.data()), 4 + 20 * scst_op_count());
	EXPECT_EQ(em.data()[4 + 5] & 2, 2) << "CTDP";
	EXPECT_EQ(be16(em.data() + 4 + 8), 0x0a);
	EXPECT_GT(be32(em.data() + 4 + 8 + 4), 0u);

	// features off: fewer commands
	em.lu.pr_supported = false;
	em.lu.thin_provisioned = false;
	ASSERT_EQ(em.run(rsoc(0)), SCST_EMUL_DONE);
	u32 n = be32(em.data()) / 8;
	EXPECT_EQ(n, scst_op_count() - 4 - 8 - 2) << "PR IN/OUT, UNMAP, GET LBA STATUS";
	for (u32 i = 0; i < n; i++) {
		EXPECT_NE(em.data()[4 + 8 * i], SCST_OP_PERSISTENT_RESERVE_IN);
		EXPECT_NE(em.data()[4 + 8 * i], SCST_OP_UNMAP);
	}
}

TEST(Rsoc, OneCommand)
{
	Emul em;
	ASSERT_EQ(em.run(rsoc(1, 0x28)), SCST_EMUL_DONE);
	const u8 *b = em.data();
	EXPECT_EQ(b[1] & 7, 3) << "supported";
	ASSERT_EQ(be16(b + 2), 10);
	ASSERT_EQ(em.len(), 14u);
	EXPECT_EQ(b[4], 0x28);
	EXPECT_EQ(b[5], 0x1a);
	EXPECT_EQ(b[13], 0x00) << "CONTROL: no NACA";

	ASSERT_EQ(em.run(rsoc(0x82, 0x9e, 0x10)), SCST_EMUL_DONE);
	b = em.data();
	EXPECT_EQ(b[1], 0x83) << "CTDP, supported";
	ASSERT_EQ(be16(b + 2), 16);
	EXPECT_EQ(b[4], 0x9e);
	EXPECT_EQ(b[5], 0x10) << "service action in the usage data";
	EXPECT_EQ(be16(b + 20), 0x0a);
	EXPECT_EQ(em.len(), 4u + 16 + 12);

	ASSERT_EQ(em.run(rsoc(3, 0xa3, 0x0c)), SCST_EMUL_DONE);
	EXPECT_EQ(em.data()[1] & 7, 3);
	EXPECT_EQ(em.data()[5], 0x0c);
	ASSERT_EQ(em.run(rsoc(3, 0x12)), SCST_EMUL_DONE);
	EXPECT_EQ(em.data()[1] & 7, 3);

	// not supported
	ASSERT_EQ(em.run(rsoc(1, 0xc0)), SCST_EMUL_DONE);
	EXPECT_EQ(em.data()[1] & 7, 1);
	EXPECT_EQ(em.len(), 4u);
	ASSERT_EQ(em.run(rsoc(2, 0x9e, 0x11)), SCST_EMUL_DONE);
	EXPECT_EQ(em.data()[1] & 7, 1);
	ASSERT_EQ(em.run(rsoc(2, 0x9e, 0x110)), SCST_EMUL_DONE);
	EXPECT_EQ(em.data()[1] & 7, 1);
	em.lu.caw_supported = false;
	ASSERT_EQ(em.run(rsoc(1, 0x89)), SCST_EMUL_DONE);
	EXPECT_EQ(em.data()[1] & 7, 1) << "LU without COMPARE AND WRITE";
}

TEST(Rsoc, Errors)
{
	Emul em;
	ASSERT_EQ(em.run(rsoc(1, 0x9e)), SCST_EMUL_CHECK) << "option 1 with a SA opcode";
	EXPECT_SENSE_FIELD(em.e.sense, SCST_ASC_INVALID_FIELD_IN_CDB, 0, true, 2, 2);
	ASSERT_EQ(em.run(rsoc(2, 0x28)), SCST_EMUL_CHECK) << "option 2 without SA";
	EXPECT_SENSE_FIELD(em.e.sense, SCST_ASC_INVALID_FIELD_IN_CDB, 0, true, 2, 2);
	ASSERT_EQ(em.run(rsoc(4)), SCST_EMUL_CHECK);
	EXPECT_SENSE_FIELD(em.e.sense, SCST_ASC_INVALID_FIELD_IN_CDB, 0, true, 2, 2);
	ASSERT_EQ(em.run(rsoc(0x40)), SCST_EMUL_CHECK) << "reserved bit";
	EXPECT_SENSE_FIELD(em.e.sense, SCST_ASC_INVALID_FIELD_IN_CDB, 0, true, 2, 6);
}

TEST(ReportTmfs, BasicAndExtended)
{
	Emul em;
	ASSERT_EQ(em.run(cdb({0xa3, 0x0d, 0, 0, 0, 0, 0, 0, 0, 64, 0, 0})), SCST_EMUL_DONE);
	ASSERT_EQ(em.len(), 4u);
	EXPECT_EQ(em.data()[0], 0xfe) << "ATS ATSS CACAS CTSS LURS QTS TRS";
	EXPECT_EQ(em.data()[1], 0x07) << "QAES QTSS ITNRS";
	EXPECT_EQ(em.data()[3], 0);
	ASSERT_EQ(em.run(cdb({0xa3, 0x0d, 0x80, 0, 0, 0, 0, 0, 0, 64, 0, 0})), SCST_EMUL_DONE);
	ASSERT_EQ(em.len(), 16u);
	EXPECT_EQ(em.data()[3], 0x0c);
	ASSERT_EQ(em.run(cdb({0xa3, 0x0d, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0})), SCST_EMUL_CHECK);
	EXPECT_SENSE_FIELD(em.e.sense, SCST_ASC_INVALID_FIELD_IN_CDB, 0, true, 6, -1);
}

TEST(Emulate, SimpleCommands)
{
	Emul em;
	EXPECT_EQ(em.run(cdb({0x00, 0, 0, 0, 0, 0})), SCST_EMUL_DONE);
	EXPECT_EQ(em.len(), 0u);
	EXPECT_EQ(em.run(cdb({0x1b, 0x01, 0, 0, 0x01, 0})), SCST_EMUL_DONE);
	EXPECT_EQ(em.run(cdb({0x1e, 0, 0, 0, 0x01, 0})), SCST_EMUL_DONE);
	EXPECT_EQ(em.run(cdb({0x2f, 0, 0, 0, 0, 0, 0, 0, 8, 0})), SCST_EMUL_DONE);
	EXPECT_EQ(em.run(cdb({0x2f, 0x02, 0, 0, 0, 0, 0, 0, 8, 0})), SCST_EMUL_NOT_MINE);
	EXPECT_EQ(em.run(cdb({0x35, 0, 0, 0, 0, 0, 0, 0, 0, 0})), SCST_EMUL_NOT_MINE);
	EXPECT_EQ(em.run(cdb({0x28, 0, 0, 0, 0, 0, 0, 0, 8, 0})), SCST_EMUL_NOT_MINE);
	EXPECT_EQ(em.run(cdb({0x2a, 0, 0, 0, 0, 0, 0, 0, 8, 0})), SCST_EMUL_NOT_MINE);
	EXPECT_EQ(em.run(cdb({0x5e, 0, 0, 0, 0, 0, 0, 0, 8, 0})), SCST_EMUL_NOT_MINE);
	EXPECT_EQ(em.run(cdb({0xa3, 0x0a, 0, 0, 0, 0, 0, 0, 8, 0, 0, 0})), SCST_EMUL_NOT_MINE);
	EXPECT_EQ(em.run(cdb({0x16, 0, 0, 0, 0, 0})), SCST_EMUL_NOT_MINE);
}

TEST(Emulate, RequestSense)
{
	Emul em;
	ASSERT_EQ(em.run(cdb({0x03, 0, 0, 0, 252, 0})), SCST_EMUL_DONE);
	ASSERT_EQ(em.len(), 18u);
	scst_sense s;
	ASSERT_EQ(scst_sense_parse(em.data(), em.len(), &s), 0);
	EXPECT_SENSE(s, SCST_SK_NO_SENSE, 0, 0);

	scst_sense ua;
	scst_sense_set(&ua, SCST_SK_UNIT_ATTENTION, SCST_ASC_CAPACITY_DATA_HAS_CHANGED,
		       SCST_ASCQ_CAPACITY_DATA_HAS_CHANGED);
	Bytes c = cdb({0x03, 1, 0, 0, 252, 0});
	em.resp.assign(64, 0);
	em.e = scst_emul{};
	em.e.lu = &em.lu;
	em.e.mode_cur = &em.cur;
	em.e.cdb = c.data();
	em.e.cdb_len = 6;
	em.e.buf = em.resp.data();
	em.e.buf_len = 64;
	em.e.req_sense = &ua;
	ASSERT_EQ(scst_spc_emulate(&em.e), SCST_EMUL_DONE);
	EXPECT_EQ(em.e.resp_len, 8u);
	EXPECT_EQ(em.resp[0], 0x72) << "DESC bit";
	ASSERT_EQ(scst_sense_parse(em.resp.data(), em.e.resp_len, &s), 0);
	EXPECT_SENSE(s, SCST_SK_UNIT_ATTENTION, 0x2a, 0x09);
}

TEST(Emulate, UnsupportedFeatureIsInvalidOpcode)
{
	Emul em;
	em.lu.pr_supported = false;
	ASSERT_EQ(em.run(cdb({0x5e, 0, 0, 0, 0, 0, 0, 0, 8, 0})), SCST_EMUL_CHECK);
	EXPECT_SENSE_FIELD(em.e.sense, SCST_ASC_INVALID_OPCODE, 0, true, 1, 4);
	em.lu.thin_provisioned = false;
	ASSERT_EQ(em.run(cdb({0x42, 0, 0, 0, 0, 0, 0, 0, 24, 0})), SCST_EMUL_CHECK);
	EXPECT_SENSE_FIELD(em.e.sense, SCST_ASC_INVALID_OPCODE, 0, true, 0, -1);
	em.lu.alua_explicit = false;
	ASSERT_EQ(em.run(cdb({0xa4, 0x0a, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0})), SCST_EMUL_CHECK);
	EXPECT_EQ(em.e.sense.asc, SCST_ASC_INVALID_OPCODE);
	EXPECT_EQ(em.run(cdb({0xa3, 0x0a, 0, 0, 0, 0, 0, 0, 8, 0, 0, 0})), SCST_EMUL_NOT_MINE);
	EXPECT_TRUE(scst_op_supported(scst_op_find(SCST_OP_READ_10, 0), &em.lu));
	EXPECT_FALSE(scst_op_supported(nullptr, &em.lu));
}

TEST(Emulate, WriteProtectAndRange)
{
	Emul em;
	em.lu.read_only = true;
	ASSERT_EQ(em.run(cdb({0x2a, 0, 0, 0, 0, 0, 0, 0, 8, 0})), SCST_EMUL_CHECK);
	EXPECT_SENSE(em.e.sense, SCST_SK_DATA_PROTECT, SCST_ASC_WRITE_PROTECTED, 0);
	EXPECT_EQ(em.run(cdb({0x28, 0, 0, 0, 0, 0, 0, 0, 8, 0})), SCST_EMUL_NOT_MINE);
	EXPECT_EQ(em.run(cdb({0x35, 0, 0, 0, 0, 0, 0, 0, 0, 0})), SCST_EMUL_NOT_MINE)
		<< "SYNCHRONIZE CACHE is fine on a read-only LU";
	em.lu.read_only = false;
	em.cur.swp = true;
	ASSERT_EQ(em.run(cdb({0x42, 0, 0, 0, 0, 0, 0, 0, 24, 0})), SCST_EMUL_CHECK);
	EXPECT_EQ(em.e.sense.key, SCST_SK_DATA_PROTECT);
	em.cur.swp = false;
	ASSERT_EQ(em.run(cdb({0x28, 0, 0, 0x20, 0, 0, 0, 0, 1, 0})), SCST_EMUL_CHECK);
	EXPECT_SENSE(em.e.sense, SCST_SK_ILLEGAL_REQUEST, SCST_ASC_LBA_OUT_OF_RANGE, 0);
	ASSERT_EQ(em.run(cdb({0x2f, 0, 0, 0x20, 0, 0, 0, 0, 1, 0})), SCST_EMUL_CHECK);
	EXPECT_EQ(em.e.sense.asc, SCST_ASC_LBA_OUT_OF_RANGE);
	ASSERT_EQ(em.run(cdb({0x99, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})),
		  SCST_EMUL_CHECK);
	EXPECT_EQ(em.e.sense.asc, SCST_ASC_INVALID_OPCODE);
}

TEST(Emulate, NoLogicalUnit)
{
	Emul em;
	em.luns = { 1, 2 };
	Bytes c = rluns(0, 64);
	em.resp.assign(64, 0);
	em.e = scst_emul{};
	em.e.cdb = c.data();
	em.e.cdb_len = unsigned(c.size());
	em.e.buf = em.resp.data();
	em.e.buf_len = 64;
	em.e.luns = em.luns.data();
	em.e.nluns = 2;
	ASSERT_EQ(scst_spc_emulate(&em.e), SCST_EMUL_DONE) << "REPORT LUNS needs no LU";
	EXPECT_EQ(em.e.resp_len, 24u);
	EXPECT_EQ(be32(em.resp.data()), 16u);

	c = cdb({0xa3, 0x0d, 0, 0, 0, 0, 0, 0, 0, 64, 0, 0});
	em.e.cdb = c.data();
	em.e.cdb_len = unsigned(c.size());
	ASSERT_EQ(scst_spc_emulate(&em.e), SCST_EMUL_DONE);
	EXPECT_EQ(em.e.resp_len, 4u);

	for (const Bytes &other : { rsoc(0), cdb({0x00, 0, 0, 0, 0, 0}),
				    cdb({0x12, 0, 0, 0, 96, 0}) }) {
		em.e.cdb = other.data();
		em.e.cdb_len = unsigned(other.size());
		ASSERT_EQ(scst_spc_emulate(&em.e), SCST_EMUL_CHECK);
		EXPECT_SENSE(em.e.sense, SCST_SK_ILLEGAL_REQUEST, SCST_ASC_LUN_NOT_SUPPORTED, 0);
		EXPECT_EQ(em.e.resp_len, 0u);
	}
	c = cdb({0xa0, 0, 0, 0, 0, 0, 0, 0, 0, 15, 0, 0});
	em.e.cdb = c.data();
	em.e.cdb_len = unsigned(c.size());
	ASSERT_EQ(scst_spc_emulate(&em.e), SCST_EMUL_CHECK);
	EXPECT_SENSE_FIELD(em.e.sense, SCST_ASC_INVALID_FIELD_IN_CDB, 0, true, 6, -1);
}

TEST(Limits, BlockLimits)
{
	scst_lu_desc lu = make_lu();
	lu.max_xfer_blocks = 128;
	lu.max_write_same_blocks = 1024;
	auto check = [&lu](const Bytes &c) {
		scst_cdb_info ci;
		scst_sense s{};
		EXPECT_EQ(scst_cdb_decode(c.data(), unsigned(c.size()), lu.block_size, &ci, &s), 0);
		int r = scst_spc_check_limits(&ci, &lu, &s);
		if (r) {
			EXPECT_SENSE(s, SCST_SK_ILLEGAL_REQUEST, SCST_ASC_INVALID_FIELD_IN_CDB, 0);
			EXPECT_TRUE(s.sks_valid);
			EXPECT_EQ(s.sks_field, ci.op->len_off);
		}
		return r;
	};
	EXPECT_EQ(check(cdb({0x28, 0, 0, 0, 0, 0, 0, 0, 128, 0})), 0);
	EXPECT_EQ(check(cdb({0x28, 0, 0, 0, 0, 0, 0, 0, 129, 0})), -EINVAL);
	EXPECT_EQ(check(cdb({0x08, 0, 0, 0, 0, 0})), -EINVAL) << "READ(6) of 256 blocks";
	EXPECT_EQ(check(cdb({0x8f, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0})), -EINVAL);
	EXPECT_EQ(check(cdb({0x89, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0})), 0);
	EXPECT_EQ(check(cdb({0x89, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0})), -EINVAL);
	EXPECT_EQ(check(cdb({0x41, 0, 0, 0, 0, 0, 0, 0x04, 0x00, 0})), 0);
	EXPECT_EQ(check(cdb({0x41, 0, 0, 0, 0, 0, 0, 0x04, 0x01, 0})), -EINVAL);
	EXPECT_EQ(check(cdb({0x35, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0})), 0);
	EXPECT_EQ(check(cdb({0x12, 0, 0, 0xff, 0xff, 0})), 0);
	lu.max_xfer_blocks = 0;
	EXPECT_EQ(check(cdb({0x28, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0})), 0) << "no limit";

	Emul em;
	em.lu.max_xfer_blocks = 8;
	ASSERT_EQ(em.run(cdb({0x2f, 0, 0, 0, 0, 0, 0, 0, 9, 0})), SCST_EMUL_CHECK);
	EXPECT_SENSE_FIELD(em.e.sense, SCST_ASC_INVALID_FIELD_IN_CDB, 0, true, 7, -1);
}
