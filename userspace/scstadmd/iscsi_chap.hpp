// CHAP for the target side of iSCSI login (RFC 1994, RFC 7143 12.1.3 and
// 9.2.1): algorithm choice, challenges, the CHAP_* key values, verification
// of the initiator against the IncomingUser accounts and the answer to a
// mutual-CHAP challenge from the OutgoingUser account.
//
// Pure logic over OpenSSL (digests, random bytes, base64); no sockets. The
// login code drives one ChapAuthenticator per connection through the
// security stage:
//
//   I->T  AuthMethod=CHAP,None            (the text engine agrees on CHAP)
//   I->T  CHAP_A=7,5                      step(): CHAP_A, CHAP_I, CHAP_C
//   I->T  CHAP_N, CHAP_R [, CHAP_I, CHAP_C]
//                                         step(): verified; for mutual CHAP
//                                         also CHAP_N, CHAP_R; done()
//
// The security stage may only be left once done() is true. A step whose
// status is not kLoginOk ends the login with that status.
//
// Policy decisions:
// - Algorithms: the target's preference wins among what the initiator
//   lists (default SHA3-256, SHA-256, SHA-1, MD5); unknown values in
//   CHAP_A are ignored, as RFC 7143 6.2 says for list values.
// - Secrets shorter than 12 bytes (RFC 7143 9.2.1: SHOULD be at least 96
//   bits) are refused, not merely warned about as SCST does: such an
//   account never authenticates and such an OutgoingUser is never used.
//   chap_credentials() reports them so the daemon can log why.
// - A CHAP_C equal to the challenge we sent (reflection), or a response
//   equal to what our own OutgoingUser secret would give (the same secret
//   in both directions, RFC 7143 9.2.1), fails the login like a wrong
//   secret: 0x0201, and the connection is closed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <scstconf/model.hpp>

struct isc_chap_keys;  // kernel/iscsi/iscsi_text.h

namespace scstadmd {

// Login status class and detail (RFC 7143 11.13.5), the values of
// ISC_LOGIN_* in kernel/iscsi/iscsi_pdu.h.
inline constexpr std::uint16_t kLoginOk = 0x0000;
inline constexpr std::uint16_t kLoginInitiatorError = 0x0200;
inline constexpr std::uint16_t kLoginAuthFailed = 0x0201;
inline constexpr std::uint16_t kLoginMissingParam = 0x0207;
inline constexpr std::uint16_t kLoginTargetError = 0x0300;

// CHAP_A values (IANA "PPP Authentication Algorithms").
enum class ChapAlgorithm : std::uint8_t {
	Md5 = 5,
	Sha1 = 6,
	Sha256 = 7,
	Sha3_256 = 8,
};

std::optional<ChapAlgorithm> chap_algorithm(unsigned code);
std::string_view chap_algorithm_name(ChapAlgorithm a);
std::size_t chap_digest_size(ChapAlgorithm a);

// Binary values (RFC 7143 6.1): "0x..." (hex-constant, an odd number of
// digits has an implied leading zero) or "0b..." (base64-constant, RFC
// 4648 with padding).
enum class BinaryEncoding { Hex, Base64 };

std::string encode_binary(std::span<const std::uint8_t> data, BinaryEncoding enc);
// nullopt: not a hex or base64 constant, or empty.
std::optional<std::vector<std::uint8_t>> decode_binary(std::string_view value);

// The response of RFC 1994 4.1: H(identifier || secret || challenge).
// nullopt if OpenSSL fails (e.g. MD5 in FIPS mode).
std::optional<std::vector<std::uint8_t>> chap_response(ChapAlgorithm a, std::uint8_t identifier,
							std::string_view secret,
							std::span<const std::uint8_t> challenge);

// Constant-time equality (CRYPTO_memcmp); sizes are not secret.
bool chap_equal(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b);

struct ChapAccount {
	std::string user;
	std::string secret;

	bool operator==(const ChapAccount &) const = default;
};

// What authenticates whom on one kind of session.
struct ChapCredentials {
	std::vector<ChapAccount> incoming;    // any one authenticates the initiator
	std::optional<ChapAccount> outgoing;  // the target's, for mutual CHAP

