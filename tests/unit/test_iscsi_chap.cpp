// scstadmd's iSCSI CHAP (userspace/scstadmd/iscsi_chap.cpp): digests,
// binary encodings, accounts, and the target's side of the exchange.
#include <gtest/gtest.h>

#include <openssl/evp.h>

#include <deque>
#include <string>
#include <vector>

#include "iscsi_chap.hpp"

using namespace scstadmd;

namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes seq(std::uint8_t from, std::size_t n)
{
	Bytes b(n);
	for (std::size_t i = 0; i < n; i++)
		b[i] = static_cast<std::uint8_t>(from + i);
	return b;
}

Bytes unhex(std::string_view s)
{
	Bytes b;
	for (std::size_t i = 0; i + 1 < s.size(); i += 2)
		b.push_back(static_cast<std::uint8_t>(std::stoi(std::string(s.substr(i, 2)), nullptr, 16)));
	return b;
}

const EVP_MD *md_of(ChapAlgorithm a)
{
	switch (a) {
	case ChapAlgorithm::Md5:
		return EVP_md5();
	case ChapAlgorithm::Sha1:
		return EVP_sha1();
	case ChapAlgorithm::Sha256:
		return EVP_sha256();
	case ChapAlgorithm::Sha3_256:
		return EVP_sha3_256();
	}
	return nullptr;
}

// The expected response computed independently: one-shot EVP_Digest over
// the concatenation.
Bytes oneshot(ChapAlgorithm a, std::uint8_t id, std::string_view secret, const Bytes &challenge)
{
	Bytes msg{id};
	msg.insert(msg.end(), secret.begin(), secret.end());
	msg.insert(msg.end(), challenge.begin(), challenge.end());
	Bytes out(EVP_MAX_MD_SIZE);
	unsigned len = 0;
	EXPECT_EQ(EVP_Digest(msg.data(), msg.size(), out.data(), &len, md_of(a), nullptr), 1);
	out.resize(len);
	return out;
}

// Random bytes from a script: the identifier, then the challenge.
ChapRandom scripted(std::deque<Bytes> script)
{
	auto q = std::make_shared<std::deque<Bytes>>(std::move(script));
	return [q](std::span<std::uint8_t> out) {
		if (q->empty() || q->front().size() != out.size())
			return false;
		std::copy(q->front().begin(), q->front().end(), out.begin());
		q->pop_front();
		return true;
	};
}

const std::string kSecret = "123456789012";      // 12 bytes: the minimum
const std::string kOutSecret = "target-secret-1";  // the target's

ChapCredentials creds(bool outgoing = true)
{
	ChapCredentials c;
	c.incoming = {{"joe", kSecret}, {"fred", "fredsecret1234"}};
	if (outgoing)
		c.outgoing = ChapAccount{"iqn.2026-01.test:tgt", kOutSecret};
	return c;
}

ChapOptions fixed(ChapAlgorithm a, std::uint8_t id = 1)
{
	ChapOptions o;
	o.random = scripted({Bytes{id}, seq(0, std::max<std::size_t>(16, chap_digest_size(a)))});
	return o;
}

std::string get(const KeyValues &kv, const std::string &key)
{
	for (const auto &[k, v] : kv)
		if (k == key)
			return v;
	return "<absent>";
}

// Runs CHAP_A and returns the decoded challenge.
Bytes start(ChapAuthenticator &auth, std::string_view algs = "5")
{
	ChapStep s = auth.step({.a = algs});
	EXPECT_TRUE(s.ok()) << s.detail;
	auto c = decode_binary(get(s.keys, "CHAP_C"));
	EXPECT_TRUE(c);
	return c ? *c : Bytes{};
}

} // namespace

