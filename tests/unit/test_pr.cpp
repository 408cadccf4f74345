// Persistent reservations and SPC-2 RESERVE/RELEASE (kernel/core/scst_pr.c).
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "scst_test_util.h"

extern "C" {
#include "scst_pr.h"
}

using namespace scst_test;

namespace {

scst_pr_nexus nexus(const char *name, u16 rtpi = 1)
{
	scst_pr_nexus nx{};
	EXPECT_EQ(scst_pr_make_tid(name, &nx), 0);
	nx.rtpi = rtpi;
	return nx;
}

// An iSCSI TransportID as an initiator would send it.
Bytes tid(const std::string &name, bool with_isid = false)
{
	u32 addl = static_cast<u32>((name.size() + 1 + 3) & ~3U);
	if (addl < 20)
		addl = 20;
	Bytes t(4 + addl, 0);
	t[0] = SCST_PR_PROTO_ISCSI | (with_isid ? 0x40 : 0);
	put16(&t[2], static_cast<u16>(addl));
	memcpy(&t[4], name.data(), name.size());
	return t;
}

struct Ua {
	std::string name;
	u16 rtpi;
	u16 aq;
};

struct Lu {
	scst_pr_state st{};
	std::vector<Ua> uas;
	std::vector<std::string> aborted;
	scst_pr_ops ops{};
	scst_sense sense{};
	Bytes resp;
	bool changed = false;

	Lu()
	{
		scst_pr_init(&st);
		ops.ua = [](void *ctx, const scst_pr_reg *r, u16 aq) {
			static_cast<Lu *>(ctx)->uas.push_back(
				{ reinterpret_cast<const char *>(r->nx.tid + 4),
				  r->nx.rtpi, aq });
		};
		ops.abort = [](void *ctx, const scst_pr_reg *r) {
			static_cast<Lu *>(ctx)->aborted.push_back(
				reinterpret_cast<const char *>(r->nx.tid + 4));
		};
	}

	static Bytes param(u64 key, u64 sark, u8 flags = 0)
	{
		Bytes p(24, 0);
		put64(&p[0], key);
		put64(&p[8], sark);
		p[20] = flags;
		return p;
	}

	scst_pr_result out(const scst_pr_nexus &nx, u8 sa, u8 type,
			   const Bytes &p, int cdb_len = -1)
	{
		Bytes c = cdb({ 0x5f, sa, type, 0, 0, 0, 0, 0, 0, 0 });
		put32(&c[5], cdb_len < 0 ? static_cast<u32>(p.size()) :
					   static_cast<u32>(cdb_len));
		scst_pr_cmd cmd{};
		cmd.st = &st;
		cmd.nx = &nx;
		cmd.cdb = c.data();
		cmd.param = p.data();
		cmd.param_len = static_cast<u32>(p.size());
		cmd.ops = &ops;
		cmd.ctx = this;
		sense = {};
		scst_pr_result r = scst_pr_out(&cmd);
		sense = cmd.sense;
		changed = cmd.changed;
		return r;
	}

	scst_pr_result reg(const scst_pr_nexus &nx, u64 key, u64 sark,
			   u8 flags = 0)
	{
		return out(nx, SCST_PROUT_REGISTER, 0, param(key, sark, flags));
	}

	scst_pr_result act(const scst_pr_nexus &nx, u8 sa, u8 type, u64 key,
			   u64 sark = 0)
	{
		return out(nx, sa, type, param(key, sark));
	}

	scst_pr_result in(const scst_pr_nexus &nx, u8 sa, u32 len = 4096)
	{
		Bytes c = cdb({ 0x5e, sa, 0, 0, 0, 0, 0, 0, 0, 0 });
		put16(&c[7], static_cast<u16>(len));
		resp.assign(len, 0xcc);
		scst_pr_cmd cmd{};
		cmd.st = &st;
		cmd.nx = &nx;
		cmd.cdb = c.data();
		cmd.buf = resp.data();
		cmd.buf_len = len;
		scst_pr_result r = scst_pr_in(&cmd);
		resp.resize(cmd.resp_len);
		sense = cmd.sense;
		return r;
	}

	std::vector<u64> keys()
	{
		EXPECT_EQ(in(nexus("x"), SCST_PRIN_READ_KEYS), SCST_PR_GOOD);
		std::vector<u64> k;
		for (size_t off = 8; off + 8 <= resp.size(); off += 8)
			k.push_back(be64(&resp[off]));
		return k;
	}

	u32 generation()
	{
		in(nexus("x"), SCST_PRIN_READ_KEYS);
		return be32(resp.data());
	}

	scst_pr_result check(const scst_pr_nexus &nx, const Bytes &c)
	{
		return scst_pr_check(&st, &nx, c.data());
	}

	scst_pr_result spc2(const scst_pr_nexus &nx, bool reserve)
	{
		Bytes c = cdb({ reserve ? 0x16 : 0x17, 0, 0, 0, 0, 0 });
		scst_pr_cmd cmd{};
		cmd.st = &st;
		cmd.nx = &nx;
		cmd.cdb = c.data();
		return reserve ? scst_pr_reserve(&cmd) : scst_pr_release(&cmd);
	}

	bool has_ua(const char *name, u16 aq) const
	{
		for (const Ua &u : uas)
			if (u.name == name && u.aq == aq)
				return true;
		return false;
	}
};

const Bytes read10 = cdb({ 0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0 });
const Bytes write10 = cdb({ 0x2a, 0, 0, 0, 0, 0, 0, 0, 1, 0 });
const Bytes inquiry = cdb({ 0x12, 0, 0, 0, 36, 0 });
const Bytes tur = cdb({ 0, 0, 0, 0, 0, 0 });
const Bytes mode_sense = cdb({ 0x1a, 0, 0x3f, 0, 0xff, 0 });
const Bytes sync_cache = cdb({ 0x35, 0, 0, 0, 0, 0, 0, 0, 0, 0 });
const Bytes report_luns = cdb({ 0xa0, 0, 0, 0, 0, 0, 0, 0, 0, 16, 0, 0 });

const scst_pr_nexus A = nexus("host_a");
const scst_pr_nexus B = nexus("host_b");
const scst_pr_nexus C = nexus("host_c");

} // namespace

// ---- TransportIDs ----

TEST(PrTid, SessionNameIsIscsiFormat0)
{
	scst_pr_nexus nx = nexus("Host_A1");
	EXPECT_EQ(nx.tid[0], SCST_PR_PROTO_ISCSI);
	EXPECT_EQ(nx.tid_len, 24);	// minimum length
	EXPECT_EQ(be16(&nx.tid[2]), 20);
	EXPECT_STREQ(reinterpret_cast<const char *>(nx.tid + 4), "host_a1");
}

TEST(PrTid, IsidNameIsFormat1)
{
	scst_pr_nexus nx = nexus("iqn.2024-01.org.example:init,i,0x23d000000001");
	EXPECT_EQ(nx.tid[0], 0x40 | SCST_PR_PROTO_ISCSI);
	EXPECT_EQ(nx.tid_len % 4, 0);
}

TEST(PrTid, TooLongNameRefused)
{
	scst_pr_nexus nx{};
	std::string n(300, 'a');
	EXPECT_EQ(scst_pr_make_tid(n.c_str(), &nx), -EINVAL);
	EXPECT_EQ(scst_pr_make_tid("", &nx), -EINVAL);
}

