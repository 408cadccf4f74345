// COMPARE AND WRITE limits and the thin provisioning helpers: UNMAP
// parameter list validation, GET LBA STATUS descriptors, and what the LU
// reports about both (Block Limits and Logical Block Provisioning VPD,
// READ CAPACITY(16), REPORT SUPPORTED OPERATION CODES).
#include <gtest/gtest.h>

#include "scst_test_util.h"

extern "C" {
#include "scst_sbc.h"
}

using namespace scst_test;

namespace {

// An UNMAP parameter list: header, then one descriptor per (lba, nblocks).
Bytes unmap_list(std::initializer_list<std::pair<u64, u32>> d)
{
	Bytes p(8 + 16 * d.size(), 0);
	put16(p.data(), u16(p.size() - 2));
	put16(p.data() + 2, u16(16 * d.size()));
	size_t off = 8;
	for (auto &x : d) {
		put64(p.data() + off, x.first);
		put32(p.data() + off + 8, x.second);
		off += 16;
	}
	return p;
}

int parse(const Bytes &p, const scst_lu_desc &lu, unsigned int *n, scst_sense *s)
{
	*s = scst_sense{};
	return scst_unmap_parse(p.data(), u32(p.size()), &lu, n, s);
}

scst_cdb_info decode_ok(const Bytes &c)
{
	scst_cdb_info ci;
	scst_sense s{};
	EXPECT_EQ(scst_cdb_decode(c.data(), unsigned(c.size()), 512, &ci, &s), 0);
	return ci;
}

} // namespace

TEST(CdbThin, CompareAndWriteDecode)
{
	// 3 blocks at LBA 0x10: 2 * 3 blocks of data-out, FUA kept.
	auto ci = decode_ok(cdb({0x89, 0x08, 0, 0, 0, 0, 0, 0, 0, 0x10, 0, 0, 0, 3, 0, 0}));
	EXPECT_EQ(ci.lba, 0x10u);
	EXPECT_EQ(ci.nblocks, 3u);
	EXPECT_EQ(ci.data_len, 3072u);
	EXPECT_EQ(ci.dir, SCST_DIR_OUT);
	EXPECT_TRUE(ci.flags & SCST_CDB_FUA);
	EXPECT_TRUE(ci.flags & SCST_CDB_WRITE);
}

TEST(CdbThin, WriteSameUnmapNdob)
{
	auto ci = decode_ok(cdb({0x41, 0x08, 0, 0, 0, 1, 0, 0, 8, 0}));
	EXPECT_TRUE(ci.flags & SCST_CDB_UNMAP);
	EXPECT_EQ(ci.data_len, 512u) << "one block of data";
	ci = decode_ok(cdb({0x93, 0x09, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 8, 0, 0}));
	EXPECT_TRUE(ci.flags & SCST_CDB_NDOB);
	EXPECT_TRUE(ci.flags & SCST_CDB_UNMAP);
	EXPECT_EQ(ci.data_len, 0u) << "NDOB: no data-out";
	EXPECT_EQ(ci.dir, SCST_DIR_NONE);
	EXPECT_EQ(ci.nblocks, 8u);

	scst_cdb_info bad;
	scst_sense s{};
	Bytes anchor = cdb({0x93, 0x18, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 8, 0, 0});
	EXPECT_EQ(scst_cdb_decode(anchor.data(), 16, 512, &bad, &s), -EINVAL) << "ANCHOR";
	EXPECT_SENSE_FIELD(s, SCST_ASC_INVALID_FIELD_IN_CDB, 0, true, 1, 4);
}

