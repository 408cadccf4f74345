// scst_cdb_decode(), the opcode table, scst_cdb_check_range() and scst_cdb_fit().
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "scst_test_util.h"

using namespace scst_test;

namespace {

struct Decoded {
	int ret;
	scst_cdb_info ci;
	scst_sense sense;
};

Decoded decode(const Bytes &c, u32 bs = 512)
{
	Decoded d{};
	d.ret = scst_cdb_decode(c.data(), static_cast<unsigned int>(c.size()), bs, &d.ci, &d.sense);
	return d;
}

} // namespace

TEST(OpTable, SortedUniqueAndConsistent)
{
	unsigned int n = scst_op_count();
	ASSERT_GT(n, 50u);
	std::set<std::string> names;
	for (unsigned int i = 0; i < n; i++) {
		const scst_op_desc *op = scst_op_at(i);
		ASSERT_NE(op, nullptr);
		SCOPED_TRACE(op->name);
		EXPECT_TRUE(names.insert(op->name).second) << "duplicate name";
		EXPECT_EQ(op->usage[0], op->opcode);
		EXPECT_TRUE(op->cdb_len == 6 || op->cdb_len == 10 || op->cdb_len == 12 ||
			    op->cdb_len == 16);
		for (unsigned int b = op->cdb_len; b < 16; b++)
			EXPECT_EQ(op->usage[b], 0) << "usage beyond CDB length";
		EXPECT_EQ(op->usage[op->cdb_len - 1], 0) << "CONTROL byte: no NACA/LINK";
		if (op->has_sa) {
			EXPECT_EQ(op->usage[1] & 0x1f, op->sa);
		}
		EXPECT_GT(op->timeout, 0);
		EXPECT_EQ(scst_op_find(op->opcode, op->sa), op);
		EXPECT_STREQ(scst_op_name(op), op->name);
		if (i > 0) {
			const scst_op_desc *prev = scst_op_at(i - 1);
			EXPECT_TRUE(prev->opcode < op->opcode ||
				    (prev->opcode == op->opcode && prev->sa < op->sa));
			if (prev->opcode == op->opcode) {
				EXPECT_TRUE(op->has_sa && prev->has_sa);
				EXPECT_EQ(op->cdb_len, prev->cdb_len);
			}
		}
	}
	EXPECT_EQ(scst_op_at(n), nullptr);
	EXPECT_STREQ(scst_op_name(nullptr), "UNKNOWN");
}

