// INQUIRY: standard data and the VPD pages.
#include <gtest/gtest.h>

#include <string>

#include "scst_test_util.h"

using namespace scst_test;

namespace {

Bytes inq(int evpd, int page, int alloc = 0xffff)
{
	return cdb({0x12, evpd, page, alloc >> 8, alloc & 0xff, 0});
}

std::string str(const u8 *p, size_t n)
{
	return std::string(reinterpret_cast<const char *>(p), n);
}

} // namespace

TEST(Inquiry, Standard)
{
	Emul em;
	ASSERT_EQ(em.run(inq(0, 0)), SCST_EMUL_DONE);
	const u8 *b = em.data();
	ASSERT_EQ(em.len(), 96u);
	EXPECT_EQ(b[0], 0x00);
	EXPECT_EQ(b[1], 0x00) << "not removable";
	EXPECT_EQ(b[2], 0x06) << "SPC-4";
	EXPECT_EQ(b[3], 0x12) << "HISUP, response data format 2";
	EXPECT_EQ(b[4] + 5, 96);
	EXPECT_EQ(b[5], 0x38) << "TPGS=11b, 3PC";
	EXPECT_EQ(b[7], 0x02) << "CMDQUE";
	EXPECT_EQ(str(b + 8, 8), "SCST_FIO");
	EXPECT_EQ(str(b + 16, 16), "disk01          ");
	EXPECT_EQ(str(b + 32, 4), "320 ");
	EXPECT_EQ(be16(b + 58), SCST_VD_SAM5);
	EXPECT_EQ(be16(b + 60), SCST_VD_SPC4);
	EXPECT_EQ(be16(b + 62), SCST_VD_SBC3);
	EXPECT_EQ(be16(b + 64), SCST_VD_ISCSI);
	EXPECT_EQ(be16(b + 66), 0);
}

TEST(Inquiry, StandardFeatureBits)
{
	Emul em;
	em.lu.alua_supported = false;
	em.lu.xcopy_supported = false;
	em.lu.removable = true;
	em.lu.pdt = SCST_TYPE_ROM;
	ASSERT_EQ(em.run(inq(0, 0, 36)), SCST_EMUL_DONE);
	EXPECT_EQ(em.len(), 36u) << "allocation length";
	EXPECT_EQ(em.data()[0], SCST_TYPE_ROM);
	EXPECT_EQ(em.data()[1], 0x80);
	EXPECT_EQ(em.data()[5], 0x00);
	EXPECT_EQ(em.data()[4], 91) << "full length even when truncated";
	em.lu.alua_supported = true;
	em.lu.alua_explicit = false;
	ASSERT_EQ(em.run(inq(0, 0, 36)), SCST_EMUL_DONE);
	EXPECT_EQ(em.data()[5], 0x10) << "implicit ALUA only";
}

TEST(Inquiry, Errors)
{
	Emul em;
	ASSERT_EQ(em.run(inq(0, 0x80)), SCST_EMUL_CHECK);
	EXPECT_SENSE_FIELD(em.e.sense, SCST_ASC_INVALID_FIELD_IN_CDB, 0, true, 2, -1);
	ASSERT_EQ(em.run(inq(1, 0x81)), SCST_EMUL_CHECK);
	EXPECT_SENSE_FIELD(em.e.sense, SCST_ASC_INVALID_FIELD_IN_CDB, 0, true, 2, -1);
	ASSERT_EQ(em.run(inq(2, 0)), SCST_EMUL_CHECK) << "CmdDt";
	EXPECT_SENSE_FIELD(em.e.sense, SCST_ASC_INVALID_FIELD_IN_CDB, 0, true, 1, 1);
	ASSERT_EQ(em.run(inq(0, 0, 0)), SCST_EMUL_DONE);
	EXPECT_EQ(em.len(), 0u);
}

TEST(Inquiry, VpdSupportedPages)
{
	Emul em;
	ASSERT_EQ(em.run(inq(1, 0x00)), SCST_EMUL_DONE);
	const u8 *b = em.data();
	EXPECT_EQ(b[1], 0x00);
	u16 n = be16(b + 2);
	ASSERT_EQ(em.len(), 4u + n);
	Bytes pages(b + 4, b + 4 + n);
	EXPECT_EQ(pages, cdb({0x00, 0x80, 0x83, 0x86, 0x8f, 0xb0, 0xb1, 0xb2, 0xb3}));
	// every listed page answers, every unlisted one is rejected
	for (int p = 0; p < 256; p++) {
		bool listed = false;
		for (u8 q : pages)
			listed |= q == p;
		Emul e2;
		auto r = e2.run(inq(1, p));
		EXPECT_EQ(r, listed ? SCST_EMUL_DONE : SCST_EMUL_CHECK) << p;
		if (listed) {
			EXPECT_EQ(e2.data()[1], p);
			EXPECT_EQ(e2.len(), 4u + be16(e2.data() + 2)) << p;
		}
	}
}