TEST(CdbThin, UnmapAndGetLbaStatusDecode)
{
	auto ci = decode_ok(cdb({0x42, 0, 0, 0, 0, 0, 0, 0x01, 0x08, 0}));
	EXPECT_EQ(ci.data_len, 0x108u);
	EXPECT_TRUE(ci.flags & SCST_CDB_PARAM_LEN);
	EXPECT_TRUE(ci.flags & SCST_CDB_WRITE);
	ci = decode_ok(cdb({0x9e, 0x12, 0, 0, 0, 0, 0, 0, 0x12, 0x34, 0, 0, 0, 24, 0, 0}));
	EXPECT_EQ(ci.lba, 0x1234u);
	EXPECT_EQ(ci.data_len, 24u);
	EXPECT_EQ(ci.dir, SCST_DIR_IN);

	scst_cdb_info bad;
	scst_sense s{};
	Bytes anchor = cdb({0x42, 0x01, 0, 0, 0, 0, 0, 0, 24, 0});
	EXPECT_EQ(scst_cdb_decode(anchor.data(), 10, 512, &bad, &s), -EINVAL) << "ANCHOR";
}

TEST(CdbThin, CompareAndWriteLimit)
{
	scst_lu_desc lu = make_lu();
	scst_sense s{};
	auto ci = decode_ok(cdb({0x89, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 0, 0}));
	lu.max_caw_blocks = 255;
	EXPECT_EQ(scst_spc_check_limits(&ci, &lu, &s), 0);
	lu.max_caw_blocks = 8;
	EXPECT_EQ(scst_spc_check_limits(&ci, &lu, &s), -EINVAL);
	EXPECT_SENSE_FIELD(s, SCST_ASC_INVALID_FIELD_IN_CDB, 0, true, 13, -1);
}

TEST(VpdThin, BlockLimitsCawLength)
{
	Emul em;
	em.lu.max_caw_blocks = 255;
	ASSERT_EQ(em.run(cdb({0x12, 1, 0xb0, 0, 64, 0})), SCST_EMUL_DONE);
	EXPECT_EQ(em.data()[5], 255);
	em.lu.caw_supported = false;
	ASSERT_EQ(em.run(cdb({0x12, 1, 0xb0, 0, 64, 0})), SCST_EMUL_DONE);
	EXPECT_EQ(em.data()[5], 0) << "no COMPARE AND WRITE";
}

TEST(VpdThin, ReadCapacity16Bits)
{
	Emul em;
	Bytes rc16 = cdb({0x9e, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 32, 0, 0});
	ASSERT_EQ(em.run(rc16), SCST_EMUL_DONE);
	EXPECT_EQ(em.data()[14] & 0xc0, 0xc0) << "LBPME LBPRZ";
	em.lu.lbprz = false;
	ASSERT_EQ(em.run(rc16), SCST_EMUL_DONE);
	EXPECT_EQ(em.data()[14] & 0xc0, 0x80) << "LBPME only (blockio)";
	em.lu.thin_provisioned = false;
	ASSERT_EQ(em.run(rc16), SCST_EMUL_DONE);
	EXPECT_EQ(em.data()[14] & 0xc0, 0) << "fully provisioned";
}

TEST(VpdThin, SupportedOpcodesFollowTheLu)
{
	Emul em;
	auto one = [&em](int op, int sa, bool has_sa) {
		Bytes c = cdb({0xa3, 0x0c, has_sa ? 2 : 1, op, 0, sa, 0, 0, 0x10, 0, 0, 0});
		EXPECT_EQ(em.run(c), SCST_EMUL_DONE);
		return em.data()[1] & 7;
	};
	EXPECT_EQ(one(0x42, 0, false), 3) << "UNMAP";
	EXPECT_EQ(one(0x9e, 0x12, true), 3) << "GET LBA STATUS";
	EXPECT_EQ(one(0x89, 0, false), 3) << "COMPARE AND WRITE";
	EXPECT_EQ(one(0x93, 0, false), 3) << "WRITE SAME(16)";
	em.lu.thin_provisioned = false;
	em.lu.caw_supported = false;
	EXPECT_EQ(one(0x42, 0, false), 1) << "not supported";
	EXPECT_EQ(one(0x9e, 0x12, true), 1);
	EXPECT_EQ(one(0x89, 0, false), 1);
	EXPECT_EQ(one(0x41, 0, false), 3) << "WRITE SAME without UNMAP stays";
}