TEST(OpTable, CoversEveryNamedOpcode)
{
	const int ops[] = {
		SCST_OP_TEST_UNIT_READY, SCST_OP_REQUEST_SENSE, SCST_OP_FORMAT_UNIT,
		SCST_OP_READ_6, SCST_OP_WRITE_6, SCST_OP_INQUIRY, SCST_OP_MODE_SELECT_6,
		SCST_OP_RESERVE_6, SCST_OP_RELEASE_6, SCST_OP_MODE_SENSE_6,
		SCST_OP_START_STOP_UNIT, SCST_OP_RECEIVE_DIAGNOSTIC, SCST_OP_SEND_DIAGNOSTIC,
		SCST_OP_PREVENT_ALLOW_MEDIUM_REMOVAL, SCST_OP_READ_CAPACITY_10, SCST_OP_READ_10,
		SCST_OP_WRITE_10, SCST_OP_WRITE_VERIFY_10, SCST_OP_VERIFY_10,
		SCST_OP_SYNCHRONIZE_CACHE_10, SCST_OP_WRITE_BUFFER, SCST_OP_READ_BUFFER,
		SCST_OP_WRITE_SAME_10, SCST_OP_UNMAP, SCST_OP_LOG_SENSE, SCST_OP_MODE_SELECT_10,
		SCST_OP_RESERVE_10, SCST_OP_RELEASE_10, SCST_OP_MODE_SENSE_10,
		SCST_OP_PERSISTENT_RESERVE_IN, SCST_OP_PERSISTENT_RESERVE_OUT,
		SCST_OP_EXTENDED_COPY, SCST_OP_RECEIVE_COPY_RESULTS, SCST_OP_READ_16,
		SCST_OP_COMPARE_AND_WRITE, SCST_OP_WRITE_16, SCST_OP_WRITE_VERIFY_16,
		SCST_OP_VERIFY_16, SCST_OP_SYNCHRONIZE_CACHE_16, SCST_OP_WRITE_SAME_16,
		SCST_OP_SERVICE_ACTION_IN_16, SCST_OP_REPORT_LUNS, SCST_OP_MAINTENANCE_IN,
		SCST_OP_MAINTENANCE_OUT, SCST_OP_READ_12, SCST_OP_WRITE_12,
		SCST_OP_WRITE_VERIFY_12, SCST_OP_VERIFY_12,
	};
	for (int op : ops)
		EXPECT_TRUE(scst_op_has_sa(u8(op)) || scst_op_find(u8(op), 0)) << std::hex << op;
	EXPECT_NE(scst_op_find(SCST_OP_SERVICE_ACTION_IN_16, SCST_SAI_READ_CAPACITY_16), nullptr);
	EXPECT_NE(scst_op_find(SCST_OP_SERVICE_ACTION_IN_16, SCST_SAI_GET_LBA_STATUS), nullptr);
	EXPECT_NE(scst_op_find(SCST_OP_MAINTENANCE_IN, SCST_MI_REPORT_TARGET_PORT_GROUPS), nullptr);
	EXPECT_NE(scst_op_find(SCST_OP_MAINTENANCE_IN, SCST_MI_REPORT_SUPPORTED_OPCODES), nullptr);
	EXPECT_NE(scst_op_find(SCST_OP_MAINTENANCE_IN, SCST_MI_REPORT_SUPPORTED_TMFS), nullptr);
	EXPECT_NE(scst_op_find(SCST_OP_MAINTENANCE_OUT, SCST_MO_SET_TARGET_PORT_GROUPS), nullptr);
	for (int sa = 0; sa <= 3; sa++)
		EXPECT_NE(scst_op_find(SCST_OP_PERSISTENT_RESERVE_IN, u8(sa)), nullptr);
	for (int sa = 0; sa <= 7; sa++)
		EXPECT_NE(scst_op_find(SCST_OP_PERSISTENT_RESERVE_OUT, u8(sa)), nullptr);
	EXPECT_EQ(scst_op_find(SCST_OP_MAINTENANCE_IN, 0x1f), nullptr);
	EXPECT_FALSE(scst_op_has_sa(SCST_OP_READ_10));
	EXPECT_TRUE(scst_op_has_sa(SCST_OP_MAINTENANCE_IN));
}

TEST(Decode, Read6LbaAndZeroMeans256)
{
	Decoded d = decode(cdb({0x08, 0x1f, 0xff, 0xfe, 0x00, 0x00}));
	ASSERT_EQ(d.ret, 0);
	EXPECT_EQ(d.ci.lba, 0x1ffffeu);
	EXPECT_EQ(d.ci.nblocks, 256u);
	EXPECT_EQ(d.ci.data_len, 256u * 512);
	EXPECT_EQ(d.ci.dir, SCST_DIR_IN);
	EXPECT_TRUE(d.ci.flags & SCST_CDB_LBA);
	EXPECT_TRUE(d.ci.flags & SCST_CDB_MEDIUM);
	EXPECT_FALSE(d.ci.flags & SCST_CDB_WRITE);
	EXPECT_STREQ(scst_op_name(d.ci.op), "READ(6)");

	d = decode(cdb({0x0a, 0x00, 0x00, 0x10, 0x08, 0x00}), 4096);
	ASSERT_EQ(d.ret, 0);
	EXPECT_EQ(d.ci.lba, 0x10u);
	EXPECT_EQ(d.ci.nblocks, 8u);
	EXPECT_EQ(d.ci.data_len, 8u * 4096);
	EXPECT_EQ(d.ci.dir, SCST_DIR_OUT);
	EXPECT_TRUE(d.ci.flags & SCST_CDB_WRITE);
}

TEST(Decode, Read6ObsoleteLunBitsRejected)
{
	Decoded d = decode(cdb({0x08, 0x20, 0, 0, 1, 0}));
	ASSERT_EQ(d.ret, -EINVAL);
	EXPECT_SENSE_FIELD(d.sense, SCST_ASC_INVALID_FIELD_IN_CDB, 0, true, 1, 5);
}