TEST(Inquiry, VpdSerial)
{
	Emul em;
	ASSERT_EQ(em.run(inq(1, 0x80)), SCST_EMUL_DONE);
	EXPECT_EQ(be16(em.data() + 2), 8);
	EXPECT_EQ(str(em.data() + 4, 8), "1a2b3c4d");
	EXPECT_EQ(em.len(), 12u);
}

TEST(Inquiry, VpdDeviceIdentification)
{
	Emul em;
	ASSERT_EQ(em.run(inq(1, 0x83)), SCST_EMUL_DONE);
	const u8 *b = em.data();
	u32 total = 4u + be16(b + 2);
	ASSERT_EQ(em.len(), total);
	int seen_naa = 0, seen_t10 = 0, seen_rtp = 0, seen_tpg = 0, seen_name = 0;
	u32 off = 4;
	while (off < total) {
		ASSERT_LE(off + 4, total);
		u8 codeset = b[off] & 0x0f, assoc = (b[off + 1] >> 4) & 3, type = b[off + 1] & 0x0f;
		u8 len = b[off + 3];
		ASSERT_LE(off + 4 + len, total) << "descriptor overruns the page";
		const u8 *d = b + off + 4;
		switch (type) {
		case SCST_DESIG_NAA:
			seen_naa++;
			EXPECT_EQ(codeset, SCST_CODESET_BINARY);
			EXPECT_EQ(assoc, SCST_ASSOC_LU);
			ASSERT_EQ(len, 16);
			EXPECT_EQ(memcmp(d, em.lu.naa_id, 16), 0);
			EXPECT_EQ(d[0] >> 4, 6) << "NAA 6";
			break;
		case SCST_DESIG_T10_VENDOR:
			seen_t10++;
			EXPECT_EQ(codeset, SCST_CODESET_ASCII);
			EXPECT_EQ(assoc, SCST_ASSOC_LU);
			EXPECT_EQ(str(d, len), "SCST_FIOdisk01-1a2b3c4d");
			break;
		case SCST_DESIG_REL_TGT_PORT:
			seen_rtp++;
			EXPECT_EQ(assoc, SCST_ASSOC_TGT_PORT);
			ASSERT_EQ(len, 4);
			EXPECT_EQ(be16(d + 2), 2);
			break;
		case SCST_DESIG_TPG:
			seen_tpg++;
			EXPECT_EQ(assoc, SCST_ASSOC_TGT_PORT);
			ASSERT_EQ(len, 4);
			EXPECT_EQ(be16(d + 2), 7);
			break;
		case SCST_DESIG_SCSI_NAME:
			seen_name++;
			EXPECT_EQ(codeset, SCST_CODESET_UTF8);
			EXPECT_EQ(assoc, SCST_ASSOC_TGT_PORT);
			EXPECT_EQ(len % 4, 0);
			EXPECT_EQ(std::string(reinterpret_cast<const char *>(d)),
				  em.lu.tgt_port_name);
			EXPECT_GT(len, strlen(em.lu.tgt_port_name)) << "NUL terminated";
			break;
		default:
			ADD_FAILURE() << "unexpected designator type " << int(type);
		}
		off += 4 + len;
	}
	EXPECT_EQ(off, total);
	EXPECT_EQ(seen_naa, 1);
	EXPECT_EQ(seen_t10, 1);
	EXPECT_EQ(seen_rtp, 1);
	EXPECT_EQ(seen_tpg, 1);
	EXPECT_EQ(seen_name, 1);
}

