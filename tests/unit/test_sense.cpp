// scst_sense_set/invalid_field/build/parse.
#include <gtest/gtest.h>

#include "scst_test_util.h"

using namespace scst_test;

TEST(Sense, SetClearsEverythingElse)
{
	scst_sense s;
	memset(&s, 0xff, sizeof(s));
	scst_sense_set(&s, SCST_SK_UNIT_ATTENTION, SCST_ASC_POWER_ON_RESET, SCST_ASCQ_POWER_ON_RESET);
	EXPECT_SENSE(s, 6, 0x29, 0);
	EXPECT_FALSE(s.info_valid);
	EXPECT_FALSE(s.sks_valid);
	EXPECT_FALSE(s.sks_bpv);
}

TEST(Sense, FixedFormatLayout)
{
	scst_sense s;
	scst_sense_invalid_field(&s, true, 0x0102, 3);
	u8 b[32];
	memset(b, 0xee, sizeof(b));
	ASSERT_EQ(scst_sense_build(b, sizeof(b), false, &s), 18u);
	EXPECT_EQ(b[0], 0x70);
	EXPECT_EQ(b[2], 0x05);
	EXPECT_EQ(b[7], 10);
	EXPECT_EQ(b[12], 0x24);
	EXPECT_EQ(b[13], 0x00);
	EXPECT_EQ(b[15], 0x80 | 0x40 | 0x08 | 3);
	EXPECT_EQ(be16(b + 16), 0x0102);
	EXPECT_EQ(b[18], 0xee) << "wrote past the sense data";

	scst_sense_invalid_field(&s, false, 7, -1);
	scst_sense_build(b, sizeof(b), false, &s);
	EXPECT_EQ(b[12], 0x26);
	EXPECT_EQ(b[15], 0x80) << "C/D=0, BPV=0";
	EXPECT_EQ(be16(b + 16), 7);
}

TEST(Sense, FixedFormatInformation)
{
	scst_sense s;
	scst_sense_set(&s, SCST_SK_MISCOMPARE, SCST_ASC_MISCOMPARE_DURING_VERIFY, 0);
	s.info_valid = true;
	s.info = 0x1234;
	u8 b[18];
	ASSERT_EQ(scst_sense_build(b, sizeof(b), false, &s), 18u);
	EXPECT_EQ(b[0], 0xf0) << "VALID";
	EXPECT_EQ(be32(b + 3), 0x1234u);
	EXPECT_EQ(b[15], 0) << "no SKSV";

	// INFORMATION larger than 32 bits cannot be reported in fixed format.
	s.info = 1ull << 32;
	scst_sense_build(b, sizeof(b), false, &s);
	EXPECT_EQ(b[0], 0x70);
	EXPECT_EQ(be32(b + 3), 0u);
}

TEST(Sense, DescriptorFormatLayout)
{
	scst_sense s;
	scst_sense_invalid_field(&s, true, 9, 0);
	s.info_valid = true;
	s.info = 0x0102030405060708ull;
	u8 b[64];
	memset(b, 0xee, sizeof(b));
	ASSERT_EQ(scst_sense_build(b, sizeof(b), true, &s), 28u);
	EXPECT_EQ(b[0], 0x72);
	EXPECT_EQ(b[1], 0x05);
	EXPECT_EQ(b[2], 0x24);
	EXPECT_EQ(b[3], 0x00);
	EXPECT_EQ(b[7], 20);
	EXPECT_EQ(b[8], 0x00);	// information descriptor
	EXPECT_EQ(b[9], 0x0a);
	EXPECT_EQ(b[10], 0x80);
	EXPECT_EQ(be64(b + 12), 0x0102030405060708ull);
	EXPECT_EQ(b[20], 0x02);	// sense key specific descriptor
	EXPECT_EQ(b[21], 0x06);
	EXPECT_EQ(b[24], 0x80 | 0x40 | 0x08 | 0);
	EXPECT_EQ(be16(b + 25), 9);
	EXPECT_EQ(b[28], 0xee);

	scst_sense_set(&s, SCST_SK_NOT_READY, SCST_ASC_MEDIUM_NOT_PRESENT, 0);
	ASSERT_EQ(scst_sense_build(b, sizeof(b), true, &s), 8u);
	EXPECT_EQ(b[7], 0);
}

