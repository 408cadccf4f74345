// EXTENDED COPY(LID1) parameter lists (scst_xcopy_parse()), segment checks
// against the copy targets (scst_xcopy_check_seg()), the RECEIVE COPY
// RESULTS responses, the Third-party Copy VPD page and the COPY ABORTED
// sense data (command-specific information, segment pointer).
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>

#include "scst_test_util.h"

extern "C" {
#include "scst_xcopy.h"
}

using namespace scst_test;

namespace {

const u8 kNaa[8] = { 0x31, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88 };

// An identification CSCD descriptor for a disk with an 8-byte NAA designator.
Bytes cscd(u8 type = 0xe4, u8 pdt = 0, u8 desig_len = 8, u32 block_len = 512)
{
	Bytes d(32, 0);
	d[0] = type;
	d[1] = pdt;
	d[4] = SCST_CODESET_BINARY;
	d[5] = SCST_DESIG_NAA;
	d[7] = desig_len;
	memcpy(d.data() + 8, kNaa, sizeof(kNaa));
	d[29] = u8(block_len >> 16);
	d[30] = u8(block_len >> 8);
	d[31] = u8(block_len);
	return d;
}

Bytes seg(u16 src, u16 dst, u16 nblocks, u64 src_lba, u64 dst_lba,
	  bool dc = false, u8 type = 0x02, u16 dlen = 0x18)
{
	Bytes d(28, 0);
	d[0] = type;
	d[1] = dc ? 0x02 : 0;
	put16(d.data() + 2, dlen);
	put16(d.data() + 4, src);
	put16(d.data() + 6, dst);
	put16(d.data() + 10, nblocks);
	put64(d.data() + 12, src_lba);
	put64(d.data() + 20, dst_lba);
	return d;
}

Bytes list(u8 list_id, u8 usage, const std::vector<Bytes> &cscds,
	   const std::vector<Bytes> &segs, u32 inline_len = 0)
{
	Bytes p(16, 0);
	size_t cl = 0, sl = 0;
	for (auto &c : cscds)
		cl += c.size();
	for (auto &s : segs)
		sl += s.size();
	p[0] = list_id;
	p[1] = u8(usage << 3);
	put16(p.data() + 2, u16(cl));
	put32(p.data() + 8, u32(sl));
	put32(p.data() + 12, inline_len);
	for (auto &c : cscds)
		p.insert(p.end(), c.begin(), c.end());
	for (auto &s : segs)
		p.insert(p.end(), s.begin(), s.end());
	return p;
}

struct Parsed {
	int res;
	scst_sense sense{};
	std::unique_ptr<scst_xcopy_list> l{new scst_xcopy_list()};
};

Parsed parse(const Bytes &p, size_t len = SIZE_MAX)
{
	Parsed r;
	r.res = scst_xcopy_parse(p.data(), u32(len < p.size() ? len : p.size()),
				 r.l.get(), &r.sense);
	return r;
}

void expect_sense(const scst_sense &s, u8 key, u8 asc, u8 ascq)
{
	EXPECT_EQ(s.key, key);
	EXPECT_EQ(s.asc, asc);
	EXPECT_EQ(s.ascq, ascq);
}

} // namespace

TEST(XcopyParse, OneCscdOneSegment)
{
	auto r = parse(list(7, SCST_XCOPY_LID_HOLD, {cscd()}, {seg(0, 0, 2048, 0, 4096)}));
	ASSERT_EQ(r.res, 0);
	EXPECT_EQ(r.l->list_id, 7);
	EXPECT_EQ(r.l->lid_usage, SCST_XCOPY_LID_HOLD);
	ASSERT_EQ(r.l->ncscd, 1u);
	ASSERT_EQ(r.l->nseg, 1u);
	const auto &c = r.l->cscd[0];
	EXPECT_EQ(c.off, 16);
	EXPECT_EQ(c.desig_type, SCST_DESIG_NAA);
	EXPECT_EQ(c.assoc, SCST_ASSOC_LU);
	ASSERT_EQ(c.desig_len, 8);
	EXPECT_EQ(memcmp(c.desig, kNaa, 8), 0);
	EXPECT_EQ(c.block_len, 512u);
	const auto &g = r.l->seg[0];
	EXPECT_EQ(g.off, 48);
	EXPECT_EQ(g.nblocks, 2048);
	EXPECT_EQ(g.dst_lba, 4096u);
	EXPECT_FALSE(g.dc);
}

