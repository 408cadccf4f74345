// MODE SENSE and MODE SELECT.
#include <gtest/gtest.h>

#include <map>

#include "scst_test_util.h"

using namespace scst_test;

namespace {

Bytes ms6(int pc, int page, int sub = 0, bool dbd = false, int alloc = 255)
{
	return cdb({0x1a, dbd ? 0x08 : 0, (pc << 6) | page, sub, alloc, 0});
}

Bytes ms10(int pc, int page, int sub = 0, bool dbd = false, bool llbaa = false,
	   int alloc = 0x1000)
{
	return cdb({0x5a, (dbd ? 0x08 : 0) | (llbaa ? 0x10 : 0), (pc << 6) | page, sub, 0, 0, 0,
		    alloc >> 8, alloc & 0xff, 0});
}

// Split the mode pages after the header and block descriptors.
std::map<int, Bytes> pages_of(const u8 *b, u32 len, u32 start)
{
	std::map<int, Bytes> m;
	u32 off = start;
	while (off + 2 <= len) {
		u32 n = 2u + b[off + 1];
		EXPECT_LE(off + n, len);
		m[b[off] & 0x3f] = Bytes(b + off, b + off + n);
		off += n;
	}
	EXPECT_EQ(off, len);
	return m;
}

} // namespace

TEST(ModeSense, AllPages6)
{
	Emul em;
	ASSERT_EQ(em.run(ms6(0, 0x3f)), SCST_EMUL_DONE);
	const u8 *b = em.data();
	ASSERT_EQ(em.len(), u32(b[0]) + 1);
	EXPECT_EQ(b[2] & 0x80, 0) << "not write protected";
	EXPECT_EQ(b[2] & 0x10, 0x10) << "DPOFUA";
	ASSERT_EQ(b[3], 8);
	EXPECT_EQ(be32(b + 4), 2097152u);
	EXPECT_EQ(be24(b + 9), 512u);
	auto pages = pages_of(b, em.len(), 12);
	ASSERT_EQ(pages.size(), 3u);
	ASSERT_EQ(pages[0x08].size(), 20u);
	EXPECT_EQ(pages[0x08][0], 0x88) << "PS set: saved values exist";
	EXPECT_EQ(pages[0x08][2] & 0x04, 0x04) << "WCE default on";
	ASSERT_EQ(pages[0x0a].size(), 12u);
	EXPECT_EQ(pages[0x0a][5] & 0x40, 0x40) << "TAS";
	ASSERT_EQ(pages[0x1c].size(), 12u);
	EXPECT_EQ(pages[0x1c][2] & 0x08, 0x08) << "DEXCPT";
	EXPECT_EQ(em.len(), 4u + 8 + 20 + 12 + 12);
}

TEST(ModeSense, AllPages10LongLba)
{
	Emul em;
	em.lu.nblocks = 0x123456789ull;
	ASSERT_EQ(em.run(ms10(0, 0x3f, 0xff, false, true)), SCST_EMUL_DONE);
	const u8 *b = em.data();
	ASSERT_EQ(em.len(), be16(b) + 2u);
	EXPECT_EQ(b[4] & 1, 1) << "LONGLBA";
	ASSERT_EQ(be16(b + 6), 16);
	EXPECT_EQ(be64(b + 8), 0x123456789ull);
	EXPECT_EQ(be32(b + 20), 512u);
	EXPECT_EQ(pages_of(b, em.len(), 24).size(), 3u);

	ASSERT_EQ(em.run(ms10(0, 0x3f)), SCST_EMUL_DONE);
	ASSERT_EQ(be16(em.data() + 6), 8);
	EXPECT_EQ(be32(em.data() + 8), 0xffffffffu) << "too many blocks for 32 bits";
	EXPECT_EQ(em.data()[4], 0);

	ASSERT_EQ(em.run(ms10(0, 0x3f, 0, true)), SCST_EMUL_DONE);
	EXPECT_EQ(be16(em.data() + 6), 0) << "DBD";
	EXPECT_EQ(pages_of(em.data(), em.len(), 8).size(), 3u);
}