TEST(Unmap, EmptyListsAreFine)
{
	scst_lu_desc lu = make_lu();
	unsigned int n = 99;
	scst_sense s;
	EXPECT_EQ(scst_unmap_parse(nullptr, 0, &lu, &n, &s), 0);
	EXPECT_EQ(n, 0u);
	EXPECT_EQ(parse(unmap_list({}), lu, &n, &s), 0);
	EXPECT_EQ(n, 0u);
}

TEST(Unmap, Descriptors)
{
	scst_lu_desc lu = make_lu();
	unsigned int n;
	scst_sense s;
	Bytes p = unmap_list({{0, 8}, {100, 0}, {lu.nblocks - 1, 1}, {lu.nblocks, 0}});
	ASSERT_EQ(parse(p, lu, &n, &s), 0);
	ASSERT_EQ(n, 4u);
	u64 lba;
	u32 nb;
	scst_unmap_desc(p.data(), 2, &lba, &nb);
	EXPECT_EQ(lba, lu.nblocks - 1);
	EXPECT_EQ(nb, 1u);
	scst_unmap_desc(p.data(), 3, &lba, &nb);
	EXPECT_EQ(lba, lu.nblocks) << "0 blocks at the capacity: nothing to do";
	EXPECT_EQ(nb, 0u);
}

TEST(Unmap, PartialDescriptorIgnored)
{
	scst_lu_desc lu = make_lu();
	unsigned int n;
	scst_sense s;
	Bytes p = unmap_list({{0, 8}, {16, 8}});
	put16(p.data() + 2, 16 + 10);	// second one incomplete
	ASSERT_EQ(parse(p, lu, &n, &s), 0);
	EXPECT_EQ(n, 1u);
}

TEST(Unmap, ShortHeader)
{
	scst_lu_desc lu = make_lu();
	unsigned int n;
	scst_sense s;
	Bytes p(7, 0);
	EXPECT_EQ(parse(p, lu, &n, &s), -EINVAL);
	EXPECT_SENSE_FIELD(s, SCST_ASC_PARAMETER_LIST_LENGTH_ERROR, 0, true, 7, -1);
}

TEST(Unmap, DescriptorLengthBeyondData)
{
	scst_lu_desc lu = make_lu();
	unsigned int n;
	scst_sense s;
	Bytes p = unmap_list({{0, 8}});
	put16(p.data() + 2, 32);
	EXPECT_EQ(parse(p, lu, &n, &s), -EINVAL);
	EXPECT_SENSE_FIELD(s, SCST_ASC_INVALID_FIELD_IN_PARAM_LIST, 0, false, 2, -1);
}

TEST(Unmap, TooManyDescriptors)
{
	scst_lu_desc lu = make_lu();
	lu.max_unmap_desc_count = 2;
	unsigned int n;
	scst_sense s;
	EXPECT_EQ(parse(unmap_list({{0, 1}, {2, 1}}), lu, &n, &s), 0);
	EXPECT_EQ(parse(unmap_list({{0, 1}, {2, 1}, {4, 1}}), lu, &n, &s), -EINVAL);
	EXPECT_SENSE_FIELD(s, SCST_ASC_INVALID_FIELD_IN_PARAM_LIST, 0, false, 2, -1);
	EXPECT_EQ(n, 0u);
}

TEST(Unmap, TooManyBlocks)
{
	scst_lu_desc lu = make_lu();
	lu.max_unmap_lba_count = 1024;
	unsigned int n;
	scst_sense s;
	EXPECT_EQ(parse(unmap_list({{0, 1024}}), lu, &n, &s), 0);
	EXPECT_EQ(parse(unmap_list({{0, 1}, {8, 1025}}), lu, &n, &s), -EINVAL);
	EXPECT_SENSE_FIELD(s, SCST_ASC_INVALID_FIELD_IN_PARAM_LIST, 0, false, 8 + 16 + 8, -1);
}