TEST(XcopyParse, EmptyListsCopyNothing)
{
	Bytes none;
	auto r = parse(none);
	EXPECT_EQ(r.res, 0);
	EXPECT_EQ(r.l->nseg, 0u);
	r = parse(list(1, 0, {}, {}));
	EXPECT_EQ(r.res, 0);
	EXPECT_EQ(r.l->nseg, 0u);
	r = parse(list(1, 0, {cscd()}, {}));
	EXPECT_EQ(r.res, 0);
	EXPECT_EQ(r.l->nseg, 0u);
}

TEST(XcopyParse, LengthErrors)
{
	Bytes p = list(1, 0, {cscd()}, {seg(0, 0, 1, 0, 1)});
	for (size_t len : {size_t(1), size_t(15), size_t(16 + 31), p.size() - 1}) {
		auto r = parse(p, len);
		EXPECT_EQ(r.res, -EINVAL) << len;
		expect_sense(r.sense, SCST_SK_ILLEGAL_REQUEST, 0x1a, 0x00);
		EXPECT_TRUE(r.sense.sks_cd) << "points at the PARAMETER LIST LENGTH";
		EXPECT_EQ(r.sense.sks_field, 10);
	}
	// Descriptor lists longer than the maximum, before counting them.
	std::vector<Bytes> many(SCST_XCOPY_MAX_SEGS + 20, seg(0, 0, 1, 0, 1));
	auto r = parse(list(1, 0, {cscd()}, many));
	EXPECT_EQ(r.res, -EINVAL);
	expect_sense(r.sense, SCST_SK_ILLEGAL_REQUEST, 0x1a, 0x00);
	// Trailing bytes beyond the lists are ignored.
	p.resize(p.size() + 4, 0xee);
	EXPECT_EQ(parse(p).res, 0);
}

TEST(XcopyParse, TooMany)
{
	std::vector<Bytes> c(SCST_XCOPY_MAX_CSCD + 1, cscd());
	auto r = parse(list(1, 0, c, {seg(0, 0, 1, 0, 1)}));
	EXPECT_EQ(r.res, -EINVAL);
	expect_sense(r.sense, SCST_SK_ILLEGAL_REQUEST, 0x26, 0x06);
	std::vector<Bytes> s(SCST_XCOPY_MAX_SEGS + 1, seg(0, 0, 1, 0, 1));
	r = parse(list(1, 0, {cscd()}, s));
	EXPECT_EQ(r.res, -EINVAL);
	expect_sense(r.sense, SCST_SK_ILLEGAL_REQUEST, 0x26, 0x08);
	s.pop_back();
	c.pop_back();
	r = parse(list(1, 0, c, s));
	EXPECT_EQ(r.res, 0) << "the maxima themselves are fine";
	EXPECT_EQ(r.l->ncscd, unsigned(SCST_XCOPY_MAX_CSCD));
	EXPECT_EQ(r.l->nseg, unsigned(SCST_XCOPY_MAX_SEGS));
}

TEST(XcopyParse, UnsupportedDescriptors)
{
	auto r = parse(list(1, 0, {cscd(), cscd(0xe0)}, {seg(0, 0, 1, 0, 1)}));
	EXPECT_EQ(r.res, -EINVAL);
	expect_sense(r.sense, SCST_SK_ILLEGAL_REQUEST, 0x26, 0x07);
	EXPECT_TRUE(r.sense.sks_valid);
	EXPECT_EQ(r.sense.sks_field, 48) << "points at the second CSCD";
	// Stream to stream (03h), 20 bytes.
	Bytes s(20, 0);
	s[0] = 0x03;
	put16(s.data() + 2, 0x10);
	r = parse(list(1, 0, {cscd()}, {seg(0, 0, 1, 0, 1), s}));
	EXPECT_EQ(r.res, -EINVAL);
	expect_sense(r.sense, SCST_SK_ILLEGAL_REQUEST, 0x26, 0x09);
	EXPECT_EQ(r.sense.sks_field, 16 + 32 + 28);
}

