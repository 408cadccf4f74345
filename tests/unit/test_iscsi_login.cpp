// scstadmd's iSCSI login (userspace/scstadmd/iscsi_login.cpp) against a
// fake kernel, over a socketpair: status classes of refused logins, the
// hand-over of a Normal session, SendTargets, and the portal syntax.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "iscsi_login.hpp"
#include "iscsi_login_test_util.hpp"
#include "iscsi_portal.hpp"
#include "options.hpp"

using namespace scstadmd;

namespace {

const char kTarget[] = "iqn.2026-11.org.scst:t1";
const char kInitiator[] = "iqn.2026-11.org.scst:i1";

using namespace iscsi_login_test;

// A Login Request from CSG to NSG with T set.
std::vector<uint8_t> login_req(uint8_t csg, uint8_t nsg, const std::vector<uint8_t> &data)
{
	return iscsi_login_test::login_req(csg, true, nsg, data);
}

struct Pair {
	int ours, theirs;
	Pair()
	{
		int sv[2];
		EXPECT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
		ours = sv[0];
		theirs = sv[1];
		fcntl(ours, F_SETFL, O_NONBLOCK);
	}
	~Pair() { close(theirs); }
	void send(const std::vector<uint8_t> &b) { ASSERT_EQ(write(theirs, b.data(), b.size()), (ssize_t)b.size()); }
	std::vector<uint8_t> recv()
	{
		std::vector<uint8_t> b(65536);
		ssize_t n = read(theirs, b.data(), b.size());
		b.resize(n > 0 ? n : 0);
		return b;
	}
};

uint16_t status(const std::vector<uint8_t> &rsp)
{
	return rsp.size() >= ISC_BHS_LEN ? uint16_t(rsp[36] << 8 | rsp[37]) : 0xffff;
}

TEST(IscsiLogin, UnknownTargetIsNotFound)
{
	FakeKernel k;
	Pair p;
	LoginConn c(UniqueFd(p.ours), k);
	p.send(login_req(ISC_STAGE_OPERATIONAL, ISC_STAGE_FULL_FEATURE,
			 keys({std::string("InitiatorName=") + kInitiator, "TargetName=iqn.nope"})));
	EXPECT_FALSE(c.on_readable());
	EXPECT_EQ(status(p.recv()), ISC_LOGIN_NOT_FOUND);
}

TEST(IscsiLogin, DisabledTargetIsNotFound)
{
	FakeKernel k;
	k.tgts.push_back(make_target(kTarget, false));
	Pair p;
	LoginConn c(UniqueFd(p.ours), k);
	p.send(login_req(ISC_STAGE_OPERATIONAL, ISC_STAGE_FULL_FEATURE,
			 keys({std::string("InitiatorName=") + kInitiator, std::string("TargetName=") + kTarget})));
	EXPECT_FALSE(c.on_readable());
	EXPECT_EQ(status(p.recv()), ISC_LOGIN_NOT_FOUND);
	EXPECT_TRUE(k.added.empty());
}

TEST(IscsiLogin, MissingInitiatorName)
{
	FakeKernel k;
	Pair p;
	LoginConn c(UniqueFd(p.ours), k);
	p.send(login_req(ISC_STAGE_OPERATIONAL, ISC_STAGE_FULL_FEATURE,
			 keys({std::string("TargetName=") + kTarget})));
	EXPECT_FALSE(c.on_readable());
	EXPECT_EQ(status(p.recv()), ISC_LOGIN_MISSING_PARAM);
}

TEST(IscsiLogin, NormalSessionIsHandedOver)
{
	FakeKernel k;
	k.tgts.push_back(make_target(kTarget, true));
	Pair p;
	LoginConn c(UniqueFd(p.ours), k);
	p.send(login_req(ISC_STAGE_SECURITY, ISC_STAGE_OPERATIONAL,
			 keys({std::string("InitiatorName=") + kInitiator, std::string("TargetName=") + kTarget,
			       "AuthMethod=None"})));
	EXPECT_TRUE(c.on_readable());
	auto r1 = p.recv();
	ASSERT_EQ(status(r1), ISC_LOGIN_OK);
	p.send(login_req(ISC_STAGE_OPERATIONAL, ISC_STAGE_FULL_FEATURE,
			 keys({"HeaderDigest=None", "DataDigest=None", "MaxRecvDataSegmentLength=262144"})));
	EXPECT_FALSE(c.on_readable());	// handed over: the daemon lets go
	auto r2 = p.recv();
	ASSERT_EQ(status(r2), ISC_LOGIN_OK);
	ASSERT_EQ(k.added.size(), 1u);
	const auto &a = k.added[0];
	EXPECT_EQ(a.target, kTarget);
	EXPECT_EQ(a.initiator, kInitiator);
	EXPECT_EQ(a.isid, 0x400000010000ULL);
	EXPECT_EQ(a.tsih, 0);
	// The initiator's MaxRecvDataSegmentLength, capped by the target's.
	EXPECT_EQ(a.params.max_xmit_dsl, 65536u);
	// The final response carries the TSIH, and the kernel goes on with
	// the StatSN after it.
	EXPECT_EQ(r2[14] << 8 | r2[15], 7);
	uint32_t statsn = r2[24] << 24 | r2[25] << 16 | r2[26] << 8 | r2[27];
	EXPECT_EQ(a.stat_sn, statsn + 1);
	EXPECT_TRUE(r2[1] & ISC_FLAG_FINAL);
}

// A discovery session's answer to SendTargets=All over @c.
std::string send_targets_all(Pair &p, LoginConn &c)
{
	p.send(login_req(ISC_STAGE_OPERATIONAL, ISC_STAGE_FULL_FEATURE,
			 keys({std::string("InitiatorName=") + kInitiator, "SessionType=Discovery"})));
	EXPECT_TRUE(c.on_readable());
	EXPECT_EQ(status(p.recv()), ISC_LOGIN_OK);

	auto st = keys({"SendTargets=All"});
	std::vector<uint8_t> text(ISC_BHS_LEN + isc_padded(st.size()), 0);
	text[0] = ISC_OP_TEXT_REQ | ISC_OP_IMMEDIATE;
	text[1] = ISC_FLAG_FINAL;
	isc_bhs_set_dlength(text.data(), st.size());
	text[19] = 2;
	std::fill(text.begin() + 20, text.begin() + 24, 0xff);	// TTT
	std::copy(st.begin(), st.end(), text.begin() + ISC_BHS_LEN);
	p.send(text);
	EXPECT_TRUE(c.on_readable());
	auto r = p.recv();
	if (r.size() < size_t(ISC_BHS_LEN))
		return "";
	std::string body(r.begin() + ISC_BHS_LEN, r.end());
	// Without the padding.
	return body.substr(0, isc_bhs_dlength(r.data()));
}

// A config with driver iscsi and these targets, enabled.
scstconf::Config iscsi_config(std::vector<scstconf::Target> targets)
{
	scstconf::Config c;
	for (auto &t : targets)
		t.attrs.add("enabled", "1");
	c.drivers.push_back({"iscsi", {}, std::move(targets), {}});
	return c;
}

scstconf::Target open_target(const char *name)
{
	scstconf::Target t;
	t.name = name;
	t.luns.push_back({0, "d0", {}, {}});
	return t;
}

// LUNs only for initiators matching @pattern.
scstconf::Target masked_target(const char *name, const char *pattern)
{
	scstconf::Target t;
	t.name = name;
	scstconf::Group g;
	g.name = "g";
	g.luns.push_back({0, "d0", {}, {}});
	g.initiators.push_back({pattern, {}});
	t.groups.push_back(std::move(g));
	return t;
}

const IscsiPortal kLocal4{"127.0.0.1", 3260, 1};
const IscsiPortal kLocal6{"::1", 3260, 1};

TEST(IscsiLogin, SendTargetsFilteredByMaskingAndPortals)
{
	FakeKernel k;
	scstconf::Target v6 = open_target("iqn.2026-11.org.scst:v6");
	v6.attrs.add("allowed_portal", "[::1]");
	scstconf::Target lo = open_target("iqn.2026-11.org.scst:lo");
	lo.attrs.add("allowed_portal", "127.0.0.*");
	k.cfg = iscsi_config({open_target(kTarget), masked_target("iqn.2026-11.org.scst:masked", "iqn.x:*"),
			      masked_target("iqn.2026-11.org.scst:mine", "iqn.2026-11.org.scst:i?"),
			      std::move(v6), std::move(lo)});
	{
		Pair p;
		LoginConn c(UniqueFd(p.ours), k, {kLocal4, kLocal6}, kLocal4);
		const std::string body = send_targets_all(p, c);
		EXPECT_NE(body.find(std::string("TargetName=") + kTarget), std::string::npos) << body;
		EXPECT_NE(body.find("TargetName=iqn.2026-11.org.scst:mine"), std::string::npos) << body;
		EXPECT_EQ(body.find("masked"), std::string::npos) << body;
		EXPECT_EQ(body.find(":v6"), std::string::npos) << body;
		// lo: only its IPv4 portal; the open target: both.
		const auto lo_at = body.find("TargetName=iqn.2026-11.org.scst:lo");
		ASSERT_NE(lo_at, std::string::npos) << body;
		const std::string lo_part = body.substr(lo_at, body.find("TargetName=", lo_at + 1) - lo_at);
		EXPECT_NE(lo_part.find("TargetAddress=127.0.0.1:3260,1"), std::string::npos) << body;
		EXPECT_EQ(lo_part.find("[::1]"), std::string::npos) << body;
		EXPECT_NE(body.find("TargetAddress=[::1]:3260,1"), std::string::npos) << body;
	}
	{
		Pair p;
		LoginConn c(UniqueFd(p.ours), k, {kLocal4, kLocal6}, kLocal6);
		const std::string body = send_targets_all(p, c);
		EXPECT_NE(body.find("TargetName=iqn.2026-11.org.scst:v6"), std::string::npos) << body;
		EXPECT_EQ(body.find("TargetName=iqn.2026-11.org.scst:lo"), std::string::npos) << body;
	}
}

// A normal session's first request to @target, from kInitiator.
uint16_t login_status(FakeKernel &k, const char *target, const IscsiPortal &local)
{
	Pair p;
	LoginConn c(UniqueFd(p.ours), k, {}, local);
	p.send(login_req(ISC_STAGE_SECURITY, ISC_STAGE_OPERATIONAL,
			 keys({std::string("InitiatorName=") + kInitiator, std::string("TargetName=") + target,
			       "AuthMethod=None"})));
	c.on_readable();
	return status(p.recv());
}

TEST(IscsiLogin, RefusedWhereTheTargetCannotBeSeen)
{
	FakeKernel k;
	for (const char *n : {kTarget, "iqn.2026-11.org.scst:masked", "iqn.2026-11.org.scst:mine",
			      "iqn.2026-11.org.scst:v6"})
		k.tgts.push_back(make_target(n, true));
	scstconf::Target v6 = open_target("iqn.2026-11.org.scst:v6");
	v6.attrs.add("allowed_portal", "::1");
	k.cfg = iscsi_config({open_target(kTarget), masked_target("iqn.2026-11.org.scst:masked", "iqn.x:*"),
			      masked_target("iqn.2026-11.org.scst:mine", "*:i1"), std::move(v6)});
	EXPECT_EQ(login_status(k, kTarget, kLocal4), ISC_LOGIN_OK);
	EXPECT_EQ(login_status(k, "iqn.2026-11.org.scst:mine", kLocal4), ISC_LOGIN_OK);
	// LUN masking gives no view: authorization failure.
	EXPECT_EQ(login_status(k, "iqn.2026-11.org.scst:masked", kLocal4), ISC_LOGIN_AUTHZ_FAILED);
	// Not on this portal: not found, as SendTargets does not show it.
	EXPECT_EQ(login_status(k, "iqn.2026-11.org.scst:v6", kLocal4), ISC_LOGIN_NOT_FOUND);
	EXPECT_EQ(login_status(k, "iqn.2026-11.org.scst:v6", kLocal6), ISC_LOGIN_OK);
	EXPECT_TRUE(k.added.empty());

	// The kernel's configuration cannot be read: a target error.
	struct Broken : FakeKernel {
		scstconf::Result<scstconf::Config> config() override
		{
			return scstconf::Error{"", 0, 0, "", "netlink down"};
		}
	} broken;
	broken.tgts = k.tgts;
	EXPECT_EQ(login_status(broken, kTarget, kLocal4), ISC_LOGIN_TARGET_ERROR);
}

TEST(IscsiLogin, DiscoverySendTargets)
{
	FakeKernel k;
	k.tgts.push_back(make_target(kTarget, true));
	k.tgts.push_back(make_target("iqn.2026-11.org.scst:off", false));
	Pair p;
	LoginConn c(UniqueFd(p.ours), k, {}, kLocal4);
	p.send(login_req(ISC_STAGE_OPERATIONAL, ISC_STAGE_FULL_FEATURE,
			 keys({std::string("InitiatorName=") + kInitiator, "SessionType=Discovery"})));
	EXPECT_TRUE(c.on_readable());
	ASSERT_EQ(status(p.recv()), ISC_LOGIN_OK);

	auto st = keys({"SendTargets=All"});
	std::vector<uint8_t> text(ISC_BHS_LEN + isc_padded(st.size()), 0);
	text[0] = ISC_OP_TEXT_REQ | ISC_OP_IMMEDIATE;
	text[1] = ISC_FLAG_FINAL;
	isc_bhs_set_dlength(text.data(), st.size());
	text[19] = 2;
	std::fill(text.begin() + 20, text.begin() + 24, 0xff);	// TTT
	std::copy(st.begin(), st.end(), text.begin() + ISC_BHS_LEN);
	p.send(text);
	EXPECT_TRUE(c.on_readable());
	auto r = p.recv();
	ASSERT_GT(r.size(), size_t(ISC_BHS_LEN));
	std::string body(r.begin() + ISC_BHS_LEN, r.end());
	EXPECT_NE(body.find(std::string("TargetName=") + kTarget), std::string::npos);
	EXPECT_EQ(body.find("off"), std::string::npos);
}

TEST(IscsiPortal, Parse)
{
	auto a = parse_portal("0.0.0.0:3260");
	ASSERT_TRUE(a);
	EXPECT_EQ(a->host, "0.0.0.0");
	EXPECT_EQ(a->port, 3260);
	auto b = parse_portal("[::1]:3261");
	ASSERT_TRUE(b);
	EXPECT_EQ(b->host, "::1");
	EXPECT_EQ(b->port, 3261);
	auto c = parse_portal("10.0.0.1");
	ASSERT_TRUE(c);
	EXPECT_EQ(c->port, 3260);
	EXPECT_FALSE(parse_portal("[::1"));
	EXPECT_FALSE(parse_portal("1.2.3.4:0"));
	EXPECT_FALSE(parse_portal("1.2.3.4:x"));
	EXPECT_FALSE(parse_portal(":3260"));
}

TEST(IscsiPortal, Defaults)
{
	Options o;
	auto d = iscsi_portal_addrs(o);
	ASSERT_EQ(d.size(), 2u);
	EXPECT_EQ(d[1].host, "::");
	o.no_iscsi = true;
	EXPECT_TRUE(iscsi_portal_addrs(o).empty());
	auto opt = parse_options({"--iscsi-portal", "127.0.0.1:3262"});
	ASSERT_TRUE(opt);
	ASSERT_EQ(opt->iscsi_portals.size(), 1u);
	EXPECT_FALSE(parse_options({"--iscsi-portal", "[::1"}));
}

} // namespace

namespace {

// A connection that stays silent in login is closed after the idle time.
TEST(IscsiPortal, IdleLoginIsClosed)
{
	FakeKernel k;
	IscsiPortals portals(k, std::chrono::milliseconds(50));
	ASSERT_TRUE(portals.listen({{"127.0.0.1", 0}}));
	EventLoop loop;
	portals.attach(loop);

	int s = socket(AF_INET, SOCK_STREAM, 0);
	sockaddr_in a{};
	a.sin_family = AF_INET;
	a.sin_port = htons(portals.port());
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ASSERT_EQ(connect(s, reinterpret_cast<sockaddr *>(&a), sizeof(a)), 0);
	ASSERT_TRUE(loop.run_once(std::chrono::milliseconds(1000)));
	EXPECT_EQ(portals.logins(), 1u);
	for (int i = 0; i < 20 && portals.logins(); i++)
		ASSERT_TRUE(loop.run_once(std::chrono::milliseconds(100)));
	EXPECT_EQ(portals.logins(), 0u);
	char c;
	EXPECT_EQ(read(s, &c, 1), 0);	// closed by the target
	close(s);
}

} // namespace