TEST(Unmap, OutOfRange)
{
	scst_lu_desc lu = make_lu();
	unsigned int n;
	scst_sense s;
	EXPECT_EQ(parse(unmap_list({{lu.nblocks - 4, 5}}), lu, &n, &s), -EINVAL);
	EXPECT_SENSE(s, SCST_SK_ILLEGAL_REQUEST, SCST_ASC_LBA_OUT_OF_RANGE, 0);
	EXPECT_FALSE(s.sks_valid);
	EXPECT_EQ(parse(unmap_list({{~0ULL, 1}}), lu, &n, &s), -EINVAL) << "no wrap";
	lu.max_unmap_lba_count = 0;
	EXPECT_EQ(parse(unmap_list({{1, 0xffffffffu}}), lu, &n, &s), -EINVAL);
}

TEST(LbaStatus, MaxDescriptors)
{
	EXPECT_EQ(scst_lba_status_max_desc(0), 1u);
	EXPECT_EQ(scst_lba_status_max_desc(23), 1u);
	EXPECT_EQ(scst_lba_status_max_desc(24), 1u);
	EXPECT_EQ(scst_lba_status_max_desc(40), 2u);
	EXPECT_EQ(scst_lba_status_max_desc(8 + 16 * 64 + 15), 64u);
}

TEST(LbaStatus, BuildMergesAndSplits)
{
	const scst_lba_extent ext[] = {
		{ 100, 10, SCST_LBA_MAPPED },
		{ 110, 5, SCST_LBA_MAPPED },		// merged with the first
		{ 115, 0, SCST_LBA_DEALLOCATED },	// empty: skipped
		{ 115, 0x100000010ULL, SCST_LBA_DEALLOCATED },	// split in two
		{ 0x100000125ULL, 1, SCST_LBA_MAPPED },
	};
	u8 buf[8 + 16 * 4];
	memset(buf, 0xcc, sizeof(buf));
	ASSERT_EQ(scst_lba_status_build(buf, sizeof(buf), ext, 5), sizeof(buf));
	EXPECT_EQ(be32(buf), 4u + 16 * 4) << "PARAMETER DATA LENGTH";
	EXPECT_EQ(be32(buf + 4), 0u);
	const u8 *d = buf + 8;
	EXPECT_EQ(be64(d), 100u);
	EXPECT_EQ(be32(d + 8), 15u);
	EXPECT_EQ(d[12], SCST_LBA_MAPPED);
	EXPECT_EQ(be32(d + 12) & 0x00ffffff, 0u) << "reserved";
	d += 16;
	EXPECT_EQ(be64(d), 115u);
	EXPECT_EQ(be32(d + 8), 0xffffffffu);
	EXPECT_EQ(d[12], SCST_LBA_DEALLOCATED);
	d += 16;
	EXPECT_EQ(be64(d), 115ULL + 0xffffffffULL);
	EXPECT_EQ(be32(d + 8), 0x11u);
	EXPECT_EQ(d[12], SCST_LBA_DEALLOCATED);
	d += 16;
	EXPECT_EQ(be64(d), 0x100000125ULL);
	EXPECT_EQ(be32(d + 8), 1u);
	EXPECT_EQ(d[12], SCST_LBA_MAPPED);
}

TEST(LbaStatus, TruncatedToTheBuffer)
{
	const scst_lba_extent ext[] = {
		{ 0, 8, SCST_LBA_DEALLOCATED },
		{ 8, 8, SCST_LBA_MAPPED },
	};
	for (u32 len = 0; len <= 40; len++) {
		u8 buf[48];
		memset(buf, 0xcc, sizeof(buf));
		EXPECT_EQ(scst_lba_status_build(buf, len, ext, 2), len);
		for (u32 i = len; i < sizeof(buf); i++) {
			ASSERT_EQ(buf[i], 0xcc) << "wrote byte " << i << " of " << len;
		}
		if (len >= 4) {
			EXPECT_EQ(be32(buf), 36u) << "the full length, always";
		}
	}
}