TEST(ModeSense, EachPageAndPageControl)
{
	Emul em;
	em.cur.wce = false;
	em.cur.d_sense = true;
	em.saved.wce = true;
	em.saved.mrie = 4;
	for (int page : {0x08, 0x0a, 0x1c}) {
		for (int pc = 0; pc < 4; pc++) {
			SCOPED_TRACE(testing::Message() << "page " << page << " pc " << pc);
			ASSERT_EQ(em.run(ms6(pc, page, 0, true)), SCST_EMUL_DONE);
			auto pages = pages_of(em.data(), em.len(), 4);
			ASSERT_EQ(pages.size(), 1u);
			const Bytes &p = pages[page];
			ASSERT_FALSE(p.empty());
			if (page == 0x08) {
				bool wce = p[2] & 0x04;
				EXPECT_EQ(wce, pc == 0 ? false : true);
			}
			if (page == 0x0a) {
				bool ds = p[2] & 0x04;
				EXPECT_EQ(ds, pc == 0 || pc == 1);
				if (pc == 1) {
					EXPECT_EQ(p[3], 0x06) << "QERR changeable";
					EXPECT_EQ(p[4], 0x08) << "SWP changeable";
					EXPECT_EQ(p[5], 0x40) << "TAS changeable";
				}
			}
			if (page == 0x1c) {
				int mrie = p[3] & 0x0f;
				EXPECT_EQ(mrie, pc == 1 ? 0x0f : pc == 3 ? 4 : 0);
			}
		}
	}
}

TEST(ModeSense, ChangeableWceFollowsLu)
{
	Emul em;
	em.lu.wce_changeable = false;
	ASSERT_EQ(em.run(ms6(1, 0x08, 0, true)), SCST_EMUL_DONE);
	EXPECT_EQ(em.data()[4 + 2] & 0x04, 0);
}

TEST(ModeSense, WriteProtect)
{
	Emul em;
	em.lu.read_only = true;
	ASSERT_EQ(em.run(ms6(0, 0x08)), SCST_EMUL_DONE);
	EXPECT_EQ(em.data()[2] & 0x80, 0x80);
	em.lu.read_only = false;
	em.cur.swp = true;
	ASSERT_EQ(em.run(ms10(0, 0x08)), SCST_EMUL_DONE);
	EXPECT_EQ(em.data()[3] & 0x80, 0x80);
}

TEST(ModeSense, SavedWithoutSavingSupport)
{
	Emul em;
	em.with_saved = false;
	ASSERT_EQ(em.run(ms6(3, 0x3f)), SCST_EMUL_CHECK);
	EXPECT_SENSE(em.e.sense, SCST_SK_ILLEGAL_REQUEST, SCST_ASC_SAVING_PARAMS_NOT_SUPPORTED,
		     0);
	ASSERT_EQ(em.run(ms6(0, 0x08)), SCST_EMUL_DONE);
	EXPECT_EQ(em.data()[12] & 0x80, 0) << "no PS bit";
}

TEST(ModeSense, BadPageAndSubpage)
{
	Emul em;
	ASSERT_EQ(em.run(ms6(0, 0x01)), SCST_EMUL_CHECK);
	EXPECT_SENSE_FIELD(em.e.sense, SCST_ASC_INVALID_FIELD_IN_CDB, 0, true, 2, 5);
	ASSERT_EQ(em.run(ms10(0, 0x08, 0x01)), SCST_EMUL_CHECK);
	EXPECT_SENSE_FIELD(em.e.sense, SCST_ASC_INVALID_FIELD_IN_CDB, 0, true, 3, -1);
	ASSERT_EQ(em.run(ms10(0, 0x08, 0xff)), SCST_EMUL_DONE) << "page + all its subpages";
	ASSERT_EQ(em.run(ms6(0, 0x3f, 0, false, 10)), SCST_EMUL_DONE);
	EXPECT_EQ(em.len(), 10u) << "allocation length";
	EXPECT_EQ(em.data()[0], 4 + 8 + 20 + 12 + 12 - 1) << "full length";
}