TEST(XcopyParse, InvalidFields)
{
	struct {
		Bytes p;
		u16 field;
	} cases[] = {
		{list(1, 1, {cscd()}, {seg(0, 0, 1, 0, 1)}), 1},	// usage 01b
		{list(3, SCST_XCOPY_LID_NONE, {cscd()}, {seg(0, 0, 1, 0, 1)}), 0},
		{list(1, 0, {cscd(0xe4, 5)}, {seg(0, 0, 1, 0, 1)}), 17},	// a CD-ROM
		{list(1, 0, {cscd(0xe4, 0, 21)}, {seg(0, 0, 1, 0, 1)}), 23},
		{list(1, 0, {cscd()}, {seg(0, 0, 1, 0, 1, false, 2, 0x14)}), 50},
		{list(1, 0, {}, {seg(0, 0, 1, 0, 1)}), 2},		// no CSCD
	};
	for (auto &c : cases) {
		auto r = parse(c.p);
		EXPECT_EQ(r.res, -EINVAL);
		expect_sense(r.sense, SCST_SK_ILLEGAL_REQUEST, 0x26, 0x00);
		EXPECT_FALSE(r.sense.sks_cd);
		EXPECT_EQ(r.sense.sks_field, c.field);
	}
	Bytes odd = list(1, 0, {cscd()}, {seg(0, 0, 1, 0, 1)});
	put16(odd.data() + 2, 33);
	odd.insert(odd.begin() + 48, 0);
	auto r = parse(odd);
	EXPECT_EQ(r.res, -EINVAL);
	EXPECT_EQ(r.sense.sks_field, 2) << "CSCD list length not a multiple of 32";
	// LIST ID USAGE 11b with LIST ID 0 is fine, and reserved LU ID TYPE
	// and NUL bits are ignored (SPC-4).
	Bytes c = cscd();
	c[1] = 0xe0;
	EXPECT_EQ(parse(list(0, SCST_XCOPY_LID_NONE, {c}, {seg(0, 0, 1, 0, 1)})).res, 0);
}

TEST(XcopyParse, InlineData)
{
	Bytes p = list(1, 0, {cscd()}, {seg(0, 0, 1, 0, 1)}, 4);
	p.resize(p.size() + 4, 0);
	auto r = parse(p);
	EXPECT_EQ(r.res, -EINVAL);
	expect_sense(r.sense, SCST_SK_ILLEGAL_REQUEST, 0x26, 0x0b);
}

namespace {

struct Checked {
	int res;
	scst_sense sense{};
	scst_xcopy_extent ext{};
};

Checked check_seg(const Bytes &p, const std::vector<scst_xcopy_target> &t,
		  unsigned int i = 0)
{
	auto r = parse(p);
	EXPECT_EQ(r.res, 0);
	Checked c;
	c.res = scst_xcopy_check_seg(r.l.get(), i, t.data(), &c.ext, &c.sense);
	return c;
}

void expect_abort(const Checked &c, u8 asc, u8 ascq, u32 seg, u16 field)
{
	EXPECT_EQ(c.res, -EINVAL);
	expect_sense(c.sense, SCST_SK_COPY_ABORTED, asc, ascq);
	EXPECT_TRUE(c.sense.csi_valid);
	EXPECT_EQ(c.sense.csi, seg);
	EXPECT_TRUE(c.sense.sks_valid);
	EXPECT_TRUE(c.sense.sks_sd);
	EXPECT_EQ(c.sense.sks_field, field);
}

const scst_xcopy_target disk512{true, 512, 1000};
const scst_xcopy_target disk4k{true, 4096, 1000};
const scst_xcopy_target missing{};

} // namespace

TEST(XcopySegment, Extent)
{
	auto c = check_seg(list(1, 0, {cscd(), cscd()}, {seg(0, 1, 16, 100, 10)}),
			   {disk512, disk4k});
	ASSERT_EQ(c.res, 0);
	EXPECT_EQ(c.ext.src, 0);
	EXPECT_EQ(c.ext.dst, 1);
	EXPECT_EQ(c.ext.bytes, 8192u);
	EXPECT_EQ(c.ext.src_lba, 100u);
	EXPECT_EQ(c.ext.dst_lba, 10u);
	// DC: the blocks are the destination's.
	c = check_seg(list(1, 0, {cscd(), cscd()}, {seg(0, 1, 2, 0, 0, true)}),
		      {disk512, disk4k});
	ASSERT_EQ(c.res, 0);
	EXPECT_EQ(c.ext.bytes, 8192u);
	// Up to the last block exactly.
	EXPECT_EQ(check_seg(list(1, 0, {cscd()}, {seg(0, 0, 10, 990, 0)}), {disk512}).res, 0);
}

