// libFuzzer target for libscstconf: scst.conf text (or JSON when the input
// starts with '{') must never crash the parsers, and what parses must
// survive write -> parse and JSON -> parse unchanged. Build: see
// CMakeLists.txt (SCST_FUZZ=ON).
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "scstconf/diff.hpp"
#include "scstconf/json.hpp"
#include "scstconf/parser.hpp"
#include "scstconf/validate.hpp"
#include "scstconf/writer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
	using namespace scstconf;
	const std::string_view text(reinterpret_cast<const char *>(data), size);
	auto c = !text.empty() && text[0] == '{' ? from_json(text) : parse_conf(text);
	if (!c)
		return 0;
	auto again = parse_conf(write_conf(*c));
	if (!again || !(*again == *c))
		std::abort();
	auto from_j = from_json(to_json(*c));
	if (!from_j)
		std::abort();
	if (validate(*c).empty()) {
		auto plan = diff(Config{}, *c);
		if (!plan)
			std::abort();
		Config state;
		if (!apply_to_model(state, plan->ops) || !(normalize(state) == normalize(*c)))
			std::abort();
	}
	return 0;
}
