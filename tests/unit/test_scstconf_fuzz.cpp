// Robustness: garbage and mutated input never crash the parsers, and what
// they accept survives a round trip.
#include <gtest/gtest.h>

#include "scstconf/diff.hpp"
#include "scstconf/json.hpp"
#include "scstconf/parser.hpp"
#include "scstconf/validate.hpp"
#include "scstconf/writer.hpp"
#include "scstconf_test_util.hpp"

using namespace scstconf;

namespace {

class Mutator {
public:
	explicit Mutator(unsigned seed) : rng_(seed) {}

	std::size_t below(std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_); }

	std::string garbage(std::size_t max_len)
	{
		static const std::string pieces[] = {
			"HANDLER ", "DEVICE ", "TARGET_DRIVER ", "TARGET ", "LUN ", "GROUP ",
			"INITIATOR ", "DEVICE_GROUP ", "TARGET_GROUP ", "{", "}", "\n", "\"", "\\",
			"#", " ", "\t", "0", "16384", "x", "filename /a", "\r\n", "\0", "\xff",
		};
		std::string s;
		while (s.size() < max_len && below(20) != 0)
			s += pieces[below(std::size(pieces))];
		return s;
	}

	std::string mutate(std::string s)
	{
		const std::size_t n = 1 + below(4);
		for (std::size_t i = 0; i < n && !s.empty(); ++i) {
			const std::size_t at = below(s.size());
			switch (below(4)) {
			case 0:
				s.erase(at, 1 + below(8));
				break;
			case 1:
				s.insert(at, garbage(12));
				break;
			case 2:
				s[at] = static_cast<char>(below(256));
				break;
			default:
				s.insert(at, s.substr(below(s.size()), below(40)));
			}
		}
		return s;
	}

private:
	std::mt19937 rng_;
};

// Whatever parses must write back to the same config and be safe to
// validate and diff.
void exercise(const Config &c)
{
	auto again = parse_conf(write_conf(c));
	ASSERT_TRUE(again.ok()) << again.error().to_string() << "\n" << write_conf(c);
	ASSERT_EQ(*again, c);
	auto from_j = from_json(to_json(c));
	ASSERT_TRUE(from_j.ok());
	(void)validate(c);
	auto p = diff(scstconf_test::sample(), c);
	if (p.ok())
		for (const auto &op : p->ops) {
			(void)describe(op);
			(void)to_sysfs(op);
		}
}

}  // namespace

TEST(ScstconfFuzz, GarbageConf)
{
	Mutator m(1);
	int parsed = 0;
	for (int i = 0; i < 3000; ++i) {
		auto r = parse_conf(m.garbage(200));
		if (r.ok()) {
			++parsed;
			exercise(*r);
		} else {
			EXPECT_GE(r.error().line, 1);
		}
	}
	EXPECT_GT(parsed, 0);
}

TEST(ScstconfFuzz, MutatedConf)
{
	Mutator m(2);
	const std::string base = scstconf_test::kSampleConf;
	for (int i = 0; i < 3000; ++i) {
		auto r = parse_conf(m.mutate(base));
		if (r.ok())
			exercise(*r);
		if (HasFatalFailure())
			return;
	}
}

TEST(ScstconfFuzz, MutatedJson)
{
	Mutator m(3);
	const std::string base = to_json(scstconf_test::sample());
	int parsed = 0;
	for (int i = 0; i < 3000; ++i) {
		auto r = from_json(m.mutate(base));
		if (r.ok()) {
			++parsed;
			exercise(*r);
		}
		if (HasFatalFailure())
			return;
	}
	EXPECT_GT(parsed, 0);
}