TEST(XcopySegment, Errors)
{
	auto p = list(1, 0, {cscd()}, {seg(0, 0, 1, 0, 1), seg(0, 1, 1, 0, 1)});
	expect_abort(check_seg(p, {disk512}, 1), 0, 0, 1, 6);
	p = list(1, 0, {cscd()}, {seg(3, 0, 1, 0, 1)});
	expect_abort(check_seg(p, {disk512}), 0, 0, 0, 4);
	p = list(1, 0, {cscd(), cscd()}, {seg(0, 1, 1, 0, 1)});
	expect_abort(check_seg(p, {missing, disk512}), 0x0d, 0x02, 0, 4);
	expect_abort(check_seg(p, {disk512, missing}), 0x0d, 0x02, 0, 6);
	// One 512-byte block is not a whole 4 KiB block.
	expect_abort(check_seg(p, {disk512, disk4k}), 0, 0, 0, 10);
	p = list(1, 0, {cscd()}, {seg(0, 0, 11, 990, 0)});
	expect_abort(check_seg(p, {disk512}), 0, 0, 0, 12);
	p = list(1, 0, {cscd()}, {seg(0, 0, 11, 0, 990)});
	expect_abort(check_seg(p, {disk512}), 0, 0, 0, 20);
	p = list(1, 0, {cscd()}, {seg(0, 0, 1, ~0ULL, 0)});
	expect_abort(check_seg(p, {disk512}), 0, 0, 0, 12);
}

TEST(XcopySense, CopyAbortedFormats)
{
	scst_sense s, back;
	u8 buf[SCST_SENSE_BUFFERSIZE];

	scst_xcopy_seg_sense(&s, SCST_SK_COPY_ABORTED, 0x0d, 0x02, 3, 6);
	unsigned int n = scst_sense_build(buf, sizeof(buf), false, &s);
	ASSERT_EQ(n, 18u);
	EXPECT_EQ(buf[2], SCST_SK_COPY_ABORTED);
	EXPECT_EQ(be32(buf + 8), 3u) << "COMMAND-SPECIFIC INFORMATION: segment";
	EXPECT_EQ(buf[15], 0xa0) << "SKSV, SD";
	EXPECT_EQ(be16(buf + 16), 6);
	ASSERT_EQ(scst_sense_parse(buf, n, &back), 0);
	EXPECT_TRUE(back.csi_valid);
	EXPECT_EQ(back.csi, 3u);
	EXPECT_TRUE(back.sks_sd);

	n = scst_sense_build(buf, sizeof(buf), true, &s);
	ASSERT_EQ(n, 8u + 12 + 8);
	EXPECT_EQ(buf[8], 0x01) << "command-specific information descriptor";
	EXPECT_EQ(be64(buf + 12), 3u);
	EXPECT_EQ(buf[20], 0x02);
	EXPECT_EQ(buf[24], 0xa0);
	ASSERT_EQ(scst_sense_parse(buf, n, &back), 0);
	EXPECT_EQ(back.csi, 3u);
	EXPECT_EQ(back.sks_field, 6);
}

TEST(Rcr, OperatingParameters)
{
	u8 b[64];
	ASSERT_EQ(scst_rcr_op_params(b, sizeof(b)), 46u);
	EXPECT_EQ(be32(b), 42u);
	EXPECT_EQ(b[4], 1) << "SNLID";
	EXPECT_EQ(be16(b + 8), SCST_XCOPY_MAX_CSCD);
	EXPECT_EQ(be16(b + 10), SCST_XCOPY_MAX_SEGS);
	EXPECT_EQ(be32(b + 12), u32(SCST_XCOPY_MAX_LIST_LEN));
	EXPECT_EQ(be32(b + 16), 256u << 20);
	EXPECT_EQ(be32(b + 20), 0u) << "no inline data";
	EXPECT_EQ(b[43], 2);
	EXPECT_EQ(b[44], 0x02);
	EXPECT_EQ(b[45], 0xe4);
	u8 small[10];
	memset(small, 0x5a, sizeof(small));
	EXPECT_EQ(scst_rcr_op_params(small, 8), 8u);
	EXPECT_EQ(small[8], 0x5a) << "nothing beyond the allocation length";
}

