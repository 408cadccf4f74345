// Helpers shared by the unit tests of the portable kernel logic.
#pragma once

#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <vector>

extern "C" {
#include "scst_cdb.h"
#include "scst_spc.h"
}

namespace scst_test {

using Bytes = std::vector<u8>;

inline Bytes cdb(std::initializer_list<int> b)
{
	Bytes v;
	for (int x : b)
		v.push_back(static_cast<u8>(x));
	return v;
}

inline u16 be16(const u8 *p) { return static_cast<u16>((p[0] << 8) | p[1]); }
inline u32 be24(const u8 *p) { return (u32(p[0]) << 16) | (u32(p[1]) << 8) | p[2]; }
inline u32 be32(const u8 *p) { return (u32(be16(p)) << 16) | be16(p + 2); }
inline u64 be64(const u8 *p) { return (u64(be32(p)) << 32) | be32(p + 4); }
inline void put16(u8 *p, u16 v) { p[0] = u8(v >> 8); p[1] = u8(v); }
inline void put32(u8 *p, u32 v) { put16(p, u16(v >> 16)); put16(p + 2, u16(v)); }
inline void put64(u8 *p, u64 v) { put32(p, u32(v >> 32)); put32(p + 4, u32(v)); }

// A typical thin-provisioned 512-byte-block disk with every feature on.
inline scst_lu_desc make_lu()
{
	scst_lu_desc lu{};
	lu.pdt = SCST_TYPE_DISK;
	lu.block_size = 512;
	lu.nblocks = 2097152;	// 1 GiB
	lu.thin_provisioned = true;
	lu.lbprz = true;
	lu.wce_changeable = true;
	lu.wce_default = true;
	lu.pr_supported = true;
	lu.alua_supported = true;
	lu.alua_explicit = true;
	lu.caw_supported = true;
	lu.xcopy_supported = true;
	lu.referrals = true;
	strcpy(lu.vendor, "SCST_FIO");
	strcpy(lu.product, "disk01");
	strcpy(lu.revision, "320");
	strcpy(lu.serial, "1a2b3c4d");
	static const u8 naa[16] = { 0x60, 0x01, 0x40, 0x5a, 0xbc, 0xde, 0xf0, 0x12,
				    0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 0x12 };
	memcpy(lu.naa_id, naa, 16);
	lu.naa_id_len = 16;
	strcpy(lu.t10_dev_id, "disk01-1a2b3c4d");
	lu.rel_tgt_port_id = 2;
	lu.tpg_id = 7;
	lu.tgt_port_name = "iqn.2024-01.org.example:tgt1,t,0x0001";
	lu.transport_vd = SCST_VD_ISCSI;
	lu.max_xfer_blocks = 16384;
	lu.opt_xfer_blocks = 2048;
	lu.max_unmap_lba_count = 0x400000;
	lu.max_unmap_desc_count = 64;
	lu.max_write_same_blocks = 0x100000;
	return lu;
}

// One emulated command with its own mode parameters and buffers.
struct Emul {
	scst_lu_desc lu = make_lu();
	scst_mode_params cur{}, saved{};
	bool with_saved = true;
	std::vector<u64> luns;
	Bytes param;
	Bytes resp;
	scst_emul e{};

	Emul()
	{
		scst_mode_params_default(&lu, &cur);
		saved = cur;
	}

	scst_emul_result run(const Bytes &c, u32 buf_len = 4096)
	{
		resp.assign(buf_len, 0xcc);
		e = scst_emul{};
		e.lu = &lu;
		e.mode_cur = &cur;
		e.mode_saved = with_saved ? &saved : nullptr;
		e.cdb = c.data();
		e.cdb_len = static_cast<unsigned int>(c.size());
		e.buf = resp.data();
		e.buf_len = buf_len;
		e.param = param.empty() ? nullptr : param.data();
		e.param_len = static_cast<u32>(param.size());
		e.luns = luns.empty() ? nullptr : luns.data();
		e.nluns = static_cast<unsigned int>(luns.size());
		return scst_spc_emulate(&e);
	}

	const u8 *data() const { return resp.data(); }
	u32 len() const { return e.resp_len; }
};

} // namespace scst_test

// Expect ILLEGAL REQUEST with the given ASC/ASCQ and field pointer.
#define EXPECT_SENSE_FIELD(s, asc_, ascq_, cd, field, bit)                   \
	do {                                                                 \
		EXPECT_EQ((s).key, SCST_SK_ILLEGAL_REQUEST);                 \
		EXPECT_EQ((s).asc, (asc_));                                  \
		EXPECT_EQ((s).ascq, (ascq_));                                \
		EXPECT_TRUE((s).sks_valid);                                  \
		EXPECT_EQ((s).sks_cd, (cd));                                 \
		EXPECT_EQ((s).sks_field, (field));                           \
		if ((bit) < 0) {                                             \
			EXPECT_FALSE((s).sks_bpv);                           \
		} else {                                                     \
			EXPECT_TRUE((s).sks_bpv);                            \
			EXPECT_EQ((s).sks_bit, (bit));                       \
		}                                                            \
	} while (0)

#define EXPECT_SENSE(s, key_, asc_, ascq_)                                   \
	do {                                                                 \
		EXPECT_EQ((s).key, (key_));                                  \
		EXPECT_EQ((s).asc, (asc_));                                  \
		EXPECT_EQ((s).ascq, (ascq_));                                \
	} while (0)
