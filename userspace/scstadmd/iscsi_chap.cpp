#include "iscsi_chap.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <charconv>
#include <memory>

extern "C" {
#include "iscsi_text.h"
}

namespace scstadmd {

static_assert(kLoginOk == ISC_LOGIN_OK);
static_assert(kLoginInitiatorError == ISC_LOGIN_INITIATOR_ERROR);
static_assert(kLoginAuthFailed == ISC_LOGIN_AUTH_FAILED);
static_assert(kLoginMissingParam == ISC_LOGIN_MISSING_PARAM);
static_assert(kLoginTargetError == ISC_LOGIN_TARGET_ERROR);

namespace {

struct MdCtxFree {
	void operator()(EVP_MD_CTX *c) const { EVP_MD_CTX_free(c); }
};
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

const EVP_MD *evp_md(ChapAlgorithm a)
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

// A decimal or hex number (RFC 7143 6.1) up to max; nullopt otherwise.
std::optional<unsigned> parse_number(std::string_view s, unsigned max)
{
	int base = 10;
	if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s.remove_prefix(2);
		base = 16;
	}
	if (s.empty())
		return std::nullopt;
	unsigned v = 0;
	auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
	if (ec != std::errc() || p != s.data() + s.size() || v > max)
		return std::nullopt;
	return v;
}

int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

bool base64_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '+' || c == '/';
}

std::optional<std::vector<std::uint8_t>> decode_hex(std::string_view s)
{
	if (s.empty())
		return std::nullopt;
	std::vector<std::uint8_t> out((s.size() + 1) / 2);
	// An odd number of digits: the first byte holds one digit.
	std::size_t o = 0, i = 0;
	if (s.size() % 2) {
		int d = hex_digit(s[0]);
		if (d < 0)
			return std::nullopt;
		out[o++] = static_cast<std::uint8_t>(d);
		i = 1;
	}
	for (; i < s.size(); i += 2) {
		int hi = hex_digit(s[i]), lo = hex_digit(s[i + 1]);
		if (hi < 0 || lo < 0)
			return std::nullopt;
		out[o++] = static_cast<std::uint8_t>(hi << 4 | lo);
	}
	return out;
}

std::optional<std::vector<std::uint8_t>> decode_base64(std::string_view s)
{
	// Strict RFC 4648: padded to a multiple of 4, '=' only at the end.
	if (s.empty() || s.size() % 4)
		return std::nullopt;
	std::size_t pad = 0;
	while (pad < 2 && s[s.size() - 1 - pad] == '=')
		pad++;
	for (std::size_t k = 0; k < s.size() - pad; k++)
		if (!base64_char(s[k]))
			return std::nullopt;
	std::vector<std::uint8_t> out(s.size() / 4 * 3);
	// EVP_DecodeBlock counts the padding as zero bytes.
	int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char *>(s.data()),
				static_cast<int>(s.size()));
	if (n < 0 || static_cast<std::size_t>(n) != out.size())
		return std::nullopt;
	out.resize(out.size() - pad);
	if (out.empty())
		return std::nullopt;
	return out;
}

// "user secret": the user is the first word, the secret the rest.
std::optional<ChapAccount> parse_account(std::string_view v)
{
	auto blank = [](char c) { return c == ' ' || c == '\t'; };
	while (!v.empty() && blank(v.front()))
		v.remove_prefix(1);
	while (!v.empty() && blank(v.back()))
		v.remove_suffix(1);
	auto sp = std::find_if(v.begin(), v.end(), blank);
	if (sp == v.end())
		return std::nullopt;
	std::string_view user(v.begin(), sp), secret(sp, v.end());
	while (!secret.empty() && blank(secret.front()))
		secret.remove_prefix(1);
	if (user.empty() || secret.empty())
		return std::nullopt;
	return ChapAccount{std::string(user), std::string(secret)};
}

} // namespace

std::optional<ChapAlgorithm> chap_algorithm(unsigned code)
{
	switch (code) {
	case 5:
	case 6:
	case 7:
	case 8:
		return static_cast<ChapAlgorithm>(code);
	default:
		return std::nullopt;
	}
}