TEST(PrTid, ParseRoundTrip)
{
	Bytes t = tid("IQN.1994-05.com.redhat:abc");
	scst_pr_nexus nx{};
	u32 used = 0;
	ASSERT_EQ(scst_pr_parse_tid(t.data(), static_cast<u32>(t.size()), &nx, &used), 0);
	EXPECT_EQ(used, t.size());
	EXPECT_STREQ(reinterpret_cast<const char *>(nx.tid + 4),
		     "iqn.1994-05.com.redhat:abc");
	nx.rtpi = 1;
	EXPECT_TRUE(scst_pr_nexus_eq(&nx, &nx));
}

TEST(PrTid, ParseErrors)
{
	scst_pr_nexus nx{};
	u32 used;
	Bytes t = tid("host_a");

	Bytes fc = t;
	fc[0] = 0x00;			// Fibre Channel: not supported
	EXPECT_EQ(scst_pr_parse_tid(fc.data(), 24, &nx, &used), -1);
	Bytes fmt = t;
	fmt[0] = 0x80 | SCST_PR_PROTO_ISCSI;	// format 10b
	EXPECT_EQ(scst_pr_parse_tid(fmt.data(), 24, &nx, &used), -1);
	Bytes len = t;
	put16(&len[2], 22);		// not a multiple of 4
	EXPECT_EQ(scst_pr_parse_tid(len.data(), 24, &nx, &used), -3);
	EXPECT_EQ(scst_pr_parse_tid(t.data(), 20, &nx, &used), -3);  // truncated
	Bytes nonul = t;
	memset(&nonul[4], 'x', 20);
	EXPECT_EQ(scst_pr_parse_tid(nonul.data(), 24, &nx, &used), -5);
	Bytes f1 = t;
	f1[0] |= 0x40;			// format 01b without ",i,0x"
	EXPECT_EQ(scst_pr_parse_tid(f1.data(), 24, &nx, &used), -5);
	EXPECT_EQ(scst_pr_parse_tid(t.data(), 3, &nx, &used), -1);
}

TEST(PrTid, Format0MatchesEveryIsid)
{
	scst_pr_nexus port = nexus("iqn.x:i,i,0x000000000001");
	scst_pr_nexus port2 = nexus("iqn.x:i,i,0x000000000002");
	scst_pr_nexus name = nexus("iqn.x:i");
	EXPECT_TRUE(scst_pr_nexus_eq(&port, &name));
	EXPECT_FALSE(scst_pr_nexus_eq(&port, &port2));
	scst_pr_nexus other_port = nexus("iqn.x:i", 2);
	EXPECT_FALSE(scst_pr_nexus_eq(&name, &other_port));
}

// ---- REGISTER, REGISTER AND IGNORE EXISTING KEY ----

TEST(PrRegister, RegisterChangeUnregister)
{
	Lu lu;
	EXPECT_EQ(lu.generation(), 0u);
	EXPECT_EQ(lu.reg(A, 0, 0x11), SCST_PR_GOOD);
	EXPECT_TRUE(lu.changed);
	EXPECT_EQ(lu.keys(), std::vector<u64>{ 0x11 });
	EXPECT_EQ(lu.generation(), 1u);
	// Wrong key: conflict, no generation change.
	EXPECT_EQ(lu.reg(A, 0x99, 0x12), SCST_PR_CONFLICT);
	EXPECT_EQ(lu.generation(), 1u);
	EXPECT_EQ(lu.reg(A, 0x11, 0x12), SCST_PR_GOOD);
	EXPECT_EQ(lu.keys(), std::vector<u64>{ 0x12 });
	EXPECT_EQ(lu.generation(), 2u);
	EXPECT_EQ(lu.reg(A, 0x12, 0), SCST_PR_GOOD);
	EXPECT_TRUE(lu.keys().empty());
	EXPECT_EQ(lu.generation(), 3u);
}

TEST(PrRegister, UnregisteredWithKeyConflicts)
{
	Lu lu;
	EXPECT_EQ(lu.reg(A, 0x5, 0x11), SCST_PR_CONFLICT);
	EXPECT_TRUE(lu.keys().empty());
}

TEST(PrRegister, UnregisteredZeroSarkIsNoop)
{
	Lu lu;
	EXPECT_EQ(lu.reg(A, 0, 0), SCST_PR_GOOD);
	EXPECT_FALSE(lu.changed);
	EXPECT_EQ(lu.generation(), 0u);
}

TEST(PrRegister, IgnoreExistingKey)
{
	Lu lu;
	ASSERT_EQ(lu.reg(A, 0, 0x11), SCST_PR_GOOD);
	EXPECT_EQ(lu.act(A, SCST_PROUT_REGISTER_AND_IGNORE, 0, 0x77, 0x22),
		  SCST_PR_GOOD);
	EXPECT_EQ(lu.keys(), std::vector<u64>{ 0x22 });
	EXPECT_EQ(lu.act(B, SCST_PROUT_REGISTER_AND_IGNORE, 0, 0x77, 0x33),
		  SCST_PR_GOOD);
	EXPECT_EQ(lu.keys().size(), 2u);
	EXPECT_EQ(lu.generation(), 3u);
}

TEST(PrRegister, IgnoreWithSpecIPtRefused)
{
	Lu lu;
	EXPECT_EQ(lu.out(A, SCST_PROUT_REGISTER_AND_IGNORE, 0,
			 Lu::param(0, 0x11, 0x08)), SCST_PR_CHECK);
	EXPECT_SENSE_FIELD(lu.sense, 0x26, 0, false, 20, 3);
}

TEST(PrRegister, SameKeyTwoNexuses)
{
	Lu lu;
	EXPECT_EQ(lu.reg(A, 0, 0x11), SCST_PR_GOOD);
	EXPECT_EQ(lu.reg(B, 0, 0x11), SCST_PR_GOOD);
	EXPECT_EQ(lu.keys(), (std::vector<u64>{ 0x11, 0x11 }));
}

TEST(PrRegister, AllTgPtCoversEveryPort)
{
	Lu lu;
	scst_pr_nexus a2 = nexus("host_a", 2);
	EXPECT_EQ(lu.reg(A, 0, 0x11, 0x04), SCST_PR_GOOD);
	// The same initiator through port 2 is registered already.
	EXPECT_EQ(lu.reg(a2, 0, 0x12), SCST_PR_CONFLICT);
	EXPECT_EQ(lu.act(a2, SCST_PROUT_RESERVE, SCST_PR_TYPE_WE, 0x11),
		  SCST_PR_GOOD);
	ASSERT_EQ(lu.in(A, SCST_PRIN_READ_FULL_STATUS), SCST_PR_GOOD);
	EXPECT_EQ(lu.resp[8 + 12], 0x03);	// ALL_TG_PT, R_HOLDER
}

TEST(PrRegister, WithoutAllTgPtPortsAreSeparate)
{
	Lu lu;
	scst_pr_nexus a2 = nexus("host_a", 2);
	EXPECT_EQ(lu.reg(A, 0, 0x11), SCST_PR_GOOD);
	EXPECT_EQ(lu.reg(a2, 0, 0x12), SCST_PR_GOOD);
	EXPECT_EQ(lu.keys().size(), 2u);
}

