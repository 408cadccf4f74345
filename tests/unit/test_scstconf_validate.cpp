// Semantic checks.
#include <gtest/gtest.h>

#include "scstconf/json.hpp"
#include "scstconf/parser.hpp"
#include "scstconf/validate.hpp"
#include "scstconf_test_util.hpp"

using namespace scstconf;

namespace {

std::vector<Error> check(std::string_view text)
{
	auto r = parse_conf(text, "v.conf");
	EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().to_string());
	return r.ok() ? validate(*r) : std::vector<Error>{};
}

// The only error of `text`.
Error one_error(std::string_view text)
{
	auto errors = check(text);
	EXPECT_EQ(errors.size(), 1u) << text;
	if (errors.size() != 1)
		for (const auto &e : errors)
			std::cerr << "  " << e.to_string() << "\n";
	return errors.empty() ? Error{} : errors.front();
}

const char kDevices[] =
	"HANDLER vdisk_fileio {\n DEVICE disk01 {\n  filename /d1\n }\n}\n"
	"HANDLER vdisk_nullio {\n DEVICE null0\n}\n";  // lines 1-8

}  // namespace

TEST(ScstconfValidate, SampleAndRandomConfigsAreValid)
{
	EXPECT_TRUE(validate(scstconf_test::sample()).empty());
	for (unsigned seed = 0; seed < 200; ++seed) {
		auto errors = validate(scstconf_test::RandomConfig(seed).make());
		ASSERT_TRUE(errors.empty()) << "seed " << seed << ": " << errors.front().to_string();
	}
}

TEST(ScstconfValidate, LunNamesAnExistingDevice)
{
	const Error e = one_error(std::string(kDevices) +
				  "TARGET_DRIVER iscsi {\n TARGET t1 {\n  LUN 3 disk9\n }\n}\n");
	EXPECT_EQ(e.file, "v.conf");
	EXPECT_EQ(e.line, 11);
	EXPECT_EQ(e.column, 3);
	EXPECT_EQ(e.field, "TARGET_DRIVER iscsi/TARGET t1/LUN 3/device");
	EXPECT_EQ(e.to_string(),
		  "v.conf:11:3: TARGET_DRIVER iscsi/TARGET t1/LUN 3/device: no device \"disk9\" is defined");
}

TEST(ScstconfValidate, LunNumbers)
{
	Error e = one_error(std::string(kDevices) +
			    "TARGET_DRIVER iscsi {\n TARGET t1 {\n  LUN 16384 disk01\n }\n}\n");
	EXPECT_EQ(e.field, "TARGET_DRIVER iscsi/TARGET t1/LUN 16384/number");
	e = one_error(std::string(kDevices) +
		      "TARGET_DRIVER iscsi {\n TARGET t1 {\n  LUN 0 disk01\n  LUN 0 null0\n }\n}\n");
	EXPECT_EQ(e.line, 12);
	EXPECT_EQ(e.message, "LUN number used twice (first at line 11)");
	// The same number in the default group and in a group is fine.
	EXPECT_TRUE(check(std::string(kDevices) +
			  "TARGET_DRIVER iscsi {\n TARGET t1 {\n  LUN 0 disk01\n  GROUP g {\n   LUN 0 null0\n  }\n }\n}\n")
			    .empty());
	e = one_error(std::string(kDevices) +
		      "TARGET_DRIVER iscsi {\n TARGET t1 {\n  GROUP g {\n   LUN 1 disk01\n   LUN 1 disk01\n  }\n }\n}\n");
	EXPECT_EQ(e.field, "TARGET_DRIVER iscsi/TARGET t1/GROUP g/LUN 1/number");
}

TEST(ScstconfValidate, LunParameters)
{
	Error e = one_error(std::string(kDevices) +
			    "TARGET_DRIVER iscsi {\n TARGET t1 {\n  LUN 0 disk01 {\n   read_only maybe\n  }\n }\n}\n");
	EXPECT_EQ(e.field, "TARGET_DRIVER iscsi/TARGET t1/LUN 0/read_only");
	e = one_error(std::string(kDevices) +
		      "TARGET_DRIVER iscsi {\n TARGET t1 {\n  LUN 0 disk01 {\n   bogus 1\n  }\n }\n}\n");
	EXPECT_EQ(e.field, "TARGET_DRIVER iscsi/TARGET t1/LUN 0/bogus");
}