TEST(IscsiChap, AlgorithmCodes)
{
	EXPECT_EQ(chap_algorithm(5), ChapAlgorithm::Md5);
	EXPECT_EQ(chap_algorithm(6), ChapAlgorithm::Sha1);
	EXPECT_EQ(chap_algorithm(7), ChapAlgorithm::Sha256);
	EXPECT_EQ(chap_algorithm(8), ChapAlgorithm::Sha3_256);
	EXPECT_FALSE(chap_algorithm(4));
	EXPECT_FALSE(chap_algorithm(0x80));
	EXPECT_EQ(chap_digest_size(ChapAlgorithm::Md5), 16u);
	EXPECT_EQ(chap_digest_size(ChapAlgorithm::Sha1), 20u);
	EXPECT_EQ(chap_digest_size(ChapAlgorithm::Sha256), 32u);
	EXPECT_EQ(chap_digest_size(ChapAlgorithm::Sha3_256), 32u);
}

// Known answers computed with Python's hashlib (not OpenSSL):
// H(0x01 || "123456789012" || 00 01 .. 0f).
TEST(IscsiChap, KnownAnswers)
{
	const Bytes ch = seq(0, 16);
	struct {
		ChapAlgorithm a;
		const char *hex;
	} v[] = {
		{ChapAlgorithm::Md5, "3f2b9b0192ced10f27a6db62f72ee5ca"},
		{ChapAlgorithm::Sha1, "7be513b3c0d4caf441bd91a2aafa86b24a1a513b"},
		{ChapAlgorithm::Sha256, "33eb6752fa0fffe4e36bf236a88537b0fa409c33c31457a8a1c9168a2d667ab5"},
		{ChapAlgorithm::Sha3_256, "35f1d3d3ac59a5d1c877bdf880ea1bf4f7ce54f922bfd38c25485024ef6dadf0"},
	};
	for (const auto &e : v) {
		auto r = chap_response(e.a, 1, kSecret, ch);
		ASSERT_TRUE(r) << chap_algorithm_name(e.a);
		EXPECT_EQ(*r, unhex(e.hex)) << chap_algorithm_name(e.a);
		EXPECT_EQ(encode_binary(*r, BinaryEncoding::Hex), std::string("0x") + e.hex);
	}
	// id 0x2a, secret "abcdefghijkl", challenge 20 .. 3f (32 bytes)
	auto md5 = chap_response(ChapAlgorithm::Md5, 0x2a, "abcdefghijkl", seq(0x20, 32));
	ASSERT_TRUE(md5);
	EXPECT_EQ(*md5, unhex("8a3501b03d2d23c07cad9ecbd489c322"));
	auto s3 = chap_response(ChapAlgorithm::Sha3_256, 0x2a, "abcdefghijkl", seq(0x20, 32));
	ASSERT_TRUE(s3);
	EXPECT_EQ(*s3, unhex("045d943b4ea86a96b491c21644a748d8977c68f2187fa87e8c75f88d7ccb4127"));
}

TEST(IscsiChap, MatchesOneShotDigest)
{
	for (auto a : {ChapAlgorithm::Md5, ChapAlgorithm::Sha1, ChapAlgorithm::Sha256,
		       ChapAlgorithm::Sha3_256})
		for (std::uint8_t id : {0, 7, 255}) {
			const Bytes ch = seq(id, 17 + id % 40);
			auto r = chap_response(a, id, "some longer secret value", ch);
			ASSERT_TRUE(r);
			EXPECT_EQ(*r, oneshot(a, id, "some longer secret value", ch));
		}
}

TEST(IscsiChap, HexForms)
{
	EXPECT_EQ(encode_binary(Bytes{0x00, 0xab, 0x10}, BinaryEncoding::Hex), "0x00ab10");
	EXPECT_EQ(decode_binary("0x00ab10"), (Bytes{0x00, 0xab, 0x10}));
	EXPECT_EQ(decode_binary("0XABcd"), (Bytes{0xab, 0xcd}));
	// An odd number of digits: implied leading zero (RFC 7143 6.1).
	EXPECT_EQ(decode_binary("0xabc"), (Bytes{0x0a, 0xbc}));
	EXPECT_EQ(decode_binary("0x1"), (Bytes{0x01}));
	EXPECT_FALSE(decode_binary("0x"));
	EXPECT_FALSE(decode_binary("0xg1"));
	EXPECT_FALSE(decode_binary("0x12 "));
	EXPECT_FALSE(decode_binary("1234"));
	EXPECT_FALSE(decode_binary(""));
	EXPECT_FALSE(decode_binary("0y12"));
}