TEST(Rcr, CopyStatusUnits)
{
	scst_xcopy_result r{};
	u8 b[12];
	r.state = SCST_XCOPY_DONE_GOOD;
	r.segs_done = 3;
	r.bytes_done = 1 << 20;
	ASSERT_EQ(scst_rcr_copy_status(b, sizeof(b), &r), 12u);
	EXPECT_EQ(be32(b), 8u);
	EXPECT_EQ(b[4], 1);
	EXPECT_EQ(be16(b + 5), 3);
	EXPECT_EQ(b[7], 0) << "bytes";
	EXPECT_EQ(be32(b + 8), 1u << 20);
	r.bytes_done = 3ULL << 40;
	scst_rcr_copy_status(b, sizeof(b), &r);
	EXPECT_EQ(b[7], 1) << "KiB";
	EXPECT_EQ(be32(b + 8), 3u << 30);
	r.state = SCST_XCOPY_IN_PROGRESS;
	scst_rcr_copy_status(b, sizeof(b), &r);
	EXPECT_EQ(b[4], 0);
}

TEST(Rcr, FailedSegmentDetails)
{
	scst_xcopy_result r{};
	u8 b[200];
	r.state = SCST_XCOPY_DONE_ERROR;
	r.status = SCST_STATUS_CHECK_CONDITION;
	r.sense_len = 18;
	r.sense[0] = 0x70;
	r.sense[12] = 0x27;
	ASSERT_EQ(scst_rcr_failed_segs(b, sizeof(b), &r), 78u);
	EXPECT_EQ(be32(b), 74u);
	EXPECT_EQ(b[56], SCST_STATUS_CHECK_CONDITION);
	EXPECT_EQ(be16(b + 58), 18);
	EXPECT_EQ(b[60], 0x70);
	EXPECT_EQ(b[72], 0x27);
	EXPECT_EQ(scst_rcr_failed_segs(b, 30, &r), 30u);
	u8 d[8];
	EXPECT_EQ(scst_rcr_receive_data(d, sizeof(d)), 4u);
	EXPECT_EQ(be32(d), 0u);
}

TEST(Rcr, ThirdPartyCopyVpd)
{
	Emul em;
	ASSERT_EQ(em.run(cdb({0x12, 1, 0x8f, 0x01, 0x00, 0})), SCST_EMUL_DONE);
	const u8 *b = em.data();
	EXPECT_EQ(b[1], 0x8f);
	u32 len = 4 + be16(b + 2);
	ASSERT_EQ(em.len(), len);
	// Walk the descriptors: each a multiple of 4 bytes, all known.
	std::vector<u16> types;
	for (u32 off = 4; off < len;) {
		u16 type = be16(b + off), dlen = be16(b + off + 2);
		EXPECT_EQ((dlen + 4) % 4, 0) << type;
		types.push_back(type);
		if (type == 0x0001) {
			EXPECT_EQ(b[off + 4], 9);
			EXPECT_EQ(b[off + 5], 0x83);
			EXPECT_EQ(b[off + 8], 0x84);
			EXPECT_EQ(b[off + 9], 4);
		} else if (type == 0x0004) {
			EXPECT_EQ(be16(b + off + 8), SCST_XCOPY_MAX_CSCD);
			EXPECT_EQ(be16(b + off + 10), SCST_XCOPY_MAX_SEGS);
		} else if (type == 0x0008) {
			EXPECT_EQ(b[off + 4], 2);
			EXPECT_EQ(b[off + 5], 0x02);
			EXPECT_EQ(b[off + 6], 0xe4);
		} else if (type == 0x8001) {
			EXPECT_EQ(be32(b + off + 12), 256u << 20);
		}
		off += 4 + dlen;
		ASSERT_LE(off, len);
	}
	EXPECT_EQ(types, (std::vector<u16>{0x0001, 0x0004, 0x0008, 0x000c, 0x8001}));
	Emul none;
	none.lu.xcopy_supported = false;
	EXPECT_EQ(none.run(cdb({0x12, 1, 0x8f, 0x01, 0x00, 0})), SCST_EMUL_CHECK);
	EXPECT_EQ(none.run(cdb({0x12, 0, 0, 0, 96, 0})), SCST_EMUL_DONE);
	EXPECT_EQ(none.data()[5] & 0x08, 0) << "no 3PC";
}