TEST(ScstconfValidate, DeviceNamesUniqueAcrossHandlers)
{
	// The parser refuses this already; a config from JSON gets here.
	auto c = from_json(R"({"handlers": [
		{"name": "vdisk_nullio", "devices": [{"name": "d"}]},
		{"name": "vdisk_fileio", "devices": [{"name": "d", "attributes": {"filename": "/f"}}]}]})");
	ASSERT_TRUE(c.ok());
	auto errors = validate(*c);
	ASSERT_EQ(errors.size(), 1u);
	EXPECT_EQ(errors[0].field, "HANDLER vdisk_fileio/DEVICE d");
	EXPECT_EQ(errors[0].line, 0);
	EXPECT_EQ(errors[0].message, "another device has this name");
}

TEST(ScstconfValidate, Names)
{
	for (const char *bad : {"\"a/b\"", "\"a b\"", "mgmt", ".", "..", "type"}) {
		auto errors = check(std::string("HANDLER vdisk_nullio {\n DEVICE ") + bad + "\n}\n");
		ASSERT_EQ(errors.size(), 1u) << bad;
		EXPECT_EQ(errors[0].line, 2);
		EXPECT_EQ(errors[0].field.substr(errors[0].field.size() - 5), "/name") << bad;
	}
	EXPECT_EQ(check("HANDLER vdisk_nullio {\n DEVICE " + std::string(256, 'x') + "\n}\n").size(), 1u);
	EXPECT_TRUE(check("HANDLER vdisk_nullio {\n DEVICE " + std::string(255, 'x') + "\n}\n").empty());
	EXPECT_EQ(one_error("TARGET_DRIVER d {\n TARGET \"t/1\"\n}\n").field, "TARGET_DRIVER d/TARGET t/1/name");
	EXPECT_EQ(one_error("TARGET_DRIVER d {\n TARGET t {\n  GROUP mgmt\n }\n}\n").line, 3);
}

TEST(ScstconfValidate, VdiskParameters)
{
	Error e = one_error("HANDLER vdisk_fileio {\n DEVICE d {\n  blocksize 4096\n }\n}\n");
	EXPECT_EQ(e.line, 2);
	EXPECT_EQ(e.field, "HANDLER vdisk_fileio/DEVICE d/filename");
	EXPECT_EQ(e.message, "vdisk_fileio needs a filename");
	e = one_error("HANDLER vdisk_blockio {\n DEVICE d {\n  filename /dev/sdb\n  size_mb 10\n }\n}\n");
	EXPECT_EQ(e.line, 4);
	EXPECT_EQ(e.field, "HANDLER vdisk_blockio/DEVICE d/size_mb");
	EXPECT_NE(e.message.find("not a parameter of vdisk_blockio"), std::string::npos);
	EXPECT_EQ(one_error("HANDLER vdisk_nullio {\n DEVICE d {\n  blocksize 1000\n }\n}\n").message,
		  "expected 512, 1024, 2048 or 4096");
	EXPECT_EQ(one_error("HANDLER vdisk_nullio {\n DEVICE d {\n  read_only 2\n }\n}\n").message,
		  "expected 0 or 1");
	EXPECT_EQ(one_error("HANDLER vdisk_nullio {\n DEVICE d {\n  size_mb 0\n }\n}\n").line, 3);
	EXPECT_EQ(one_error("HANDLER vdisk_nullio {\n DEVICE d {\n  size 12Q\n }\n}\n").line, 3);
	EXPECT_EQ(one_error("HANDLER vdisk_nullio {\n DEVICE d {\n  usn 12345678901234567\n }\n}\n").line, 3);
	EXPECT_EQ(one_error("HANDLER vdisk_fileio {\n DEVICE d {\n  filename rel/path\n }\n}\n").message,
		  "expected an absolute path");
	EXPECT_EQ(one_error("HANDLER vdisk_fileio {\n DEVICE d {\n  filename /a\n  filename /b\n }\n}\n")
			  .message,
		  "given more than once (first at line 3)");
	EXPECT_EQ(one_error("HANDLER vdisk_fileio {\n DEVICE d {\n  filename \"/a;b\"\n }\n}\n").message,
		  "a parameter value cannot contain ';' (the mgmt separator)");
	EXPECT_TRUE(check("HANDLER vdisk_nullio {\n DEVICE d {\n  size 2G\n  read_only y\n  usn abc\n }\n}\n")
			    .empty());
	// Handlers this library knows nothing about are not checked.
	EXPECT_TRUE(check("HANDLER dev_disk {\n DEVICE 1:0:0:0 {\n  whatever 1\n }\n}\n").empty());
}

