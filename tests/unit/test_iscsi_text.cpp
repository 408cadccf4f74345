// iSCSI text keys (kernel/iscsi/iscsi_text.c): key=value parsing, the
// key table, login and text negotiation, SendTargets answers.
#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

extern "C" {
#include "iscsi_text.h"
}

namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

std::vector<u8> text(std::initializer_list<std::string> kvs)
{
	std::vector<u8> v;
	for (const std::string &s : kvs) {
		v.insert(v.end(), s.begin(), s.end());
		v.push_back(0);
	}
	return v;
}

Pairs parse(const u8 *buf, u32 len)
{
	Pairs p;
	isc_kv kv;
	u32 pos = 0;
	int r;
	while ((r = isc_text_next(buf, len, &pos, &kv)) > 0)
		p.emplace_back(std::string(kv.key, kv.key_len),
			       std::string(kv.val, kv.val_len));
	EXPECT_EQ(r, 0);
	return p;
}

std::string find(const Pairs &p, const std::string &key)
{
	std::string v = "<absent>";
	int n = 0;
	for (const auto &kv : p)
		if (kv.first == key) {
			v = kv.second;
			n++;
		}
	EXPECT_LE(n, 1) << key << " answered twice";
	return v;
}

const char *INI = "InitiatorName=iqn.2004-10.com.ubuntu:01:8a1b2c3d4e5f";
const char *TGT = "TargetName=iqn.2024-01.org.example:disk1";

struct Login {
	isc_tgt_config cfg;
	isc_neg n;
	std::vector<u8> out = std::vector<u8>(8192);
	u32 out_len = 0;
	u16 st = 0;
	Pairs ans;

	explicit Login(bool leading = true)
	{
		isc_tgt_config_default(&cfg);
		cfg.limits.max_recv_dsl = 262144;
		cfg.limits.max_burst = 1048576;
		cfg.limits.first_burst = 262144;
		cfg.limits.max_outstanding_r2t = 16;
		cfg.limits.initial_r2t = 0;
		cfg.limits.max_connections = 1;
		isc_neg_init(&n, &cfg, leading);
	}
	// Re-initialise after changing cfg.
	void reset(bool leading = true) { isc_neg_init(&n, &cfg, leading); }

	// The CHAP keys point into the input: keep it.
	std::vector<u8> in;

	u16 req(u8 csg, bool transit, u8 nsg, const std::vector<u8> &req_in)
	{
		in = req_in;
		st = isc_neg_login(&n, csg, transit, nsg, in.data(),
				   u32(in.size()), out.data(), u32(out.size()),
				   &out_len);
		ans = parse(out.data(), out_len);
		return st;
	}
	u16 op(std::initializer_list<std::string> kvs, bool transit = true)
	{
		return req(ISC_STAGE_OPERATIONAL, transit,
			   ISC_STAGE_FULL_FEATURE, text(kvs));
	}
	// The first request as open-iscsi sends it without CHAP: names and
	// AuthMethod=None in the security stage, going to operational.
	u16 start(std::initializer_list<std::string> extra = {})
	{
		std::vector<u8> first = text({ INI, TGT, "AuthMethod=None" });
		std::vector<u8> x = text(extra);
		first.insert(first.end(), x.begin(), x.end());
		return req(ISC_STAGE_SECURITY, true, ISC_STAGE_OPERATIONAL, first);
	}
	// The first request straight in the operational stage.
	u16 start_op()
	{
		return req(ISC_STAGE_OPERATIONAL, false, 0, text({ INI, TGT }));
	}
	std::string a(const std::string &key) { return find(ans, key); }
};

} // namespace

TEST(IscsiText, ParsePairs)
{
	std::vector<u8> in = text({ "A=1", "", "B=x=y", "C=" });
	in.push_back(0);	// padding-like trailing NULs
	Pairs p = parse(in.data(), u32(in.size()));
	ASSERT_EQ(p.size(), 3u);
	EXPECT_EQ(p[0], std::make_pair(std::string("A"), std::string("1")));
	EXPECT_EQ(p[1], std::make_pair(std::string("B"), std::string("x=y")));
	EXPECT_EQ(p[2], std::make_pair(std::string("C"), std::string("")));
	EXPECT_TRUE(parse(nullptr, 0).empty());
}