TEST(IscsiChap, Base64Forms)
{
	const Bytes b{0xde, 0xad, 0xbe, 0xef, 0x01};
	EXPECT_EQ(encode_binary(b, BinaryEncoding::Base64), "0b3q2+7wE=");
	EXPECT_EQ(decode_binary("0b3q2+7wE="), b);
	EXPECT_EQ(decode_binary("0B3q2+7wE="), b);
	EXPECT_EQ(encode_binary(seq(0, 16), BinaryEncoding::Base64), "0bAAECAwQFBgcICQoLDA0ODw==");
	EXPECT_EQ(decode_binary("0bAAECAwQFBgcICQoLDA0ODw=="), seq(0, 16));
	EXPECT_EQ(decode_binary("0b3q2+"), (Bytes{0xde, 0xad, 0xbe}));
	EXPECT_FALSE(decode_binary("0b3q2+7wE"));   // unpadded
	EXPECT_FALSE(decode_binary("0b3q2=7wE="));  // '=' inside
	EXPECT_FALSE(decode_binary("0b===="));
	EXPECT_FALSE(decode_binary("0b3q2 7wE="));
	EXPECT_FALSE(decode_binary("0b"));
	for (std::size_t n = 1; n < 40; n++) {
		const Bytes r = seq(static_cast<std::uint8_t>(n * 7), n);
		EXPECT_EQ(decode_binary(encode_binary(r, BinaryEncoding::Base64)), r) << n;
		EXPECT_EQ(decode_binary(encode_binary(r, BinaryEncoding::Hex)), r) << n;
	}
}

TEST(IscsiChap, ConstantTimeEqual)
{
	EXPECT_TRUE(chap_equal(Bytes{1, 2, 3}, Bytes{1, 2, 3}));
	EXPECT_FALSE(chap_equal(Bytes{1, 2, 3}, Bytes{1, 2, 4}));
	EXPECT_FALSE(chap_equal(Bytes{1, 2, 3}, Bytes{1, 2}));
	EXPECT_TRUE(chap_equal(Bytes{}, Bytes{}));
}

TEST(IscsiChap, CredentialsFromConfig)
{
	scstconf::Config c;
	scstconf::TargetDriver drv{"iscsi", {}, {}, {}};
	drv.attrs.add("IncomingUser", "disc discoverysecret");
	drv.attrs.add("OutgoingUser", "dtgt dtargetsecret");
	scstconf::Target t{"iqn.t1", {}, {}, {}, {}};
	t.attrs.add("IncomingUser", "joe 123456789012");
	t.attrs.add("IncomingUser", "  fred\t  two words secret ");
	t.attrs.add("IncomingUser", "short 12345678901");  // 11 bytes
	t.attrs.add("IncomingUser", "nosecret");
	t.attrs.add("OutgoingUser", "tgt targetsecret1");
	t.attrs.add("OutgoingUser", "tgt2 targetsecret2");
	drv.targets.push_back(t);
	c.drivers.push_back(drv);

	auto r = target_chap_credentials(c, "iqn.t1");
	EXPECT_EQ(r.credentials.incoming,
		  (std::vector<ChapAccount>{{"joe", "123456789012"}, {"fred", "two words secret"}}));
	ASSERT_TRUE(r.credentials.outgoing);
	EXPECT_EQ(r.credentials.outgoing->user, "tgt");
	EXPECT_TRUE(r.credentials.auth_required());
	ASSERT_EQ(r.warnings.size(), 3u);
	EXPECT_NE(r.warnings[0].find("short"), std::string::npos);
	EXPECT_NE(r.warnings[1].find("user secret"), std::string::npos);
	EXPECT_NE(r.warnings[2].find("only one OutgoingUser"), std::string::npos);

	auto d = discovery_chap_credentials(c);
	EXPECT_EQ(d.credentials.incoming, (std::vector<ChapAccount>{{"disc", "discoverysecret"}}));
	EXPECT_EQ(d.credentials.outgoing, (ChapAccount{"dtgt", "dtargetsecret"}));

	EXPECT_FALSE(target_chap_credentials(c, "iqn.none").credentials.auth_required());
	EXPECT_FALSE(discovery_chap_credentials(scstconf::Config{}).credentials.auth_required());
}