TEST(Decode, ReadWrite10And12)
{
	Decoded d = decode(cdb({0x28, 0x18, 0x12, 0x34, 0x56, 0x78, 0x00, 0x01, 0x00, 0x00}));
	ASSERT_EQ(d.ret, 0);
	EXPECT_EQ(d.ci.lba, 0x12345678u);
	EXPECT_EQ(d.ci.nblocks, 256u);
	EXPECT_EQ(d.ci.data_len, 256u * 512);
	EXPECT_TRUE(d.ci.flags & SCST_CDB_FUA);
	EXPECT_TRUE(d.ci.flags & SCST_CDB_DPO);

	d = decode(cdb({0x2a, 0x00, 0, 0, 0, 1, 0x00, 0x00, 0x00, 0x00}));
	ASSERT_EQ(d.ret, 0);
	EXPECT_EQ(d.ci.nblocks, 0u);
	EXPECT_EQ(d.ci.data_len, 0u);
	EXPECT_EQ(d.ci.dir, SCST_DIR_NONE) << "no data: no direction";
	EXPECT_FALSE(d.ci.flags & SCST_CDB_FUA);

	d = decode(cdb({0xa8, 0x08, 0, 0, 0x10, 0, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00}), 4096);
	ASSERT_EQ(d.ret, 0);
	EXPECT_EQ(d.ci.lba, 0x1000u);
	EXPECT_EQ(d.ci.nblocks, 0x100u);
	EXPECT_EQ(d.ci.data_len, 0x100u * 4096);
	EXPECT_TRUE(d.ci.flags & SCST_CDB_FUA);

	d = decode(cdb({0xaa, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0}));
	ASSERT_EQ(d.ret, 0);
	EXPECT_EQ(d.ci.dir, SCST_DIR_OUT);
	EXPECT_TRUE(d.ci.flags & SCST_CDB_WRITE);
}

TEST(Decode, Read16With64BitLba)
{
	Decoded d = decode(cdb({0x88, 0, 0xff, 0xee, 0xdd, 0xcc, 0xbb, 0xaa, 0x99, 0x88,
				0, 0, 0, 0x20, 0, 0}));
	ASSERT_EQ(d.ret, 0);
	EXPECT_EQ(d.ci.lba, 0xffeeddccbbaa9988ull);
	EXPECT_EQ(d.ci.nblocks, 0x20u);
	EXPECT_EQ(d.ci.data_len, 0x20u * 512);
	EXPECT_EQ(d.ci.dir, SCST_DIR_IN);

	d = decode(cdb({0x8a, 0x08, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0x05, 0}));
	ASSERT_EQ(d.ret, 0) << "group number is allowed";
	EXPECT_EQ(d.ci.lba, 1ull << 32);
	EXPECT_TRUE(d.ci.flags & SCST_CDB_FUA);
}

TEST(Decode, HugeTransferRejected)
{
	// 0xffffffff blocks of 4096 bytes do not fit the 32-bit data length.
	Decoded d = decode(cdb({0x88, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0}),
			   4096);
	ASSERT_EQ(d.ret, -EINVAL);
	EXPECT_SENSE_FIELD(d.sense, SCST_ASC_INVALID_FIELD_IN_CDB, 0, true, 10, -1);
	EXPECT_EQ(d.ci.op, nullptr);
}

TEST(Decode, RdprotectRejected)
{
	Decoded d = decode(cdb({0x28, 0x20, 0, 0, 0, 0, 0, 0, 1, 0}));
	ASSERT_EQ(d.ret, -EINVAL);
	EXPECT_SENSE_FIELD(d.sense, SCST_ASC_INVALID_FIELD_IN_CDB, 0, true, 1, 5);
	// RARC is not supported either
	d = decode(cdb({0x28, 0x04, 0, 0, 0, 0, 0, 0, 1, 0}));
	EXPECT_SENSE_FIELD(d.sense, SCST_ASC_INVALID_FIELD_IN_CDB, 0, true, 1, 2);
}

TEST(Decode, ControlByteNacaAndLinkRejected)
{
	Decoded d = decode(cdb({0x00, 0, 0, 0, 0, 0x04}));
	ASSERT_EQ(d.ret, -EINVAL);
	EXPECT_SENSE_FIELD(d.sense, SCST_ASC_INVALID_FIELD_IN_CDB, 0, true, 5, 2);
	d = decode(cdb({0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0x01}));
	ASSERT_EQ(d.ret, -EINVAL);
	EXPECT_SENSE_FIELD(d.sense, SCST_ASC_INVALID_FIELD_IN_CDB, 0, true, 9, 0);
}