TEST(PrRegister, OutOfSlots)
{
	Lu lu;
	for (int i = 0; i < SCST_PR_MAX_REGS; i++) {
		std::string n = "h" + std::to_string(i);
		ASSERT_EQ(lu.reg(nexus(n.c_str()), 0, 1 + i), SCST_PR_GOOD);
	}
	EXPECT_EQ(lu.reg(nexus("one_more"), 0, 99), SCST_PR_CHECK);
	EXPECT_SENSE(lu.sense, SCST_SK_ILLEGAL_REQUEST, 0x55, 0x04);
}

// ---- SPEC_I_PT ----

static Bytes spec_param(u64 sark, const std::vector<Bytes> &tids, u8 flags = 0x08)
{
	Bytes p = Lu::param(0, sark, flags);
	Bytes list;
	for (const Bytes &t : tids)
		list.insert(list.end(), t.begin(), t.end());
	Bytes l(4);
	put32(l.data(), static_cast<u32>(list.size()));
	p.insert(p.end(), l.begin(), l.end());
	p.insert(p.end(), list.begin(), list.end());
	return p;
}

TEST(PrSpecIPt, RegistersListedNexuses)
{
	Lu lu;
	Bytes p = spec_param(0x44, { tid("HOST_B"), tid("host_c") });
	ASSERT_EQ(lu.out(A, SCST_PROUT_REGISTER, 0, p), SCST_PR_GOOD);
	EXPECT_EQ(lu.keys(), (std::vector<u64>{ 0x44, 0x44, 0x44 }));
	EXPECT_EQ(lu.generation(), 1u);
	// host_b can now use the key.
	EXPECT_EQ(lu.act(B, SCST_PROUT_RESERVE, SCST_PR_TYPE_EA, 0x44), SCST_PR_GOOD);
	ASSERT_EQ(lu.in(A, SCST_PRIN_READ_FULL_STATUS), SCST_PR_GOOD);
	EXPECT_EQ(be32(&lu.resp[4]), 3u * (24 + 24));
}

TEST(PrSpecIPt, AlreadyRegisteredRefused)
{
	Lu lu;
	ASSERT_EQ(lu.reg(B, 0, 0x22), SCST_PR_GOOD);
	Bytes p = spec_param(0x44, { tid("host_c"), tid("host_b") });
	EXPECT_EQ(lu.out(A, SCST_PROUT_REGISTER, 0, p), SCST_PR_CHECK);
	EXPECT_SENSE_FIELD(lu.sense, 0x26, 0, false, 28 + 24, -1);
	EXPECT_EQ(lu.keys().size(), 1u);	// nothing registered
}

TEST(PrSpecIPt, BadTransportIdPointsAtIt)
{
	Lu lu;
	Bytes bad = tid("host_c");
	bad[0] = 0x01;				// SPI
	Bytes p = spec_param(0x44, { tid("host_b"), bad });
	EXPECT_EQ(lu.out(A, SCST_PROUT_REGISTER, 0, p), SCST_PR_CHECK);
	EXPECT_SENSE_FIELD(lu.sense, 0x26, 0, false, 28 + 24, -1);
	Bytes badlen = tid("host_c");
	put16(&badlen[2], 0x100);		// runs past the list
	p = spec_param(0x44, { badlen });
	EXPECT_EQ(lu.out(A, SCST_PROUT_REGISTER, 0, p), SCST_PR_CHECK);
	EXPECT_SENSE_FIELD(lu.sense, 0x26, 0, false, 28 + 2, -1);
	EXPECT_TRUE(lu.keys().empty());
}

TEST(PrSpecIPt, ListLengthMustMatch)
{
	Lu lu;
	Bytes p = spec_param(0x44, { tid("host_b") });
	put32(&p[24], 28);			// says more than there is
	EXPECT_EQ(lu.out(A, SCST_PROUT_REGISTER, 0, p), SCST_PR_CHECK);
	EXPECT_SENSE(lu.sense, SCST_SK_ILLEGAL_REQUEST, 0x1a, 0);
	Bytes shortp = Lu::param(0, 0x44, 0x08);	// no length field
	EXPECT_EQ(lu.out(A, SCST_PROUT_REGISTER, 0, shortp), SCST_PR_CHECK);
	EXPECT_SENSE(lu.sense, SCST_SK_ILLEGAL_REQUEST, 0x1a, 0);
}

TEST(PrSpecIPt, RegisteredIssuerRefused)
{
	Lu lu;
	ASSERT_EQ(lu.reg(A, 0, 0x11), SCST_PR_GOOD);
	Bytes p = spec_param(0x44, { tid("host_b") });
	put64(&p[0], 0x11);
	EXPECT_EQ(lu.out(A, SCST_PROUT_REGISTER, 0, p), SCST_PR_CHECK);
	EXPECT_SENSE_FIELD(lu.sense, 0x26, 0, false, 20, 3);
}

// ---- malformed parameter lists and CDBs ----

TEST(PrOut, ParameterListLength)
{
	Lu lu;
	Bytes p = Lu::param(0, 0x11);
	p.resize(20);
	EXPECT_EQ(lu.out(A, SCST_PROUT_REGISTER, 0, p), SCST_PR_CHECK);
	EXPECT_SENSE(lu.sense, SCST_SK_ILLEGAL_REQUEST, 0x1a, 0);
	Bytes longp = Lu::param(0, 0x11);
	longp.resize(32);
	EXPECT_EQ(lu.out(A, SCST_PROUT_REGISTER, 0, longp), SCST_PR_CHECK);
	EXPECT_SENSE(lu.sense, SCST_SK_ILLEGAL_REQUEST, 0x1a, 0);
	// CDB length differs from the data received.
	EXPECT_EQ(lu.out(A, SCST_PROUT_REGISTER, 0, Lu::param(0, 0x11), 40),
		  SCST_PR_CHECK);
	EXPECT_TRUE(lu.keys().empty());
}

TEST(PrOut, ScopeAndTypeChecked)
{
	Lu lu;
	ASSERT_EQ(lu.reg(A, 0, 0x11), SCST_PR_GOOD);
	EXPECT_EQ(lu.act(A, SCST_PROUT_RESERVE, 0x10 | SCST_PR_TYPE_WE, 0x11),
		  SCST_PR_CHECK);
	EXPECT_SENSE_FIELD(lu.sense, 0x24, 0, true, 2, 7);
	for (u8 t : { 0, 2, 4, 9, 15 }) {
		EXPECT_EQ(lu.act(A, SCST_PROUT_RESERVE, t, 0x11), SCST_PR_CHECK);
		EXPECT_SENSE_FIELD(lu.sense, 0x24, 0, true, 2, 3);
	}
	EXPECT_EQ(lu.act(A, 0x08, 0, 0x11), SCST_PR_CHECK);
	EXPECT_SENSE_FIELD(lu.sense, 0x24, 0, true, 1, 4);
}

TEST(PrOut, AllTgPtOnlyForRegistering)
{
	Lu lu;
	ASSERT_EQ(lu.reg(A, 0, 0x11), SCST_PR_GOOD);
	EXPECT_EQ(lu.out(A, SCST_PROUT_RESERVE, SCST_PR_TYPE_WE,
			 Lu::param(0x11, 0, 0x04)), SCST_PR_CHECK);
	EXPECT_SENSE_FIELD(lu.sense, 0x26, 0, false, 20, 2);
}

