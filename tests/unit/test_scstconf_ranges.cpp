// The numeric attributes whose range user space checks before sending
// anything (scstadmin -set_*_attr, -add_target, -open_dev; scst.conf).
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "scstconf/ops.hpp"
#include "scstconf/policy.hpp"

using namespace scstconf;

namespace {

std::string source(const std::string &rel)
{
	std::ifstream in(std::string(SCST_SOURCE_DIR) + "/" + rel);
	std::stringstream s;
	s << in.rdbuf();
	return s.str();
}

Op set(Scope scope, ObjectPath at, std::string key, std::string value)
{
	Op op;
	op.kind = OpKind::SetAttr;
	op.scope = scope;
	op.at = std::move(at);
	op.key = std::move(key);
	op.value = std::move(value);
	return op;
}

}  // namespace

TEST(ScstconfRanges, Lookup)
{
	// The core's, of every handler's devices, with or without the handler.
	for (const char *owner : {"", "vdisk_nullio", "dev_disk"}) {
		const NumericRange *r = numeric_range(Scope::Device, owner, "max_tgt_dev_commands");
		ASSERT_NE(r, nullptr) << owner;
		EXPECT_EQ(r->min, 0u);
		EXPECT_EQ(r->max, 65535u);
	}
	EXPECT_EQ(numeric_range(Scope::Target, "", "max_tgt_dev_commands"), nullptr);
	// iSCSI's only for iscsi targets.
	ASSERT_NE(numeric_range(Scope::Target, "iscsi", "QueuedCommands"), nullptr);
	EXPECT_EQ(numeric_range(Scope::Target, "scst_local", "QueuedCommands"), nullptr);
	EXPECT_EQ(numeric_range(Scope::Target, "", "QueuedCommands"), nullptr);
	EXPECT_EQ(numeric_range(Scope::Driver, "iscsi", "QueuedCommands"), nullptr);
	// Names are case-sensitive, as the kernel's files are.
	EXPECT_EQ(numeric_range(Scope::Target, "iscsi", "queuedcommands"), nullptr);
	EXPECT_EQ(numeric_range(Scope::Device, "", "blocksize"), nullptr);
}

TEST(ScstconfRanges, Messages)
{
	EXPECT_EQ(range_error(Scope::Device, "", "max_tgt_dev_commands", "0"), std::nullopt);
	EXPECT_EQ(range_error(Scope::Device, "", "max_tgt_dev_commands", "65535"), std::nullopt);
	EXPECT_EQ(range_error(Scope::Device, "", "max_tgt_dev_commands", "70000"),
		  "\"70000\" is out of range: expected a number of commands 0..65535 (0: no limit)");
	EXPECT_EQ(range_error(Scope::Device, "", "max_tgt_dev_commands", " 8"),
		  "\" 8\" is not a decimal number: expected a number of commands 0..65535 (0: no limit)");
	EXPECT_EQ(range_error(Scope::Device, "", "max_tgt_dev_commands", "+8"),
		  "\"+8\" is not a decimal number: expected a number of commands 0..65535 (0: no limit)");
	EXPECT_EQ(range_error(Scope::Target, "iscsi", "QueuedCommands", "00"),
		  "\"00\" has a leading zero: expected a number of commands 1..2048");
	// No known range: anything goes (the kernel decides).
	EXPECT_EQ(range_error(Scope::Device, "", "delay_ms", "banana"), std::nullopt);
	EXPECT_EQ(range_error(Scope::Target, "scst_local", "QueuedCommands", "0"), std::nullopt);
}