TEST(Sense, Truncation)
{
	scst_sense s;
	scst_sense_invalid_field(&s, true, 1, 1);
	u8 b[20];
	for (unsigned int n = 0; n <= 18; n++) {
		memset(b, 0xee, sizeof(b));
		EXPECT_EQ(scst_sense_build(b, n, false, &s), n);
		for (unsigned int i = n; i < sizeof(b); i++)
			ASSERT_EQ(b[i], 0xee) << n;
	}
	EXPECT_EQ(scst_sense_build(nullptr, 0, true, &s), 0u);
}

static void round_trip(const scst_sense &in, bool desc)
{
	u8 b[SCST_SENSE_BUFFERSIZE];
	unsigned int n = scst_sense_build(b, sizeof(b), desc, &in);
	scst_sense out;
	ASSERT_EQ(scst_sense_parse(b, n, &out), 0);
	EXPECT_EQ(out.key, in.key);
	EXPECT_EQ(out.asc, in.asc);
	EXPECT_EQ(out.ascq, in.ascq);
	EXPECT_EQ(out.info_valid, in.info_valid);
	if (in.info_valid) {
		EXPECT_EQ(out.info, in.info);
	}
	EXPECT_EQ(out.sks_valid, in.sks_valid);
	if (in.sks_valid) {
		EXPECT_EQ(out.sks_cd, in.sks_cd);
		EXPECT_EQ(out.sks_bpv, in.sks_bpv);
		EXPECT_EQ(out.sks_bit, in.sks_bit);
		EXPECT_EQ(out.sks_field, in.sks_field);
	}
}

TEST(Sense, RoundTripBothFormats)
{
	for (bool desc : {false, true}) {
		SCOPED_TRACE(desc ? "descriptor" : "fixed");
		scst_sense s;
		scst_sense_set(&s, SCST_SK_UNIT_ATTENTION, SCST_ASC_REPORTED_LUNS_DATA_HAS_CHANGED,
			       SCST_ASCQ_REPORTED_LUNS_DATA_HAS_CHANGED);
		round_trip(s, desc);
		scst_sense_invalid_field(&s, true, 0xfffe, 7);
		round_trip(s, desc);
		scst_sense_invalid_field(&s, false, 300, -1);
		round_trip(s, desc);
		scst_sense_set(&s, SCST_SK_MISCOMPARE, SCST_ASC_MISCOMPARE_DURING_VERIFY, 0);
		s.info_valid = true;
		s.info = 0x89abcdefu;
		round_trip(s, desc);
		scst_sense_invalid_field(&s, true, 4, 2);
		s.info_valid = true;
		s.info = 77;
		round_trip(s, desc);
	}
	scst_sense s;
	scst_sense_set(&s, SCST_SK_MEDIUM_ERROR, SCST_ASC_UNRECOVERED_READ_ERROR, 0);
	s.info_valid = true;
	s.info = 0xfedcba9876543210ull;
	round_trip(s, true);
}

TEST(Sense, ParseRejectsGarbage)
{
	scst_sense s;
	u8 b[32] = {};
	EXPECT_EQ(scst_sense_parse(b, sizeof(b), &s), -EINVAL) << "response code 0";
	b[0] = 0x70;
	EXPECT_EQ(scst_sense_parse(b, 7, &s), -EINVAL) << "too short";
	EXPECT_EQ(scst_sense_parse(nullptr, 18, &s), -EINVAL);
	b[0] = 0x72;
	b[7] = 4;
	b[8] = 0x00;
	b[9] = 0x0a;	// overruns the additional length
	EXPECT_EQ(scst_sense_parse(b, sizeof(b), &s), -EINVAL);
	b[7] = 8;
	b[8] = 0x02;
	b[9] = 0x04;	// sense key specific descriptor of the wrong length
	EXPECT_EQ(scst_sense_parse(b, sizeof(b), &s), -EINVAL);
	b[8] = 0x80;	// vendor descriptor: skipped
	b[9] = 0x06;
	EXPECT_EQ(scst_sense_parse(b, sizeof(b), &s), 0);
	b[0] = 0x73;	// deferred
	EXPECT_EQ(scst_sense_parse(b, sizeof(b), &s), 0);
	b[0] = 0x71;
	b[7] = 10;
	b[2] = 0x06;
	b[12] = 0x29;
	EXPECT_EQ(scst_sense_parse(b, 14, &s), 0);
	EXPECT_SENSE(s, 6, 0x29, 0);
	EXPECT_FALSE(s.sks_valid);
}