TEST(PrOut, UnregisteredOrWrongKeyConflicts)
{
	Lu lu;
	ASSERT_EQ(lu.reg(A, 0, 0x11), SCST_PR_GOOD);
	for (u8 sa : { SCST_PROUT_RESERVE, SCST_PROUT_RELEASE, SCST_PROUT_CLEAR,
		       SCST_PROUT_PREEMPT, SCST_PROUT_PREEMPT_AND_ABORT,
		       SCST_PROUT_REGISTER_AND_MOVE }) {
		EXPECT_EQ(lu.act(B, sa, SCST_PR_TYPE_WE, 0x11, 0x11),
			  SCST_PR_CONFLICT) << int(sa);
		EXPECT_EQ(lu.act(A, sa, SCST_PR_TYPE_WE, 0x12, 0x11),
			  SCST_PR_CONFLICT) << int(sa);
	}
	EXPECT_EQ(lu.generation(), 1u);
}

TEST(PrIn, BadServiceAction)
{
	Lu lu;
	EXPECT_EQ(lu.in(A, 0x04), SCST_PR_CHECK);
	EXPECT_SENSE_FIELD(lu.sense, 0x24, 0, true, 1, 4);
}

// ---- RESERVE, RELEASE ----

TEST(PrReserve, ReserveReadRelease)
{
	Lu lu;
	ASSERT_EQ(lu.reg(A, 0, 0x11), SCST_PR_GOOD);
	ASSERT_EQ(lu.in(A, SCST_PRIN_READ_RESERVATION), SCST_PR_GOOD);
	EXPECT_EQ(be32(&lu.resp[4]), 0u);
	EXPECT_EQ(lu.resp.size(), 8u);
	EXPECT_EQ(lu.act(A, SCST_PROUT_RESERVE, SCST_PR_TYPE_EA, 0x11), SCST_PR_GOOD);
	EXPECT_EQ(lu.generation(), 1u);		// RESERVE does not count
	ASSERT_EQ(lu.in(A, SCST_PRIN_READ_RESERVATION), SCST_PR_GOOD);
	ASSERT_EQ(lu.resp.size(), 24u);
	EXPECT_EQ(be32(&lu.resp[4]), 16u);
	EXPECT_EQ(be64(&lu.resp[8]), 0x11u);
	EXPECT_EQ(lu.resp[21], SCST_PR_TYPE_EA);
	// Same type again: GOOD; another type: conflict.
	EXPECT_EQ(lu.act(A, SCST_PROUT_RESERVE, SCST_PR_TYPE_EA, 0x11), SCST_PR_GOOD);
	EXPECT_EQ(lu.act(A, SCST_PROUT_RESERVE, SCST_PR_TYPE_WE, 0x11), SCST_PR_CONFLICT);
	// Wrong type in RELEASE.
	EXPECT_EQ(lu.act(A, SCST_PROUT_RELEASE, SCST_PR_TYPE_WE, 0x11), SCST_PR_CHECK);
	EXPECT_SENSE(lu.sense, SCST_SK_ILLEGAL_REQUEST, 0x26, 0x04);
	EXPECT_EQ(lu.act(A, SCST_PROUT_RELEASE, SCST_PR_TYPE_EA, 0x11), SCST_PR_GOOD);
	ASSERT_EQ(lu.in(A, SCST_PRIN_READ_RESERVATION), SCST_PR_GOOD);
	EXPECT_EQ(be32(&lu.resp[4]), 0u);
	EXPECT_EQ(lu.generation(), 1u);
	EXPECT_TRUE(lu.uas.empty());		// EA release tells nobody
}

TEST(PrReserve, OtherRegistrantCannotReserve)
{
	Lu lu;
	ASSERT_EQ(lu.reg(A, 0, 0x11), SCST_PR_GOOD);
	ASSERT_EQ(lu.reg(B, 0, 0x22), SCST_PR_GOOD);
	ASSERT_EQ(lu.act(A, SCST_PROUT_RESERVE, SCST_PR_TYPE_WE, 0x11), SCST_PR_GOOD);
	EXPECT_EQ(lu.act(B, SCST_PROUT_RESERVE, SCST_PR_TYPE_WE, 0x22), SCST_PR_CONFLICT);
	// A non-holder's RELEASE is GOOD and changes nothing.
	EXPECT_EQ(lu.act(B, SCST_PROUT_RELEASE, SCST_PR_TYPE_WE, 0x22), SCST_PR_GOOD);
	ASSERT_EQ(lu.in(A, SCST_PRIN_READ_RESERVATION), SCST_PR_GOOD);
	EXPECT_EQ(be64(&lu.resp[8]), 0x11u);
}

TEST(PrReserve, RegistrantsOnlyReleaseTellsOthers)
{
	for (u8 type : { SCST_PR_TYPE_WE_RO, SCST_PR_TYPE_EA_RO,
			 SCST_PR_TYPE_WE_AR, SCST_PR_TYPE_EA_AR }) {
		Lu lu;
		ASSERT_EQ(lu.reg(A, 0, 0x11), SCST_PR_GOOD);
		ASSERT_EQ(lu.reg(B, 0, 0x22), SCST_PR_GOOD);
		ASSERT_EQ(lu.act(A, SCST_PROUT_RESERVE, type, 0x11), SCST_PR_GOOD);
		EXPECT_EQ(lu.act(A, SCST_PROUT_RELEASE, type, 0x11), SCST_PR_GOOD);
		ASSERT_EQ(lu.uas.size(), 1u) << int(type);
		EXPECT_EQ(lu.uas[0].name, "host_b");
		EXPECT_EQ(lu.uas[0].aq, SCST_PR_AQ_RESERVATIONS_RELEASED);
	}
}

TEST(PrReserve, AllRegistrantsEveryoneHolds)
{
	Lu lu;
	ASSERT_EQ(lu.reg(A, 0, 0x11), SCST_PR_GOOD);
	ASSERT_EQ(lu.reg(B, 0, 0x22), SCST_PR_GOOD);
	ASSERT_EQ(lu.act(A, SCST_PROUT_RESERVE, SCST_PR_TYPE_WE_AR, 0x11), SCST_PR_GOOD);
	EXPECT_EQ(lu.act(B, SCST_PROUT_RESERVE, SCST_PR_TYPE_WE_AR, 0x22), SCST_PR_GOOD);
	ASSERT_EQ(lu.in(A, SCST_PRIN_READ_RESERVATION), SCST_PR_GOOD);
	EXPECT_EQ(be64(&lu.resp[8]), 0u);	// no one key
	EXPECT_EQ(lu.resp[21], SCST_PR_TYPE_WE_AR);
	ASSERT_EQ(lu.in(A, SCST_PRIN_READ_FULL_STATUS), SCST_PR_GOOD);
	EXPECT_EQ(lu.resp[8 + 12] & 1, 1);
	EXPECT_EQ(lu.resp[8 + 48 + 12] & 1, 1);
	// The reserver leaves: the reservation stays with B.
	EXPECT_EQ(lu.reg(A, 0x11, 0), SCST_PR_GOOD);
	ASSERT_EQ(lu.in(A, SCST_PRIN_READ_RESERVATION), SCST_PR_GOOD);
	EXPECT_EQ(be32(&lu.resp[4]), 16u);
	EXPECT_EQ(lu.reg(B, 0x22, 0), SCST_PR_GOOD);
	ASSERT_EQ(lu.in(A, SCST_PRIN_READ_RESERVATION), SCST_PR_GOOD);
	EXPECT_EQ(be32(&lu.resp[4]), 0u);
}