TEST(ScstconfRanges, CheckValuesOfOperations)
{
	// -set_dev_attr null1 -attributes max_tgt_dev_commands=70000
	auto r = check_values(set(Scope::Device, {.device = "null1"}, "max_tgt_dev_commands", "70000"));
	ASSERT_FALSE(r);
	EXPECT_EQ(r.error().to_string(),
		  "set max_tgt_dev_commands of device null1 to 70000: \"70000\" is out of "
		  "range: expected a number of commands 0..65535 (0: no limit)");
	EXPECT_TRUE(check_values(set(Scope::Device, {.device = "null1"}, "max_tgt_dev_commands", "32")));

	// -set_tgt_attr t -driver iscsi -attributes QueuedCommands=4096
	r = check_values(set(Scope::Target, {.driver = "iscsi", .target = "t"}, "QueuedCommands", "4096"));
	ASSERT_FALSE(r);
	EXPECT_NE(r.error().message.find("\"4096\" is out of range: expected a number of commands 1..2048"),
		  std::string::npos);
	EXPECT_NE(r.error().field.find("QueuedCommands"), std::string::npos);
	EXPECT_TRUE(check_values(
		set(Scope::Target, {.driver = "scst_local", .target = "t"}, "QueuedCommands", "4096")));

	// A reset to the default is checked too (and passes).
	Op reset = set(Scope::Device, {.device = "d"}, "max_tgt_dev_commands", "");
	reset.value.reset();
	reset.reset_value = "0";
	EXPECT_TRUE(check_values(reset));

	// -add_target t -driver iscsi -attributes QueuedCommands=0,...: names the key.
	Op add;
	add.kind = OpKind::AddTarget;
	add.scope = Scope::Target;
	add.at = {.driver = "iscsi", .target = "t"};
	add.attrs.settable.add("MaxBurstLength", "262144");
	add.attrs.settable.add("NopInTimeout", "0");
	r = check_values(add);
	ASSERT_FALSE(r);
	EXPECT_EQ(r.error().message,
		  "NopInTimeout: \"0\" is out of range: expected a number of seconds 1..65535");

	// -open_dev d -handler vdisk_nullio -attributes max_tgt_dev_commands=x
	Op open;
	open.kind = OpKind::AddDevice;
	open.scope = Scope::Device;
	open.at = {.handler = "vdisk_nullio", .device = "d"};
	open.attrs.params.add("size_mb", "64");
	open.attrs.settable.add("max_tgt_dev_commands", "x");
	r = check_values(open);
	ASSERT_FALSE(r);
	EXPECT_EQ(r.error().message, "max_tgt_dev_commands: \"x\" is not a decimal number: expected "
				     "a number of commands 0..65535 (0: no limit)");

	// Values of multi-valued attributes have no range here.
	Op mv = set(Scope::Target, {.driver = "iscsi", .target = "t"}, "QueuedCommands", "0");
	mv.kind = OpKind::AddAttrValue;
	EXPECT_TRUE(check_values(mv));
}

// The table says what the kernel says: SCST_NL_MAX_TGT_DEV_COMMANDS and
// every numeric ISC_TGT_ATTR of kernel/iscsi/isc_main.c, with its range.
TEST(ScstconfRanges, MatchTheKernel)
{
	const std::string uapi = source("include/uapi/scst_netlink.h");
	std::smatch m;
	ASSERT_TRUE(std::regex_search(uapi, m,
				      std::regex(R"(#define\s+SCST_NL_MAX_TGT_DEV_COMMANDS\s+(\d+))")));
	const NumericRange *r = numeric_range(Scope::Device, "", "max_tgt_dev_commands");
	ASSERT_NE(r, nullptr);
	EXPECT_EQ(r->max, std::stoull(m[1].str()));

	const std::string pdu = source("kernel/iscsi/iscsi_pdu.h");
	ASSERT_TRUE(std::regex_search(pdu, m, std::regex(R"(#define\s+ISC_MAX_DSL\s+(0x[0-9a-fA-F]+)U)")));
	const std::uint64_t max_dsl = std::stoull(m[1].str(), nullptr, 16);

	const std::string isc = source("kernel/iscsi/isc_main.c");
	const std::regex attr(
		R"(ISC_TGT_ATTR\((\w+),\s*\w+,\s*ISC_AK_NUM,\s*\d+,\s*(\d+),\s*(\w+)\);)");
	int n = 0;
	for (auto it = std::sregex_iterator(isc.begin(), isc.end(), attr); it != std::sregex_iterator();
	     ++it, ++n) {
		const std::string name = (*it)[1].str(), max = (*it)[3].str();
		r = numeric_range(Scope::Target, "iscsi", name);
		ASSERT_NE(r, nullptr) << name << " has a range in the kernel, none in user space";
		EXPECT_EQ(r->min, std::stoull((*it)[2].str())) << name;
		EXPECT_EQ(r->max, max == "ISC_MAX_DSL" ? max_dsl : std::stoull(max)) << name;
	}
	EXPECT_EQ(n, 9);  // the parse found them all
}