std::string_view chap_algorithm_name(ChapAlgorithm a)
{
	switch (a) {
	case ChapAlgorithm::Md5:
		return "MD5";
	case ChapAlgorithm::Sha1:
		return "SHA1";
	case ChapAlgorithm::Sha256:
		return "SHA256";
	case ChapAlgorithm::Sha3_256:
		return "SHA3-256";
	}
	return "?";
}

std::size_t chap_digest_size(ChapAlgorithm a)
{
	switch (a) {
	case ChapAlgorithm::Md5:
		return 16;
	case ChapAlgorithm::Sha1:
		return 20;
	case ChapAlgorithm::Sha256:
	case ChapAlgorithm::Sha3_256:
		return 32;
	}
	return 0;
}

std::string encode_binary(std::span<const std::uint8_t> data, BinaryEncoding enc)
{
	if (enc == BinaryEncoding::Hex) {
		static constexpr char digits[] = "0123456789abcdef";
		std::string s = "0x";
		s.reserve(2 + data.size() * 2);
		for (std::uint8_t b : data) {
			s.push_back(digits[b >> 4]);
			s.push_back(digits[b & 15]);
		}
		return s;
	}
	std::string s(2 + (data.size() + 2) / 3 * 4 + 1, '\0');
	s[0] = '0';
	s[1] = 'b';
	int n = EVP_EncodeBlock(reinterpret_cast<unsigned char *>(s.data() + 2), data.data(),
				static_cast<int>(data.size()));
	s.resize(2 + static_cast<std::size_t>(n));
	return s;
}

std::optional<std::vector<std::uint8_t>> decode_binary(std::string_view v)
{
	if (v.size() < 3 || v[0] != '0')
		return std::nullopt;
	if (v[1] == 'x' || v[1] == 'X')
		return decode_hex(v.substr(2));
	if (v[1] == 'b' || v[1] == 'B')
		return decode_base64(v.substr(2));
	return std::nullopt;
}

std::optional<std::vector<std::uint8_t>> chap_response(ChapAlgorithm a, std::uint8_t identifier,
							std::string_view secret,
							std::span<const std::uint8_t> challenge)
{
	const EVP_MD *md = evp_md(a);
	MdCtx ctx(EVP_MD_CTX_new());
	if (!md || !ctx)
		return std::nullopt;
	std::vector<std::uint8_t> out(EVP_MAX_MD_SIZE);
	unsigned len = 0;
	if (EVP_DigestInit_ex(ctx.get(), md, nullptr) != 1 ||
	    EVP_DigestUpdate(ctx.get(), &identifier, 1) != 1 ||
	    EVP_DigestUpdate(ctx.get(), secret.data(), secret.size()) != 1 ||
	    EVP_DigestUpdate(ctx.get(), challenge.data(), challenge.size()) != 1 ||
	    EVP_DigestFinal_ex(ctx.get(), out.data(), &len) != 1)
		return std::nullopt;
	out.resize(len);
	return out;
}