TEST(PrReserve, HolderUnregisteringReleases)
{
	Lu lu;
	ASSERT_EQ(lu.reg(A, 0, 0x11), SCST_PR_GOOD);
	ASSERT_EQ(lu.reg(B, 0, 0x22), SCST_PR_GOOD);
	ASSERT_EQ(lu.act(A, SCST_PROUT_RESERVE, SCST_PR_TYPE_EA_RO, 0x11), SCST_PR_GOOD);
	EXPECT_EQ(lu.reg(A, 0x11, 0), SCST_PR_GOOD);
	EXPECT_TRUE(lu.has_ua("host_b", SCST_PR_AQ_RESERVATIONS_RELEASED));
	ASSERT_EQ(lu.in(A, SCST_PRIN_READ_RESERVATION), SCST_PR_GOOD);
	EXPECT_EQ(be32(&lu.resp[4]), 0u);
}

// ---- CLEAR ----

TEST(PrClear, RemovesEverything)
{
	Lu lu;
	ASSERT_EQ(lu.reg(A, 0, 0x11), SCST_PR_GOOD);
	ASSERT_EQ(lu.reg(B, 0, 0x22), SCST_PR_GOOD);
	ASSERT_EQ(lu.act(A, SCST_PROUT_RESERVE, SCST_PR_TYPE_WE, 0x11), SCST_PR_GOOD);
	EXPECT_EQ(lu.act(B, SCST_PROUT_CLEAR, 0, 0x22), SCST_PR_GOOD);
	EXPECT_TRUE(lu.keys().empty());
	EXPECT_EQ(lu.generation(), 3u);
	ASSERT_EQ(lu.uas.size(), 1u);
	EXPECT_EQ(lu.uas[0].name, "host_a");
	EXPECT_EQ(lu.uas[0].aq, SCST_PR_AQ_RESERVATIONS_PREEMPTED);
	EXPECT_EQ(lu.check(C, write10), SCST_PR_GOOD);
}

// ---- PREEMPT, PREEMPT AND ABORT ----

TEST(PrPreempt, TakesTheReservation)
{
	Lu lu;
	ASSERT_EQ(lu.reg(A, 0, 0x11), SCST_PR_GOOD);
	ASSERT_EQ(lu.reg(B, 0, 0x22), SCST_PR_GOOD);
	ASSERT_EQ(lu.act(A, SCST_PROUT_RESERVE, SCST_PR_TYPE_WE, 0x11), SCST_PR_GOOD);
	EXPECT_EQ(lu.act(B, SCST_PROUT_PREEMPT, SCST_PR_TYPE_EA, 0x22, 0x11),
		  SCST_PR_GOOD);
	EXPECT_EQ(lu.keys(), std::vector<u64>{ 0x22 });
	EXPECT_EQ(lu.generation(), 3u);
	EXPECT_TRUE(lu.has_ua("host_a", SCST_PR_AQ_REGISTRATIONS_PREEMPTED));
	EXPECT_TRUE(lu.aborted.empty());
	ASSERT_EQ(lu.in(A, SCST_PRIN_READ_RESERVATION), SCST_PR_GOOD);
	EXPECT_EQ(be64(&lu.resp[8]), 0x22u);
	EXPECT_EQ(lu.resp[21], SCST_PR_TYPE_EA);
	EXPECT_EQ(lu.check(A, read10), SCST_PR_CONFLICT);
}

TEST(PrPreempt, AndAbortAbortsThePreempted)
{
	Lu lu;
	ASSERT_EQ(lu.reg(A, 0, 0x11), SCST_PR_GOOD);
	ASSERT_EQ(lu.reg(B, 0, 0x22), SCST_PR_GOOD);
	ASSERT_EQ(lu.reg(C, 0, 0x33), SCST_PR_GOOD);
	ASSERT_EQ(lu.act(A, SCST_PROUT_RESERVE, SCST_PR_TYPE_WE_RO, 0x11), SCST_PR_GOOD);
	EXPECT_EQ(lu.act(B, SCST_PROUT_PREEMPT_AND_ABORT, SCST_PR_TYPE_WE, 0x22, 0x11),
		  SCST_PR_GOOD);
	EXPECT_EQ(lu.aborted, std::vector<std::string>{ "host_a" });
	EXPECT_TRUE(lu.has_ua("host_a", SCST_PR_AQ_REGISTRATIONS_PREEMPTED));
	// The type changed: C hears its reservation went.
	EXPECT_TRUE(lu.has_ua("host_c", SCST_PR_AQ_RESERVATIONS_RELEASED));
}

TEST(PrPreempt, WithoutReservationRemovesRegistrations)
{
	Lu lu;
	ASSERT_EQ(lu.reg(A, 0, 0x11), SCST_PR_GOOD);
	ASSERT_EQ(lu.reg(B, 0, 0x22), SCST_PR_GOOD);
	ASSERT_EQ(lu.reg(C, 0, 0x22), SCST_PR_GOOD);
	EXPECT_EQ(lu.act(A, SCST_PROUT_PREEMPT, SCST_PR_TYPE_WE, 0x11, 0x22),
		  SCST_PR_GOOD);
	EXPECT_EQ(lu.keys(), std::vector<u64>{ 0x11 });
	ASSERT_EQ(lu.in(A, SCST_PRIN_READ_RESERVATION), SCST_PR_GOOD);
	EXPECT_EQ(be32(&lu.resp[4]), 0u);	// no reservation created
	// Nobody with that key: conflict.
	EXPECT_EQ(lu.act(A, SCST_PROUT_PREEMPT, SCST_PR_TYPE_WE, 0x11, 0x99),
		  SCST_PR_CONFLICT);
	// Zero key without an AR reservation: invalid.
	EXPECT_EQ(lu.act(A, SCST_PROUT_PREEMPT, SCST_PR_TYPE_WE, 0x11, 0),
		  SCST_PR_CHECK);
	EXPECT_SENSE_FIELD(lu.sense, 0x26, 0, false, 8, -1);
}

TEST(PrPreempt, NonHolderKeyOnlyRemovesRegistrations)
{
	Lu lu;
	ASSERT_EQ(lu.reg(A, 0, 0x11), SCST_PR_GOOD);
	ASSERT_EQ(lu.reg(B, 0, 0x22), SCST_PR_GOOD);
	ASSERT_EQ(lu.reg(C, 0, 0x33), SCST_PR_GOOD);
	ASSERT_EQ(lu.act(A, SCST_PROUT_RESERVE, SCST_PR_TYPE_WE, 0x11), SCST_PR_GOOD);
	EXPECT_EQ(lu.act(B, SCST_PROUT_PREEMPT, SCST_PR_TYPE_WE, 0x22, 0x33),
		  SCST_PR_GOOD);
	ASSERT_EQ(lu.in(A, SCST_PRIN_READ_RESERVATION), SCST_PR_GOOD);
	EXPECT_EQ(be64(&lu.resp[8]), 0x11u);
	EXPECT_EQ(lu.keys(), (std::vector<u64>{ 0x11, 0x22 }));
}