	// CHAP is required (AuthMethod None refused) when there is an account.
	bool auth_required() const { return !incoming.empty(); }
};

inline constexpr std::size_t kChapMinSecret = 12;

struct CredentialsResult {
	ChapCredentials credentials;
	// One line per value that cannot be used (malformed, short secret,
	// several OutgoingUser), for the log.
	std::vector<std::string> warnings;
};

// IncomingUser/OutgoingUser attribute values ("user secret") of one object.
CredentialsResult chap_credentials(const scstconf::Attributes &attrs,
				   std::size_t min_secret = kChapMinSecret);
// A target of driver "iscsi"; an unknown target has no accounts.
CredentialsResult target_chap_credentials(const scstconf::Config &c, std::string_view target,
					  std::size_t min_secret = kChapMinSecret);
// Discovery sessions use the driver's accounts (SCST: IncomingUser and
// OutgoingUser of targets/iscsi).
CredentialsResult discovery_chap_credentials(const scstconf::Config &c,
					     std::size_t min_secret = kChapMinSecret);

// Fills the span with random bytes; false on failure. Default: RAND_bytes.
using ChapRandom = std::function<bool(std::span<std::uint8_t>)>;

struct ChapOptions {
	std::vector<ChapAlgorithm> preference{ChapAlgorithm::Sha3_256, ChapAlgorithm::Sha256,
					      ChapAlgorithm::Sha1, ChapAlgorithm::Md5};
	BinaryEncoding encoding = BinaryEncoding::Hex;  // of CHAP_C and CHAP_R we send
	std::size_t min_secret = kChapMinSecret;
	std::size_t max_challenge = 1024;  // bytes of the initiator's CHAP_C
	ChapRandom random;                 // empty: RAND_bytes
};

// The CHAP_* keys of one Login Request; nullopt: absent.
struct ChapRequest {
	std::optional<std::string_view> a = {}, i = {}, c = {}, n = {}, r = {};

	bool empty() const { return !a && !i && !c && !n && !r; }
};

// The CHAP keys the text engine (isc_neg_login) collected from the last
// request; the views point into that request's data.
ChapRequest chap_request(const isc_chap_keys &k);

using KeyValues = std::vector<std::pair<std::string, std::string>>;

// Appends "key=value\0" for each to a Login Response's data (isc_text_add);
// false, with *len unchanged, if they do not all fit.
bool append_keys(const KeyValues &keys, std::uint8_t *buf, std::uint32_t cap, std::uint32_t *len);

struct ChapStep {
	std::uint16_t status = kLoginOk;  // not kLoginOk: fail the login with it
	KeyValues keys;                   // append to the Login Response, in order
	std::string detail;               // why it failed, for the log only

	bool ok() const { return status == kLoginOk; }
};

class ChapAuthenticator {
public:
	explicit ChapAuthenticator(ChapCredentials creds, ChapOptions opts = {});

	// One request's CHAP keys. Keys that arrive out of order, after the
	// exchange or after a failure fail the login.
	ChapStep step(const ChapRequest &req);

	// The initiator is authenticated (and, for mutual CHAP, answered):
	// the security stage may end.
	bool done() const { return state_ == State::Done; }
	bool failed() const { return state_ == State::Failed; }
	bool mutual() const { return mutual_; }
	std::optional<ChapAlgorithm> algorithm() const { return alg_; }
	// The CHAP_N that authenticated, once done().
	const std::string &user() const { return user_; }

private:
	enum class State { AwaitAlgorithm, AwaitResponse, Done, Failed };

	ChapStep choose_algorithm(const ChapRequest &req);
	ChapStep verify_response(const ChapRequest &req);
	ChapStep fail(std::uint16_t status, std::string detail);
	bool random_bytes(std::span<std::uint8_t> out);

	ChapCredentials creds_;
	ChapOptions opts_;
	State state_ = State::AwaitAlgorithm;
	std::optional<ChapAlgorithm> alg_;
	std::uint8_t id_ = 0;
	std::vector<std::uint8_t> challenge_;
	bool mutual_ = false;
	std::string user_;
};

} // namespace scstadmd