bool chap_equal(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b)
{
	return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

CredentialsResult chap_credentials(const scstconf::Attributes &attrs, std::size_t min_secret)
{
	CredentialsResult r;
	auto usable = [&](const char *key, const std::string &v) -> std::optional<ChapAccount> {
		auto acc = parse_account(v);
		if (!acc) {
			r.warnings.push_back(std::string(key) +
					     ": expected \"user secret\"; value ignored");
			return std::nullopt;
		}
		if (acc->secret.size() < min_secret) {
			r.warnings.push_back(std::string(key) + " " + acc->user + ": secret of " +
					     std::to_string(acc->secret.size()) +
					     " bytes, fewer than " + std::to_string(min_secret) +
					     " (RFC 7143 9.2.1); account not used");
			return std::nullopt;
		}
		return acc;
	};
	for (const std::string &v : attrs.values("IncomingUser"))
		if (auto acc = usable("IncomingUser", v))
			r.credentials.incoming.push_back(std::move(*acc));
	for (const std::string &v : attrs.values("OutgoingUser")) {
		auto acc = usable("OutgoingUser", v);
		if (!acc)
			continue;
		if (r.credentials.outgoing) {
			r.warnings.push_back("OutgoingUser " + acc->user +
					     ": only one OutgoingUser is used, " +
					     r.credentials.outgoing->user);
			continue;
		}
		r.credentials.outgoing = std::move(*acc);
	}
	return r;
}

CredentialsResult target_chap_credentials(const scstconf::Config &c, std::string_view target,
					  std::size_t min_secret)
{
	const scstconf::TargetDriver *drv = scstconf::find_named(c.drivers, "iscsi");
	const scstconf::Target *t = drv ? scstconf::find_named(drv->targets, target) : nullptr;
	return t ? chap_credentials(t->attrs, min_secret) : CredentialsResult{};
}

CredentialsResult discovery_chap_credentials(const scstconf::Config &c, std::size_t min_secret)
{
	const scstconf::TargetDriver *drv = scstconf::find_named(c.drivers, "iscsi");
	return drv ? chap_credentials(drv->attrs, min_secret) : CredentialsResult{};
}

ChapAuthenticator::ChapAuthenticator(ChapCredentials creds, ChapOptions opts)
	: creds_(std::move(creds)), opts_(std::move(opts))
{
}

bool ChapAuthenticator::random_bytes(std::span<std::uint8_t> out)
{
	if (opts_.random)
		return opts_.random(out);
	return RAND_bytes(out.data(), static_cast<int>(out.size())) == 1;
}

ChapStep ChapAuthenticator::fail(std::uint16_t status, std::string detail)
{
	state_ = State::Failed;
	ChapStep s;
	s.status = status;
	s.detail = std::move(detail);
	return s;
}

ChapStep ChapAuthenticator::step(const ChapRequest &req)
{
	switch (state_) {
	case State::AwaitAlgorithm:
		return choose_algorithm(req);
	case State::AwaitResponse:
		return verify_response(req);
	case State::Done:
		if (req.empty())
			return {};
		return fail(kLoginInitiatorError, "CHAP keys after the CHAP exchange ended");
	case State::Failed:
		break;
	}
	return fail(kLoginAuthFailed, "CHAP already failed");
}

ChapStep ChapAuthenticator::choose_algorithm(const ChapRequest &req)
{
	// The request that agrees on AuthMethod=CHAP may carry no CHAP key.
	if (req.empty())
		return {};
	if (req.i || req.c || req.n || req.r)
		return fail(kLoginInitiatorError, "CHAP_I/C/N/R before CHAP_A");
	if (!req.a)
		return fail(kLoginMissingParam, "no CHAP_A");

	std::vector<ChapAlgorithm> offered;
	std::string_view list = *req.a;
	while (true) {
		std::size_t comma = list.find(',');
		// Values we do not know are skipped, as for any list (6.2).
		if (auto n = parse_number(list.substr(0, comma), 255))
			if (auto a = chap_algorithm(*n))
				offered.push_back(*a);
		if (comma == std::string_view::npos)
			break;
		list.remove_prefix(comma + 1);
	}
	auto it = std::find_if(opts_.preference.begin(), opts_.preference.end(), [&](ChapAlgorithm a) {
		return std::find(offered.begin(), offered.end(), a) != offered.end();
	});
	if (it == opts_.preference.end())
		return fail(kLoginAuthFailed,
			    "no CHAP algorithm in common: CHAP_A=" + std::string(*req.a));
	alg_ = *it;

	// At least 16 bytes and at least the digest size (RFC 7143 9.2.1).
	challenge_.assign(std::max<std::size_t>(16, chap_digest_size(*alg_)), 0);
	if (!random_bytes({&id_, 1}) || !random_bytes(challenge_))
		return fail(kLoginTargetError, "no random bytes for the CHAP challenge");

	ChapStep s;
	s.keys.emplace_back("CHAP_A", std::to_string(static_cast<unsigned>(*alg_)));
	s.keys.emplace_back("CHAP_I", std::to_string(id_));
	s.keys.emplace_back("CHAP_C", encode_binary(challenge_, opts_.encoding));
	state_ = State::AwaitResponse;
	return s;
}

ChapStep ChapAuthenticator::verify_response(const ChapRequest &req)
{
	if (req.a)
		return fail(kLoginInitiatorError, "CHAP_A again after the challenge");
	if (!req.n || !req.r)
		return fail(kLoginMissingParam, "CHAP_N and CHAP_R expected");
	if (req.i.has_value() != req.c.has_value())
		return fail(kLoginMissingParam, "CHAP_I and CHAP_C go together");

	auto response = decode_binary(*req.r);
	if (!response)
		return fail(kLoginInitiatorError, "CHAP_R is not a hex or base64 value");

	// Mutual CHAP: validate the initiator's challenge up front.
	std::optional<unsigned> ini_id;
	std::optional<std::vector<std::uint8_t>> ini_challenge;
	if (req.i) {
		ini_id = parse_number(*req.i, 255);
		if (!ini_id)
			return fail(kLoginInitiatorError, "CHAP_I is not a number 0..255");
		ini_challenge = decode_binary(*req.c);
		if (!ini_challenge || ini_challenge->size() > opts_.max_challenge)
			return fail(kLoginInitiatorError, "CHAP_C is not a hex or base64 value of 1.." +
								  std::to_string(opts_.max_challenge) +
								  " bytes");
	}

	// Every account of that name is tried, all in constant time.
	const std::string_view name = *req.n;
	bool match = false, known = false;
	for (const ChapAccount &acc : creds_.incoming) {
		if (acc.user != name || acc.secret.size() < opts_.min_secret)
			continue;
		known = true;
		auto expect = chap_response(*alg_, id_, acc.secret, challenge_);
		if (!expect)
			return fail(kLoginTargetError, "digest " +
							       std::string(chap_algorithm_name(*alg_)) +
							       " failed");
		match = chap_equal(*expect, *response) || match;
	}
	if (!known) {
		// As much work as for a known name: no hint which names exist.
		(void)chap_response(*alg_, id_, std::string(opts_.min_secret, 'x'), challenge_);
		return fail(kLoginAuthFailed, "CHAP_N " + std::string(name) + ": no such IncomingUser");
	}
	if (!match)
		return fail(kLoginAuthFailed, "CHAP_N " + std::string(name) + ": wrong CHAP_R");

	// The same secret in both directions (RFC 7143 9.2.1): our own
	// secret would have produced the response the initiator sent.
	const auto &out = creds_.outgoing;
	if (out && out->secret.size() >= opts_.min_secret) {
		auto own = chap_response(*alg_, id_, out->secret, challenge_);
		if (!own)
			return fail(kLoginTargetError, "digest failed");
		if (chap_equal(*own, *response))
			return fail(kLoginAuthFailed, "IncomingUser " + std::string(name) +
							      " has the OutgoingUser's secret");
	}

	ChapStep s;
	if (ini_challenge) {
		if (chap_equal(*ini_challenge, challenge_))
			return fail(kLoginAuthFailed, "CHAP_C reflects the target's challenge");
		if (!out || out->secret.size() < opts_.min_secret)
			return fail(kLoginAuthFailed,
				    "mutual CHAP requested but the target has no OutgoingUser");
		auto answer = chap_response(*alg_, static_cast<std::uint8_t>(*ini_id), out->secret,
					    *ini_challenge);
		if (!answer)
			return fail(kLoginTargetError, "digest failed");
		s.keys.emplace_back("CHAP_N", out->user);
		s.keys.emplace_back("CHAP_R", encode_binary(*answer, opts_.encoding));
		mutual_ = true;
	}
	user_ = std::string(name);
	state_ = State::Done;
	return s;
}

ChapRequest chap_request(const isc_chap_keys &k)
{
	auto view = [](const isc_kv &kv) -> std::optional<std::string_view> {
		if (!kv.val)
			return std::nullopt;
		return std::string_view(kv.val, kv.val_len);
	};
	return {view(k.a), view(k.i), view(k.c), view(k.n), view(k.r)};
}

bool append_keys(const KeyValues &keys, std::uint8_t *buf, std::uint32_t cap, std::uint32_t *len)
{
	const std::uint32_t start = *len;
	for (const auto &[k, v] : keys)
		if (isc_text_add(buf, cap, len, k.c_str(), v.c_str())) {
			*len = start;
			return false;
		}
	return true;
}

} // namespace scstadmd
