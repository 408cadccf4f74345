// CHAP in scstadmd's iSCSI login (LoginConn with ChapAuthenticator)
// against a fake kernel over a socketpair: a target with IncomingUser
// accounts logs in with CHAP and mutual CHAP only; a wrong secret,
// AuthMethod=None and skipping the security stage are refused with 0x0201.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <map>
#include <string>
#include <vector>

#include "iscsi_login.hpp"
#include "iscsi_login_test_util.hpp"

using namespace scstadmd;

namespace {

const char kTarget[] = "iqn.2026-11.org.scst:chap";
const char kInitiator[] = "iqn.2026-11.org.scst:i1";
const std::string kSecret = "initiator-secret";
const std::string kTgtSecret = "target-secret-x";

using namespace iscsi_login_test;

FakeKernel chap_kernel(bool outgoing)
{
	IscsiTarget t = make_target(kTarget, true);
	t.chap.incoming = {{"joe", kSecret}};
	if (outgoing)
		t.chap.outgoing = ChapAccount{"tgt", kTgtSecret};
	FakeKernel k;
	k.tgts.push_back(t);
	return k;
}

struct Rsp {
	uint16_t status = 0xffff;
	bool transit = false;
	std::map<std::string, std::string> kv;
};

struct Conn {
	int ours, theirs;
	FakeKernel &k;
	std::optional<LoginConn> c;

	explicit Conn(FakeKernel &kernel) : k(kernel)
	{
		int sv[2];
		EXPECT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
		ours = sv[0];
		theirs = sv[1];
		fcntl(ours, F_SETFL, O_NONBLOCK);
		c.emplace(UniqueFd(ours), k);
	}
	~Conn() { close(theirs); }

	// Sends one request; the response and whether the connection goes on.
	Rsp req(uint8_t csg, bool transit, uint8_t nsg, std::initializer_list<std::string> kvs,
		bool *alive = nullptr)
	{
		const auto pdu = login_req(csg, transit, nsg, keys(kvs));
		EXPECT_EQ(write(theirs, pdu.data(), pdu.size()), ssize_t(pdu.size()));
		bool on = c->on_readable();
		if (alive)
			*alive = on;
		std::vector<uint8_t> b(65536);
		ssize_t n = read(theirs, b.data(), b.size());
		Rsp r;
		if (n < ssize_t(ISC_BHS_LEN))
			return r;
		r.status = uint16_t(b[36] << 8 | b[37]);
		r.transit = b[1] & ISC_FLAG_FINAL;
		uint32_t dl = uint32_t(b[5]) << 16 | uint32_t(b[6]) << 8 | b[7];
		std::string data(reinterpret_cast<char *>(b.data()) + ISC_BHS_LEN, dl);
		for (size_t pos = 0; pos < data.size();) {
			size_t end = data.find('\0', pos);
			std::string kv = data.substr(pos, end - pos);
			if (auto eq = kv.find('='); eq != std::string::npos)
				r.kv[kv.substr(0, eq)] = kv.substr(eq + 1);
			pos = end == std::string::npos ? data.size() : end + 1;
		}
		return r;
	}
};

std::string md5_response(unsigned id, const std::string &secret, const std::vector<uint8_t> &ch)
{
	std::vector<uint8_t> msg{uint8_t(id)};
	msg.insert(msg.end(), secret.begin(), secret.end());
	msg.insert(msg.end(), ch.begin(), ch.end());
	std::vector<uint8_t> out(EVP_MAX_MD_SIZE);
	unsigned len = 0;
	EXPECT_EQ(EVP_Digest(msg.data(), msg.size(), out.data(), &len, EVP_md5(), nullptr), 1);
	out.resize(len);
	return encode_binary(out, BinaryEncoding::Hex);
}

const std::string kIni = std::string("InitiatorName=") + kInitiator;
const std::string kTgt = std::string("TargetName=") + kTarget;

// Security stage up to the challenge: (CHAP_I, CHAP_C).
std::pair<unsigned, std::vector<uint8_t>> challenge(Conn &c)
{
	Rsp r = c.req(ISC_STAGE_SECURITY, false, 0, {kIni, kTgt, "SessionType=Normal", "AuthMethod=CHAP,None"});
	EXPECT_EQ(r.status, ISC_LOGIN_OK);
	EXPECT_EQ(r.kv["AuthMethod"], "CHAP");
	r = c.req(ISC_STAGE_SECURITY, false, 0, {"CHAP_A=5"});
	EXPECT_EQ(r.status, ISC_LOGIN_OK);
	EXPECT_EQ(r.kv["CHAP_A"], "5");
	EXPECT_FALSE(r.transit);
	auto ch = decode_binary(r.kv["CHAP_C"]);
	EXPECT_TRUE(ch);
	return {unsigned(std::stoul(r.kv["CHAP_I"])), ch ? *ch : std::vector<uint8_t>{}};
}

} // namespace