TEST(PrPreempt, AllRegistrantsZeroKeyPreemptsAll)
{
	Lu lu;
	ASSERT_EQ(lu.reg(A, 0, 0x11), SCST_PR_GOOD);
	ASSERT_EQ(lu.reg(B, 0, 0x22), SCST_PR_GOOD);
	ASSERT_EQ(lu.reg(C, 0, 0x33), SCST_PR_GOOD);
	ASSERT_EQ(lu.act(A, SCST_PROUT_RESERVE, SCST_PR_TYPE_EA_AR, 0x11), SCST_PR_GOOD);
	EXPECT_EQ(lu.act(B, SCST_PROUT_PREEMPT, SCST_PR_TYPE_WE, 0x22, 0),
		  SCST_PR_GOOD);
	EXPECT_EQ(lu.keys(), std::vector<u64>{ 0x22 });
	ASSERT_EQ(lu.in(A, SCST_PRIN_READ_RESERVATION), SCST_PR_GOOD);
	EXPECT_EQ(be64(&lu.resp[8]), 0x22u);
	EXPECT_EQ(lu.resp[21], SCST_PR_TYPE_WE);
	EXPECT_TRUE(lu.has_ua("host_a", SCST_PR_AQ_REGISTRATIONS_PREEMPTED));
	EXPECT_TRUE(lu.has_ua("host_c", SCST_PR_AQ_REGISTRATIONS_PREEMPTED));
}

TEST(PrPreempt, OwnReservationChangesType)
{
	Lu lu;
	ASSERT_EQ(lu.reg(A, 0, 0x11), SCST_PR_GOOD);
	ASSERT_EQ(lu.act(A, SCST_PROUT_RESERVE, SCST_PR_TYPE_WE, 0x11), SCST_PR_GOOD);
	EXPECT_EQ(lu.act(A, SCST_PROUT_PREEMPT, SCST_PR_TYPE_EA, 0x11, 0x11),
		  SCST_PR_GOOD);
	EXPECT_EQ(lu.keys(), std::vector<u64>{ 0x11 });
	ASSERT_EQ(lu.in(A, SCST_PRIN_READ_RESERVATION), SCST_PR_GOOD);
	EXPECT_EQ(lu.resp[21], SCST_PR_TYPE_EA);
}

// ---- REGISTER AND MOVE ----

static Bytes move_param(u64 key, u64 sark, u16 rtpi, const Bytes &t,
			u8 flags = 0)
{
	Bytes p(24, 0);
	put64(&p[0], key);
	put64(&p[8], sark);
	p[17] = flags;
	put16(&p[18], rtpi);
	put32(&p[20], static_cast<u32>(t.size()));
	p.insert(p.end(), t.begin(), t.end());
	return p;
}

TEST(PrMove, MovesAndRegisters)
{
	Lu lu;
	ASSERT_EQ(lu.reg(A, 0, 0x11), SCST_PR_GOOD);
	ASSERT_EQ(lu.act(A, SCST_PROUT_RESERVE, SCST_PR_TYPE_EA, 0x11), SCST_PR_GOOD);
	EXPECT_EQ(lu.out(A, SCST_PROUT_REGISTER_AND_MOVE, 0,
			 move_param(0x11, 0x22, 1, tid("host_b"), 0x02)),
		  SCST_PR_GOOD);
	EXPECT_EQ(lu.keys(), std::vector<u64>{ 0x22 });	// A unregistered
	ASSERT_EQ(lu.in(A, SCST_PRIN_READ_RESERVATION), SCST_PR_GOOD);
	EXPECT_EQ(be64(&lu.resp[8]), 0x22u);
	EXPECT_EQ(lu.check(B, write10), SCST_PR_GOOD);
	EXPECT_EQ(lu.check(A, read10), SCST_PR_CONFLICT);
	EXPECT_EQ(lu.generation(), 2u);
}

TEST(PrMove, Errors)
{
	Lu lu;
	ASSERT_EQ(lu.reg(A, 0, 0x11), SCST_PR_GOOD);
	// Not the holder (no reservation): conflict.
	EXPECT_EQ(lu.out(A, SCST_PROUT_REGISTER_AND_MOVE, 0,
			 move_param(0x11, 0x22, 1, tid("host_b"))),
		  SCST_PR_CONFLICT);
	ASSERT_EQ(lu.act(A, SCST_PROUT_RESERVE, SCST_PR_TYPE_WE, 0x11), SCST_PR_GOOD);
	EXPECT_EQ(lu.out(A, SCST_PROUT_REGISTER_AND_MOVE, 0,
			 move_param(0x11, 0, 1, tid("host_b"))), SCST_PR_CHECK);
	EXPECT_SENSE_FIELD(lu.sense, 0x26, 0, false, 8, -1);
	// To itself.
	EXPECT_EQ(lu.out(A, SCST_PROUT_REGISTER_AND_MOVE, 0,
			 move_param(0x11, 0x22, 1, tid("host_a"))), SCST_PR_CHECK);
	EXPECT_SENSE_FIELD(lu.sense, 0x26, 0, false, 24, -1);
	// TransportID longer than the list.
	Bytes p = move_param(0x11, 0x22, 1, tid("host_b"));
	put32(&p[20], 64);
	EXPECT_EQ(lu.out(A, SCST_PROUT_REGISTER_AND_MOVE, 0, p), SCST_PR_CHECK);
	EXPECT_SENSE(lu.sense, SCST_SK_ILLEGAL_REQUEST, 0x1a, 0);
	// A bad TransportID.
	Bytes bad = tid("host_b");
	bad[0] = 0x06;			// SAS
	EXPECT_EQ(lu.out(A, SCST_PROUT_REGISTER_AND_MOVE, 0,
			 move_param(0x11, 0x22, 1, bad)), SCST_PR_CHECK);
	EXPECT_SENSE_FIELD(lu.sense, 0x26, 0, false, 24, -1);
	EXPECT_EQ(lu.generation(), 1u);
}

TEST(PrMove, AllRegistrantsRefused)
{
	Lu lu;
	ASSERT_EQ(lu.reg(A, 0, 0x11), SCST_PR_GOOD);
	ASSERT_EQ(lu.act(A, SCST_PROUT_RESERVE, SCST_PR_TYPE_WE_AR, 0x11), SCST_PR_GOOD);
	EXPECT_EQ(lu.out(A, SCST_PROUT_REGISTER_AND_MOVE, 0,
			 move_param(0x11, 0x22, 1, tid("host_b"))), SCST_PR_CHECK);
	EXPECT_EQ(lu.sense.asc, 0x24);
}

// ---- conflicts ----

struct ConflictCase {
	u8 type;
	bool read_reg, read_unreg, write_reg, write_unreg;
};

// SPC-4 table 47 / SBC-3 table 13, for a registrant that does not hold
// the reservation and for an I_T nexus that is not registered.
static const ConflictCase conflict_cases[] = {
	{ SCST_PR_TYPE_WE,	false, false, true,  true },
	{ SCST_PR_TYPE_EA,	true,  true,  true,  true },
	{ SCST_PR_TYPE_WE_RO,	false, false, false, true },
	{ SCST_PR_TYPE_EA_RO,	false, true,  false, true },
	{ SCST_PR_TYPE_WE_AR,	false, false, false, true },
	{ SCST_PR_TYPE_EA_AR,	false, true,  false, true },
};