TEST(IscsiText, ParseErrors)
{
	auto bad = [](const std::vector<u8> &in) {
		isc_kv kv;
		u32 pos = 0;
		int r;
		while ((r = isc_text_next(in.data(), u32(in.size()), &pos, &kv)) > 0)
			;
		return r == -EINVAL;
	};
	EXPECT_TRUE(bad(text({ "NoEquals" })));
	EXPECT_TRUE(bad(text({ "=value" })));
	EXPECT_TRUE(bad(text({ "Bad Key=1" })));
	EXPECT_TRUE(bad(text({ "Bad#Key=1" })));
	EXPECT_FALSE(bad(text({ "X#Registered=1" })));
	EXPECT_FALSE(bad(text({ "X-com.example.k+@_=1" })));
	std::vector<u8> unterminated = { 'A', '=', '1' };
	EXPECT_TRUE(bad(unterminated));
	EXPECT_FALSE(bad(text({ std::string(63, 'K') + "=1" })));
	EXPECT_TRUE(bad(text({ std::string(64, 'K') + "=1" })));
	EXPECT_FALSE(bad(text({ "K=" + std::string(8192, 'v') })));
	EXPECT_TRUE(bad(text({ "K=" + std::string(8193, 'v') })));
}

TEST(IscsiText, Add)
{
	u8 buf[16];
	u32 len = 0;
	EXPECT_EQ(isc_text_add(buf, sizeof(buf), &len, "Key", "Val"), 0);
	EXPECT_EQ(len, 8u);
	EXPECT_EQ(isc_text_add_u32(buf, sizeof(buf), &len, "N", 4294967295u),
		  -ENOSPC);
	EXPECT_EQ(len, 8u);
	EXPECT_EQ(isc_text_add_u32(buf, sizeof(buf), &len, "N", 0), 0);
	EXPECT_EQ(len, 12u);
	EXPECT_EQ(isc_text_add(buf, sizeof(buf), &len, "Z", "1"), 0);
	EXPECT_EQ(len, 16u);
	EXPECT_EQ(isc_text_add(buf, sizeof(buf), &len, "", ""), -ENOSPC);
	Pairs p = parse(buf, len);
	ASSERT_EQ(p.size(), 3u);
	EXPECT_EQ(p[1].second, "0");
}

TEST(IscsiText, KeyTable)
{
	for (int i = 0; i < ISC_KEY_COUNT; i++) {
		const isc_key_desc *d = isc_key_info(isc_key_id(i));
		ASSERT_NE(d, nullptr);
		ASSERT_NE(d->name, nullptr);
		EXPECT_EQ(isc_key_lookup(d->name, u32(strlen(d->name))), i);
		if (d->type == ISC_KT_NUM_MIN || d->type == ISC_KT_NUM_MAX ||
		    d->type == ISC_KT_DECL_NUM) {
			EXPECT_LE(d->min, d->def) << d->name;
		}
	}
	EXPECT_EQ(isc_key_info(ISC_KEY_COUNT), nullptr);
	EXPECT_EQ(isc_key_lookup("X-foo", 5), -1);
	EXPECT_EQ(isc_key_lookup("HeaderDigestX", 12), ISC_KEY_HEADER_DIGEST);

	isc_params p;
	isc_params_default(&p);
	EXPECT_EQ(p.header_digest, u32(ISC_DIGEST_NONE));
	EXPECT_EQ(p.max_connections, 1u);
	EXPECT_EQ(p.initial_r2t, 1u);
	EXPECT_EQ(p.immediate_data, 1u);
	EXPECT_EQ(p.max_recv_dsl, 8192u);
	EXPECT_EQ(p.max_xmit_dsl, 8192u);
	EXPECT_EQ(p.max_burst, 262144u);
	EXPECT_EQ(p.first_burst, 65536u);
	EXPECT_EQ(p.time2wait, 2u);
	EXPECT_EQ(p.time2retain, 20u);
	EXPECT_EQ(p.max_outstanding_r2t, 1u);
	EXPECT_EQ(p.data_pdu_in_order, 1u);
	EXPECT_EQ(p.data_seq_in_order, 1u);
	EXPECT_EQ(p.erl, 0u);
	EXPECT_EQ(p.discovery, 0u);
	const isc_key_desc *d = isc_key_info(ISC_KEY_MAX_BURST);
	EXPECT_EQ(d->type, ISC_KT_NUM_MIN);
	EXPECT_EQ(d->min, 512u);
	EXPECT_EQ(d->max, 16777215u);
	EXPECT_TRUE(d->flags & ISC_KF_LEADING);
	EXPECT_EQ(isc_key_info(ISC_KEY_TIME2WAIT)->type, ISC_KT_NUM_MAX);
	EXPECT_EQ(isc_key_info(ISC_KEY_INITIAL_R2T)->type, ISC_KT_BOOL_OR);
	EXPECT_EQ(isc_key_info(ISC_KEY_IMMEDIATE_DATA)->type, ISC_KT_BOOL_AND);
	EXPECT_EQ(isc_key_info(ISC_KEY_DATA_PDU_IN_ORDER)->type, ISC_KT_BOOL_OR);
	EXPECT_EQ(isc_key_info(ISC_KEY_MAX_RECV_DSL)->type, ISC_KT_DECL_NUM);
	EXPECT_TRUE(isc_key_info(ISC_KEY_AUTH_METHOD)->flags & ISC_KF_SECURITY);
	EXPECT_TRUE(isc_key_info(ISC_KEY_SEND_TARGETS)->flags & ISC_KF_FFP);
}