// The whole exchange for every algorithm, the challenge fixed, the
// expected response computed independently.
TEST(IscsiChap, ExchangePerAlgorithm)
{
	for (auto a : {ChapAlgorithm::Md5, ChapAlgorithm::Sha1, ChapAlgorithm::Sha256,
		       ChapAlgorithm::Sha3_256}) {
		SCOPED_TRACE(std::string(chap_algorithm_name(a)));
		ChapOptions o = fixed(a, 9);
		o.preference = {a};
		ChapAuthenticator auth(creds(), o);
		ChapStep s = auth.step({.a = "8,7,6,5"});
		ASSERT_TRUE(s.ok()) << s.detail;
		ASSERT_EQ(s.keys.size(), 3u);
		EXPECT_EQ(s.keys[0], (std::pair<std::string, std::string>{"CHAP_A", std::to_string(int(a))}));
		EXPECT_EQ(s.keys[1], (std::pair<std::string, std::string>{"CHAP_I", "9"}));
		const Bytes ch = seq(0, std::max<std::size_t>(16, chap_digest_size(a)));
		EXPECT_EQ(s.keys[2].second, encode_binary(ch, BinaryEncoding::Hex));
		EXPECT_FALSE(auth.done());

		const std::string r = encode_binary(oneshot(a, 9, kSecret, ch), BinaryEncoding::Hex);
		s = auth.step({.n = "joe", .r = r});
		ASSERT_TRUE(s.ok()) << s.detail;
		EXPECT_TRUE(s.keys.empty());
		EXPECT_TRUE(auth.done());
		EXPECT_FALSE(auth.mutual());
		EXPECT_EQ(auth.user(), "joe");
		EXPECT_EQ(auth.algorithm(), a);
		// An empty request afterwards is fine, more CHAP keys are not.
		EXPECT_TRUE(auth.step({}).ok());
		EXPECT_EQ(auth.step({.n = "joe", .r = r}).status, kLoginInitiatorError);
	}
}

// MD5 end to end with the hashlib vector above.
TEST(IscsiChap, Md5KnownAnswerExchange)
{
	ChapAuthenticator auth(creds(), fixed(ChapAlgorithm::Md5, 1));
	ChapStep s = auth.step({.a = "5"});
	ASSERT_TRUE(s.ok());
	EXPECT_EQ(get(s.keys, "CHAP_C"), "0x000102030405060708090a0b0c0d0e0f");
	s = auth.step({.n = "joe", .r = "0x3f2b9b0192ced10f27a6db62f72ee5ca"});
	EXPECT_TRUE(s.ok()) << s.detail;
	EXPECT_TRUE(auth.done());
}

