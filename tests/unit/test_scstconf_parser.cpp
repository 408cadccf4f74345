// scst.conf parser: every construct, quoting, comments, and the errors.
#include <gtest/gtest.h>

#include "scstconf/parser.hpp"
#include "scstconf_test_util.hpp"

using namespace scstconf;

namespace {

Config parse_ok(std::string_view text)
{
	auto r = parse_conf(text, "t.conf");
	EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().to_string());
	return r.ok() ? std::move(r).value() : Config{};
}

Error parse_err(std::string_view text)
{
	auto r = parse_conf(text, "t.conf");
	EXPECT_FALSE(r.ok()) << "parsed: " << text;
	return r.ok() ? Error{} : r.error();
}

}  // namespace

TEST(ScstconfParser, SampleHasEveryConstruct)
{
	const Config c = scstconf_test::sample();
	EXPECT_EQ(c.source, "sample.conf");
	EXPECT_EQ(c.attrs.get("setup_id"), "0x1234");

	ASSERT_EQ(c.handlers.size(), 2u);
	const Handler &fileio = c.handlers[0];
	EXPECT_EQ(fileio.name, "vdisk_fileio");
	ASSERT_EQ(fileio.devices.size(), 2u);
	EXPECT_EQ(fileio.devices[0].name, "disk01");
	EXPECT_EQ(fileio.devices[0].attrs.get("filename"), "/srv/disk01.img");
	EXPECT_EQ(fileio.devices[0].attrs.get("blocksize"), "4096");
	EXPECT_EQ(fileio.devices[0].attrs.get("nv_cache"), "1");
	EXPECT_EQ(fileio.devices[1].attrs.get("filename"), "/srv/my disk 02.img");
	EXPECT_EQ(c.handlers[1].devices[0].attrs.get("size_mb"), "1024");

	ASSERT_EQ(c.drivers.size(), 2u);
	const TargetDriver &iscsi = c.drivers[0];
	EXPECT_EQ(iscsi.attrs.get("enabled"), "1");
	ASSERT_EQ(iscsi.targets.size(), 1u);
	const Target &t = iscsi.targets[0];
	EXPECT_EQ(t.name, "iqn.2006-10.net.vlnb:tgt");
	EXPECT_EQ(t.attrs.values("IncomingUser"),
		  (std::vector<std::string>{"joe 12charsecret", "fred 12charsecret2"}));
	EXPECT_EQ(t.attrs.get("HeaderDigest"), "CRC32C,None");
	ASSERT_EQ(t.luns.size(), 2u);
	EXPECT_EQ(t.luns[0].number, 0u);
	EXPECT_EQ(t.luns[0].device, "disk01");
	EXPECT_TRUE(t.luns[0].attrs.empty());
	EXPECT_EQ(t.luns[1].device, "null0");
	EXPECT_EQ(t.luns[1].attrs.get("read_only"), "1");
	ASSERT_EQ(t.groups.size(), 1u);
	const Group &g = t.groups[0];
	EXPECT_EQ(g.name, "hosts_a");
	ASSERT_EQ(g.luns.size(), 1u);
	EXPECT_EQ(g.luns[0].device, "disk02");
	ASSERT_EQ(g.initiators.size(), 2u);
	EXPECT_EQ(g.initiators[0].name, "iqn.1993-08.org.debian:01:*");

	EXPECT_EQ(c.drivers[1].targets[0].attrs.get("session_name"), "host1");

	ASSERT_EQ(c.device_groups.size(), 1u);
	const DeviceGroup &dg = c.device_groups[0];
	ASSERT_EQ(dg.devices.size(), 1u);
	EXPECT_EQ(dg.devices[0].name, "disk01");
	ASSERT_EQ(dg.target_groups.size(), 1u);
	EXPECT_EQ(dg.target_groups[0].attrs.get("group_id"), "1");
	EXPECT_EQ(dg.target_groups[0].attrs.get("state"), "active");
	ASSERT_EQ(dg.target_groups[0].targets.size(), 1u);
	EXPECT_EQ(dg.target_groups[0].targets[0].attrs.get("rel_tgt_id"), "1");
}

TEST(ScstconfParser, RemembersPositions)
{
	const Config c = parse_ok("\n\nHANDLER h {\n  DEVICE d {\n\tfilename /x\n  }\n}\n");
	EXPECT_EQ(c.handlers[0].pos.line, 3);
	EXPECT_EQ(c.handlers[0].pos.column, 1);
	EXPECT_EQ(c.handlers[0].devices[0].pos.line, 4);
	EXPECT_EQ(c.handlers[0].devices[0].pos.column, 3);
	EXPECT_EQ(c.handlers[0].devices[0].attrs.begin()->pos.line, 5);
	EXPECT_EQ(c.handlers[0].devices[0].attrs.begin()->pos.column, 2);
}

TEST(ScstconfParser, EmptyAndCommentOnly)
{
	EXPECT_EQ(parse_ok(""), Config{});
	EXPECT_EQ(parse_ok("# nothing\n\n   # more\n\t\n"), Config{});
}

