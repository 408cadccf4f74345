// libscstctl's pure parts: a desired config in the kernel's terms, and
// what this kernel cannot do at all.
#include <gtest/gtest.h>

#include <scstconf/diff.hpp>
#include <scstconf/parser.hpp>
#include <scstctl/kernel.hpp>

namespace {

scstconf::Config conf(const std::string &text)
{
	auto c = scstconf::parse_conf(text, "test.conf");
	EXPECT_TRUE(c) << c.error().to_string();
	return c ? *c : scstconf::Config{};
}

TEST(ScstctlCanonical, VdiskParametersAsTheKernelShowsThem)
{
	auto c = scstctl::canonical(conf(R"(
HANDLER vdisk_nullio {
	DEVICE n0 {
		size_mb 64
		read_only 0
		removable 1
	}
}
HANDLER vdisk_fileio {
	DEVICE f0 {
		filename /srv/f
		size_mb 2
		size 4096
		o_direct 0
	}
}
)"),
				    {});
	const auto &n0 = c.handlers[0].devices[0];
	EXPECT_EQ(n0.attrs.get("size"), "67108864");
	EXPECT_FALSE(n0.attrs.contains("size_mb"));
	EXPECT_FALSE(n0.attrs.contains("read_only"));
	EXPECT_EQ(n0.attrs.get("removable"), "1");
	const auto &f0 = c.handlers[1].devices[0];
	EXPECT_EQ(f0.attrs.get("size"), "4096");  // size wins; size_mb left to the validator
	EXPECT_FALSE(f0.attrs.contains("o_direct"));
}

TEST(ScstctlCanonical, MaxTgtDevCommandsWithoutItsDefault)
{
	auto c = scstctl::canonical(conf(R"(
HANDLER vdisk_nullio {
	DEVICE n0 {
		max_tgt_dev_commands 0
	}
	DEVICE n1 {
		max_tgt_dev_commands 16
	}
}
HANDLER dev_disk {
	DEVICE sdb {
		max_tgt_dev_commands 0
	}
}
)"),
				    {});
	EXPECT_FALSE(c.handlers[0].devices[0].attrs.contains("max_tgt_dev_commands"));
	EXPECT_EQ(c.handlers[0].devices[1].attrs.get("max_tgt_dev_commands"), "16");
	EXPECT_FALSE(c.handlers[1].devices[0].attrs.contains("max_tgt_dev_commands"));
}

TEST(ScstctlCanonical, TargetsAndLuns)
{
	auto running = conf(R"(
TARGET_DRIVER scst_local {
	TARGET t1 {
		rel_tgt_id 7
		session_name host_a
		session_name host_b
	}
	TARGET t2 {
		rel_tgt_id 8
		session_name host_c
	}
}
)");
	auto c = scstctl::canonical(conf(R"(
TARGET_DRIVER scst_local {
	TARGET t1 {
		enabled 1
		LUN 0 d0 {
			read_only 0
		}
		GROUP g {
			LUN 1 d0 {
				read_only 1
			}
		}
	}
	TARGET t2 {
		rel_tgt_id 3
		session_name host_d
	}
	TARGET t3
}
)"),
				    running);
	const auto &t1 = c.drivers[0].targets[0];
	EXPECT_FALSE(t1.attrs.contains("enabled"));
	EXPECT_EQ(t1.attrs.get("rel_tgt_id"), "7");  // kept as the kernel chose it
	EXPECT_TRUE(t1.luns[0].attrs.empty());
	EXPECT_EQ(t1.groups[0].luns[0].attrs.get("read_only"), "1");
	EXPECT_EQ(t1.attrs.values("session_name"), (std::vector<std::string>{"host_a", "host_b"}));
	EXPECT_EQ(c.drivers[0].targets[1].attrs.get("rel_tgt_id"), "3");
	EXPECT_EQ(c.drivers[0].targets[1].attrs.values("session_name"), (std::vector<std::string>{"host_d"}));
	EXPECT_FALSE(c.drivers[0].targets[2].attrs.contains("session_name"));
	EXPECT_FALSE(c.drivers[0].targets[2].attrs.contains("rel_tgt_id"));
}

TEST(ScstctlCanonical, AluaIsSupported)
{
	auto desired = conf(R"(
HANDLER vdisk_nullio {
	DEVICE n0
}
DEVICE_GROUP dg1 {
	DEVICE n0
	TARGET_GROUP tg1 {
		TARGET t1
	}
}
)");
	auto plan = scstconf::diff({}, desired);
	ASSERT_TRUE(plan) << plan.error().to_string();
	for (const auto &op : plan->ops)
		EXPECT_TRUE(scstctl::check_supported(op)) << scstconf::describe(op);
}

TEST(ScstctlCanonical, TargetGroupDefaultsAndKernelGroupId)
{
	auto running = conf(R"(
DEVICE_GROUP dg1 {
	TARGET_GROUP tg1 {
		group_id 4
	}
}
)");
	auto desired = conf(R"(
DEVICE_GROUP dg1 {
	TARGET_GROUP tg1 {
		state active
		preferred 0
	}
	TARGET_GROUP tg2 {
		group_id 9
		state standby
		preferred 1
	}
}
)");
	auto c = scstctl::canonical(desired, running);
	const auto &tg1 = c.device_groups[0].target_groups[0];
	EXPECT_EQ(tg1.attrs.get("group_id"), "4");  // left to the kernel: kept
	EXPECT_FALSE(tg1.attrs.contains("state"));
	EXPECT_FALSE(tg1.attrs.contains("preferred"));
	const auto &tg2 = c.device_groups[0].target_groups[1];
	EXPECT_EQ(tg2.attrs.get("group_id"), "9");
	EXPECT_EQ(tg2.attrs.get("state"), "standby");
	EXPECT_EQ(tg2.attrs.get("preferred"), "1");
	auto plan = scstconf::diff(running, c);
	ASSERT_TRUE(plan) << plan.error().to_string();
	for (const auto &op : plan->ops)
		EXPECT_NE(scstconf::describe(op).find("tg2"), std::string::npos)
			<< "tg1 already matches: " << scstconf::describe(op);
}

}  // namespace