namespace {

// MODE SENSE(6) current caching page, turned into a MODE SELECT(6) list.
Bytes select6_list_from_sense(Emul &em, int page, bool with_bd)
{
	EXPECT_EQ(em.run(ms6(0, page, 0, !with_bd)), SCST_EMUL_DONE);
	Bytes l(em.data(), em.data() + em.len());
	l[0] = 0;	// mode data length is reserved in MODE SELECT
	return l;
}

Bytes msel6(int len, bool sp = false, bool pf = true)
{
	return cdb({0x15, (pf ? 0x10 : 0) | (sp ? 1 : 0), 0, 0, len, 0});
}

Bytes msel10(int len, bool sp = false)
{
	return cdb({0x55, 0x10 | (sp ? 1 : 0), 0, 0, 0, 0, 0, len >> 8, len & 0xff, 0});
}

} // namespace

TEST(ModeSelect, ChangeWce)
{
	Emul em;
	ASSERT_TRUE(em.cur.wce);
	Bytes l = select6_list_from_sense(em, 0x08, true);
	ASSERT_EQ(l.size(), 4u + 8 + 20);
	l[12 + 2] &= ~0x04;	// clear WCE
	em.param = l;
	ASSERT_EQ(em.run(msel6(int(l.size()))), SCST_EMUL_DONE);
	EXPECT_FALSE(em.cur.wce);
	EXPECT_TRUE(em.saved.wce) << "SP=0 does not save";
	EXPECT_TRUE(em.e.mode_changed);
	// same again: no change
	ASSERT_EQ(em.run(msel6(int(l.size()))), SCST_EMUL_DONE);
	EXPECT_FALSE(em.e.mode_changed);
	// save it
	ASSERT_EQ(em.run(msel6(int(l.size()), true)), SCST_EMUL_DONE);
	EXPECT_FALSE(em.saved.wce);
	// MODE SENSE reflects it
	ASSERT_EQ(em.run(ms6(0, 0x08, 0, true)), SCST_EMUL_DONE);
	EXPECT_EQ(em.data()[4 + 2] & 0x04, 0);
}

TEST(ModeSelect, Select10ControlAndIec)
{
	Emul em;
	Bytes l(8 + 12 + 12, 0);
	l[8] = 0x0a;
	l[9] = 0x0a;
	l[10] = 0x04;		// D_SENSE
	l[11] = 0x02;		// QERR 01b
	l[13] = 0x40;		// TAS
	l[20] = 0x1c;
	l[21] = 0x0a;
	l[23] = 0x03;		// MRIE 3, DEXCPT 0
	em.param = l;
	ASSERT_EQ(em.run(msel10(int(l.size()))), SCST_EMUL_DONE);
	EXPECT_TRUE(em.cur.d_sense);
	EXPECT_EQ(em.cur.qerr, 1);
	EXPECT_TRUE(em.cur.tas);
	EXPECT_FALSE(em.cur.dexcpt);
	EXPECT_EQ(em.cur.mrie, 3);
	EXPECT_TRUE(em.cur.wce) << "pages not sent are unchanged";
	EXPECT_TRUE(em.e.mode_changed);
}

TEST(ModeSelect, RejectsNonChangeableBit)
{
	Emul em;
	Bytes l = select6_list_from_sense(em, 0x08, false);
	ASSERT_EQ(l.size(), 4u + 20);
	l[4 + 2] |= 0x80;	// IC is not changeable
	em.param = l;
	ASSERT_EQ(em.run(msel6(int(l.size()))), SCST_EMUL_CHECK);
	EXPECT_SENSE_FIELD(em.e.sense, SCST_ASC_INVALID_FIELD_IN_PARAM_LIST, 0, false, 6, 7);
	EXPECT_TRUE(em.cur.wce);

	// WCE is not changeable on this LU
	em.lu.wce_changeable = false;
	l = select6_list_from_sense(em, 0x08, false);
	l[4 + 2] ^= 0x04;
	em.param = l;
	ASSERT_EQ(em.run(msel6(int(l.size()))), SCST_EMUL_CHECK);
	EXPECT_SENSE_FIELD(em.e.sense, SCST_ASC_INVALID_FIELD_IN_PARAM_LIST, 0, false, 6, 2);
	EXPECT_FALSE(em.e.mode_changed);
}