TEST(IscsiNeg, ListKeys)
{
	Login l;
	ASSERT_EQ(l.start(), ISC_LOGIN_OK);
	ASSERT_EQ(l.op({ "HeaderDigest=CRC32C,None", "DataDigest=None,CRC32C" }),
		  ISC_LOGIN_OK);
	EXPECT_EQ(l.a("HeaderDigest"), "CRC32C");
	EXPECT_EQ(l.a("DataDigest"), "None");
	EXPECT_EQ(l.n.p.header_digest, u32(ISC_DIGEST_CRC32C));
	EXPECT_EQ(l.n.p.data_digest, u32(ISC_DIGEST_NONE));

	// Unknown values are skipped; nothing acceptable is Reject.
	l.cfg.header_digests = BIT(ISC_DIGEST_NONE);
	l.reset();
	l.start();
	ASSERT_EQ(l.op({ "HeaderDigest=Foo,CRC32C,None", "DataDigest=CRC32C" }),
		  ISC_LOGIN_OK);
	EXPECT_EQ(l.a("HeaderDigest"), "None");
	EXPECT_EQ(l.a("DataDigest"), "CRC32C");
	l.cfg.data_digests = BIT(ISC_DIGEST_NONE);
	l.reset();
	l.start();
	ASSERT_EQ(l.op({ "HeaderDigest=CRC32C", "DataDigest=", "X-a=,," }),
		  ISC_LOGIN_OK);
	EXPECT_EQ(l.a("HeaderDigest"), "Reject");
	EXPECT_EQ(l.a("DataDigest"), "Reject");
	EXPECT_EQ(l.n.p.header_digest, u32(ISC_DIGEST_NONE));
	l.reset();
	l.start();
	ASSERT_EQ(l.op({ "DataDigest=CRC32C,,None" }), ISC_LOGIN_OK);
	EXPECT_EQ(l.a("DataDigest"), "Reject");
}

TEST(IscsiNeg, BooleanKeys)
{
	Login l;
	l.start();
	ASSERT_EQ(l.op({ "InitialR2T=No", "ImmediateData=Yes",
			 "DataPDUInOrder=No", "DataSequenceInOrder=Yes" }),
		  ISC_LOGIN_OK);
	EXPECT_EQ(l.a("InitialR2T"), "No");		// OR(No, No)
	EXPECT_EQ(l.a("ImmediateData"), "Yes");		// AND(Yes, Yes)
	EXPECT_EQ(l.a("DataPDUInOrder"), "Yes");	// OR(No, Yes)
	EXPECT_EQ(l.a("DataSequenceInOrder"), "Yes");
	EXPECT_EQ(l.n.p.initial_r2t, 0u);
	EXPECT_EQ(l.n.p.data_pdu_in_order, 1u);

	l.cfg.limits.initial_r2t = 1;
	l.cfg.limits.immediate_data = 0;
	l.reset();
	l.start();
	ASSERT_EQ(l.op({ "InitialR2T=No", "ImmediateData=Yes", "IFMarker=Maybe" }),
		  ISC_LOGIN_OK);
	EXPECT_EQ(l.a("InitialR2T"), "Yes");
	EXPECT_EQ(l.a("ImmediateData"), "No");
	EXPECT_EQ(l.n.p.immediate_data, 0u);
	l.reset();
	l.start();
	ASSERT_EQ(l.op({ "InitialR2T=yes", "ImmediateData=1" }), ISC_LOGIN_OK);
	EXPECT_EQ(l.a("InitialR2T"), "Reject");
	EXPECT_EQ(l.a("ImmediateData"), "Reject");
}