TEST(IscsiLoginChap, SecurityMethodsFollowTheAccounts)
{
	FakeKernel k = chap_kernel(false);
	EXPECT_EQ(iscsi_security_methods(&k.tgts[0], kInitiator), BIT(ISC_AUTH_CHAP));
	k.tgts[0].chap = {};
	EXPECT_EQ(iscsi_security_methods(&k.tgts[0], kInitiator), BIT(ISC_AUTH_NONE));
	EXPECT_EQ(iscsi_security_methods(nullptr, kInitiator), BIT(ISC_AUTH_NONE));
}

TEST(IscsiLoginChap, ChapLoginHandsOver)
{
	FakeKernel k = chap_kernel(false);
	Conn c(k);
	auto [id, ch] = challenge(c);
	Rsp r = c.req(ISC_STAGE_SECURITY, true, ISC_STAGE_OPERATIONAL,
		      {"CHAP_N=joe", "CHAP_R=" + md5_response(id, kSecret, ch)});
	EXPECT_EQ(r.status, ISC_LOGIN_OK);
	EXPECT_TRUE(r.transit);
	bool alive = true;
	r = c.req(ISC_STAGE_OPERATIONAL, true, ISC_STAGE_FULL_FEATURE, {"HeaderDigest=CRC32C,None"}, &alive);
	EXPECT_EQ(r.status, ISC_LOGIN_OK);
	EXPECT_FALSE(alive);  // handed over
	ASSERT_EQ(k.added.size(), 1u);
	EXPECT_EQ(k.added[0].initiator, kInitiator);
}

TEST(IscsiLoginChap, MutualChap)
{
	FakeKernel k = chap_kernel(true);
	Conn c(k);
	auto [id, ch] = challenge(c);
	const std::vector<uint8_t> ini_ch(16, 0x33);
	Rsp r = c.req(ISC_STAGE_SECURITY, true, ISC_STAGE_OPERATIONAL,
		      {"CHAP_N=joe", "CHAP_R=" + md5_response(id, kSecret, ch), "CHAP_I=9",
		       "CHAP_C=" + encode_binary(ini_ch, BinaryEncoding::Hex)});
	EXPECT_EQ(r.status, ISC_LOGIN_OK);
	EXPECT_TRUE(r.transit);
	EXPECT_EQ(r.kv["CHAP_N"], "tgt");
	EXPECT_EQ(r.kv["CHAP_R"], md5_response(9, kTgtSecret, ini_ch));
}

TEST(IscsiLoginChap, WrongSecretRefused)
{
	FakeKernel k = chap_kernel(false);
	Conn c(k);
	auto [id, ch] = challenge(c);
	bool alive = true;
	Rsp r = c.req(ISC_STAGE_SECURITY, true, ISC_STAGE_OPERATIONAL,
		      {"CHAP_N=joe", "CHAP_R=" + md5_response(id, "not-the-secret", ch)}, &alive);
	EXPECT_EQ(r.status, ISC_LOGIN_AUTH_FAILED);
	EXPECT_FALSE(alive);
	EXPECT_TRUE(k.added.empty());
}

TEST(IscsiLoginChap, NoneRefusedWhenChapRequired)
{
	FakeKernel k = chap_kernel(false);
	Conn c(k);
	bool alive = true;
	Rsp r = c.req(ISC_STAGE_SECURITY, true, ISC_STAGE_OPERATIONAL, {kIni, kTgt, "AuthMethod=None"}, &alive);
	EXPECT_EQ(r.status >> 8, 2);  // initiator error class
	EXPECT_NE(r.status, ISC_LOGIN_OK);
	EXPECT_FALSE(alive);
	EXPECT_TRUE(k.added.empty());
}

TEST(IscsiLoginChap, SkippingSecurityRefused)
{
	FakeKernel k = chap_kernel(false);
	Conn c(k);
	bool alive = true;
	Rsp r = c.req(ISC_STAGE_OPERATIONAL, true, ISC_STAGE_FULL_FEATURE, {kIni, kTgt}, &alive);
	EXPECT_EQ(r.status, ISC_LOGIN_AUTH_FAILED);
	EXPECT_FALSE(alive);

	// Or after the challenge, without answering it.
	Conn c2(k);
	challenge(c2);
	r = c2.req(ISC_STAGE_OPERATIONAL, true, ISC_STAGE_FULL_FEATURE, {}, &alive);
	EXPECT_EQ(r.status, ISC_LOGIN_AUTH_FAILED);
	EXPECT_FALSE(alive);
	EXPECT_TRUE(k.added.empty());
}