TEST(ScstconfValidate, Initiators)
{
	Error e = one_error(
		"TARGET_DRIVER d {\n TARGET t {\n  GROUP a {\n   INITIATOR i1\n  }\n  GROUP b {\n   INITIATOR i1\n  }\n }\n}\n");
	EXPECT_EQ(e.line, 7);
	EXPECT_EQ(e.field, "TARGET_DRIVER d/TARGET t/GROUP b/INITIATOR i1");
	EXPECT_EQ(e.message, "the initiator is already in a group of this target (first at line 4)");
	// sysfs mgmt commands split at blanks.
	e = one_error("TARGET_DRIVER d {\n TARGET t {\n  GROUP a {\n   INITIATOR \"client 1\"\n  }\n }\n}\n");
	EXPECT_EQ(e.line, 4);
	// The same initiator in two targets is fine.
	EXPECT_TRUE(check("TARGET_DRIVER d {\n TARGET t {\n  GROUP a {\n   INITIATOR i1\n  }\n }\n"
			  " TARGET u {\n  GROUP a {\n   INITIATOR i1\n  }\n }\n}\n")
			    .empty());
}

TEST(ScstconfValidate, TargetAttributes)
{
	EXPECT_EQ(one_error("TARGET_DRIVER d {\n TARGET t {\n  enabled yes\n }\n}\n").field,
		  "TARGET_DRIVER d/TARGET t/enabled");
	EXPECT_EQ(one_error("TARGET_DRIVER d {\n enabled 2\n}\n").field, "TARGET_DRIVER d/enabled");
	EXPECT_EQ(one_error("TARGET_DRIVER d {\n TARGET t {\n  rel_tgt_id 0\n }\n}\n").message,
		  "expected a number in 1..65535");
	Error e = one_error(
		"TARGET_DRIVER d {\n TARGET t {\n  rel_tgt_id 5\n }\n}\nTARGET_DRIVER e {\n TARGET u {\n  rel_tgt_id 5\n }\n}\n");
	EXPECT_EQ(e.line, 8);
	EXPECT_EQ(e.message, "another target has this rel_tgt_id (first at line 3)");
	// IncomingUser may repeat (policy), enabled may not.
	EXPECT_TRUE(check("TARGET_DRIVER iscsi {\n TARGET t {\n  IncomingUser \"a 123456789012\"\n"
			  "  IncomingUser \"b 123456789012\"\n }\n}\n")
			    .empty());
	EXPECT_EQ(one_error("TARGET_DRIVER iscsi {\n TARGET t {\n  enabled 1\n  enabled 0\n }\n}\n").line, 4);
}

TEST(ScstconfValidate, AttributeNamesAndValues)
{
	auto c = from_json(R"({"attributes": {"a b": "1", "x": "line\nbreak"}})");
	ASSERT_TRUE(c.ok());
	auto errors = validate(*c);
	ASSERT_EQ(errors.size(), 2u);
	EXPECT_EQ(errors[0].field, "a b");
	EXPECT_EQ(errors[1].field, "x");
}

TEST(ScstconfValidate, DeviceGroups)
{
	Error e = one_error(std::string(kDevices) + "DEVICE_GROUP dg {\n DEVICE nosuch\n}\n");
	EXPECT_EQ(e.line, 10);
	EXPECT_EQ(e.field, "DEVICE_GROUP dg/DEVICE nosuch");
	e = one_error(std::string(kDevices) +
		      "DEVICE_GROUP dg {\n DEVICE disk01\n}\nDEVICE_GROUP dg2 {\n DEVICE disk01\n}\n");
	EXPECT_EQ(e.line, 13);
	EXPECT_EQ(e.message, "the device is already in a DEVICE_GROUP (first at line 10)");
	e = one_error("DEVICE_GROUP dg {\n TARGET_GROUP a {\n  group_id 1\n }\n TARGET_GROUP b {\n  group_id 1\n }\n}\n");
	EXPECT_EQ(e.line, 6);
	EXPECT_EQ(one_error("DEVICE_GROUP dg {\n TARGET_GROUP a {\n  state sleepy\n }\n}\n").field,
		  "DEVICE_GROUP dg/TARGET_GROUP a/state");
	EXPECT_EQ(one_error("DEVICE_GROUP dg {\n TARGET_GROUP a {\n  TARGET t {\n   rel_tgt_id x\n  }\n }\n}\n")
			  .field,
		  "DEVICE_GROUP dg/TARGET_GROUP a/TARGET t/rel_tgt_id");
}