TEST(IscsiChap, AlgorithmChoice)
{
	auto chosen = [](std::string_view list, ChapOptions o = {}) -> std::string {
		ChapAuthenticator auth(creds(), std::move(o));
		ChapStep s = auth.step({.a = list});
		return s.ok() ? get(s.keys, "CHAP_A") : "fail " + std::to_string(s.status);
	};
	EXPECT_EQ(chosen("5"), "5");
	EXPECT_EQ(chosen("5,7"), "7");  // the target's preference, not the order
	EXPECT_EQ(chosen("5,6,7,8"), "8");
	EXPECT_EQ(chosen("5,foo,0x99,,128"), "5");  // unknown values skipped
	EXPECT_EQ(chosen("0x7"), "7");
	EXPECT_EQ(chosen("99,4"), "fail 513");
	EXPECT_EQ(chosen(""), "fail 513");
	ChapOptions md5only;
	md5only.preference = {ChapAlgorithm::Md5};
	EXPECT_EQ(chosen("7,8", md5only), "fail 513");
	EXPECT_EQ(chosen("7,5", md5only), "5");
}

TEST(IscsiChap, RealChallengesAreRandom)
{
	ChapAuthenticator a1(creds()), a2(creds());
	const Bytes c1 = start(a1, "7"), c2 = start(a2, "7");
	EXPECT_EQ(c1.size(), 32u);
	EXPECT_EQ(c2.size(), 32u);
	EXPECT_NE(c1, c2);
	ChapAuthenticator a3(creds());
	EXPECT_EQ(start(a3, "5").size(), 16u);
}

TEST(IscsiChap, Base64ResponseAndEncoding)
{
	ChapOptions o = fixed(ChapAlgorithm::Md5, 3);
	o.encoding = BinaryEncoding::Base64;
	ChapAuthenticator auth(creds(), o);
	ChapStep s = auth.step({.a = "5"});
	ASSERT_TRUE(s.ok());
	EXPECT_EQ(get(s.keys, "CHAP_C"), "0bAAECAwQFBgcICQoLDA0ODw==");
	const std::string r = encode_binary(oneshot(ChapAlgorithm::Md5, 3, "fredsecret1234", seq(0, 16)),
					    BinaryEncoding::Base64);
	s = auth.step({.n = "fred", .r = r});  // the second account
	EXPECT_TRUE(s.ok()) << s.detail;
	EXPECT_EQ(auth.user(), "fred");
}

TEST(IscsiChap, WrongSecretFails)
{
	ChapAuthenticator auth(creds(), fixed(ChapAlgorithm::Md5));
	const Bytes ch = start(auth);
	// fred's secret for joe
	const auto r = encode_binary(oneshot(ChapAlgorithm::Md5, 1, "fredsecret1234", ch), BinaryEncoding::Hex);
	ChapStep s = auth.step({.n = "joe", .r = r});
	EXPECT_EQ(s.status, kLoginAuthFailed);
	EXPECT_TRUE(s.keys.empty());
	EXPECT_TRUE(auth.failed());
	EXPECT_FALSE(auth.done());
	// Nothing gets through afterwards, not even the right answer.
	const auto good = encode_binary(oneshot(ChapAlgorithm::Md5, 1, kSecret, ch), BinaryEncoding::Hex);
	EXPECT_EQ(auth.step({.n = "joe", .r = good}).status, kLoginAuthFailed);
}

TEST(IscsiChap, ResponseOfWrongLengthFails)
{
	ChapAuthenticator auth(creds(), fixed(ChapAlgorithm::Md5));
	start(auth);
	EXPECT_EQ(auth.step({.n = "joe", .r = "0x00"}).status, kLoginAuthFailed);
}

TEST(IscsiChap, UnknownUserFails)
{
	ChapAuthenticator auth(creds(), fixed(ChapAlgorithm::Md5));
	const Bytes ch = start(auth);
	const auto r = encode_binary(oneshot(ChapAlgorithm::Md5, 1, kSecret, ch), BinaryEncoding::Hex);
	ChapStep s = auth.step({.n = "mallory", .r = r});
	EXPECT_EQ(s.status, kLoginAuthFailed);
	EXPECT_NE(s.detail.find("no such IncomingUser"), std::string::npos);
}