TEST(IscsiLoginChap, TransitHeldUntilChapDone)
{
	FakeKernel k = chap_kernel(false);
	Conn c(k);
	// T set already with the first request: no transit before CHAP.
	Rsp r = c.req(ISC_STAGE_SECURITY, true, ISC_STAGE_OPERATIONAL,
		      {kIni, kTgt, "SessionType=Normal", "AuthMethod=CHAP"});
	EXPECT_EQ(r.status, ISC_LOGIN_OK);
	EXPECT_FALSE(r.transit);
	r = c.req(ISC_STAGE_SECURITY, true, ISC_STAGE_OPERATIONAL, {"CHAP_A=5"});
	EXPECT_EQ(r.status, ISC_LOGIN_OK);
	EXPECT_FALSE(r.transit);
	auto ch = decode_binary(r.kv["CHAP_C"]);
	ASSERT_TRUE(ch);
	r = c.req(ISC_STAGE_SECURITY, true, ISC_STAGE_OPERATIONAL,
		  {"CHAP_N=joe", "CHAP_R=" + md5_response(std::stoul(r.kv["CHAP_I"]), kSecret, *ch)});
	EXPECT_EQ(r.status, ISC_LOGIN_OK);
	EXPECT_TRUE(r.transit);
}

namespace {

const std::string kDiscSecret = "discovery-secret";

// A discovery session up to the challenge, for a kernel whose driver has
// an IncomingUser account.
std::pair<unsigned, std::vector<uint8_t>> discovery_challenge(Conn &c)
{
	Rsp r = c.req(ISC_STAGE_SECURITY, false, 0, {kIni, "SessionType=Discovery", "AuthMethod=CHAP,None"});
	EXPECT_EQ(r.status, ISC_LOGIN_OK);
	EXPECT_EQ(r.kv["AuthMethod"], "CHAP");
	r = c.req(ISC_STAGE_SECURITY, false, 0, {"CHAP_A=5"});
	EXPECT_EQ(r.status, ISC_LOGIN_OK);
	auto ch = decode_binary(r.kv["CHAP_C"]);
	EXPECT_TRUE(ch);
	return {unsigned(std::stoul(r.kv["CHAP_I"])), ch ? *ch : std::vector<uint8_t>{}};
}

FakeKernel discovery_kernel()
{
	FakeKernel k = chap_kernel(false);
	k.drv_attrs.add("IncomingUser", "disc " + kDiscSecret);
	k.drv_attrs.add("OutgoingUser", "dtgt " + kTgtSecret);
	return k;
}

} // namespace

TEST(IscsiLoginChap, DiscoveryWithoutDriverAccountsNeedsNothing)
{
	FakeKernel k = chap_kernel(false);  // the target's accounts do not count
	Conn c(k);
	bool alive = false;
	Rsp r = c.req(ISC_STAGE_SECURITY, true, ISC_STAGE_FULL_FEATURE,
		      {kIni, "SessionType=Discovery", "AuthMethod=None"}, &alive);
	EXPECT_EQ(r.status, ISC_LOGIN_OK);
	EXPECT_TRUE(r.transit);
	EXPECT_TRUE(alive);
}

TEST(IscsiLoginChap, DiscoveryAuthenticatesWithTheDriversAccounts)
{
	FakeKernel k = discovery_kernel();
	{
		// AuthMethod=None is refused.
		Conn c(k);
		bool alive = true;
		Rsp r = c.req(ISC_STAGE_SECURITY, true, ISC_STAGE_FULL_FEATURE,
			      {kIni, "SessionType=Discovery", "AuthMethod=None"}, &alive);
		EXPECT_EQ(r.status >> 8, 2);
		EXPECT_FALSE(alive);
	}
	{
		// The target's account is not a discovery account.
		Conn c(k);
		auto [id, ch] = discovery_challenge(c);
		bool alive = true;
		Rsp r = c.req(ISC_STAGE_SECURITY, true, ISC_STAGE_FULL_FEATURE,
			      {"CHAP_N=joe", "CHAP_R=" + md5_response(id, kSecret, ch)}, &alive);
		EXPECT_EQ(r.status, ISC_LOGIN_AUTH_FAILED);
		EXPECT_FALSE(alive);
	}
	{
		// The driver's account, with mutual CHAP: a discovery session.
		Conn c(k);
		auto [id, ch] = discovery_challenge(c);
		const std::vector<uint8_t> ini_ch(16, 0x5a);
		bool alive = false;
		Rsp r = c.req(ISC_STAGE_SECURITY, true, ISC_STAGE_FULL_FEATURE,
			      {"CHAP_N=disc", "CHAP_R=" + md5_response(id, kDiscSecret, ch), "CHAP_I=3",
			       "CHAP_C=" + encode_binary(ini_ch, BinaryEncoding::Hex)},
			      &alive);
		EXPECT_EQ(r.status, ISC_LOGIN_OK);
		EXPECT_TRUE(r.transit);
		EXPECT_TRUE(alive);  // stays with the daemon
		EXPECT_EQ(r.kv["CHAP_N"], "dtgt");
		EXPECT_EQ(r.kv["CHAP_R"], md5_response(3, kTgtSecret, ini_ch));
		EXPECT_TRUE(k.added.empty());
	}
}