TEST(ScstconfValidate, ReportsEveryError)
{
	auto errors = check("HANDLER vdisk_fileio {\n DEVICE a\n DEVICE b\n}\n"
			    "TARGET_DRIVER d {\n TARGET t {\n  LUN 0 x\n  LUN 1 y\n }\n}\n");
	ASSERT_EQ(errors.size(), 4u);
	EXPECT_EQ(errors[0].line, 2);
	EXPECT_EQ(errors[1].line, 3);
	EXPECT_EQ(errors[2].line, 7);
	EXPECT_EQ(errors[3].line, 8);
}

TEST(ScstconfValidate, ModeSaved)
{
	auto conf = [](const std::string &v) {
		return "HANDLER vdisk_nullio {\n DEVICE null0 {\n  mode_saved " + v + "\n }\n}\n";
	};
	EXPECT_TRUE(check(conf("wce=1 rcd=0 d_sense=1 swp=0 tas=1 qerr=3 dexcpt=1 mrie=6")).empty());
	EXPECT_TRUE(check(conf("default")).empty());
	EXPECT_TRUE(check(conf("d_sense=1")).empty());
	for (const char *bad : {"qerr=2", "mrie=7", "foo=1", "tas", "tas=x"}) {
		const Error e = one_error(conf(bad));
		EXPECT_EQ(e.field, "HANDLER vdisk_nullio/DEVICE null0/mode_saved") << bad;
		EXPECT_EQ(e.line, 3) << bad;
	}
}

TEST(ScstconfValidate, LbaMap)
{
	auto conf = [](const std::string &v) {
		return "HANDLER vdisk_fileio {\n DEVICE d0 {\n  filename /srv/d0\n  lba_map " + v +
		       "\n }\n}\n";
	};
	EXPECT_TRUE(check(conf("\"0-8191:1=active,2=standby 8192-16383:1=standby,2=active\"")).empty());
	EXPECT_TRUE(check(conf("none")).empty());
	EXPECT_TRUE(check(conf("0-9:1=nonoptimized;10-19:2=unavailable")).empty());
	for (const char *bad : {"\"0-99:1=active 50-199:1=standby\"", "0-9:1=offline", "9-0:1=active",
				"0-9", "0-9:1=active,", "\"none 0-9:1=active\""}) {
		const Error e = one_error(conf(bad));
		EXPECT_EQ(e.field, "HANDLER vdisk_fileio/DEVICE d0/lba_map") << bad;
		EXPECT_EQ(e.line, 4) << bad;
	}
	// a TARGET_GROUP may be in the logical block dependent state
	EXPECT_TRUE(check("DEVICE_GROUP dg {\n TARGET_GROUP tg {\n  state lba_dependent\n }\n}\n")
			    .empty());
}

TEST(ScstconfValidate, MaxTgtDevCommands)
{
	auto conf = [](const std::string &handler, const std::string &v) {
		return "HANDLER " + handler + " {\n DEVICE d0 {\n  max_tgt_dev_commands " + v +
		       "\n }\n}\n";
	};
	// The core's attribute: of vdisk devices and of any other handler's.
	for (const char *good : {"0", "1", "4", "2048", "65535"}) {
		EXPECT_TRUE(check(conf("vdisk_nullio", good)).empty()) << good;
		EXPECT_TRUE(check(conf("dev_disk", good)).empty()) << good;
	}
	// The message names the value (as the file has it) and the range.
	const std::vector<std::pair<std::string, std::string>> bad = {
		{"65536", "\"65536\" is out of range"},
		{"4294967300", "\"4294967300\" is out of range"},
		{"99999999999999999999999", "\"99999999999999999999999\" is out of range"},
		{"-1", "\"-1\" is not a decimal number"},
		{"4x", "\"4x\" is not a decimal number"},
		{"0x10", "\"0x10\" is not a decimal number"},
		{"\"\"", "\"\" is not a decimal number"},
		{"010", "\"010\" has a leading zero"},
	};
	for (const auto &[v, why] : bad) {
		for (const char *handler : {"vdisk_nullio", "dev_disk"}) {
			const Error e = one_error(conf(handler, v));
			EXPECT_EQ(e.field, "HANDLER " + std::string(handler) + "/DEVICE d0/max_tgt_dev_commands")
				<< v;
			EXPECT_EQ(e.line, 3) << v;
			EXPECT_EQ(e.column, 3) << v;
			EXPECT_EQ(e.message, why + ": expected a number of commands 0..65535 (0: no limit)")
				<< v;
		}
	}
	// Once only, like other settable attributes.
	EXPECT_EQ(one_error("HANDLER vdisk_nullio {\n DEVICE d0 {\n  max_tgt_dev_commands 4\n"
			    "  max_tgt_dev_commands 8\n }\n}\n")
			  .line,
		  4);
}