TEST(IscsiChap, NoAccountsMeansNobody)
{
	ChapAuthenticator auth(ChapCredentials{}, fixed(ChapAlgorithm::Md5));
	const Bytes ch = start(auth);
	const auto r = encode_binary(oneshot(ChapAlgorithm::Md5, 1, kSecret, ch), BinaryEncoding::Hex);
	EXPECT_EQ(auth.step({.n = "joe", .r = r}).status, kLoginAuthFailed);
}

TEST(IscsiChap, ShortSecretRefused)
{
	ChapCredentials c;
	c.incoming = {{"joe", "12345678901"}};  // 11 bytes
	ChapAuthenticator auth(c, fixed(ChapAlgorithm::Md5));
	const Bytes ch = start(auth);
	const auto r = encode_binary(oneshot(ChapAlgorithm::Md5, 1, "12345678901", ch), BinaryEncoding::Hex);
	EXPECT_EQ(auth.step({.n = "joe", .r = r}).status, kLoginAuthFailed);

	// A policy that allows them (min_secret 1) accepts it.
	ChapOptions o = fixed(ChapAlgorithm::Md5);
	o.min_secret = 1;
	ChapAuthenticator lax(c, o);
	const Bytes ch2 = start(lax);
	EXPECT_TRUE(lax.step({.n = "joe",
			      .r = encode_binary(oneshot(ChapAlgorithm::Md5, 1, "12345678901", ch2),
						 BinaryEncoding::Hex)})
			    .ok());
}

TEST(IscsiChap, MutualRoundTrip)
{
	for (auto enc : {BinaryEncoding::Hex, BinaryEncoding::Base64}) {
		ChapOptions o = fixed(ChapAlgorithm::Sha256, 200);
		o.encoding = enc;
		ChapAuthenticator auth(creds(), o);
		const Bytes ch = start(auth, "7");
		const Bytes ini_ch = seq(0x40, 24);
		const auto r = encode_binary(oneshot(ChapAlgorithm::Sha256, 200, kSecret, ch), BinaryEncoding::Hex);
		ChapStep s = auth.step({.i = "77", .c = encode_binary(ini_ch, BinaryEncoding::Base64),
					.n = "joe", .r = r});
		ASSERT_TRUE(s.ok()) << s.detail;
		ASSERT_EQ(s.keys.size(), 2u);
		EXPECT_EQ(s.keys[0], (std::pair<std::string, std::string>{"CHAP_N", "iqn.2026-01.test:tgt"}));
		EXPECT_EQ(s.keys[1].first, "CHAP_R");
		// What the initiator checks: H(77 || target secret || its challenge).
		EXPECT_EQ(decode_binary(s.keys[1].second), oneshot(ChapAlgorithm::Sha256, 77, kOutSecret, ini_ch));
		EXPECT_EQ(s.keys[1].second.substr(0, 2), enc == BinaryEncoding::Hex ? "0x" : "0b");
		EXPECT_TRUE(auth.done());
		EXPECT_TRUE(auth.mutual());
	}
}

TEST(IscsiChap, MutualWithoutOutgoingUserFails)
{
	ChapAuthenticator auth(creds(false), fixed(ChapAlgorithm::Md5));
	const Bytes ch = start(auth);
	const auto r = encode_binary(oneshot(ChapAlgorithm::Md5, 1, kSecret, ch), BinaryEncoding::Hex);
	ChapStep s = auth.step({.i = "1", .c = "0x0102030405060708090a0b0c0d0e0f10", .n = "joe", .r = r});
	EXPECT_EQ(s.status, kLoginAuthFailed);
	EXPECT_TRUE(s.keys.empty());
}

