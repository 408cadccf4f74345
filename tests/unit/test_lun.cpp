// SAM-5 LUN encoding.
#include <gtest/gtest.h>

#include "scst_test_util.h"

using namespace scst_test;

TEST(Lun, EncodeDecode)
{
	struct {
		u64 lun;
		u8 b0, b1;
	} cases[] = { { 0, 0x00, 0x00 }, { 1, 0x00, 0x01 }, { 255, 0x00, 0xff },
		      { 256, 0x41, 0x00 }, { 0x1234, 0x52, 0x34 }, { 16383, 0x7f, 0xff } };
	for (auto &c : cases) {
		u8 out[8];
		memset(out, 0xee, sizeof(out));
		ASSERT_EQ(scst_lun_encode(c.lun, out), 0) << c.lun;
		EXPECT_EQ(out[0], c.b0) << c.lun;
		EXPECT_EQ(out[1], c.b1) << c.lun;
		for (int i = 2; i < 8; i++)
			EXPECT_EQ(out[i], 0) << c.lun;
		u64 back = ~0ull;
		ASSERT_EQ(scst_lun_decode(out, 8, &back), 0);
		EXPECT_EQ(back, c.lun);
	}
}

TEST(Lun, EncodeRejectsLarge)
{
	u8 out[8];
	memset(out, 0xee, sizeof(out));
	EXPECT_EQ(scst_lun_encode(16384, out), -EINVAL);
	for (u8 b : out)
		EXPECT_EQ(b, 0);
	EXPECT_EQ(scst_lun_encode(~0ull, out), -EINVAL);
}

TEST(Lun, DecodeFlatBelow256)
{
	const u8 flat5[8] = { 0x40, 0x05 };
	u64 lun;
	ASSERT_EQ(scst_lun_decode(flat5, 8, &lun), 0);
	EXPECT_EQ(lun, 5u);
}

TEST(Lun, DecodeRejects)
{
	u64 lun = 42;
	const u8 ext[8] = { 0xc1, 0x01 };	// REPORT LUNS well-known LUN
	EXPECT_EQ(scst_lun_decode(ext, 8, &lun), -EINVAL);
	const u8 lu_addr[8] = { 0x80, 0x01 };	// logical unit addressing
	EXPECT_EQ(scst_lun_decode(lu_addr, 8, &lun), -EINVAL);
	const u8 bus[8] = { 0x01, 0x01 };	// peripheral with a bus identifier
	EXPECT_EQ(scst_lun_decode(bus, 8, &lun), -EINVAL);
	const u8 level2[8] = { 0x00, 0x01, 0x00, 0x02 };
	EXPECT_EQ(scst_lun_decode(level2, 8, &lun), -EINVAL);
	const u8 tail[8] = { 0x00, 0x01, 0, 0, 0, 0, 0, 1 };
	EXPECT_EQ(scst_lun_decode(tail, 8, &lun), -EINVAL);
	const u8 ok[8] = { 0x00, 0x01 };
	EXPECT_EQ(scst_lun_decode(ok, 7, &lun), -EINVAL) << "short";
	EXPECT_EQ(scst_lun_decode(nullptr, 8, &lun), -EINVAL);
	EXPECT_EQ(lun, 42u) << "untouched on error";
}