TEST(ScstconfValidate, IscsiNumericParameters)
{
	auto conf = [](const std::string &driver, const std::string &kv) {
		return "TARGET_DRIVER " + driver + " {\n TARGET t {\n  " + kv + "\n }\n}\n";
	};
	for (const char *good :
	     {"QueuedCommands 1", "QueuedCommands 2048", "MaxRecvDataSegmentLength 512",
	      "MaxRecvDataSegmentLength 16777215", "FirstBurstLength 65536", "MaxBurstLength 1048576",
	      "MaxXmitDataSegmentLength 8192", "MaxOutstandingR2T 65535", "NopInInterval 0",
	      "NopInTimeout 1", "RspTimeout 65535"})
		EXPECT_TRUE(check(conf("iscsi", good)).empty()) << good;
	const std::vector<std::pair<std::string, std::string>> bad = {
		{"QueuedCommands 0", "\"0\" is out of range: expected a number of commands 1..2048"},
		{"QueuedCommands 2049", "\"2049\" is out of range: expected a number of commands 1..2048"},
		{"QueuedCommands many", "\"many\" is not a decimal number: expected a number of commands 1..2048"},
		{"MaxRecvDataSegmentLength 511",
		 "\"511\" is out of range: expected a number of bytes 512..16777215"},
		{"MaxRecvDataSegmentLength 16777216",
		 "\"16777216\" is out of range: expected a number of bytes 512..16777215"},
		{"MaxXmitDataSegmentLength 1k",
		 "\"1k\" is not a decimal number: expected a number of bytes 512..16777215"},
		{"MaxBurstLength 0", "\"0\" is out of range: expected a number of bytes 512..16777215"},
		{"FirstBurstLength 100", "\"100\" is out of range: expected a number of bytes 512..16777215"},
		{"MaxOutstandingR2T 0", "\"0\" is out of range: expected a number of R2Ts 1..65535"},
		{"NopInInterval 65536",
		 "\"65536\" is out of range: expected a number of seconds 0..65535 (0: no pings)"},
		{"NopInTimeout 0", "\"0\" is out of range: expected a number of seconds 1..65535"},
		{"RspTimeout -5", "\"-5\" is not a decimal number: expected a number of seconds 1..65535"},
	};
	for (const auto &[kv, why] : bad) {
		const Error e = one_error(conf("iscsi", kv));
		EXPECT_EQ(e.line, 3) << kv;
		EXPECT_EQ(e.field, "TARGET_DRIVER iscsi/TARGET t/" + kv.substr(0, kv.find(' '))) << kv;
		EXPECT_EQ(e.message, why) << kv;
	}
	// Another driver's attributes of the same name are not iSCSI's.
	for (const Error &e : check(conf("scst_local", "QueuedCommands 0")))
		EXPECT_EQ(e.message.find("out of range"), std::string::npos) << e.message;
}

TEST(ScstconfValidate, IscsiAccountsAndPortals)
{
	Error e = one_error("TARGET_DRIVER iscsi {\n IncomingUser \"disc short\"\n}\n");
	EXPECT_EQ(e.line, 2);
	EXPECT_EQ(e.field, "TARGET_DRIVER iscsi/IncomingUser");
	EXPECT_EQ(e.message, "the CHAP secret of disc has 5 bytes, expected 12..255");
	EXPECT_EQ(one_error("TARGET_DRIVER iscsi {\n TARGET t {\n  OutgoingUser justone\n }\n}\n").message,
		  "expected \"user secret\"");
	EXPECT_EQ(one_error("TARGET_DRIVER iscsi {\n TARGET t {\n  OutgoingUser \"a 123456789012\"\n"
			    "  OutgoingUser \"b 123456789012\"\n }\n}\n")
			  .line,
		  4);
	EXPECT_EQ(one_error("TARGET_DRIVER iscsi {\n TARGET t {\n  allowed_portal 10.0.0.0/8\n }\n}\n").field,
		  "TARGET_DRIVER iscsi/TARGET t/allowed_portal");
	EXPECT_TRUE(check("TARGET_DRIVER iscsi {\n TARGET t {\n  allowed_portal 10.*\n  allowed_portal [fd00::*]\n"
			  "  IncomingUser \"u 123456789012\"\n }\n}\n")
			    .empty());
	// Other drivers' attributes of these names are theirs.
	EXPECT_TRUE(check("TARGET_DRIVER other {\n IncomingUser x\n}\n").empty());
}