TEST(ScstconfParser, Comments)
{
	const Config c = parse_ok(
		"a 1 # trailing\n"
		"b \"x # y\"\n"       // '#' inside quotes
		"c x\\#y\n"           // escaped '#'
		"d x#y\n"             // '#' in a word starts a comment
		"#e 5\n");
	EXPECT_EQ(c.attrs.get("a"), "1");
	EXPECT_EQ(c.attrs.get("b"), "x # y");
	EXPECT_EQ(c.attrs.get("c"), "x#y");
	EXPECT_EQ(c.attrs.get("d"), "x");
	EXPECT_FALSE(c.attrs.contains("e"));
}

TEST(ScstconfParser, Quotes)
{
	const Config c = parse_ok(
		"a \"two words\"\n"
		"b \"\"\n"
		"c \"say \\\"hi\\\" \\\\ \\n\"\n"
		"d pre\"fix suf\"fix\n"
		"e \"C:\\dir\"\n"
		"\"QUOTED_KEY\" v\n");
	EXPECT_EQ(c.attrs.get("a"), "two words");
	EXPECT_EQ(c.attrs.get("b"), "");
	EXPECT_EQ(c.attrs.get("c"), "say \"hi\" \\ \n");
	EXPECT_EQ(c.attrs.get("d"), "prefix suffix");
	EXPECT_EQ(c.attrs.get("e"), "C:\\dir");  // unknown escape: literal
	EXPECT_EQ(c.attrs.get("QUOTED_KEY"), "v");
}

TEST(ScstconfParser, UnquotedWordsAreJoined)
{
	const Config c = parse_ok("IncomingUser joe   secret\n");
	EXPECT_EQ(c.attrs.get("IncomingUser"), "joe secret");
}

TEST(ScstconfParser, RepeatedKeysKeepOrder)
{
	const Config c = parse_ok("TARGET_DRIVER iscsi {\n IncomingUser \"a 1\"\n x 1\n IncomingUser \"b 2\"\n}\n");
	EXPECT_EQ(c.drivers[0].attrs.values("IncomingUser"), (std::vector<std::string>{"a 1", "b 2"}));
}

TEST(ScstconfParser, CrLfAndTabs)
{
	const Config c = parse_ok("HANDLER h {\r\n\tDEVICE d {\r\n\t\tfilename\t/x\r\n\t}\r\n}\r\n");
	EXPECT_EQ(c.handlers[0].devices[0].attrs.get("filename"), "/x");
}

TEST(ScstconfParser, SectionsWithoutBlocks)
{
	const Config c = parse_ok(
		"HANDLER vdisk_nullio\n"
		"HANDLER vdisk_fileio {\n DEVICE d\n}\n"
		"TARGET_DRIVER scst_local {\n TARGET t\n}\n"
		"TARGET_DRIVER x {\n TARGET t2 {\n  GROUP g\n }\n}\n");
	EXPECT_TRUE(c.handlers[0].devices.empty());
	EXPECT_EQ(c.handlers[1].devices[0].name, "d");
	EXPECT_EQ(c.drivers[0].targets[0].name, "t");
	EXPECT_EQ(c.drivers[1].targets[0].groups[0].name, "g");
}

TEST(ScstconfParser, LunNumbers)
{
	const Config c = parse_ok("TARGET_DRIVER d {\n TARGET t {\n  LUN 16383 x\n  LUN 99999 y\n }\n}\n");
	EXPECT_EQ(c.drivers[0].targets[0].luns[0].number, 16383u);
	// Out of range for SCST, but that is validate()'s to say.
	EXPECT_EQ(c.drivers[0].targets[0].luns[1].number, 99999u);
}

TEST(ScstconfParser, ErrorUnterminatedQuote)
{
	const Error e = parse_err("HANDLER h {\n DEVICE d {\n  filename \"/x y\n }\n}\n");
	EXPECT_EQ(e.file, "t.conf");
	EXPECT_EQ(e.line, 3);
	EXPECT_EQ(e.column, 12);
	EXPECT_EQ(e.message, "unterminated quoted string");
	EXPECT_EQ(e.to_string(), "t.conf:3:12: \": unterminated quoted string");
}

TEST(ScstconfParser, ErrorMissingCloseBrace)
{
	const Error e = parse_err("HANDLER h {\n DEVICE d {\n  filename /x\n}\n");
	// The section left open is HANDLER h, at line 1.
	EXPECT_EQ(e.line, 1);
	EXPECT_EQ(e.field, "HANDLER");
	EXPECT_NE(e.message.find("missing '}'"), std::string::npos);
}

TEST(ScstconfParser, ErrorExtraCloseBrace)
{
	const Error e = parse_err("HANDLER h {\n}\n}\n");
	EXPECT_EQ(e.line, 3);
	EXPECT_EQ(e.field, "}");
	EXPECT_NE(e.message.find("without an open section"), std::string::npos);
}