TEST(IscsiChap, ReflectionRefused)
{
	ChapAuthenticator auth(creds(), fixed(ChapAlgorithm::Md5));
	const Bytes ch = start(auth);
	const auto r = encode_binary(oneshot(ChapAlgorithm::Md5, 1, kSecret, ch), BinaryEncoding::Hex);
	// Our own challenge sent back, in the other encoding even.
	ChapStep s = auth.step({.i = "1", .c = encode_binary(ch, BinaryEncoding::Base64), .n = "joe", .r = r});
	EXPECT_EQ(s.status, kLoginAuthFailed);
	EXPECT_NE(s.detail.find("reflects"), std::string::npos);
	EXPECT_TRUE(s.keys.empty());
}

TEST(IscsiChap, SameSecretBothWaysRefused)
{
	ChapCredentials c = creds();
	c.outgoing->secret = kSecret;  // joe's
	ChapAuthenticator auth(c, fixed(ChapAlgorithm::Md5));
	const Bytes ch = start(auth);
	const auto r = encode_binary(oneshot(ChapAlgorithm::Md5, 1, kSecret, ch), BinaryEncoding::Hex);
	EXPECT_EQ(auth.step({.n = "joe", .r = r}).status, kLoginAuthFailed);
}

TEST(IscsiChap, MalformedKeys)
{
	auto after_challenge = [](const ChapRequest &req) {
		ChapAuthenticator auth(creds(), fixed(ChapAlgorithm::Md5));
		start(auth);
		ChapStep s = auth.step(req);
		EXPECT_TRUE(auth.failed() || s.ok());
		return s.status;
	};
	const std::string good_len_r = "0x00112233445566778899aabbccddeeff";
	EXPECT_EQ(after_challenge({.n = "joe", .r = "zz"}), kLoginInitiatorError);
	EXPECT_EQ(after_challenge({.n = "joe", .r = "0x"}), kLoginInitiatorError);
	EXPECT_EQ(after_challenge({.n = "joe"}), kLoginMissingParam);
	EXPECT_EQ(after_challenge({.r = good_len_r}), kLoginMissingParam);
	EXPECT_EQ(after_challenge({}), kLoginMissingParam);
	EXPECT_EQ(after_challenge({.i = "1", .n = "joe", .r = good_len_r}), kLoginMissingParam);
	EXPECT_EQ(after_challenge({.c = "0x0102", .n = "joe", .r = good_len_r}), kLoginMissingParam);
	EXPECT_EQ(after_challenge({.i = "256", .c = "0x0102", .n = "joe", .r = good_len_r}),
		  kLoginInitiatorError);
	EXPECT_EQ(after_challenge({.i = "x", .c = "0x0102", .n = "joe", .r = good_len_r}),
		  kLoginInitiatorError);
	EXPECT_EQ(after_challenge({.i = "1", .c = "0xzz", .n = "joe", .r = good_len_r}),
		  kLoginInitiatorError);
	const std::string huge = encode_binary(Bytes(1025, 0x5a), BinaryEncoding::Hex);
	EXPECT_EQ(after_challenge({.i = "1", .c = huge, .n = "joe", .r = good_len_r}),
		  kLoginInitiatorError);
	EXPECT_EQ(after_challenge({.a = "5", .n = "joe", .r = good_len_r}), kLoginInitiatorError);

	// Before the challenge: only CHAP_A is expected.
	ChapAuthenticator early(creds());
	EXPECT_EQ(early.step({.n = "joe", .r = good_len_r}).status, kLoginInitiatorError);
	EXPECT_TRUE(early.failed());
}

TEST(IscsiChap, NoKeysBeforeChapA)
{
	ChapAuthenticator auth(creds());
	ChapStep s = auth.step({});
	EXPECT_TRUE(s.ok());
	EXPECT_TRUE(s.keys.empty());
	EXPECT_FALSE(auth.done());
	EXPECT_FALSE(auth.failed());
}

TEST(IscsiChap, RandomFailureIsTargetError)
{
	ChapOptions o;
	o.random = [](std::span<std::uint8_t>) { return false; };
	ChapAuthenticator auth(creds(), o);
	EXPECT_EQ(auth.step({.a = "5"}).status, kLoginTargetError);
}

