// Every emulated command, with every buffer length from 0 to 64: nothing is
// written beyond the buffer, and the response is the truncated full one.
#include <gtest/gtest.h>

#include <cstdio>
#include <memory>

#include "scst_test_util.h"

using namespace scst_test;

namespace {

std::vector<Bytes> emulated_cdbs()
{
	std::vector<Bytes> v;
	v.push_back(cdb({0x12, 0, 0, 0xff, 0xff, 0}));
	for (int p : {0x00, 0x80, 0x83, 0x86, 0x8f, 0xb0, 0xb1, 0xb2})
		v.push_back(cdb({0x12, 1, p, 0xff, 0xff, 0}));
	for (int pc = 0; pc < 4; pc++) {
		for (int page : {0x08, 0x0a, 0x1c, 0x3f}) {
			v.push_back(cdb({0x1a, 0, (pc << 6) | page, 0, 0xff, 0}));
			v.push_back(cdb({0x1a, 0x08, (pc << 6) | page, 0xff, 0xff, 0}));
			v.push_back(cdb({0x5a, 0, (pc << 6) | page, 0, 0, 0, 0, 0xff, 0xff, 0}));
			v.push_back(cdb({0x5a, 0x10, (pc << 6) | page, 0, 0, 0, 0, 0xff, 0xff, 0}));
		}
	}
	v.push_back(cdb({0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
	v.push_back(cdb({0x9e, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0}));
	for (int sel : {0, 1, 2})
		v.push_back(cdb({0xa0, 0, sel, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0}));
	for (int opt : {0x00, 0x80})
		v.push_back(cdb({0xa3, 0x0c, opt, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0}));
	for (int opt : {0x01, 0x81})
		v.push_back(cdb({0xa3, 0x0c, opt, 0x8a, 0, 0, 0, 0, 0xff, 0xff, 0, 0}));
	for (int opt : {0x02, 0x82})
		v.push_back(cdb({0xa3, 0x0c, opt, 0x5f, 0, 7, 0, 0, 0xff, 0xff, 0, 0}));
	v.push_back(cdb({0xa3, 0x0c, 0x01, 0xc5, 0, 0, 0, 0, 0xff, 0xff, 0, 0}));
	for (int repd : {0x00, 0x80})
		v.push_back(cdb({0xa3, 0x0d, repd, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0}));
	for (int desc : {0, 1})
		v.push_back(cdb({0x03, desc, 0, 0, 0xff, 0}));
	return v;
}

void prepare(Emul &em)
{
	for (u64 l = 0; l < 12; l++)
		em.luns.push_back(l * 1000);
}

} // namespace

TEST(Bounds, NeverWritesPastBufLen)
{
	const std::vector<Bytes> cdbs = emulated_cdbs();
	for (const Bytes &c : cdbs) {
		Emul full;
		prepare(full);
		ASSERT_EQ(full.run(c, 8192), SCST_EMUL_DONE) << "cdb " << int(c[0]);
		ASSERT_GT(full.len(), 0u);
		const Bytes ref(full.data(), full.data() + full.len());
		for (u32 n = 0; n <= 64; n++) {
			SCOPED_TRACE(testing::Message() << "opcode " << int(c[0]) << " byte1 "
							<< int(c[1]) << " byte2 " << int(c[2])
							<< " buf_len " << n);
			// exact-size heap buffer: ASan catches any overrun
			std::unique_ptr<u8[]> exact(new u8[n ? n : 1]);
			Emul em;
			prepare(em);
			em.resp.clear();
			em.e = scst_emul{};
			em.e.lu = &em.lu;
			em.e.mode_cur = &em.cur;
			em.e.mode_saved = &em.saved;
			em.e.cdb = c.data();
			em.e.cdb_len = unsigned(c.size());
			em.e.buf = exact.get();
			em.e.buf_len = n;
			em.e.luns = em.luns.data();
			em.e.nluns = unsigned(em.luns.size());
			ASSERT_EQ(scst_spc_emulate(&em.e), SCST_EMUL_DONE);
			ASSERT_EQ(em.e.resp_len, std::min<u32>(n, u32(ref.size())));
			EXPECT_EQ(memcmp(exact.get(), ref.data(), em.e.resp_len), 0);

			// guard bytes after the buffer stay untouched
			Bytes guarded(n + 64, 0xa5);
			em.e.buf = guarded.data();
			ASSERT_EQ(scst_spc_emulate(&em.e), SCST_EMUL_DONE);
			for (u32 i = n; i < guarded.size(); i++)
				ASSERT_EQ(guarded[i], 0xa5) << "byte " << i;
		}
	}
}

TEST(Bounds, NullBufferWithLength)
{
	Emul em;
	Bytes c = cdb({0x12, 0, 0, 0, 96, 0});
	em.e = scst_emul{};
	em.e.lu = &em.lu;
	em.e.mode_cur = &em.cur;
	em.e.cdb = c.data();
	em.e.cdb_len = 6;
	em.e.buf = nullptr;
	em.e.buf_len = 96;
	ASSERT_EQ(scst_spc_emulate(&em.e), SCST_EMUL_DONE);
	EXPECT_EQ(em.e.resp_len, 0u);
}

TEST(Bounds, RandomCdbsDoNotCrash)
{
	// A cheap deterministic fuzz pass; the real fuzzer is fuzz_cdb.
	u32 x = 12345;
	auto rnd = [&x]() {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		return x;
	};
	unsigned int outcomes[3] = {};
	for (int iter = 0; iter < 200000; iter++) {
		u8 c[16];
		for (u8 &b : c)
			b = u8(rnd());
		// bias towards known opcodes
		bool known = iter % 4 != 0;
		if (known) {
			const scst_op_desc *op = scst_op_at(rnd() % scst_op_count());
			c[0] = op->opcode;
			for (unsigned i = 1; i < 16; i++)
				c[i] &= op->usage[i];
			if (op->has_sa)
				c[1] = u8((c[1] & 0xe0) | op->sa);
		}
		Emul em;
		em.luns = { 0, 1, 2 };
		u32 n = rnd() % 80;
		em.param.assign(rnd() % 64, u8(rnd()));
		std::unique_ptr<u8[]> buf(new u8[n ? n : 1]);
		em.e = scst_emul{};
		em.e.lu = &em.lu;
		em.e.mode_cur = &em.cur;
		em.e.mode_saved = (iter & 2) ? &em.saved : nullptr;
		em.e.cdb = c;
		em.e.cdb_len = known ? 16 : 6 + rnd() % 11;
		em.e.buf = buf.get();
		em.e.buf_len = n;
		em.e.param = em.param.data();
		em.e.param_len = u32(em.param.size());
		em.e.luns = em.luns.data();
		em.e.nluns = 3;
		scst_emul_result r = scst_spc_emulate(&em.e);
		ASSERT_LE(em.e.resp_len, n);
		ASSERT_LE(unsigned(r), 2u);
		outcomes[r]++;
		if (r == SCST_EMUL_CHECK) {
			ASSERT_NE(em.e.sense.key, 0);
			u8 s[SCST_SENSE_BUFFERSIZE];
			scst_sense back;
			unsigned sl = scst_sense_build(s, sizeof(s), iter & 4, &em.e.sense);
			ASSERT_EQ(scst_sense_parse(s, sl, &back), 0);
			ASSERT_EQ(back.asc, em.e.sense.asc);
		}
	}
	EXPECT_GT(outcomes[SCST_EMUL_DONE], 1000u);
	EXPECT_GT(outcomes[SCST_EMUL_CHECK], 1000u);
	EXPECT_GT(outcomes[SCST_EMUL_NOT_MINE], 1000u);
	printf("random CDBs: %u done, %u check, %u not mine\n", outcomes[0], outcomes[1],
	       outcomes[2]);
}
