// ALUA: access states, REPORT/SET TARGET PORT GROUPS (kernel/core/scst_tpg.c).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "scst_test_util.h"

extern "C" {
#include "scst_tpg.h"
}

using namespace scst_test;

namespace {

// NOT READY ASCQ for a refused command, 0 for an admitted one.
int check(u8 state, const Bytes &c)
{
	scst_sense s{};
	if (scst_alua_check(state, c.data(), static_cast<unsigned>(c.size()), &s) == 0)
		return 0;
	EXPECT_EQ(s.key, SCST_SK_NOT_READY);
	EXPECT_EQ(s.asc, 0x04);
	return s.ascq;
}

const Bytes kRead10 = cdb({0x28, 0, 0, 0, 0, 0, 0, 0, 8, 0});
const Bytes kWrite10 = cdb({0x2a, 0, 0, 0, 0, 0, 0, 0, 8, 0});
const Bytes kTur = cdb({0x00, 0, 0, 0, 0, 0});
const Bytes kInquiry = cdb({0x12, 0, 0, 0, 96, 0});
const Bytes kReportLuns = cdb({0xa0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0});
const Bytes kRequestSense = cdb({0x03, 0, 0, 0, 18, 0});
const Bytes kRtpg = cdb({0xa3, 0x0a, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0});
const Bytes kStpg = cdb({0xa4, 0x0a, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0});
const Bytes kModeSense = cdb({0x1a, 0, 0x3f, 0, 255, 0});
const Bytes kPrIn = cdb({0x5e, 0, 0, 0, 0, 0, 0, 1, 0, 0});
const Bytes kReadCap16 = cdb({0x9e, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 32, 0, 0});
const Bytes kReadBufEcho = cdb({0x3c, 0x0a, 0, 0, 0, 0, 0, 0, 4, 0});
const Bytes kReadBufData = cdb({0x3c, 0x02, 0, 0, 0, 0, 0, 0, 4, 0});

TEST(AluaState, NamesRoundTrip)
{
	for (u8 st : {SCST_ALUA_ACTIVE, SCST_ALUA_NONOPTIMIZED, SCST_ALUA_STANDBY,
		      SCST_ALUA_UNAVAILABLE, SCST_ALUA_OFFLINE, SCST_ALUA_TRANSITIONING}) {
		const char *name = scst_alua_state_name(st);
		ASSERT_NE(name, nullptr);
		EXPECT_LT(strlen(name), size_t(SCST_ALUA_STATE_NAME_MAX));
		u8 back = 0xff;
		EXPECT_EQ(scst_alua_state_parse(name, &back), 0);
		EXPECT_EQ(back, st);
	}
	EXPECT_STREQ(scst_alua_state_name(SCST_ALUA_NONOPTIMIZED), "nonoptimized");
	EXPECT_STREQ(scst_alua_state_name(4), "lba_dependent");
	EXPECT_EQ(scst_alua_state_name(0x5), nullptr);
	EXPECT_EQ(scst_alua_state_name(0x7), nullptr);
	u8 st;
	EXPECT_EQ(scst_alua_state_parse("Active", &st), -EINVAL);
	EXPECT_EQ(scst_alua_state_parse("", &st), -EINVAL);
	EXPECT_EQ(scst_alua_state_parse("lba-dependent", &st), -EINVAL);
}

TEST(AluaCheck, ActiveStatesAdmitEverything)
{
	for (u8 st : {SCST_ALUA_ACTIVE, SCST_ALUA_NONOPTIMIZED})
		for (const auto &c : {kRead10, kWrite10, kTur, kStpg, kReadBufData})
			EXPECT_EQ(check(st, c), 0);
}

TEST(AluaCheck, StandbyRefusesMediumAccessWith040B)
{
	EXPECT_EQ(check(SCST_ALUA_STANDBY, kRead10), 0x0b);
	EXPECT_EQ(check(SCST_ALUA_STANDBY, kWrite10), 0x0b);
	EXPECT_EQ(check(SCST_ALUA_STANDBY, kTur), 0x0b);
	EXPECT_EQ(check(SCST_ALUA_STANDBY, kReadBufData), 0x0b);
	for (const auto &c : {kInquiry, kReportLuns, kRequestSense, kRtpg, kStpg, kModeSense,
			      kPrIn, kReadCap16, kReadBufEcho})
		EXPECT_EQ(check(SCST_ALUA_STANDBY, c), 0) << int(c[0]);
}

TEST(AluaCheck, UnavailableAdmitsOnlyDescriptionAndStpg)
{
	EXPECT_EQ(check(SCST_ALUA_UNAVAILABLE, kRead10), 0x0c);
	EXPECT_EQ(check(SCST_ALUA_UNAVAILABLE, kModeSense), 0x0c);
	EXPECT_EQ(check(SCST_ALUA_UNAVAILABLE, kPrIn), 0x0c);
	EXPECT_EQ(check(SCST_ALUA_UNAVAILABLE, kReadCap16), 0x0c);
	for (const auto &c : {kInquiry, kReportLuns, kRequestSense, kRtpg, kStpg, kReadBufEcho})
		EXPECT_EQ(check(SCST_ALUA_UNAVAILABLE, c), 0) << int(c[0]);
}

TEST(AluaCheck, TransitioningAndOffline)
{
	EXPECT_EQ(check(SCST_ALUA_TRANSITIONING, kRead10), 0x0a);
	EXPECT_EQ(check(SCST_ALUA_TRANSITIONING, kStpg), 0x0a);
	EXPECT_EQ(check(SCST_ALUA_TRANSITIONING, kRtpg), 0);
	EXPECT_EQ(check(SCST_ALUA_OFFLINE, kWrite10), 0x12);
	EXPECT_EQ(check(SCST_ALUA_OFFLINE, kStpg), 0x12);
	EXPECT_EQ(check(SCST_ALUA_OFFLINE, kInquiry), 0);
	EXPECT_EQ(check(SCST_ALUA_OFFLINE, kReportLuns), 0);
}

TEST(Rtpg, FormatField)
{
	scst_sense s{};
	bool ext = true;
	EXPECT_EQ(scst_rtpg_format(kRtpg.data(), 12, &ext, &s), 0);
	EXPECT_FALSE(ext);
	Bytes c = kRtpg;
	c[1] = 0x2a;
	EXPECT_EQ(scst_rtpg_format(c.data(), 12, &ext, &s), 0);
	EXPECT_TRUE(ext);
	c[1] = 0x4a;
	EXPECT_EQ(scst_rtpg_format(c.data(), 12, &ext, &s), -EINVAL);
	EXPECT_EQ(s.key, SCST_SK_ILLEGAL_REQUEST);
	EXPECT_EQ(s.asc, 0x24);
	EXPECT_TRUE(s.sks_cd);
	EXPECT_EQ(s.sks_field, 1);
}

struct TwoGroups {
	u16 ports_a[2] = {1, 3};
	u16 ports_b[1] = {2};
	scst_tpg_info t[2]{};
	TwoGroups()
	{
		t[0] = {1, SCST_ALUA_ACTIVE, SCST_TPG_STATUS_NONE, true, 2, ports_a};
		t[1] = {0x1234, SCST_ALUA_STANDBY, SCST_TPG_STATUS_STPG, false, 1, ports_b};
	}
};

TEST(Rtpg, LengthOnlyHeader)
{
	TwoGroups g;
	Bytes buf(256, 0xee);
	std::fill(buf.begin(), buf.end(), 0);
	u32 len = scst_rtpg_build(false, 10, g.t, 2, buf.data(), static_cast<u32>(buf.size()));
	// 4 + (8 + 2*4) + (8 + 1*4)
	EXPECT_EQ(len, 4u + 16 + 12);
	EXPECT_EQ(be32(&buf[0]), len - 4);
	const u8 *d = &buf[4];
	EXPECT_EQ(d[0], 0x80 | SCST_ALUA_ACTIVE);	// PREF, AO
	EXPECT_EQ(d[1], 0xdf);				// T O LBD U S AN AO supported
	EXPECT_EQ(be16(&d[2]), 1);
	EXPECT_EQ(d[5], SCST_TPG_STATUS_NONE);
	EXPECT_EQ(d[7], 2);
	EXPECT_EQ(be16(&d[8 + 2]), 1);
	EXPECT_EQ(be16(&d[12 + 2]), 3);
	d += 16;
	EXPECT_EQ(d[0], SCST_ALUA_STANDBY);
	EXPECT_EQ(be16(&d[2]), 0x1234);
	EXPECT_EQ(d[5], SCST_TPG_STATUS_STPG);
	EXPECT_EQ(d[7], 1);
	EXPECT_EQ(be16(&d[8 + 2]), 2);
}

TEST(Rtpg, ExtendedHeader)
{
	TwoGroups g;
	Bytes buf(256, 0);
	u32 len = scst_rtpg_build(true, 10, g.t, 2, buf.data(), static_cast<u32>(buf.size()));
	EXPECT_EQ(len, 8u + 16 + 12);
	EXPECT_EQ(be32(&buf[0]), len - 4);
	EXPECT_EQ(buf[4], 0x10);	// FORMAT TYPE 001b
	EXPECT_EQ(buf[5], 10);		// implicit transition time
	EXPECT_EQ(be16(&buf[8 + 2]), 1);
}

TEST(Rtpg, TruncatedToTheBufferWithTheFullLength)
{
	TwoGroups g;
	Bytes buf(14, 0);
	buf.resize(64, 0xaa);	// sentinel beyond the 14 bytes handed over
	u32 len = scst_rtpg_build(false, 0, g.t, 2, buf.data(), 14);
	EXPECT_EQ(len, 32u);
	EXPECT_EQ(be32(&buf[0]), 28u);
	for (size_t i = 14; i < buf.size(); i++)
		ASSERT_EQ(buf[i], 0xaa) << i;
	// Nothing at all fits: only the length is computed.
	EXPECT_EQ(scst_rtpg_build(true, 0, g.t, 2, nullptr, 0), 36u);
}

TEST(Rtpg, NoGroups)
{
	Bytes buf(8, 0);
	EXPECT_EQ(scst_rtpg_build(false, 0, nullptr, 0, buf.data(), 8), 4u);
	EXPECT_EQ(be32(&buf[0]), 0u);
}

Bytes stpg_list(std::initializer_list<std::pair<int, int>> descs)
{
	Bytes p(4, 0);
	for (auto [state, id] : descs) {
		Bytes d(4, 0);
		d[0] = static_cast<u8>(state);
		put16(&d[2], static_cast<u16>(id));
		p.insert(p.end(), d.begin(), d.end());
	}
	return p;
}

TEST(Stpg, ParsesDescriptors)
{
	Bytes p = stpg_list({{SCST_ALUA_STANDBY, 1}, {SCST_ALUA_ACTIVE, 2}});
	p[4] |= 0xf0;	// reserved bits of byte 0 are ignored
	scst_stpg_desc d[4];
	unsigned n = 99;
	scst_sense s{};
	ASSERT_EQ(scst_stpg_parse(p.data(), static_cast<u32>(p.size()), d, 4, &n, &s), 0);
	ASSERT_EQ(n, 2u);
	EXPECT_EQ(d[0].group_id, 1);
	EXPECT_EQ(d[0].state, SCST_ALUA_STANDBY);
	EXPECT_EQ(d[0].offset, 4);
	EXPECT_EQ(d[1].group_id, 2);
	EXPECT_EQ(d[1].state, SCST_ALUA_ACTIVE);
	EXPECT_EQ(d[1].offset, 8);
}

TEST(Stpg, EmptyListIsValid)
{
	scst_stpg_desc d[1];
	unsigned n = 5;
	scst_sense s{};
	EXPECT_EQ(scst_stpg_parse(nullptr, 0, d, 1, &n, &s), 0);
	EXPECT_EQ(n, 0u);
	Bytes hdr(4, 0);
	EXPECT_EQ(scst_stpg_parse(hdr.data(), 4, d, 1, &n, &s), 0);
	EXPECT_EQ(n, 0u);
}

TEST(Stpg, LengthCuttingADescriptor)
{
	Bytes p = stpg_list({{SCST_ALUA_STANDBY, 1}});
	scst_stpg_desc d[4];
	unsigned n;
	for (u32 len : {1u, 3u, 5u, 7u}) {
		scst_sense s{};
		EXPECT_EQ(scst_stpg_parse(p.data(), len, d, 4, &n, &s), -EINVAL) << len;
		EXPECT_EQ(s.key, SCST_SK_ILLEGAL_REQUEST);
		EXPECT_EQ(s.asc, 0x1a);
	}
}

TEST(Stpg, StatesThatCannotBeAskedFor)
{
	for (int st : {SCST_ALUA_OFFLINE, SCST_ALUA_TRANSITIONING, 4, 5}) {
		Bytes p = stpg_list({{SCST_ALUA_ACTIVE, 1}, {st, 2}});
		scst_stpg_desc d[4];
		unsigned n;
		scst_sense s{};
		EXPECT_EQ(scst_stpg_parse(p.data(), static_cast<u32>(p.size()), d, 4, &n, &s), -EINVAL);
		EXPECT_EQ(s.asc, 0x26);		// INVALID FIELD IN PARAMETER LIST
		EXPECT_FALSE(s.sks_cd);
		EXPECT_EQ(s.sks_field, 8);
		EXPECT_TRUE(s.sks_bpv);
		EXPECT_EQ(s.sks_bit, 3);
	}
}

TEST(Stpg, DuplicateGroupAndTooMany)
{
	scst_stpg_desc d[2];
	unsigned n;
	scst_sense s{};
	Bytes dup = stpg_list({{0, 7}, {2, 7}});
	EXPECT_EQ(scst_stpg_parse(dup.data(), static_cast<u32>(dup.size()), d, 2, &n, &s), -EINVAL);
	EXPECT_EQ(s.asc, 0x26);
	EXPECT_EQ(s.sks_field, 8 + 2);
	Bytes many = stpg_list({{0, 1}, {0, 2}, {0, 3}});
	EXPECT_EQ(scst_stpg_parse(many.data(), static_cast<u32>(many.size()), d, 2, &n, &s), -EINVAL);
	EXPECT_EQ(s.sks_field, 12 + 2);
}

}  // namespace