TEST(Inquiry, VpdDeviceIdentificationMinimal)
{
	Emul em;
	em.lu.naa_id_len = 0;
	em.lu.rel_tgt_port_id = 0;
	em.lu.alua_supported = false;
	em.lu.tgt_port_name = nullptr;
	em.lu.t10_dev_id[0] = 0;
	ASSERT_EQ(em.run(inq(1, 0x83)), SCST_EMUL_DONE);
	EXPECT_EQ(be16(em.data() + 2), 12) << "the T10 vendor ID designator only";
	EXPECT_EQ(em.data()[5], SCST_DESIG_T10_VENDOR);
	EXPECT_EQ(em.data()[7], 8);

	// a SCSI name string that needs exactly 4 bytes of NUL padding
	em.lu.tgt_port_name = "abcd";
	ASSERT_EQ(em.run(inq(1, 0x83)), SCST_EMUL_DONE);
	EXPECT_EQ(em.data()[16 + 3], 8);
	// one of maximal length
	std::string longname(400, 'x');
	em.lu.tgt_port_name = longname.c_str();
	ASSERT_EQ(em.run(inq(1, 0x83)), SCST_EMUL_DONE);
	EXPECT_EQ(em.data()[16 + 3], 252);
	EXPECT_EQ(em.data()[16 + 4 + 250], 'x');
	EXPECT_EQ(em.data()[16 + 4 + 251], 0);
	EXPECT_EQ(be16(em.data() + 2), 12 + 256);
}

TEST(Inquiry, VpdExtended)
{
	Emul em;
	ASSERT_EQ(em.run(inq(1, 0x86)), SCST_EMUL_DONE);
	EXPECT_EQ(be16(em.data() + 2), 0x3c);
	EXPECT_EQ(em.len(), 64u);
	EXPECT_EQ(em.data()[5], 0x07) << "HEADSUP ORDSUP SIMPSUP";
	EXPECT_EQ(em.data()[6] & 0x01, 0x01) << "V_SUP";
}

TEST(Inquiry, VpdBlockLimits)
{
	Emul em;
	ASSERT_EQ(em.run(inq(1, 0xb0)), SCST_EMUL_DONE);
	const u8 *b = em.data();
	EXPECT_EQ(be16(b + 2), 0x3c);
	EXPECT_EQ(b[4] & 1, 1) << "WSNZ";
	EXPECT_EQ(b[5], 1) << "max compare and write length";
	EXPECT_EQ(be32(b + 8), 16384u);
	EXPECT_EQ(be32(b + 12), 2048u);
	EXPECT_EQ(be32(b + 20), 0x400000u);
	EXPECT_EQ(be32(b + 24), 64u);
	EXPECT_EQ(be64(b + 36), 0x100000u);

	em.lu.thin_provisioned = false;
	em.lu.caw_supported = false;
	ASSERT_EQ(em.run(inq(1, 0xb0)), SCST_EMUL_DONE);
	EXPECT_EQ(em.data()[5], 0);
	EXPECT_EQ(be32(em.data() + 20), 0u) << "no unmap limits without thin provisioning";
	EXPECT_EQ(be32(em.data() + 24), 0u);
}

TEST(Inquiry, VpdBlockDeviceCharacteristics)
{
	Emul em;
	ASSERT_EQ(em.run(inq(1, 0xb1)), SCST_EMUL_DONE);
	EXPECT_EQ(be16(em.data() + 2), 0x3c);
	EXPECT_EQ(be16(em.data() + 4), 1) << "non-rotating";
	em.lu.rotational = true;
	ASSERT_EQ(em.run(inq(1, 0xb1)), SCST_EMUL_DONE);
	EXPECT_EQ(be16(em.data() + 4), 0) << "not reported";
	em.lu.rotation_rate = 7200;
	ASSERT_EQ(em.run(inq(1, 0xb1)), SCST_EMUL_DONE);
	EXPECT_EQ(be16(em.data() + 4), 7200);
}

TEST(Inquiry, VpdLogicalBlockProvisioning)
{
	Emul em;
	ASSERT_EQ(em.run(inq(1, 0xb2)), SCST_EMUL_DONE);
	EXPECT_EQ(be16(em.data() + 2), 4);
	EXPECT_EQ(em.len(), 8u);
	EXPECT_EQ(em.data()[5], 0x80 | 0x40 | 0x20 | 0x04) << "LBPU LBPWS LBPWS10 LBPRZ";
	EXPECT_EQ(em.data()[6] & 7, 2) << "thin provisioned";
	em.lu.thin_provisioned = false;
	ASSERT_EQ(em.run(inq(1, 0xb2)), SCST_EMUL_DONE);
	EXPECT_EQ(em.data()[5], 0);
	EXPECT_EQ(em.data()[6], 0);
}