TEST(IscsiNeg, NumericalKeys)
{
	Login l;
	l.start();
	ASSERT_EQ(l.op({ "MaxBurstLength=16776192", "FirstBurstLength=4096",
			 "MaxOutstandingR2T=1", "DefaultTime2Wait=0",
			 "DefaultTime2Retain=60", "ErrorRecoveryLevel=2",
			 "MaxConnections=8" }),
		  ISC_LOGIN_OK);
	EXPECT_EQ(l.a("MaxBurstLength"), "1048576");
	EXPECT_EQ(l.a("FirstBurstLength"), "4096");
	EXPECT_EQ(l.a("MaxOutstandingR2T"), "1");
	EXPECT_EQ(l.a("DefaultTime2Wait"), "2");	// max(0, 2)
	EXPECT_EQ(l.a("DefaultTime2Retain"), "20");	// min(60, 20)
	EXPECT_EQ(l.a("ErrorRecoveryLevel"), "0");
	EXPECT_EQ(l.a("MaxConnections"), "1");
	EXPECT_EQ(l.n.p.max_burst, 1048576u);
	EXPECT_EQ(l.n.p.first_burst, 4096u);

	l.reset();
	l.start();
	ASSERT_EQ(l.op({ "DefaultTime2Wait=10", "MaxBurstLength=0x200",
			 "FirstBurstLength=0512" }),
		  ISC_LOGIN_OK);
	EXPECT_EQ(l.a("DefaultTime2Wait"), "10");
	EXPECT_EQ(l.a("MaxBurstLength"), "512");
	EXPECT_EQ(l.a("FirstBurstLength"), "Reject");	// leading zero
	EXPECT_EQ(l.n.p.first_burst, 512u);	// clamped to MaxBurstLength

	for (std::string bad : { "MaxBurstLength=511", "MaxBurstLength=16777216",
				 "MaxBurstLength=99999999999999999999",
				 "DefaultTime2Wait=3601", "ErrorRecoveryLevel=3",
				 "MaxConnections=0", "MaxOutstandingR2T=65536" }) {
		l.reset();
		l.start();
		EXPECT_EQ(l.op({ bad }), ISC_LOGIN_INITIATOR_ERROR) << bad;
		EXPECT_EQ(l.out_len, 0u);
	}
	l.reset();
	l.start();
	ASSERT_EQ(l.op({ "MaxBurstLength=abc", "DefaultTime2Wait=0x" }),
		  ISC_LOGIN_OK);
	EXPECT_EQ(l.a("MaxBurstLength"), "Reject");
	EXPECT_EQ(l.a("DefaultTime2Wait"), "Reject");
}

TEST(IscsiNeg, DeclarativeMaxRecvDataSegmentLength)
{
	Login l;
	l.start();
	ASSERT_EQ(l.op({ "MaxRecvDataSegmentLength=65536" }), ISC_LOGIN_OK);
	// Not answered, but ours is declared.
	EXPECT_EQ(l.a("MaxRecvDataSegmentLength"), "262144");
	EXPECT_EQ(l.n.p.max_xmit_dsl, 65536u);
	EXPECT_EQ(l.n.p.max_recv_dsl, 262144u);
	l.reset();
	l.start();
	EXPECT_EQ(l.op({ "MaxRecvDataSegmentLength=511" }),
		  ISC_LOGIN_INITIATOR_ERROR);
	l.reset();
	l.start();
	EXPECT_EQ(l.op({ "MaxRecvDataSegmentLength=16777216" }),
		  ISC_LOGIN_INITIATOR_ERROR);
}

TEST(IscsiNeg, KeySentTwice)
{
	Login l;
	l.start();
	EXPECT_EQ(l.op({ "MaxBurstLength=65536", "MaxBurstLength=65536" }),
		  ISC_LOGIN_INITIATOR_ERROR);
	// Across requests of one login too.
	l.reset();
	l.start();
	ASSERT_EQ(l.op({ "MaxBurstLength=65536" }, false), ISC_LOGIN_OK);
	EXPECT_EQ(l.op({ "MaxBurstLength=65536" }), ISC_LOGIN_INITIATOR_ERROR);
	l.reset();
	EXPECT_EQ(l.start({ "InitiatorName=iqn.2000-01.a:b" }),
		  ISC_LOGIN_INITIATOR_ERROR);
}

TEST(IscsiNeg, FirstBurstVersusMaxBurst)
{
	Login l;
	l.start();
	EXPECT_EQ(l.op({ "MaxBurstLength=65536", "FirstBurstLength=131072" }),
		  ISC_LOGIN_INITIATOR_ERROR);
	// A failed request leaves the parameters as they were.
	EXPECT_EQ(l.n.p.max_burst, 262144u);
	EXPECT_EQ(l.n.p.first_burst, 65536u);
	EXPECT_EQ(l.n.status, ISC_LOGIN_INITIATOR_ERROR);
	// Against the default MaxBurstLength (262144).
	l.reset();
	l.start();
	EXPECT_EQ(l.op({ "FirstBurstLength=524288" }), ISC_LOGIN_INITIATOR_ERROR);
	l.reset();
	l.start();
	EXPECT_EQ(l.op({ "FirstBurstLength=262144" }), ISC_LOGIN_OK);
	// No unsolicited data at all: FirstBurstLength is irrelevant.
	l.reset();
	l.start();
	ASSERT_EQ(l.op({ "InitialR2T=Yes", "ImmediateData=No",
			 "FirstBurstLength=65536" }),
		  ISC_LOGIN_OK);
	EXPECT_EQ(l.a("FirstBurstLength"), "Irrelevant");
}