TEST(Decode, ReservedBitReportsByteAndLeftmostBit)
{
	// TEST UNIT READY byte 3 = 0x12: leftmost bad bit is 4.
	Decoded d = decode(cdb({0x00, 0, 0, 0x12, 0, 0}));
	ASSERT_EQ(d.ret, -EINVAL);
	EXPECT_SENSE_FIELD(d.sense, SCST_ASC_INVALID_FIELD_IN_CDB, SCST_ASCQ_INVALID_FIELD_IN_CDB,
			   true, 3, 4);
	// INQUIRY CmdDt
	d = decode(cdb({0x12, 0x02, 0, 0, 0x60, 0}));
	ASSERT_EQ(d.ret, -EINVAL);
	EXPECT_SENSE_FIELD(d.sense, SCST_ASC_INVALID_FIELD_IN_CDB, 0, true, 1, 1);
}

TEST(Decode, InvalidOpcodePointsAtByte0)
{
	for (int opc : {0x02, 0x7f, 0xc0, 0xff, 0x9f}) {
		Decoded d = decode(cdb({opc, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
		ASSERT_EQ(d.ret, -EINVAL) << opc;
		EXPECT_SENSE_FIELD(d.sense, SCST_ASC_INVALID_OPCODE, SCST_ASCQ_INVALID_OPCODE,
				   true, 0, -1);
		EXPECT_EQ(d.sense.asc, 0x20);
		EXPECT_EQ(d.sense.key, 0x05);
	}
}

TEST(Decode, InvalidServiceActionPointsAtByte1)
{
	Decoded d = decode(cdb({0x9e, 0x11, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 32, 0, 0}));
	ASSERT_EQ(d.ret, -EINVAL);
	EXPECT_SENSE_FIELD(d.sense, SCST_ASC_INVALID_OPCODE, 0, true, 1, 4);
	d = decode(cdb({0xa3, 0x05, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0}));
	EXPECT_SENSE_FIELD(d.sense, SCST_ASC_INVALID_OPCODE, 0, true, 1, 4);
	// PERSISTENT RESERVE IN/OUT: INVALID FIELD IN CDB (SPC-4 6.15.1).
	d = decode(cdb({0x5f, 0x09, 0, 0, 0, 0, 0, 0, 24, 0}));
	EXPECT_SENSE_FIELD(d.sense, SCST_ASC_INVALID_FIELD_IN_CDB, 0, true, 1, 4);
	d = decode(cdb({0x5e, 0x04, 0, 0, 0, 0, 0, 0, 24, 0}));
	EXPECT_SENSE_FIELD(d.sense, SCST_ASC_INVALID_FIELD_IN_CDB, 0, true, 1, 4);
}

TEST(Decode, ShortCdbRejected)
{
	Bytes c = cdb({0x88, 0, 0, 0, 0, 0, 0, 0, 0, 0});
	Decoded d = decode(c);
	ASSERT_EQ(d.ret, -EINVAL);
	EXPECT_SENSE_FIELD(d.sense, SCST_ASC_INVALID_FIELD_IN_CDB, 0, true, 0, -1);
	scst_cdb_info ci;
	scst_sense s;
	EXPECT_EQ(scst_cdb_decode(c.data(), 0, 512, &ci, &s), -EINVAL);
	EXPECT_EQ(scst_cdb_decode(nullptr, 16, 512, &ci, &s), -EINVAL);
	// Transport padding beyond the CDB length is ignored.
	d = decode(cdb({0x00, 0, 0, 0, 0, 0, 0xaa, 0xbb, 0xcc, 0, 0, 0, 0, 0, 0, 0}));
	EXPECT_EQ(d.ret, 0);
}

TEST(Decode, AllocationLengths)
{
	Decoded d = decode(cdb({0x12, 0x01, 0x83, 0x01, 0x02, 0}));
	ASSERT_EQ(d.ret, 0);
	EXPECT_EQ(d.ci.data_len, 0x102u);
	EXPECT_EQ(d.ci.dir, SCST_DIR_IN);
	EXPECT_TRUE(d.ci.flags & SCST_CDB_ALLOC_LEN);
	EXPECT_TRUE(d.ci.flags & SCST_CDB_NO_UA);
	EXPECT_TRUE(d.ci.flags & SCST_CDB_NOT_READY_OK);
	EXPECT_FALSE(d.ci.flags & SCST_CDB_LBA);

	d = decode(cdb({0x1a, 0x08, 0x3f, 0, 0xfc, 0}));
	EXPECT_EQ(d.ci.data_len, 0xfcu);
	d = decode(cdb({0x5a, 0x18, 0x3f, 0, 0, 0, 0, 0x12, 0x34, 0}));
	EXPECT_EQ(d.ci.data_len, 0x1234u);
	d = decode(cdb({0xa0, 0, 0, 0, 0, 0, 0x00, 0x01, 0x00, 0x00, 0, 0}));
	EXPECT_EQ(d.ci.data_len, 0x10000u);
	EXPECT_TRUE(d.ci.flags & SCST_CDB_LOCAL);
	d = decode(cdb({0x9e, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 32, 0, 0}));
	ASSERT_EQ(d.ret, 0);
	EXPECT_EQ(d.ci.data_len, 32u);
	EXPECT_STREQ(scst_op_name(d.ci.op), "READ CAPACITY(16)");
	d = decode(cdb({0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
	EXPECT_EQ(d.ci.data_len, 8u);
	EXPECT_EQ(d.ci.dir, SCST_DIR_IN);
	d = decode(cdb({0x03, 0x01, 0, 0, 252, 0}));
	EXPECT_EQ(d.ci.data_len, 252u);
	EXPECT_TRUE(d.ci.flags & SCST_CDB_LOCAL);
	d = decode(cdb({0x5e, 0x01, 0, 0, 0, 0, 0, 0x01, 0x00, 0}));
	EXPECT_EQ(d.ci.data_len, 256u);
	d = decode(cdb({0x84, 0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10, 0x00, 0, 0}));
	ASSERT_EQ(d.ret, 0);
	EXPECT_EQ(d.ci.data_len, 0x1000u);
	d = decode(cdb({0x12, 0, 0, 0, 0, 0}));
	EXPECT_EQ(d.ci.data_len, 0u);
	EXPECT_EQ(d.ci.dir, SCST_DIR_NONE);
}

TEST(Decode, ParameterListLengths)
{
	Decoded d = decode(cdb({0x15, 0x11, 0, 0, 24, 0}));
	ASSERT_EQ(d.ret, 0);
	EXPECT_EQ(d.ci.data_len, 24u);
	EXPECT_EQ(d.ci.dir, SCST_DIR_OUT);
	EXPECT_TRUE(d.ci.flags & SCST_CDB_PARAM_LEN);
	EXPECT_FALSE(d.ci.flags & SCST_CDB_ALLOC_LEN);
	d = decode(cdb({0x5f, 0x00, 0, 0, 0, 0, 0, 0, 24, 0}));
	EXPECT_EQ(d.ci.data_len, 24u);
	d = decode(cdb({0x42, 0, 0, 0, 0, 0, 0, 0, 24, 0}));
	ASSERT_EQ(d.ret, 0);
	EXPECT_EQ(d.ci.data_len, 24u);
	EXPECT_TRUE(d.ci.flags & SCST_CDB_WRITE);
	EXPECT_FALSE(d.ci.flags & SCST_CDB_LBA);
	d = decode(cdb({0x83, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x00, 0, 0}));
	ASSERT_EQ(d.ret, 0);
	EXPECT_EQ(d.ci.data_len, 256u);
	d = decode(cdb({0xa4, 0x0a, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0}));
	EXPECT_EQ(d.ci.data_len, 8u);
	d = decode(cdb({0x3b, 0x02, 0, 0, 0, 0, 0x01, 0x00, 0x00, 0}));
	EXPECT_EQ(d.ci.data_len, 0x10000u);
}

TEST(Decode, VerifyBytchk)
{
	Decoded d = decode(cdb({0x2f, 0x00, 0, 0, 0, 5, 0, 0, 8, 0}));
	ASSERT_EQ(d.ret, 0);
	EXPECT_EQ(d.ci.nblocks, 8u);
	EXPECT_EQ(d.ci.data_len, 0u);
	EXPECT_EQ(d.ci.dir, SCST_DIR_NONE);
	EXPECT_FALSE(d.ci.flags & SCST_CDB_BYTCHK);

	d = decode(cdb({0x2f, 0x02, 0, 0, 0, 5, 0, 0, 8, 0}));
	ASSERT_EQ(d.ret, 0);
	EXPECT_EQ(d.ci.data_len, 8u * 512);
	EXPECT_EQ(d.ci.dir, SCST_DIR_OUT);
	EXPECT_TRUE(d.ci.flags & SCST_CDB_BYTCHK);

	d = decode(cdb({0x8f, 0x04, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 8, 0, 0}));
	ASSERT_EQ(d.ret, -EINVAL);
	EXPECT_SENSE_FIELD(d.sense, SCST_ASC_INVALID_FIELD_IN_CDB, 0, true, 1, 2);

	d = decode(cdb({0x2e, 0x00, 0, 0, 0, 5, 0, 0, 8, 0}));
	ASSERT_EQ(d.ret, 0);
	EXPECT_EQ(d.ci.data_len, 8u * 512) << "WRITE AND VERIFY always sends data";
	EXPECT_TRUE(d.ci.flags & SCST_CDB_WRITE);
	EXPECT_FALSE(d.ci.flags & SCST_CDB_BYTCHK);
	d = decode(cdb({0xae, 0x12, 0, 0, 0, 5, 0, 0, 0, 8, 0, 0}));
	ASSERT_EQ(d.ret, 0);
	EXPECT_TRUE(d.ci.flags & SCST_CDB_BYTCHK);
	EXPECT_TRUE(d.ci.flags & SCST_CDB_DPO);
}

TEST(Decode, WriteSameCompareAndWriteSyncCache)
{
	Decoded d = decode(cdb({0x93, 0x08, 0, 0, 0, 0, 0, 0, 0x10, 0, 0, 0x10, 0, 0, 0, 0}), 4096);
	ASSERT_EQ(d.ret, 0);
	EXPECT_EQ(d.ci.lba, 0x1000u);
	EXPECT_EQ(d.ci.nblocks, 0x100000u);
	EXPECT_EQ(d.ci.data_len, 4096u) << "one block";
	EXPECT_TRUE(d.ci.flags & SCST_CDB_UNMAP);
	d = decode(cdb({0x93, 0x09, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0}));
	ASSERT_EQ(d.ret, 0);
	EXPECT_TRUE(d.ci.flags & SCST_CDB_NDOB);
	EXPECT_EQ(d.ci.data_len, 0u);
	EXPECT_EQ(d.ci.dir, SCST_DIR_NONE);
	d = decode(cdb({0x41, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
	ASSERT_EQ(d.ret, -EINVAL) << "WSNZ";
	EXPECT_SENSE_FIELD(d.sense, SCST_ASC_INVALID_FIELD_IN_CDB, 0, true, 7, -1);
	d = decode(cdb({0x41, 0x10, 0, 0, 0, 0, 0, 0, 1, 0}));	// ANCHOR
	EXPECT_SENSE_FIELD(d.sense, SCST_ASC_INVALID_FIELD_IN_CDB, 0, true, 1, 4);

	d = decode(cdb({0x89, 0x08, 0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0, 1, 0, 0}), 4096);
	ASSERT_EQ(d.ret, 0);
	EXPECT_EQ(d.ci.lba, 9u);
	EXPECT_EQ(d.ci.nblocks, 1u);
	EXPECT_EQ(d.ci.data_len, 2u * 4096);
	EXPECT_TRUE(d.ci.flags & SCST_CDB_FUA);
	EXPECT_TRUE(d.ci.flags & SCST_CDB_WRITE);

	d = decode(cdb({0x35, 0x02, 0, 0, 0, 0x10, 0, 0, 0, 0}));
	ASSERT_EQ(d.ret, 0);
	EXPECT_TRUE(d.ci.flags & SCST_CDB_IMMED);
	EXPECT_TRUE(d.ci.flags & SCST_CDB_MEDIUM);
	EXPECT_FALSE(d.ci.flags & SCST_CDB_WRITE);
	EXPECT_EQ(d.ci.lba, 0x10u);
	EXPECT_EQ(d.ci.nblocks, 0u);
	EXPECT_EQ(d.ci.data_len, 0u);
	d = decode(cdb({0x91, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 9, 0, 0}));
	EXPECT_EQ(d.ci.nblocks, 9u);
	EXPECT_EQ(d.ci.data_len, 0u);
}

TEST(Decode, MiscFlags)
{
	Decoded d = decode(cdb({0x1b, 0x01, 0, 0, 0x01, 0}));
	ASSERT_EQ(d.ret, 0);
	EXPECT_TRUE(d.ci.flags & SCST_CDB_IMMED);
	EXPECT_TRUE(d.ci.flags & SCST_CDB_NOT_READY_OK);
	d = decode(cdb({0x1b, 0, 0, 0, 0x10, 0}));
	EXPECT_EQ(d.ret, -EINVAL) << "power conditions are not supported";
	d = decode(cdb({0x00, 0, 0, 0, 0, 0}));
	ASSERT_EQ(d.ret, 0);
	EXPECT_FALSE(d.ci.flags & SCST_CDB_NOT_READY_OK) << "TUR reports not ready";
	EXPECT_EQ(d.ci.dir, SCST_DIR_NONE);
	d = decode(cdb({0x04, 0x10, 0, 0, 0, 0}));
	EXPECT_EQ(d.ret, -EINVAL) << "FORMAT UNIT with FMTDATA";
	d = decode(cdb({0x04, 0, 0, 0, 0, 0}));
	ASSERT_EQ(d.ret, 0);
	EXPECT_TRUE(d.ci.flags & SCST_CDB_WRITE);
	d = decode(cdb({0x9e, 0x12, 0, 0, 0, 0, 0, 0, 0, 7, 0, 0, 0, 24, 0, 0}));
	ASSERT_EQ(d.ret, 0);
	EXPECT_TRUE(d.ci.flags & SCST_CDB_LBA);
	EXPECT_EQ(d.ci.lba, 7u);
	EXPECT_EQ(d.ci.data_len, 24u);
}

TEST(Range, Basics)
{
	Decoded d = decode(cdb({0x28, 0, 0, 0, 0x03, 0xf8, 0, 0, 8, 0}));
	ASSERT_EQ(d.ret, 0);
	scst_sense s{};
	EXPECT_EQ(scst_cdb_check_range(&d.ci, 0x400, &s), 0);
	EXPECT_EQ(scst_cdb_check_range(&d.ci, 0x3ff, &s), -EINVAL);
	EXPECT_SENSE(s, SCST_SK_ILLEGAL_REQUEST, SCST_ASC_LBA_OUT_OF_RANGE, 0);
	EXPECT_FALSE(s.sks_valid);

	d = decode(cdb({0x28, 0, 0, 0, 0x04, 0x00, 0, 0, 0, 0}));
	EXPECT_EQ(scst_cdb_check_range(&d.ci, 0x400, &s), -EINVAL) << "LBA == capacity";
	EXPECT_EQ(scst_cdb_check_range(&d.ci, 0x401, &s), 0);

	d = decode(cdb({0x12, 0, 0, 0, 36, 0}));
	EXPECT_EQ(scst_cdb_check_range(&d.ci, 0, &s), 0) << "no LBA: always ok";
}

TEST(Range, OverflowSafe)
{
	// LBA 2^64 - 2, 16 blocks: LBA + nblocks wraps around.
	Decoded d = decode(cdb({0x88, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
				0, 0, 0, 16, 0, 0}));
	ASSERT_EQ(d.ret, 0);
	scst_sense s{};
	EXPECT_EQ(scst_cdb_check_range(&d.ci, ~0ull, &s), -EINVAL);
	EXPECT_EQ(s.asc, SCST_ASC_LBA_OUT_OF_RANGE);
	EXPECT_EQ(scst_cdb_check_range(&d.ci, 1ull << 40, &s), -EINVAL);

	d = decode(cdb({0x88, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xf0,
			0, 0, 0, 16, 0, 0}));
	EXPECT_EQ(scst_cdb_check_range(&d.ci, ~0ull, &s), -EINVAL) << "ends at 2^64";
	d = decode(cdb({0x88, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xef,
			0, 0, 0, 16, 0, 0}));
	EXPECT_EQ(scst_cdb_check_range(&d.ci, ~0ull, &s), 0) << "ends at 2^64 - 1";
}

namespace {

struct Fitted {
	int ret;
	struct scst_cdb_fit fit;
	scst_sense sense;
};

Fitted fit(const Bytes &c, scst_data_dir dir, u32 exp, bool round_up = true)
{
	Fitted f{};
	Decoded d = decode(c);
	EXPECT_EQ(d.ret, 0);
	f.ret = scst_cdb_fit(&d.ci, dir, exp, 512, round_up, &f.fit, &f.sense);
	return f;
}

} // namespace

TEST(Fit, ExactAndUnderflow)
{
	Fitted f = fit(cdb({0x28, 0, 0, 0, 0, 0, 0, 0, 2, 0}), SCST_DIR_IN, 1024);
	ASSERT_EQ(f.ret, 0);
	EXPECT_EQ(f.fit.bufflen, 1024u);
	EXPECT_EQ(f.fit.nblocks, 2u);
	EXPECT_FALSE(f.fit.overflow);
	f = fit(cdb({0x2a, 0, 0, 0, 0, 0, 0, 0, 1, 0}), SCST_DIR_OUT, 10000);
	ASSERT_EQ(f.ret, 0);
	EXPECT_EQ(f.fit.bufflen, 512u) << "only the CDB's block is written";
	EXPECT_EQ(f.fit.nblocks, 1u);
	EXPECT_FALSE(f.fit.overflow);
}

TEST(Fit, ReadOverflow)
{
	// READ(10) of one block, the initiator takes 200 bytes.
	Fitted f = fit(cdb({0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0}), SCST_DIR_IN, 200);
	ASSERT_EQ(f.ret, 0);
	EXPECT_TRUE(f.fit.overflow);
	EXPECT_EQ(f.fit.nblocks, 1u) << "the whole block is read";
	EXPECT_EQ(f.fit.bufflen, 512u);
	EXPECT_EQ(f.fit.xfer_cap, 200u);
	// Into the driver's own buffer only whole blocks fit.
	f = fit(cdb({0x28, 0, 0, 0, 0, 0, 0, 0, 2, 0}), SCST_DIR_IN, 700, false);
	ASSERT_EQ(f.ret, 0);
	EXPECT_EQ(f.fit.nblocks, 1u);
	EXPECT_EQ(f.fit.bufflen, 512u);
	EXPECT_EQ(f.fit.xfer_cap, 512u);
	// No data expected at all.
	f = fit(cdb({0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0}), SCST_DIR_NONE, 0);
	ASSERT_EQ(f.ret, 0);
	EXPECT_TRUE(f.fit.overflow);
	EXPECT_EQ(f.fit.bufflen, 0u);
	EXPECT_EQ(f.fit.nblocks, 0u);
}

TEST(Fit, WriteOverflow)
{
	// WRITE(10) of two blocks with one block of data: one block written.
	Fitted f = fit(cdb({0x2a, 0, 0, 0, 0, 0, 0, 0, 2, 0}), SCST_DIR_OUT, 512);
	ASSERT_EQ(f.ret, 0);
	EXPECT_TRUE(f.fit.overflow);
	EXPECT_EQ(f.fit.nblocks, 1u);
	EXPECT_EQ(f.fit.bufflen, 512u);
	// Part of a block: refused.
	f = fit(cdb({0x2a, 0, 0, 0, 0, 0, 0, 0, 1, 0}), SCST_DIR_OUT, 200);
	EXPECT_EQ(f.ret, -EINVAL);
	EXPECT_TRUE(f.fit.overflow);
	EXPECT_SENSE(f.sense, SCST_SK_ILLEGAL_REQUEST, SCST_ASC_INVALID_FIELD_IN_CMD_IU,
		     SCST_ASCQ_INVALID_FIELD_IN_CMD_IU);
	// WRITE SAME without its block of data: refused.
	f = fit(cdb({0x41, 0, 0, 0, 0, 0, 0, 0, 8, 0}), SCST_DIR_OUT, 0);
	EXPECT_EQ(f.ret, -EINVAL);
	// A parameter list is cut, not refused.
	f = fit(cdb({0x15, 0x10, 0, 0, 24, 0}), SCST_DIR_OUT, 12);
	ASSERT_EQ(f.ret, 0);
	EXPECT_FALSE(f.fit.overflow);
	EXPECT_EQ(f.fit.bufflen, 12u);
}

TEST(Fit, CompareAndWriteNeedsBothHalves)
{
	Bytes caw = cdb({0x89, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0});
	Fitted f = fit(caw, SCST_DIR_OUT, 1024);
	ASSERT_EQ(f.ret, 0);
	EXPECT_EQ(f.fit.bufflen, 1024u);
	f = fit(caw, SCST_DIR_OUT, 2048);
	EXPECT_EQ(f.ret, -EINVAL);
	EXPECT_SENSE(f.sense, SCST_SK_ILLEGAL_REQUEST, SCST_ASC_INVALID_FIELD_IN_CDB, 0);
	EXPECT_TRUE(f.sense.sks_valid);
	// NUMBER OF LOGICAL BLOCKS 0 (256 truncated to a byte) with data.
	caw[13] = 0;
	f = fit(caw, SCST_DIR_OUT, 256 * 1024);
	EXPECT_EQ(f.ret, -EINVAL);
}
