// libFuzzer target: the CHAP values an initiator sends (untrusted network
// input) through the binary decoders and the target's CHAP state machine,
// and SendTargets' wildcard matching. Build with -DSCST_FUZZ=ON and clang
// (see tests/unit/CMakeLists.txt).
//
// Input layout: byte 0 selects which keys the two requests carry and the
// encoding we answer in; the rest, split at 0xff bytes, gives CHAP_A,
// CHAP_N, CHAP_R, CHAP_I, CHAP_C and a wildcard pattern and name.
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "iscsi_chap.hpp"
#include "iscsi_discovery.hpp"

using namespace scstadmd;

namespace {

void check_decode(std::string_view v)
{
	auto d = decode_binary(v);
	if (!d)
		return;
	if (d->empty())
		std::abort();
	// What decodes re-encodes to the same bytes in both forms.
	for (auto enc : {BinaryEncoding::Hex, BinaryEncoding::Base64})
		if (decode_binary(encode_binary(*d, enc)) != d)
			std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	const uint8_t sel = data[0];
	std::vector<std::string> f;
	std::string cur;
	for (size_t i = 1; i < size; i++) {
		if (data[i] == 0xff) {
			f.push_back(std::move(cur));
			cur.clear();
		} else {
			cur.push_back(static_cast<char>(data[i]));
		}
	}
	f.push_back(std::move(cur));
	f.resize(7);

	for (const auto &v : f)
		check_decode(v);

	ChapCredentials creds;
	creds.incoming = {{"joe", "123456789012"}, {f[1], "fuzzsecret-12"}};
	if (sel & 0x40)
		creds.outgoing = ChapAccount{"tgt", "target-secret"};
	ChapOptions o;
	o.encoding = (sel & 0x80) ? BinaryEncoding::Base64 : BinaryEncoding::Hex;
	o.random = [](std::span<std::uint8_t> out) {
		for (auto &b : out)
			b = 0x5a;
		return true;
	};
	ChapAuthenticator auth(creds, o);

	auto opt = [&](int bit, const std::string &v) -> std::optional<std::string_view> {
		if (!(sel & (1 << bit)))
			return std::nullopt;
		return std::string_view(v);
	};
	ChapStep s1 = auth.step({.a = (sel & 1) ? std::optional<std::string_view>(f[0]) : std::nullopt});
	ChapStep s2 = auth.step({.a = std::nullopt, .i = opt(1, f[3]), .c = opt(2, f[4]),
				 .n = opt(3, f[1]), .r = opt(4, f[2])});
	for (const ChapStep *s : {&s1, &s2})
		if (!s->ok() && !s->keys.empty())
			std::abort();
	// Done only after a challenge and an accepted response.
	if (auth.done() != (s1.ok() && s2.ok() && !s1.keys.empty()))
		std::abort();

	(void)wildcard_match(f[5], f[6]);
	if (f[6].find_first_of("*?") == std::string::npos && !wildcard_match(f[6], f[6]))
		std::abort();
	if (!wildcard_match("*", f[6]))
		std::abort();
	(void)canonical_ip(f[5]);
	return 0;
}