TEST(IscsiNeg, NotUnderstoodAndObsolete)
{
	Login l;
	l.start();
	ASSERT_EQ(l.op({ "X-com.example.Foo=1", "X#Bar=2", "FooBar=3",
			 "IFMarker=Yes", "OFMarker=No", "IFMarkInt=2048~8192",
			 "OFMarkInt=1" }),
		  ISC_LOGIN_OK);
	EXPECT_EQ(l.a("X-com.example.Foo"), "NotUnderstood");
	EXPECT_EQ(l.a("X#Bar"), "NotUnderstood");
	EXPECT_EQ(l.a("FooBar"), "NotUnderstood");
	EXPECT_EQ(l.a("IFMarker"), "No");
	EXPECT_EQ(l.a("OFMarker"), "No");
	EXPECT_EQ(l.a("IFMarkInt"), "Reject");
	EXPECT_EQ(l.a("OFMarkInt"), "Reject");
}

TEST(IscsiNeg, WrongSenderAndPhase)
{
	Login l;
	l.start();
	ASSERT_EQ(l.op({ "TargetAlias=x", "TargetAddress=1.2.3.4",
			 "TargetPortalGroupTag=1", "SendTargets=All" }),
		  ISC_LOGIN_OK);
	EXPECT_EQ(l.a("TargetAlias"), "Reject");
	EXPECT_EQ(l.a("TargetAddress"), "Reject");
	EXPECT_EQ(l.a("SendTargets"), "Reject");
	// Security keys after the security stage.
	l.reset();
	l.start_op();
	EXPECT_EQ(l.op({ "AuthMethod=None" }), ISC_LOGIN_INITIATOR_ERROR);
	l.reset();
	l.start();
	EXPECT_EQ(l.op({ "CHAP_A=5" }), ISC_LOGIN_INITIATOR_ERROR);
	// A value longer than the key allows.
	l.reset();
	EXPECT_EQ(l.start({ "InitiatorAlias=" + std::string(256, 'a') }),
		  ISC_LOGIN_INITIATOR_ERROR);
}

TEST(IscsiNeg, LeadingOnlyKeysOnOtherConnections)
{
	Login l(false);
	ASSERT_EQ(l.start(), ISC_LOGIN_OK);
	ASSERT_EQ(l.op({ "MaxConnections=4", "InitialR2T=No",
			 "HeaderDigest=CRC32C", "MaxRecvDataSegmentLength=8192" }),
		  ISC_LOGIN_OK);
	EXPECT_EQ(l.a("MaxConnections"), "Irrelevant");
	EXPECT_EQ(l.a("InitialR2T"), "Irrelevant");
	EXPECT_EQ(l.a("HeaderDigest"), "CRC32C");	// connection scope
}

TEST(IscsiNeg, RequiredNamesAndSessionType)
{
	Login l;
	EXPECT_EQ(l.req(ISC_STAGE_OPERATIONAL, false, 0, text({ TGT })),
		  ISC_LOGIN_MISSING_PARAM);
	l.reset();
	EXPECT_EQ(l.req(ISC_STAGE_OPERATIONAL, false, 0, text({ INI })),
		  ISC_LOGIN_MISSING_PARAM);
	l.reset();
	EXPECT_EQ(l.req(ISC_STAGE_OPERATIONAL, false, 0,
			text({ INI, "SessionType=Bogus" })),
		  ISC_LOGIN_SESSION_TYPE);
	l.reset();
	EXPECT_EQ(l.req(ISC_STAGE_OPERATIONAL, false, 0,
			text({ "InitiatorName=host1", TGT })),
		  ISC_LOGIN_INITIATOR_ERROR);
	l.reset();
	EXPECT_EQ(l.req(ISC_STAGE_OPERATIONAL, false, 0,
			text({ INI, "TargetName=disk 1" })),
		  ISC_LOGIN_NOT_FOUND);
	l.reset();
	ASSERT_EQ(l.start({ "InitiatorAlias=node-a" }), ISC_LOGIN_OK);
	EXPECT_STREQ(l.n.initiator_name, INI + strlen("InitiatorName="));
	EXPECT_STREQ(l.n.target_name, TGT + strlen("TargetName="));
	EXPECT_STREQ(l.n.initiator_alias, "node-a");
	EXPECT_EQ(l.a("TargetPortalGroupTag"), "1");
	// Malformed text fails the login.
	l.reset();
	std::vector<u8> in = text({ INI, TGT });
	in.push_back('A');
	EXPECT_EQ(l.req(ISC_STAGE_OPERATIONAL, false, 0, in),
		  ISC_LOGIN_INITIATOR_ERROR);
}