TEST(ModeSelect, RejectsReservedValues)
{
	Emul em;
	Bytes l = select6_list_from_sense(em, 0x0a, false);
	l[4 + 3] = 0x04;	// QERR 10b
	em.param = l;
	ASSERT_EQ(em.run(msel6(int(l.size()))), SCST_EMUL_CHECK);
	EXPECT_SENSE_FIELD(em.e.sense, SCST_ASC_INVALID_FIELD_IN_PARAM_LIST, 0, false, 7, 2);
	l = select6_list_from_sense(em, 0x1c, false);
	l[4 + 3] = 0x07;	// MRIE 7
	em.param = l;
	ASSERT_EQ(em.run(msel6(int(l.size()))), SCST_EMUL_CHECK);
	EXPECT_SENSE_FIELD(em.e.sense, SCST_ASC_INVALID_FIELD_IN_PARAM_LIST, 0, false, 7, 3);
}

TEST(ModeSelect, ShortListIsLengthError)
{
	Emul em;
	Bytes l = select6_list_from_sense(em, 0x08, true);
	l[12 + 2] &= ~0x04;
	for (size_t n : {size_t(2), size_t(10), size_t(13), l.size() - 1}) {
		SCOPED_TRACE(n);
		em.param.assign(l.begin(), l.begin() + long(n));
		ASSERT_EQ(em.run(msel6(int(n))), SCST_EMUL_CHECK);
		EXPECT_SENSE(em.e.sense, SCST_SK_ILLEGAL_REQUEST,
			     SCST_ASC_PARAMETER_LIST_LENGTH_ERROR, 0);
		EXPECT_TRUE(em.cur.wce) << "nothing applied";
	}
	// the CDB says more than the initiator sent
	em.param = l;
	em.param.resize(l.size() - 4);
	ASSERT_EQ(em.run(msel6(int(l.size()))), SCST_EMUL_CHECK);
	EXPECT_EQ(em.e.sense.asc, SCST_ASC_PARAMETER_LIST_LENGTH_ERROR);
}

TEST(ModeSelect, BlockDescriptorAndPageErrors)
{
	Emul em;
	Bytes l = select6_list_from_sense(em, 0x08, true);
	Bytes bad = l;
	bad[4 + 6] = 0x10;	// block length 4096 on a 512-byte LU
	em.param = bad;
	ASSERT_EQ(em.run(msel6(int(bad.size()))), SCST_EMUL_CHECK);
	EXPECT_SENSE_FIELD(em.e.sense, SCST_ASC_INVALID_FIELD_IN_PARAM_LIST, 0, false, 9, -1);
	bad = l;
	bad[3] = 4;		// bad block descriptor length
	em.param = bad;
	ASSERT_EQ(em.run(msel6(int(bad.size()))), SCST_EMUL_CHECK);
	EXPECT_SENSE_FIELD(em.e.sense, SCST_ASC_INVALID_FIELD_IN_PARAM_LIST, 0, false, 3, -1);
	bad = l;
	bad[12] = 0x01;		// unknown page
	em.param = bad;
	ASSERT_EQ(em.run(msel6(int(bad.size()))), SCST_EMUL_CHECK);
	EXPECT_SENSE_FIELD(em.e.sense, SCST_ASC_INVALID_FIELD_IN_PARAM_LIST, 0, false, 12, 5);
	bad = l;
	bad[12] |= 0x40;	// SPF
	em.param = bad;
	ASSERT_EQ(em.run(msel6(int(bad.size()))), SCST_EMUL_CHECK);
	EXPECT_SENSE_FIELD(em.e.sense, SCST_ASC_INVALID_FIELD_IN_PARAM_LIST, 0, false, 12, 6);
	bad = l;
	bad[13] = 0x10;		// wrong page length
	bad.resize(bad.size() - 2);
	em.param = bad;
	ASSERT_EQ(em.run(msel6(int(bad.size()))), SCST_EMUL_CHECK);
	EXPECT_SENSE_FIELD(em.e.sense, SCST_ASC_INVALID_FIELD_IN_PARAM_LIST, 0, false, 13, -1);
}