TEST(ScstconfParser, ErrorTextAfterCloseBrace)
{
	EXPECT_EQ(parse_err("HANDLER h {\n} x\n").line, 2);
}

TEST(ScstconfParser, ErrorUnknownKeyword)
{
	const Error e = parse_err("HANDLER h {\n  DEVICES d\n}\n");
	EXPECT_EQ(e.line, 2);
	EXPECT_EQ(e.column, 3);
	EXPECT_EQ(e.field, "DEVICES");
	EXPECT_EQ(e.message, "unknown keyword");
}

TEST(ScstconfParser, ErrorKeywordInWrongSection)
{
	Error e = parse_err("HANDLER h {\n LUN 0 d\n}\n");
	EXPECT_EQ(e.line, 2);
	EXPECT_EQ(e.field, "LUN");
	EXPECT_EQ(e.message, "LUN is not allowed in HANDLER");
	EXPECT_EQ(parse_err("INITIATOR x\n").message, "INITIATOR is not allowed in the top level");
	EXPECT_EQ(parse_err("HANDLER h {\n DEVICE d {\n  DEVICE e\n }\n}\n").line, 3);
}

TEST(ScstconfParser, ErrorLunWithoutDevice)
{
	const Error e = parse_err("TARGET_DRIVER d {\n TARGET t {\n  LUN 0\n }\n}\n");
	EXPECT_EQ(e.line, 3);
	EXPECT_EQ(e.field, "LUN");
	EXPECT_NE(e.message.find("LUN <number> <device>"), std::string::npos);
}

TEST(ScstconfParser, ErrorLunNotANumber)
{
	for (const char *n : {"x", "-1", "1x", "\"1\"", "99999999999999999999999"}) {
		const Error e = parse_err(std::string("TARGET_DRIVER d {\n TARGET t {\n  LUN ") + n +
					  " dev\n }\n}\n");
		EXPECT_EQ(e.line, 3) << n;
		EXPECT_EQ(e.column, 7) << n;
		EXPECT_EQ(e.field, "LUN") << n;
	}
}

TEST(ScstconfParser, ErrorTooManyArguments)
{
	const Error e = parse_err("TARGET_DRIVER d {\n TARGET t {\n  LUN 0 dev extra\n }\n}\n");
	EXPECT_EQ(e.line, 3);
	EXPECT_EQ(e.column, 13);
}

TEST(ScstconfParser, ErrorDuplicateDevice)
{
	Error e = parse_err("HANDLER h {\n DEVICE d\n DEVICE d\n}\n");
	EXPECT_EQ(e.line, 3);
	EXPECT_EQ(e.field, "DEVICE");
	EXPECT_EQ(e.message, "DEVICE d is already defined at line 2");
	// Across handlers too: device names are global.
	e = parse_err("HANDLER a {\n DEVICE d\n}\nHANDLER b {\n DEVICE d\n}\n");
	EXPECT_EQ(e.line, 5);
}

TEST(ScstconfParser, ErrorDuplicateSections)
{
	EXPECT_EQ(parse_err("HANDLER h\nHANDLER h\n").line, 2);
	EXPECT_EQ(parse_err("TARGET_DRIVER d {\n TARGET t\n TARGET t\n}\n").line, 3);
	EXPECT_EQ(parse_err("TARGET_DRIVER d {\n TARGET t {\n GROUP g\n GROUP g\n}\n}\n").line, 4);
	EXPECT_EQ(parse_err("DEVICE_GROUP g\nDEVICE_GROUP g\n").line, 2);
}

TEST(ScstconfParser, ErrorAttributeWithoutValue)
{
	const Error e = parse_err("HANDLER h {\n DEVICE d {\n  nv_cache\n }\n}\n");
	EXPECT_EQ(e.line, 3);
	EXPECT_EQ(e.field, "nv_cache");
	EXPECT_EQ(e.message, "attribute has no value");
}

TEST(ScstconfParser, ErrorBraceOnItsOwnLine)
{
	const Error e = parse_err("HANDLER h\n{\n}\n");
	EXPECT_EQ(e.line, 2);
	EXPECT_EQ(e.field, "{");
}

TEST(ScstconfParser, ErrorBlockWhereNoneAllowed)
{
	EXPECT_EQ(parse_err("TARGET_DRIVER d {\n TARGET t {\n  GROUP g {\n   INITIATOR i {\n   }\n  }\n }\n}\n")
			  .message,
		  "INITIATOR cannot open a section");
	EXPECT_EQ(parse_err("foo bar {\n}\n").message, "'foo' is not a section keyword");
}

TEST(ScstconfParser, FileErrors)
{
	auto r = parse_conf_file("/nonexistent/scst.conf");
	ASSERT_FALSE(r.ok());
	EXPECT_EQ(r.error().file, "/nonexistent/scst.conf");
	EXPECT_NE(r.error().message.find("cannot open"), std::string::npos);
}