TEST(IscsiNeg, Discovery)
{
	Login l;
	ASSERT_EQ(l.req(ISC_STAGE_SECURITY, true, ISC_STAGE_OPERATIONAL,
			text({ INI, "SessionType=Discovery", "AuthMethod=None" })),
		  ISC_LOGIN_OK);
	EXPECT_EQ(l.a("AuthMethod"), "None");
	EXPECT_EQ(l.a("TargetPortalGroupTag"), "<absent>");
	ASSERT_EQ(l.op({ "HeaderDigest=None", "DataDigest=None",
			 "DefaultTime2Wait=2", "DefaultTime2Retain=0",
			 "IFMarker=No", "OFMarker=No", "ErrorRecoveryLevel=0",
			 "MaxRecvDataSegmentLength=32768", "MaxBurstLength=512",
			 "InitialR2T=No" }),
		  ISC_LOGIN_OK);
	EXPECT_TRUE(l.n.transit_ok);
	EXPECT_EQ(l.n.p.discovery, 1u);
	EXPECT_EQ(l.a("MaxBurstLength"), "Irrelevant");
	EXPECT_EQ(l.a("InitialR2T"), "Irrelevant");
	EXPECT_EQ(l.a("DefaultTime2Retain"), "0");
	EXPECT_EQ(l.a("MaxRecvDataSegmentLength"), "262144");
	EXPECT_EQ(l.n.p.max_xmit_dsl, 32768u);
}

TEST(IscsiNeg, ChapSecurityStage)
{
	Login l;
	l.cfg.auth_methods = BIT(ISC_AUTH_CHAP);
	l.reset();
	ASSERT_EQ(l.req(ISC_STAGE_SECURITY, false, 0,
			text({ INI, TGT, "SessionType=Normal",
			       "AuthMethod=KRB5,CHAP,None" })),
		  ISC_LOGIN_OK);
	EXPECT_EQ(l.a("AuthMethod"), "CHAP");
	EXPECT_EQ(l.n.p.auth_method, u32(ISC_AUTH_CHAP));
	EXPECT_EQ(l.a("TargetPortalGroupTag"), "1");
	ASSERT_EQ(l.req(ISC_STAGE_SECURITY, false, 0, text({ "CHAP_A=7,5" })),
		  ISC_LOGIN_OK);
	EXPECT_EQ(std::string(l.n.chap.a.val, l.n.chap.a.val_len), "7,5");
	EXPECT_EQ(l.n.chap.n.val, nullptr);
	EXPECT_EQ(l.out_len, 0u);	// the authenticator answers
	std::vector<u8> in = text({ "CHAP_N=user",
				    "CHAP_R=0x" + std::string(64, 'a') });
	ASSERT_EQ(l.req(ISC_STAGE_SECURITY, true, ISC_STAGE_OPERATIONAL, in),
		  ISC_LOGIN_OK);
	EXPECT_EQ(std::string(l.n.chap.n.val, l.n.chap.n.val_len), "user");
	EXPECT_EQ(l.n.chap.r.val_len, 66u);
	EXPECT_EQ(l.n.chap.a.val, nullptr);

	// None is not acceptable.
	l.reset();
	EXPECT_EQ(l.req(ISC_STAGE_SECURITY, false, 0,
			text({ INI, TGT, "AuthMethod=None" })),
		  ISC_LOGIN_AUTH_FAILED);
	// Skipping the security stage.
	l.reset();
	EXPECT_EQ(l.start_op(), ISC_LOGIN_AUTH_FAILED);
	// Leaving it without choosing a method.
	l.reset();
	EXPECT_EQ(l.req(ISC_STAGE_SECURITY, true, ISC_STAGE_OPERATIONAL,
			text({ INI, TGT })),
		  ISC_LOGIN_AUTH_FAILED);
}

TEST(IscsiNeg, TargetOffersItsLimits)
{
	Login l;
	l.cfg.limits.max_burst = 65536;
	l.cfg.limits.first_burst = 16384;
	l.cfg.limits.immediate_data = 0;
	l.cfg.limits.time2wait = 5;
	l.cfg.data_digests = BIT(ISC_DIGEST_CRC32C);
	l.reset();
	l.start();
	ASSERT_EQ(l.op({ "HeaderDigest=None", "InitialR2T=No" }), ISC_LOGIN_OK);
	EXPECT_FALSE(l.n.transit_ok);
	EXPECT_EQ(l.a("HeaderDigest"), "None");
	EXPECT_EQ(l.a("DataDigest"), "CRC32C");
	EXPECT_EQ(l.a("ImmediateData"), "No");
	EXPECT_EQ(l.a("MaxBurstLength"), "65536");
	EXPECT_EQ(l.a("FirstBurstLength"), "16384");
	EXPECT_EQ(l.a("DefaultTime2Wait"), "5");
	EXPECT_EQ(l.a("MaxOutstandingR2T"), "<absent>");
	EXPECT_EQ(l.a("DataPDUInOrder"), "<absent>");

	Login ok = l;
	ok.n.cfg = &ok.cfg;
	ASSERT_EQ(ok.op({ "DataDigest=CRC32C", "ImmediateData=No",
			  "MaxBurstLength=32768", "FirstBurstLength=16384",
			  "DefaultTime2Wait=5" }),
		  ISC_LOGIN_OK);
	EXPECT_TRUE(ok.n.transit_ok);
	EXPECT_EQ(ok.out_len, 0u);	// answers are not answered
	EXPECT_EQ(ok.n.p.data_digest, u32(ISC_DIGEST_CRC32C));
	EXPECT_EQ(ok.n.p.immediate_data, 0u);
	EXPECT_EQ(ok.n.p.max_burst, 32768u);
	EXPECT_EQ(ok.n.p.first_burst, 16384u);
	EXPECT_EQ(ok.n.p.time2wait, 5u);

	// An answer the result function does not allow.
	for (std::string bad : { "MaxBurstLength=131072", "ImmediateData=Yes",
				 "DataDigest=None", "DefaultTime2Wait=4",
				 "DataDigest=CRC32C,None", "MaxBurstLength=Reject" }) {
		Login b = l;
		b.n.cfg = &b.cfg;
		EXPECT_EQ(b.op({ bad }), ISC_LOGIN_INITIATOR_ERROR) << bad;
	}
}

