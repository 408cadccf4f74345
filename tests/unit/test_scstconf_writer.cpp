// scst.conf writer: canonical text and parse(write(c)) == c.
#include <gtest/gtest.h>

#include "scstconf/parser.hpp"
#include "scstconf/writer.hpp"
#include "scstconf_test_util.hpp"

using namespace scstconf;

namespace {

Config reparse(const Config &c)
{
	const std::string text = write_conf(c);
	auto r = parse_conf(text, "written.conf");
	EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().to_string()) << "\n" << text;
	return r.ok() ? std::move(r).value() : Config{};
}

}  // namespace

TEST(ScstconfWriter, GoldenCanonicalText)
{
	const char *const expected = R"(# Written by a test
#
# second line

setup_id 0x1234

HANDLER vdisk_fileio {
	DEVICE disk01 {
		blocksize 4096
		filename /srv/disk01.img
		nv_cache 1
	}

	DEVICE disk02 {
		filename "/srv/my disk 02.img"
	}
}

HANDLER vdisk_nullio {
	DEVICE null0 {
		size_mb 1024
	}
}

TARGET_DRIVER iscsi {
	IncomingUser "joe 12charsecret"
	enabled 1

	TARGET iqn.2006-10.net.vlnb:tgt {
		HeaderDigest CRC32C,None
		IncomingUser "fred 12charsecret2"
		IncomingUser "joe 12charsecret"
		enabled 1
		rel_tgt_id 1

		LUN 0 disk01
		LUN 1 null0 {
			read_only 1
		}

		GROUP hosts_a {
			LUN 0 disk02

			INITIATOR iqn.1993-08.org.debian:01:*
			INITIATOR iqn.1994-05.com.redhat:client1
		}
	}
}

TARGET_DRIVER scst_local {
	TARGET scst_local_tgt {
		session_name host1

		LUN 0 disk01
	}
}

DEVICE_GROUP dg1 {
	DEVICE disk01

	TARGET_GROUP tg1 {
		group_id 1
		state active

		TARGET iqn.2006-10.net.vlnb:tgt {
			rel_tgt_id 1
		}
	}
}
)";
	const std::string text =
		write_conf(normalize(scstconf_test::sample()), {"Written by a test\n\nsecond line"});
	EXPECT_EQ(text, expected);
}

TEST(ScstconfWriter, EmptyConfig)
{
	EXPECT_EQ(write_conf(Config{}), "");
	Config c;
	c.handlers.push_back({"vdisk_nullio", {}, {}, {}});
	c.drivers.push_back({"iscsi", {}, {{"t", {}, {}, {}, {}}}, {}});
	EXPECT_EQ(write_conf(c), "HANDLER vdisk_nullio {\n}\n\nTARGET_DRIVER iscsi {\n\tTARGET t\n}\n");
	EXPECT_EQ(reparse(c), c);
}

TEST(ScstconfWriter, RoundTripSample)
{
	const Config c = scstconf_test::sample();
	EXPECT_EQ(reparse(c), c);
	const Config n = normalize(c);
	EXPECT_EQ(reparse(n), n);
	// Writing is stable: the text of the re-read config is the same.
	EXPECT_EQ(write_conf(reparse(n)), write_conf(n));
}

TEST(ScstconfWriter, QuotesWhatNeedsIt)
{
	Config c;
	for (const std::string v : {"", "a b", "tab\there", "q\"uote", "back\\slash", "hash#", "{",
				    "}", "x{y}", "line\nbreak", "cr\r", "LUN", "\x01", "ünï"})
		c.attrs.add("k", v);
	// Keys that would read as keywords or braces.
	c.attrs.add("LUN", "1");
	c.attrs.add("SOME_KEY", "2");
	c.attrs.add("}", "3");
	c.attrs.add("a key", "4");
	Handler h{"vdisk fileio", {}, {{"{", {{"filename", "}"}}, {}}}, {}};
	c.handlers.push_back(h);
	TargetDriver d{"drv", {}, {}, {}};
	d.targets.push_back({"t #1", {}, {{7, "{", {}, {}}}, {{"\"g\"", {}, {}, {{"i i", {}}}, {}}}, {}});
	c.drivers.push_back(d);
	c.device_groups.push_back({"dg", {}, {{"{", {}}}, {{"tg x", {}, {{"}", {}, {}}}, {}}}, {}});
	EXPECT_EQ(reparse(c), c);

	const std::string text = write_conf(c);
	EXPECT_NE(text.find("\"LUN\" 1\n"), std::string::npos) << text;
	EXPECT_NE(text.find("k \"\"\n"), std::string::npos);
	EXPECT_NE(text.find("k \"line\\nbreak\"\n"), std::string::npos);
	EXPECT_NE(text.find("LUN 7 \"{\"\n"), std::string::npos);
}

TEST(ScstconfWriter, RoundTripRandomConfigs)
{
	for (unsigned seed = 0; seed < 200; ++seed) {
		const Config c = scstconf_test::RandomConfig(seed).make();
		ASSERT_EQ(reparse(c), c) << "seed " << seed << "\n" << write_conf(c);
	}
}

TEST(ScstconfWriter, RoundTripRandomStrings)
{
	std::mt19937 rng(42);
	const std::string alphabet = "aZ09 _-.:/\\\"#{}\t\n\r\x01\x7f\xc3\xa9=;*";
	auto random_string = [&](std::size_t max_len) {
		std::string s(std::uniform_int_distribution<std::size_t>(0, max_len)(rng), ' ');
		for (auto &ch : s)
			ch = alphabet[std::uniform_int_distribution<std::size_t>(0, alphabet.size() - 1)(rng)];
		return s;
	};
	for (int i = 0; i < 300; ++i) {
		Config c;
		std::string key = random_string(6);
		if (key.empty())
			key = "k";
		c.attrs.add(key, random_string(12));
		Handler h{random_string(8), {}, {}, {}};
		h.devices.push_back({random_string(8), {}, {}});
		h.devices.back().attrs.add(key, random_string(12));
		c.handlers.push_back(std::move(h));
		ASSERT_EQ(reparse(c), c) << write_conf(c);
	}
}