extern "C" {
#include "iscsi_text.h"
}

namespace {

std::vector<u8> text(std::initializer_list<std::string> kvs)
{
	std::vector<u8> v;
	for (const std::string &s : kvs) {
		v.insert(v.end(), s.begin(), s.end());
		v.push_back(0);
	}
	return v;
}

} // namespace

// How the login code drives it: the text engine agrees on AuthMethod=CHAP
// and hands over the CHAP keys; the authenticator's keys are appended to
// the engine's answer.
TEST(IscsiChap, DrivenByTheTextEngine)
{
	isc_tgt_config cfg;
	isc_tgt_config_default(&cfg);
	cfg.auth_methods = BIT(ISC_AUTH_CHAP);
	isc_neg n;
	isc_neg_init(&n, &cfg, true);
	std::vector<u8> out(8192);
	u32 len = 0;
	ChapAuthenticator auth(creds(), fixed(ChapAlgorithm::Sha256, 5));

	std::vector<u8> in = text({"InitiatorName=iqn.a:1", "TargetName=iqn.t:1", "SessionType=Normal",
				   "AuthMethod=CHAP,None"});
	ASSERT_EQ(isc_neg_login(&n, ISC_STAGE_SECURITY, false, 0, in.data(), u32(in.size()), out.data(),
				u32(out.size()), &len),
		  ISC_LOGIN_OK);
	ASSERT_EQ(n.p.auth_method, u32(ISC_AUTH_CHAP));
	ChapStep s = auth.step(chap_request(n.chap));
	EXPECT_TRUE(s.ok());
	EXPECT_TRUE(s.keys.empty());

	in = text({"CHAP_A=7,5"});
	ASSERT_EQ(isc_neg_login(&n, ISC_STAGE_SECURITY, false, 0, in.data(), u32(in.size()), out.data(),
				u32(out.size()), &len),
		  ISC_LOGIN_OK);
	s = auth.step(chap_request(n.chap));
	ASSERT_TRUE(s.ok()) << s.detail;
	ASSERT_TRUE(append_keys(s.keys, out.data(), u32(out.size()), &len));
	const std::string body(reinterpret_cast<const char *>(out.data()), len);
	EXPECT_NE(body.find("CHAP_I=5"), std::string::npos);
	const auto alg = *auth.algorithm();
	EXPECT_EQ(alg, ChapAlgorithm::Sha256);  // the target's preference of 7,5
	EXPECT_NE(body.find("CHAP_A=7"), std::string::npos);
	EXPECT_NE(body.find("CHAP_C=" + encode_binary(seq(0, 32), BinaryEncoding::Hex) + '\0'),
		  std::string::npos);

	const auto r = encode_binary(oneshot(alg, 5, kSecret, seq(0, std::max<std::size_t>(16, chap_digest_size(alg)))),
				     BinaryEncoding::Hex);
	in = text({"CHAP_N=joe", "CHAP_R=" + r});
	ASSERT_EQ(isc_neg_login(&n, ISC_STAGE_SECURITY, true, ISC_STAGE_OPERATIONAL, in.data(),
				u32(in.size()), out.data(), u32(out.size()), &len),
		  ISC_LOGIN_OK);
	s = auth.step(chap_request(n.chap));
	EXPECT_TRUE(s.ok()) << s.detail;
	EXPECT_TRUE(auth.done());
}

TEST(IscsiChap, AppendKeysAllOrNothing)
{
	std::vector<u8> buf(20);
	u32 len = 0;
	EXPECT_TRUE(append_keys({{"CHAP_I", "1"}}, buf.data(), u32(buf.size()), &len));
	EXPECT_EQ(len, 9u);
	EXPECT_FALSE(append_keys({{"CHAP_N", "ab"}, {"CHAP_R", "0x0102"}}, buf.data(), u32(buf.size()), &len));
	EXPECT_EQ(len, 9u);
}