TEST(PrConflict, TableByType)
{
	for (const ConflictCase &cc : conflict_cases) {
		Lu lu;
		ASSERT_EQ(lu.reg(A, 0, 0x11), SCST_PR_GOOD);
		ASSERT_EQ(lu.reg(B, 0, 0x22), SCST_PR_GOOD);
		ASSERT_EQ(lu.act(A, SCST_PROUT_RESERVE, cc.type, 0x11), SCST_PR_GOOD);
		auto want = [](bool c) { return c ? SCST_PR_CONFLICT : SCST_PR_GOOD; };
		SCOPED_TRACE(int(cc.type));
		EXPECT_EQ(lu.check(A, read10), SCST_PR_GOOD);
		EXPECT_EQ(lu.check(A, write10), SCST_PR_GOOD);
		EXPECT_EQ(lu.check(B, read10), want(cc.read_reg));
		EXPECT_EQ(lu.check(C, read10), want(cc.read_unreg));
		EXPECT_EQ(lu.check(B, write10), want(cc.write_reg));
		EXPECT_EQ(lu.check(C, write10), want(cc.write_unreg));
		// Other commands follow the write column ...
		EXPECT_EQ(lu.check(C, mode_sense), want(cc.write_unreg));
		EXPECT_EQ(lu.check(C, sync_cache), want(cc.write_unreg));
		EXPECT_EQ(lu.check(B, sync_cache), want(cc.write_reg));
		// ... except those always allowed.
		for (const Bytes *c : { &inquiry, &tur, &report_luns }) {
			EXPECT_EQ(lu.check(B, *c), SCST_PR_GOOD);
			EXPECT_EQ(lu.check(C, *c), SCST_PR_GOOD);
		}
		Bytes prin = cdb({ 0x5e, 0, 0, 0, 0, 0, 0, 0, 8, 0 });
		EXPECT_EQ(lu.check(C, prin), SCST_PR_GOOD);
	}
}

TEST(PrConflict, RegistrationsAloneDoNotConflict)
{
	Lu lu;
	ASSERT_EQ(lu.reg(A, 0, 0x11), SCST_PR_GOOD);
	EXPECT_FALSE(scst_pr_active(&lu.st));
	EXPECT_EQ(lu.check(B, write10), SCST_PR_GOOD);
}

TEST(PrConflict, StartStopAndPreventAllow)
{
	Lu lu;
	ASSERT_EQ(lu.reg(A, 0, 0x11), SCST_PR_GOOD);
	ASSERT_EQ(lu.act(A, SCST_PROUT_RESERVE, SCST_PR_TYPE_WE, 0x11), SCST_PR_GOOD);
	EXPECT_EQ(lu.check(B, cdb({ 0x1b, 0, 0, 0, 1, 0 })), SCST_PR_GOOD);
	EXPECT_EQ(lu.check(B, cdb({ 0x1b, 0, 0, 0, 0, 0 })), SCST_PR_CONFLICT);
	EXPECT_EQ(lu.check(B, cdb({ 0x1e, 0, 0, 0, 0, 0 })), SCST_PR_GOOD);
	EXPECT_EQ(lu.check(B, cdb({ 0x1e, 0, 0, 0, 1, 0 })), SCST_PR_CONFLICT);
	// READ CAPACITY(16) allowed, GET LBA STATUS reads.
	EXPECT_EQ(lu.check(B, cdb({ 0x9e, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 32, 0, 0 })),
		  SCST_PR_GOOD);
	EXPECT_EQ(lu.check(B, cdb({ 0x9e, 0x12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 32, 0, 0 })),
		  SCST_PR_GOOD);
}

// ---- SPC-2 RESERVE/RELEASE ----

TEST(PrSpc2, ReserveConflictsOthers)
{
	Lu lu;
	EXPECT_EQ(lu.spc2(A, true), SCST_PR_GOOD);
	EXPECT_TRUE(scst_pr_active(&lu.st));
	EXPECT_EQ(lu.spc2(A, true), SCST_PR_GOOD);	// again: fine
	EXPECT_EQ(lu.spc2(B, true), SCST_PR_CONFLICT);
	EXPECT_EQ(lu.check(A, write10), SCST_PR_GOOD);
	EXPECT_EQ(lu.check(B, read10), SCST_PR_CONFLICT);
	EXPECT_EQ(lu.check(B, tur), SCST_PR_CONFLICT);
	EXPECT_EQ(lu.check(B, inquiry), SCST_PR_GOOD);
	EXPECT_EQ(lu.check(B, report_luns), SCST_PR_GOOD);
	Bytes prin = cdb({ 0x5e, 0, 0, 0, 0, 0, 0, 0, 8, 0 });
	EXPECT_EQ(lu.check(B, prin), SCST_PR_CONFLICT);
	// B's RELEASE is GOOD but releases nothing.
	EXPECT_EQ(lu.spc2(B, false), SCST_PR_GOOD);
	EXPECT_EQ(lu.check(B, read10), SCST_PR_CONFLICT);
	EXPECT_EQ(lu.spc2(A, false), SCST_PR_GOOD);
	EXPECT_EQ(lu.check(B, read10), SCST_PR_GOOD);
}

TEST(PrSpc2, NexusLossAndReset)
{
	Lu lu;
	ASSERT_EQ(lu.spc2(A, true), SCST_PR_GOOD);
	EXPECT_FALSE(scst_pr_nexus_loss(&lu.st, &B));
	EXPECT_TRUE(scst_pr_nexus_loss(&lu.st, &A));
	EXPECT_EQ(lu.check(B, write10), SCST_PR_GOOD);
	ASSERT_EQ(lu.spc2(B, true), SCST_PR_GOOD);
	EXPECT_TRUE(scst_pr_reset(&lu.st));
	EXPECT_EQ(lu.check(A, write10), SCST_PR_GOOD);
}

TEST(PrSpc2, PersistentReservationsWin)
{
	Lu lu;
	ASSERT_EQ(lu.reg(A, 0, 0x11), SCST_PR_GOOD);
	// Registrations exist: RESERVE conflicts, a registrant's RELEASE is a no-op.
	EXPECT_EQ(lu.spc2(B, true), SCST_PR_CONFLICT);
	EXPECT_EQ(lu.spc2(A, true), SCST_PR_CONFLICT);
	EXPECT_EQ(lu.spc2(A, false), SCST_PR_GOOD);
	EXPECT_EQ(lu.spc2(B, false), SCST_PR_CONFLICT);
	ASSERT_EQ(lu.act(A, SCST_PROUT_RESERVE, SCST_PR_TYPE_WE, 0x11), SCST_PR_GOOD);
	EXPECT_EQ(lu.spc2(A, true), SCST_PR_GOOD);	// holder: CRH
	EXPECT_FALSE(lu.st.spc2_held);
}

// ---- PRIN REPORT CAPABILITIES, truncation ----

TEST(PrIn, ReportCapabilities)
{
	Lu lu;
	ASSERT_EQ(lu.in(A, SCST_PRIN_REPORT_CAPABILITIES), SCST_PR_GOOD);
	ASSERT_EQ(lu.resp.size(), 8u);
	EXPECT_EQ(be16(&lu.resp[0]), 8);
	EXPECT_EQ(lu.resp[2], 0x1d);
	EXPECT_EQ(lu.resp[3], 0x80);
	EXPECT_EQ(lu.resp[4], 0xea);
	EXPECT_EQ(lu.resp[5], 0x01);
	ASSERT_EQ(lu.reg(A, 0, 0x11, 0x01), SCST_PR_GOOD);
	ASSERT_EQ(lu.in(A, SCST_PRIN_REPORT_CAPABILITIES), SCST_PR_GOOD);
	EXPECT_EQ(lu.resp[3], 0x81);		// PTPL_A
}

