// The logical block dependent access state: user data segment maps,
// the medium access rule, REPORT REFERRALS, the Referrals VPD page and
// R_SUPP (kernel/core/scst_lba_map.c, scst_tpg.c, scst_spc.c).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "scst_test_util.h"

extern "C" {
#include "scst_lba_map.h"
#include "scst_tpg.h"
}

using namespace scst_test;

namespace {

struct Map {
	std::vector<scst_lba_seg> segs = std::vector<scst_lba_seg>(SCST_LBA_MAP_MAX_SEGS);
	unsigned int n = 0;
	unsigned int pos = 0;

	int parse(const std::string &text, unsigned int max = SCST_LBA_MAP_MAX_SEGS)
	{
		return scst_lba_map_parse(text.c_str(), segs.data(), max, &n, &pos);
	}
	std::string format() const
	{
		char buf[4096];
		unsigned int len = scst_lba_map_format(segs.data(), n, buf, sizeof(buf));
		EXPECT_EQ(len, strlen(buf));
		return buf;
	}
	u8 state(u16 gid, u64 lba, u64 nblocks) const
	{
		return scst_lba_map_state(segs.data(), n, gid, lba, nblocks);
	}
};

const char *kMap = "0-1023:1=active,2=standby 1024-2047:1=standby,2=active "
		   "4096-8191:1=unavailable,2=nonoptimized";

// NOT READY ASCQ for a refused command, 0 for an admitted one.
int check(const Map &m, u16 gid, const Bytes &c)
{
	scst_cdb_info ci{};
	scst_sense s{};
	EXPECT_EQ(scst_cdb_decode(c.data(), unsigned(c.size()), 512, &ci, &s), 0);
	if (scst_lba_map_check(m.segs.data(), m.n, gid, &ci, c.data(), unsigned(c.size()), &s) == 0)
		return 0;
	EXPECT_EQ(s.key, SCST_SK_NOT_READY);
	EXPECT_EQ(s.asc, 0x04);
	return s.ascq;
}

Bytes read16(u64 lba, u32 n)
{
	Bytes c = cdb({0x88, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
	put64(c.data() + 2, lba);
	put32(c.data() + 10, n);
	return c;
}

Bytes write10(u32 lba, u16 n)
{
	Bytes c = cdb({0x2a, 0, 0, 0, 0, 0, 0, 0, 0, 0});
	put32(c.data() + 2, lba);
	put16(c.data() + 7, n);
	return c;
}

}  // namespace

TEST(LbaMap, ParseAndFormat)
{
	Map m;
	ASSERT_EQ(m.parse(kMap), 0);
	ASSERT_EQ(m.n, 3u);
	EXPECT_EQ(m.segs[0].first, 0u);
	EXPECT_EQ(m.segs[0].last, 1023u);
	ASSERT_EQ(m.segs[0].ntpgs, 2u);
	EXPECT_EQ(m.segs[0].tpgs[1].group_id, 2);
	EXPECT_EQ(m.segs[0].tpgs[1].state, SCST_ALUA_STANDBY);
	EXPECT_EQ(m.segs[2].tpgs[0].state, SCST_ALUA_UNAVAILABLE);
	EXPECT_EQ(m.segs[2].tpgs[1].state, SCST_ALUA_NONOPTIMIZED);
	EXPECT_EQ(m.format(), kMap) << "canonical text round trip";

	// separators: blanks, tabs, newlines, ';'; surrounding blanks
	ASSERT_EQ(m.parse("  0-9:1=active;\n10-19:1=standby\t"), 0);
	EXPECT_EQ(m.n, 2u);
	EXPECT_EQ(m.format(), "0-9:1=active 10-19:1=standby");

	for (const char *none : {"", "none", "  none", "none\n"}) {
		ASSERT_EQ(m.parse(none), 0) << none;
		EXPECT_EQ(m.n, 0u);
		EXPECT_EQ(m.format(), "none");
	}
	ASSERT_EQ(m.parse("18446744073709551614-18446744073709551615:65535=active"), 0);
	EXPECT_EQ(m.segs[0].last, ~0ULL);
	EXPECT_EQ(m.format(), "18446744073709551614-18446744073709551615:65535=active");
}

TEST(LbaMap, ParseErrors)
{
	Map m;
	struct {
		const char *text;
		int err;
		unsigned int pos;
	} bad[] = {
		{"0-9", -EINVAL, 0},
		{"0-9:", -EINVAL, 0},
		{"9-0:1=active", -EINVAL, 0},		// last < first
		{"0-9:0=active", -EINVAL, 0},		// group 0
		{"0-9:65536=active", -EINVAL, 0},
		{"0-9:1=offline", -EINVAL, 0},		// no segment state
		{"0-9:1=transitioning", -EINVAL, 0},
		{"0-9:1=lba_dependent", -EINVAL, 0},
		{"0-9:1=activex", -EINVAL, 0},
		{"0-9:1=active,", -EINVAL, 0},
		{"0-9:1=active,1=standby", -EINVAL, 0},	// group twice
		{"0-9:1=active 5-19:1=active", -EINVAL, 13},	// overlap
		{"10-19:1=active 0-9:1=active", -EINVAL, 15},	// descending
		{"0-9:1=active x", -EINVAL, 13},
		{"-1-9:1=active", -EINVAL, 0},
		{"0-18446744073709551616:1=active", -EINVAL, 0},
		{"0x10-0x20:1=active", -EINVAL, 0},
		{"none 0-9:1=active", -EINVAL, 0},
	};
	for (const auto &b : bad) {
		EXPECT_EQ(m.parse(b.text), b.err) << b.text;
		EXPECT_EQ(m.pos, b.pos) << b.text;
		EXPECT_EQ(m.n, 0u) << b.text;
	}
	EXPECT_EQ(m.parse("0-9:1=active 10-19:1=active", 1), -ENOSPC);
	EXPECT_EQ(m.pos, 13u);
	std::string many = "0-9:";
	for (int g = 1; g <= SCST_LBA_MAP_MAX_TPGS + 1; g++)
		many += (g > 1 ? "," : "") + std::to_string(g) + "=active";
	EXPECT_EQ(m.parse(many), -ENOSPC);
}

TEST(LbaMap, FormatCut)
{
	Map m;
	ASSERT_EQ(m.parse(kMap), 0);
	char buf[8];
	memset(buf, 'x', sizeof(buf));
	EXPECT_EQ(scst_lba_map_format(m.segs.data(), m.n, buf, sizeof(buf)), strlen(kMap));
	EXPECT_STREQ(buf, "0-1023:");
	EXPECT_EQ(scst_lba_map_format(m.segs.data(), m.n, nullptr, 0), strlen(kMap));
}

TEST(LbaMap, StateOfARange)
{
	Map m;
	ASSERT_EQ(m.parse(kMap), 0);
	EXPECT_EQ(m.state(1, 0, 1), SCST_ALUA_ACTIVE);
	EXPECT_EQ(m.state(2, 0, 1), SCST_ALUA_STANDBY);
	EXPECT_EQ(m.state(1, 1023, 1), SCST_ALUA_ACTIVE);
	EXPECT_EQ(m.state(1, 1024, 1), SCST_ALUA_STANDBY);
	EXPECT_EQ(m.state(1, 1023, 2), SCST_ALUA_STANDBY) << "spans two segments: the worse";
	EXPECT_EQ(m.state(2, 1020, 8), SCST_ALUA_STANDBY);
	EXPECT_EQ(m.state(2, 1024, 1024), SCST_ALUA_ACTIVE);
	EXPECT_EQ(m.state(2, 4096, 1), SCST_ALUA_NONOPTIMIZED);
	EXPECT_EQ(m.state(1, 0, 8192), SCST_ALUA_UNAVAILABLE) << "unavailable is worst";
	EXPECT_EQ(m.state(1, 2048, 2048), SCST_ALUA_ACTIVE) << "in no segment";
	EXPECT_EQ(m.state(1, 2048, 2049), SCST_ALUA_UNAVAILABLE);
	EXPECT_EQ(m.state(3, 0, 8192), SCST_ALUA_ACTIVE) << "a group no segment names";
	EXPECT_EQ(m.state(1, 1024, 0), SCST_ALUA_STANDBY) << "0 blocks count as one";
	EXPECT_EQ(m.state(1, 100000, ~0ULL), SCST_ALUA_ACTIVE) << "wraps: to the end";
	EXPECT_EQ(m.state(1, 5, ~0ULL), SCST_ALUA_UNAVAILABLE);
	Map empty;
	EXPECT_EQ(empty.state(1, 0, 100), SCST_ALUA_ACTIVE);
}

TEST(LbaMap, MediumAccessRule)
{
	Map m;
	ASSERT_EQ(m.parse(kMap), 0);
	EXPECT_EQ(check(m, 1, read16(0, 8)), 0);
	EXPECT_EQ(check(m, 2, read16(0, 8)), SCST_ASCQ_NOT_READY_ALUA_STANDBY);
	EXPECT_EQ(check(m, 1, read16(1024, 8)), SCST_ASCQ_NOT_READY_ALUA_STANDBY);
	EXPECT_EQ(check(m, 2, read16(1024, 8)), 0);
	EXPECT_EQ(check(m, 1, write10(4096, 1)), SCST_ASCQ_NOT_READY_ALUA_UNAVAILABLE);
	EXPECT_EQ(check(m, 2, write10(4096, 1)), 0) << "non-optimized admits";
	EXPECT_EQ(check(m, 1, write10(1020, 8)), SCST_ASCQ_NOT_READY_ALUA_STANDBY);
	EXPECT_EQ(check(m, 1, read16(3000, 8)), 0) << "no segment";
	// commands that do not access the medium at an LBA range
	EXPECT_EQ(check(m, 1, cdb({0x00, 0, 0, 0, 0, 0})), 0) << "TEST UNIT READY";
	EXPECT_EQ(check(m, 1, cdb({0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0})), 0) << "READ CAPACITY";
	EXPECT_EQ(check(m, 1, cdb({0x12, 0, 0, 0, 96, 0})), 0) << "INQUIRY";
	// SYNCHRONIZE CACHE(10) with 0 blocks reaches the end of the medium
	EXPECT_EQ(check(m, 2, cdb({0x35, 0, 0, 0, 0x04, 0, 0, 0, 0, 0})), 0);
	EXPECT_EQ(check(m, 1, cdb({0x35, 0, 0, 0, 0x04, 0, 0, 0, 0, 0})),
		  SCST_ASCQ_NOT_READY_ALUA_UNAVAILABLE);
	EXPECT_EQ(check(m, 1, cdb({0x35, 0, 0, 0, 0x20, 0, 0, 0, 0, 0})), 0) << "from 8192: no segment";
}

TEST(LbaMap, TpgStateAndChecks)
{
	EXPECT_STREQ(scst_alua_state_name(SCST_ALUA_LBA_DEPENDENT), "lba_dependent");
	u8 st = 0;
	ASSERT_EQ(scst_alua_state_parse("lba_dependent", &st), 0);
	EXPECT_EQ(st, SCST_ALUA_LBA_DEPENDENT);
	scst_sense s{};
	const Bytes rd = read16(0, 1);
	EXPECT_EQ(scst_alua_check(SCST_ALUA_LBA_DEPENDENT, rd.data(), unsigned(rd.size()), &s), 0)
		<< "the segments decide";
	// REPORT REFERRALS in every state, like REPORT TARGET PORT GROUPS
	const Bytes rr = cdb({0x9e, 0x13, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0});
	for (u8 state : {SCST_ALUA_STANDBY, SCST_ALUA_UNAVAILABLE, SCST_ALUA_OFFLINE,
			 SCST_ALUA_TRANSITIONING})
		EXPECT_EQ(scst_alua_check(state, rr.data(), unsigned(rr.size()), &s), 0) << int(state);
	EXPECT_NE(scst_alua_check(SCST_ALUA_STANDBY, rd.data(), unsigned(rd.size()), &s), 0);
	// RTPG: LBD_SUP, and the LBA dependent state code
	const u16 ports[] = {1};
	scst_tpg_info t{7, SCST_ALUA_LBA_DEPENDENT, SCST_TPG_STATUS_NONE, false, 1, ports};
	u8 buf[64] = {};
	ASSERT_EQ(scst_rtpg_build(false, 0, &t, 1, buf, sizeof(buf)), 16u);
	EXPECT_EQ(buf[4] & 0x0f, 0x4);
	EXPECT_EQ(buf[5], 0xdf) << "T_SUP O_SUP LBD_SUP U_SUP S_SUP AN_SUP AO_SUP";
	// STPG cannot ask for it (SPC-4: only states 0..3)
	const u8 param[] = {0, 0, 0, 0, 0x04, 0, 0, 7};
	scst_stpg_desc d[4];
	unsigned int n;
	EXPECT_NE(scst_stpg_parse(param, sizeof(param), d, 4, &n, &s), 0);
}

TEST(Referrals, Decode)
{
	Bytes c = cdb({0x9e, 0x13, 0, 0, 0, 0, 0, 0, 0x10, 0, 0, 0, 1, 0, 1, 0});
	scst_cdb_info ci{};
	scst_sense s{};
	ASSERT_EQ(scst_cdb_decode(c.data(), unsigned(c.size()), 512, &ci, &s), 0);
	ASSERT_NE(ci.op, nullptr);
	EXPECT_STREQ(scst_op_name(ci.op), "REPORT REFERRALS");
	EXPECT_EQ(ci.dir, SCST_DIR_IN);
	EXPECT_EQ(ci.data_len, 256u);
	EXPECT_EQ(ci.op->need, SCST_NEED_REFERRALS);
	scst_lu_desc lu = make_lu();
	lu.referrals = false;
	EXPECT_FALSE(scst_op_supported(ci.op, &lu));
	lu.referrals = true;
	EXPECT_TRUE(scst_op_supported(ci.op, &lu));
}

TEST(Referrals, Build)
{
	Map m;
	ASSERT_EQ(m.parse(kMap), 0);
	u8 buf[256];
	memset(buf, 0, sizeof(buf));
	// all from LBA 0: 3 descriptors of 20 + 2 * 4 bytes
	ASSERT_EQ(scst_referrals_build(m.segs.data(), m.n, 0, false, buf, sizeof(buf)), 4u + 3 * 28);
	EXPECT_EQ(be16(buf + 2), 3 * 28);
	const u8 *d = buf + 4;
	EXPECT_EQ(d[3], 2) << "target port group descriptors";
	EXPECT_EQ(be64(d + 4), 0u);
	EXPECT_EQ(be64(d + 12), 1023u);
	EXPECT_EQ(d[20] & 0x0f, SCST_ALUA_ACTIVE);
	EXPECT_EQ(be16(d + 22), 1);
	EXPECT_EQ(d[24] & 0x0f, SCST_ALUA_STANDBY);
	EXPECT_EQ(be16(d + 26), 2);
	d += 28;
	EXPECT_EQ(be64(d + 4), 1024u);
	EXPECT_EQ(be64(d + 12), 2047u);
	d += 28;
	EXPECT_EQ(be64(d + 4), 4096u);
	EXPECT_EQ(d[20] & 0x0f, SCST_ALUA_UNAVAILABLE);
	EXPECT_EQ(d[24] & 0x0f, SCST_ALUA_NONOPTIMIZED);

	// from the segment that contains the LBA
	memset(buf, 0, sizeof(buf));
	ASSERT_EQ(scst_referrals_build(m.segs.data(), m.n, 1500, false, buf, sizeof(buf)), 4u + 2 * 28);
	EXPECT_EQ(be64(buf + 8), 1024u);
	// ONE_SEG
	memset(buf, 0, sizeof(buf));
	ASSERT_EQ(scst_referrals_build(m.segs.data(), m.n, 1500, true, buf, sizeof(buf)), 4u + 28);
	EXPECT_EQ(be64(buf + 8), 1024u);
	// an LBA in no segment: from the next one; ONE_SEG: none
	ASSERT_EQ(scst_referrals_build(m.segs.data(), m.n, 3000, false, buf, sizeof(buf)), 4u + 28);
	EXPECT_EQ(be64(buf + 8), 4096u);
	ASSERT_EQ(scst_referrals_build(m.segs.data(), m.n, 3000, true, buf, sizeof(buf)), 4u);
	EXPECT_EQ(be16(buf + 2), 0);
	ASSERT_EQ(scst_referrals_build(m.segs.data(), m.n, 9000, false, buf, sizeof(buf)), 4u);
	// cut by the allocation length: the length still says all
	u8 small[10];
	memset(small, 0xee, sizeof(small));
	ASSERT_EQ(scst_referrals_build(m.segs.data(), m.n, 0, false, small, 8), 4u + 3 * 28);
	EXPECT_EQ(be16(small + 2), 3 * 28);
	EXPECT_EQ(small[8], 0xee) << "nothing written past the buffer";
	// no map at all
	ASSERT_EQ(scst_referrals_build(nullptr, 0, 0, false, buf, sizeof(buf)), 4u);
}

TEST(Referrals, VpdAndExtendedInquiry)
{
	Emul em;
	em.lu.referrals = false;
	ASSERT_EQ(em.run(cdb({0x12, 1, 0x86, 0, 255, 0})), SCST_EMUL_DONE);
	EXPECT_EQ(em.data()[8] & 0x10, 0) << "no R_SUPP without a map";
	ASSERT_EQ(em.run(cdb({0x12, 1, 0xb3, 0, 255, 0})), SCST_EMUL_CHECK) << "no 0xB3 page";
	em.lu.referrals = true;
	ASSERT_EQ(em.run(cdb({0x12, 1, 0x86, 0, 255, 0})), SCST_EMUL_DONE);
	EXPECT_EQ(em.data()[8] & 0x10, 0x10) << "R_SUPP";
	ASSERT_EQ(em.run(cdb({0x12, 1, 0xb3, 0, 255, 0})), SCST_EMUL_DONE);
	EXPECT_EQ(em.data()[1], 0xb3);
	EXPECT_EQ(be16(em.data() + 2), 12);
	EXPECT_EQ(em.len(), 16u);
	EXPECT_EQ(be32(em.data() + 8), 0u) << "USER DATA SEGMENT SIZE: variable";
	EXPECT_EQ(be32(em.data() + 12), 0u) << "MULTIPLIER";
	ASSERT_EQ(em.run(cdb({0x12, 1, 0x00, 0, 255, 0})), SCST_EMUL_DONE);
	const u8 *b = em.data();
	Bytes pages(b + 4, b + 4 + be16(b + 2));
	EXPECT_EQ(pages.back(), 0xb3);
}