// Offers can go out with the answer to the very first request.
TEST(IscsiNeg, OffersInFirstOperationalResponse)
{
	Login l;
	l.cfg.limits.immediate_data = 0;
	l.reset();
	ASSERT_EQ(l.start_op(), ISC_LOGIN_OK);
	EXPECT_FALSE(l.n.transit_ok);
	EXPECT_EQ(l.a("ImmediateData"), "No");
	EXPECT_EQ(l.a("MaxRecvDataSegmentLength"), "262144");
	EXPECT_EQ(l.a("TargetPortalGroupTag"), "1");
	// The initiator offering the key now is an answer to ours.
	EXPECT_EQ(l.op({ "ImmediateData=Yes" }), ISC_LOGIN_INITIATOR_ERROR);
}

TEST(IscsiNeg, OutputTooSmall)
{
	Login l;
	l.out.resize(10);
	EXPECT_EQ(l.start(), ISC_LOGIN_OUT_OF_RESOURCES);
	EXPECT_EQ(l.out_len, 0u);
}

// What open-iscsi (iscsiadm 2.1) sends for a normal session without CHAP.
TEST(IscsiNeg, OpenIscsiLogin)
{
	Login l;
	l.cfg.target_alias = "disk1";
	l.reset();
	ASSERT_EQ(l.req(ISC_STAGE_SECURITY, true, ISC_STAGE_OPERATIONAL,
			text({ INI, "InitiatorAlias=client", TGT,
			       "SessionType=Normal", "AuthMethod=None" })),
		  ISC_LOGIN_OK);
	EXPECT_TRUE(l.n.transit_ok);
	EXPECT_EQ(l.ans, (Pairs{ { "AuthMethod", "None" },
				 { "TargetPortalGroupTag", "1" },
				 { "TargetAlias", "disk1" } }));

	ASSERT_EQ(l.op({ "HeaderDigest=None", "DataDigest=None",
			 "DefaultTime2Wait=2", "DefaultTime2Retain=0",
			 "IFMarker=No", "OFMarker=No", "ErrorRecoveryLevel=0",
			 "InitialR2T=No", "ImmediateData=Yes",
			 "MaxBurstLength=16776192", "FirstBurstLength=262144",
			 "MaxOutstandingR2T=1", "MaxConnections=1",
			 "DataPDUInOrder=Yes", "DataSequenceInOrder=Yes",
			 "MaxRecvDataSegmentLength=262144" }),
		  ISC_LOGIN_OK);
	EXPECT_TRUE(l.n.transit_ok);
	EXPECT_EQ(l.ans, (Pairs{ { "HeaderDigest", "None" },
				 { "DataDigest", "None" },
				 { "DefaultTime2Wait", "2" },
				 { "DefaultTime2Retain", "0" },
				 { "IFMarker", "No" },
				 { "OFMarker", "No" },
				 { "ErrorRecoveryLevel", "0" },
				 { "InitialR2T", "No" },
				 { "ImmediateData", "Yes" },
				 { "MaxBurstLength", "1048576" },
				 { "FirstBurstLength", "262144" },
				 { "MaxOutstandingR2T", "1" },
				 { "MaxConnections", "1" },
				 { "DataPDUInOrder", "Yes" },
				 { "DataSequenceInOrder", "Yes" },
				 { "MaxRecvDataSegmentLength", "262144" } }));
	const isc_params &p = l.n.p;
	EXPECT_EQ(p.header_digest, 0u);
	EXPECT_EQ(p.data_digest, 0u);
	EXPECT_EQ(p.initial_r2t, 0u);
	EXPECT_EQ(p.immediate_data, 1u);
	EXPECT_EQ(p.max_burst, 1048576u);
	EXPECT_EQ(p.first_burst, 262144u);
	EXPECT_EQ(p.max_outstanding_r2t, 1u);
	EXPECT_EQ(p.max_connections, 1u);
	EXPECT_EQ(p.time2wait, 2u);
	EXPECT_EQ(p.time2retain, 0u);
	EXPECT_EQ(p.erl, 0u);
	EXPECT_EQ(p.max_recv_dsl, 262144u);
	EXPECT_EQ(p.max_xmit_dsl, 262144u);
	EXPECT_EQ(p.auth_method, u32(ISC_AUTH_NONE));
	EXPECT_EQ(p.discovery, 0u);
}