TEST(PrIn, TruncatedKeepsFullLength)
{
	Lu lu;
	ASSERT_EQ(lu.reg(A, 0, 0x11), SCST_PR_GOOD);
	ASSERT_EQ(lu.reg(B, 0, 0x22), SCST_PR_GOOD);
	ASSERT_EQ(lu.in(A, SCST_PRIN_READ_KEYS, 12), SCST_PR_GOOD);
	EXPECT_EQ(lu.resp.size(), 12u);
	EXPECT_EQ(be32(&lu.resp[4]), 16u);
	ASSERT_EQ(lu.in(A, SCST_PRIN_READ_FULL_STATUS, 8), SCST_PR_GOOD);
	EXPECT_EQ(be32(&lu.resp[4]), 96u);
	ASSERT_EQ(lu.in(A, SCST_PRIN_READ_KEYS, 0), SCST_PR_GOOD);
	EXPECT_TRUE(lu.resp.empty());
}

TEST(PrIn, FullStatusDescriptor)
{
	Lu lu;
	scst_pr_nexus b2 = nexus("host_b", 7);
	ASSERT_EQ(lu.reg(b2, 0, 0x22), SCST_PR_GOOD);
	ASSERT_EQ(lu.act(b2, SCST_PROUT_RESERVE, SCST_PR_TYPE_EA_RO, 0x22), SCST_PR_GOOD);
	ASSERT_EQ(lu.in(A, SCST_PRIN_READ_FULL_STATUS), SCST_PR_GOOD);
	ASSERT_EQ(lu.resp.size(), 8u + 24 + 24);
	EXPECT_EQ(be64(&lu.resp[8]), 0x22u);
	EXPECT_EQ(lu.resp[8 + 12], 0x01);
	EXPECT_EQ(lu.resp[8 + 13], SCST_PR_TYPE_EA_RO);
	EXPECT_EQ(be16(&lu.resp[8 + 18]), 7);
	EXPECT_EQ(be32(&lu.resp[8 + 20]), 24u);
	EXPECT_EQ(lu.resp[8 + 24], SCST_PR_PROTO_ISCSI);
	EXPECT_STREQ(reinterpret_cast<const char *>(&lu.resp[8 + 28]), "host_b");
}

// ---- APTPL ----

TEST(PrAptpl, RoundTrip)
{
	Lu lu;
	ASSERT_EQ(lu.reg(A, 0, 0x11, 0x01), SCST_PR_GOOD);
	ASSERT_EQ(lu.reg(nexus("iqn.x:y,i,0x000000000001", 3), 0, 0x22, 0x05),
		  SCST_PR_GOOD);
	ASSERT_EQ(lu.act(nexus("iqn.x:y,i,0x000000000001", 3), SCST_PROUT_RESERVE,
			 SCST_PR_TYPE_WE_RO, 0x22), SCST_PR_GOOD);
	ASSERT_TRUE(lu.st.aptpl);
	ASSERT_EQ(lu.spc2(A, true), SCST_PR_CONFLICT);

	std::vector<u8> f(SCST_PR_FILE_MAX);
	u32 n = scst_pr_serialize(&lu.st, 42, f.data(), static_cast<u32>(f.size()));
	ASSERT_GT(n, 32u);
	Lu back;
	u64 seq = 0;
	ASSERT_EQ(scst_pr_deserialize(f.data(), n, &back.st, &seq), 0);
	EXPECT_EQ(seq, 42u);
	EXPECT_TRUE(back.st.aptpl);
	EXPECT_EQ(back.generation(), lu.generation());
	EXPECT_EQ(back.keys(), lu.keys());
	ASSERT_EQ(back.in(A, SCST_PRIN_READ_FULL_STATUS), SCST_PR_GOOD);
	Bytes full = back.resp;
	ASSERT_EQ(lu.in(A, SCST_PRIN_READ_FULL_STATUS), SCST_PR_GOOD);
	EXPECT_EQ(full, lu.resp);
	// The holder is the same nexus: it may write, A may not... A is a
	// registrant of WE_RO, so it may; an unregistered nexus may not.
	EXPECT_EQ(back.check(C, write10), SCST_PR_CONFLICT);
	EXPECT_EQ(back.check(A, write10), SCST_PR_GOOD);
}

TEST(PrAptpl, EmptyStateRoundTrip)
{
	scst_pr_state st;
	scst_pr_init(&st);
	std::vector<u8> f(SCST_PR_FILE_MAX);
	u32 n = scst_pr_serialize(&st, 1, f.data(), static_cast<u32>(f.size()));
	EXPECT_EQ(n, 36u);
	scst_pr_state back;
	u64 seq;
	EXPECT_EQ(scst_pr_deserialize(f.data(), n, &back, &seq), 0);
	EXPECT_EQ(scst_pr_serialize(&st, 1, f.data(), 100), 0u);	// too small
}

TEST(PrAptpl, DamageDetected)
{
	Lu lu;
	ASSERT_EQ(lu.reg(A, 0, 0x11, 0x01), SCST_PR_GOOD);
	ASSERT_EQ(lu.act(A, SCST_PROUT_RESERVE, SCST_PR_TYPE_EA, 0x11), SCST_PR_GOOD);
	std::vector<u8> f(SCST_PR_FILE_MAX);
	u32 n = scst_pr_serialize(&lu.st, 7, f.data(), static_cast<u32>(f.size()));
	scst_pr_state back;
	u64 seq;
	// Every single flipped byte and every truncation is refused.
	for (u32 i = 0; i < n; i++) {
		std::vector<u8> g(f.begin(), f.begin() + n);
		g[i] ^= 0x5a;
		EXPECT_EQ(scst_pr_deserialize(g.data(), n, &back, &seq), -EINVAL) << i;
	}
	for (u32 len = 0; len < n; len++)
		EXPECT_EQ(scst_pr_deserialize(f.data(), len, &back, &seq), -EINVAL) << len;
	EXPECT_EQ(scst_pr_deserialize(f.data(), n, &back, &seq), 0);
}

TEST(PrAptpl, ChangedReportedForEveryStateChange)
{
	Lu lu;
	ASSERT_EQ(lu.reg(A, 0, 0x11, 0x01), SCST_PR_GOOD);
	EXPECT_TRUE(lu.changed);
	ASSERT_EQ(lu.act(A, SCST_PROUT_RESERVE, SCST_PR_TYPE_EA, 0x11), SCST_PR_GOOD);
	EXPECT_TRUE(lu.changed);
	ASSERT_EQ(lu.act(A, SCST_PROUT_RESERVE, SCST_PR_TYPE_EA, 0x11), SCST_PR_GOOD);
	EXPECT_FALSE(lu.changed);
	// APTPL=0 on a later registration turns persistence off.
	ASSERT_EQ(lu.reg(A, 0x11, 0x12, 0), SCST_PR_GOOD);
	EXPECT_FALSE(lu.st.aptpl);
}