TEST(ModeSelect, CdbChecks)
{
	Emul em;
	Bytes l = select6_list_from_sense(em, 0x08, true);
	em.param = l;
	ASSERT_EQ(em.run(msel6(int(l.size()), false, false)), SCST_EMUL_CHECK);
	EXPECT_SENSE_FIELD(em.e.sense, SCST_ASC_INVALID_FIELD_IN_CDB, 0, true, 1, 4);
	em.with_saved = false;
	ASSERT_EQ(em.run(msel6(int(l.size()), true)), SCST_EMUL_CHECK);
	EXPECT_SENSE(em.e.sense, SCST_SK_ILLEGAL_REQUEST, SCST_ASC_SAVING_PARAMS_NOT_SUPPORTED, 0);
	em.param.clear();
	ASSERT_EQ(em.run(msel6(0)), SCST_EMUL_DONE) << "empty list: nothing to do";
	EXPECT_FALSE(em.e.mode_changed);
}

// The text form of the saved mode parameters (devices/<dev>/mode_saved).
TEST(ModeText, FormatThenParseGivesTheSameValues)
{
	scst_lu_desc lu = make_lu();
	lu.wce_changeable = true;
	scst_mode_params mp;
	scst_mode_params_default(&lu, &mp);
	mp.d_sense = true;
	mp.qerr = 3;
	mp.mrie = 6;
	char text[SCST_MODE_PARAMS_TEXT_MAX];
	int n = scst_mode_params_format(&mp, text, sizeof(text));
	ASSERT_GT(n, 0);
	EXPECT_EQ(std::string(text, n),
		  std::string("wce=") + (mp.wce ? "1" : "0") +
			  " rcd=0 d_sense=1 swp=0 tas=1 qerr=3 dexcpt=1 mrie=6");
	scst_mode_params back;
	scst_mode_params_default(&lu, &back);
	ASSERT_EQ(scst_mode_params_parse(&lu, text, n, &back), 0);
	EXPECT_TRUE(scst_mode_params_equal(&back, &mp));
	EXPECT_EQ(scst_mode_params_format(&mp, text, 20), -ENOSPC);
}

TEST(ModeText, ParseTakesASubsetDefaultAndANewline)
{
	scst_lu_desc lu = make_lu();
	scst_mode_params mp, def;
	scst_mode_params_default(&lu, &def);
	mp = def;
	const std::string t = "  d_sense=1\tswp=1\n";
	ASSERT_EQ(scst_mode_params_parse(&lu, t.data(), t.size(), &mp), 0);
	EXPECT_TRUE(mp.d_sense);
	EXPECT_TRUE(mp.swp);
	EXPECT_EQ(mp.tas, def.tas);
	const std::string d = "default qerr=1";
	ASSERT_EQ(scst_mode_params_parse(&lu, d.data(), d.size(), &mp), 0);
	EXPECT_FALSE(mp.d_sense);
	EXPECT_EQ(mp.qerr, 1);
}

TEST(ModeText, ParseRejectsBadInputAndKeepsTheValues)
{
	scst_lu_desc lu = make_lu();
	lu.wce_changeable = false;
	scst_mode_params mp, before;
	scst_mode_params_default(&lu, &mp);
	before = mp;
	const std::string wce = std::string("wce=") + (mp.wce ? "0" : "1");
	for (const std::string &bad :
	     {std::string("qerr=2"), std::string("mrie=7"), std::string("tas=2"),
	      std::string("foo=1"), std::string("tas"), std::string("tas="), std::string("tas=x"),
	      std::string("d_sense=1 tas=11"), std::string("mrie=100000000000"), wce}) {
		EXPECT_EQ(scst_mode_params_parse(&lu, bad.data(), bad.size(), &mp), -EINVAL) << bad;
		EXPECT_TRUE(scst_mode_params_equal(&mp, &before)) << bad;
	}
	// An unchanged WCE is fine even when it cannot change.
	const std::string same = std::string("wce=") + (mp.wce ? "1" : "0");
	EXPECT_EQ(scst_mode_params_parse(&lu, same.data(), same.size(), &mp), 0);
}