// Straight from security to full feature phase: ours is still declared.
TEST(IscsiNeg, SecurityToFullFeature)
{
	Login l;
	ASSERT_EQ(l.req(ISC_STAGE_SECURITY, true, ISC_STAGE_FULL_FEATURE,
			text({ INI, TGT, "AuthMethod=None" })),
		  ISC_LOGIN_OK);
	EXPECT_EQ(l.a("MaxRecvDataSegmentLength"), "262144");
	EXPECT_TRUE(l.n.transit_ok);
}

TEST(IscsiNegText, SendTargetsAndFullFeatureKeys)
{
	Login l;
	std::vector<u8> in = text({ "SendTargets=All", "MaxRecvDataSegmentLength=4096",
				    "HeaderDigest=CRC32C", "X-foo=1",
				    "TargetAlias=a", "InitiatorAlias=b" });
	ASSERT_EQ(isc_neg_text(&l.n, in.data(), u32(in.size()), l.out.data(),
			       u32(l.out.size()), &l.out_len), 0);
	Pairs a = parse(l.out.data(), l.out_len);
	EXPECT_EQ(a, (Pairs{ { "HeaderDigest", "Reject" }, { "X-foo", "NotUnderstood" },
			     { "TargetAlias", "Reject" } }));
	EXPECT_TRUE(l.n.send_targets);
	EXPECT_STREQ(l.n.send_targets_val, "All");
	EXPECT_EQ(l.n.p.max_xmit_dsl, 4096u);
	EXPECT_STREQ(l.n.initiator_alias, "b");

	in = text({ "SendTargets=", "SendTargets=iqn.2024-01.org.example:disk1" });
	ASSERT_EQ(isc_neg_text(&l.n, in.data(), u32(in.size()), l.out.data(),
			       u32(l.out.size()), &l.out_len), 0);
	EXPECT_EQ(parse(l.out.data(), l.out_len),
		  (Pairs{ { "SendTargets", "Reject" } }));
	EXPECT_TRUE(l.n.send_targets);
	EXPECT_STREQ(l.n.send_targets_val, "");

	in = text({ "SendTargets=bogus name", "MaxRecvDataSegmentLength=1" });
	ASSERT_EQ(isc_neg_text(&l.n, in.data(), u32(in.size()), l.out.data(),
			       u32(l.out.size()), &l.out_len), 0);
	EXPECT_FALSE(l.n.send_targets);
	EXPECT_EQ(parse(l.out.data(), l.out_len),
		  (Pairs{ { "SendTargets", "Reject" },
			  { "MaxRecvDataSegmentLength", "Reject" } }));

	in = { 'A', '=', '1' };
	EXPECT_EQ(isc_neg_text(&l.n, in.data(), u32(in.size()), l.out.data(),
			       u32(l.out.size()), &l.out_len), -EINVAL);
	in = text({ "X-a=1" });
	EXPECT_EQ(isc_neg_text(&l.n, in.data(), u32(in.size()), l.out.data(), 4,
			       &l.out_len), -ENOSPC);
}

TEST(IscsiSendTargets, Answer)
{
	u8 buf[256];
	u32 len = 0;
	const isc_portal portals[] = {
		{ "192.168.1.10", 3260, 1 },
		{ "fd00::1", 3261, 2 },
	};
	ASSERT_EQ(isc_sendtargets_add(buf, sizeof(buf), &len,
				      "iqn.2024-01.org.example:disk1", portals, 2), 0);
	ASSERT_EQ(isc_sendtargets_add(buf, sizeof(buf), &len,
				      "iqn.2024-01.org.example:disk2", portals, 1), 0);
	EXPECT_EQ(parse(buf, len),
		  (Pairs{ { "TargetName", "iqn.2024-01.org.example:disk1" },
			  { "TargetAddress", "192.168.1.10:3260,1" },
			  { "TargetAddress", "[fd00::1]:3261,2" },
			  { "TargetName", "iqn.2024-01.org.example:disk2" },
			  { "TargetAddress", "192.168.1.10:3260,1" } }));
	// A target that does not fit is left out whole.
	u32 before = len;
	EXPECT_EQ(isc_sendtargets_add(buf, before + 40, &len,
				      "iqn.2024-01.org.example:disk3", portals, 2),
		  -ENOSPC);
	EXPECT_EQ(len, before);
	const std::string longaddr(250, 'a');
	const isc_portal longp = { longaddr.c_str(), 1, 1 };
	EXPECT_EQ(isc_sendtargets_add(buf, sizeof(buf), &len, "iqn.x", &longp, 1),
		  -EINVAL);
	EXPECT_EQ(len, before);
}
