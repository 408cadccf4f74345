// scstadmin's command line: SCST's single-dash long options -> one verb.
#include <gtest/gtest.h>

#include "options.hpp"

namespace {

using scstadmin::parse_args;
using scstadmin::Verb;

TEST(ScstadminOptions, ConfigWithSingleDash)
{
	auto inv = parse_args({"-config", "/etc/scst.conf"});
	ASSERT_TRUE(inv) << inv.error().to_string();
	EXPECT_EQ(inv->verb, Verb::Config);
	EXPECT_EQ(inv->verb_name, "config");
	EXPECT_EQ(inv->value, "/etc/scst.conf");
	EXPECT_FALSE(inv->force);
}

TEST(ScstadminOptions, DoubleDashAndEqualsWorkToo)
{
	auto inv = parse_args({"--check_config=/tmp/a.json", "--json"});
	ASSERT_TRUE(inv) << inv.error().to_string();
	EXPECT_EQ(inv->verb, Verb::CheckConfig);
	EXPECT_EQ(inv->value, "/tmp/a.json");
	EXPECT_TRUE(inv->json);
}

TEST(ScstadminOptions, FlagsAnywhere)
{
	auto inv = parse_args({"-noprompt", "-clear_config", "-force", "-cont_on_err"});
	ASSERT_TRUE(inv) << inv.error().to_string();
	EXPECT_EQ(inv->verb, Verb::ClearConfig);
	EXPECT_TRUE(inv->noprompt);
	EXPECT_TRUE(inv->force);
	EXPECT_TRUE(inv->cont_on_err);
	EXPECT_TRUE(scstadmin::destructive(inv->verb));
}

TEST(ScstadminOptions, ListingsTakeAnOptionalName)
{
	auto all = parse_args({"-list_target"});
	ASSERT_TRUE(all) << all.error().to_string();
	EXPECT_EQ(all->verb, Verb::ListTarget);
	EXPECT_EQ(all->value, "");
	auto one = parse_args({"-list_target", "t1", "-driver", "scst_local", "--json"});
	ASSERT_TRUE(one) << one.error().to_string();
	EXPECT_EQ(one->value, "t1");
	EXPECT_EQ(one->driver, "scst_local");
	EXPECT_TRUE(one->json);
	auto dev = parse_args({"-list_device", "disk0"});
	ASSERT_TRUE(dev);
	EXPECT_EQ(dev->verb, Verb::ListDevice);
	EXPECT_EQ(dev->value, "disk0");
	EXPECT_FALSE(scstadmin::destructive(dev->verb));
}

TEST(ScstadminOptions, LunVerbs)
{
	auto inv = parse_args({"-add_lun", "3", "-driver", "iscsi", "-target", "iqn.x", "-group", "g",
			       "-device", "disk0", "-attributes", "read_only=1"});
	ASSERT_TRUE(inv) << inv.error().to_string();
	EXPECT_EQ(inv->verb, Verb::AddLun);
	EXPECT_EQ(inv->lun, "3");
	EXPECT_EQ(inv->group, "g");
	EXPECT_EQ(inv->device, "disk0");
	ASSERT_EQ(inv->attributes.size(), 1u);
	EXPECT_EQ(inv->attributes[0], (std::pair<std::string, std::string>{"read_only", "1"}));

	auto missing = parse_args({"-add_lun", "3", "-driver", "iscsi", "-target", "iqn.x"});
	ASSERT_FALSE(missing);
	EXPECT_EQ(missing.error().field, "-device");
}

TEST(ScstadminOptions, Attributes)
{
	auto inv = parse_args({"-open_dev", "d0", "-handler", "vdisk_fileio", "-attributes",
			       "filename=/srv/a b.img, blocksize=4096"});
	ASSERT_TRUE(inv) << inv.error().to_string();
	EXPECT_EQ(inv->verb, Verb::OpenDev);
	ASSERT_EQ(inv->attributes.size(), 2u);
	EXPECT_EQ(inv->attributes[0].second, "/srv/a b.img");
	EXPECT_EQ(inv->attributes[1].first, "blocksize");

	auto semi = parse_args({"-set_dev_attr", "d0", "-attributes", "a=1,2;b=3"});
	ASSERT_TRUE(semi) << semi.error().to_string();
	ASSERT_EQ(semi->attributes.size(), 2u);
	EXPECT_EQ(semi->attributes[0].second, "1,2");

	auto bad = parse_args({"-set_dev_attr", "d0", "-attributes", "novalue"});
	ASSERT_FALSE(bad);
	EXPECT_EQ(bad.error().field, "-attributes");
	auto none = parse_args({"-set_dev_attr", "d0"});
	ASSERT_FALSE(none);
}

TEST(ScstadminOptions, SetLunAttr)
{
	auto inv = parse_args({"-set_lun_attr", "4", "-driver", "d", "-target", "t", "-attributes", "read_only=1"});
	ASSERT_TRUE(inv) << inv.error().to_string();
	EXPECT_EQ(inv->verb, Verb::SetLunAttr);
	EXPECT_EQ(inv->lun, "4");
	EXPECT_FALSE(parse_args({"-set_lun_attr", "4", "-driver", "d", "-target", "t"}));
	EXPECT_FALSE(parse_args({"-set_lun_attr", "4", "-driver", "d", "-attributes", "read_only=1"}));
}

TEST(ScstadminOptions, MoveInitNeedsTo)
{
	auto inv = parse_args({"-move_init", "host*", "-driver", "d", "-target", "t", "-group", "a", "-to", "b"});
	ASSERT_TRUE(inv) << inv.error().to_string();
	EXPECT_EQ(inv->verb, Verb::MoveInit);
	EXPECT_EQ(inv->to, "b");
	EXPECT_FALSE(parse_args({"-move_init", "host*", "-driver", "d", "-target", "t", "-group", "a"}));
}

TEST(ScstadminOptions, UsageErrors)
{
	EXPECT_FALSE(parse_args({}));
	EXPECT_FALSE(parse_args({"-config"}));
	auto two = parse_args({"-list_device", "-list_target"});
	ASSERT_FALSE(two);
	EXPECT_NE(two.error().message.find("one command"), std::string::npos);
	auto unknown = parse_args({"-list_target", "-frob"});
	ASSERT_FALSE(unknown);
	auto extra = parse_args({"-clear_config", "stray"});
	ASSERT_FALSE(extra);
	EXPECT_EQ(extra.error().field, "stray");
	auto help = parse_args({"-help"});
	ASSERT_TRUE(help);
	EXPECT_EQ(help->verb, Verb::Help);
}

}  // namespace

namespace {

TEST(ScstadminOptions, MultiValuedAttributeVerbs)
{
	auto inv = parse_args({"-add_tgt_attr", "iqn.x:t", "-driver", "iscsi", "-attributes",
			       "IncomingUser=joe 12charsecret"});
	ASSERT_TRUE(inv) << inv.error().to_string();
	EXPECT_EQ(inv->verb, Verb::AddTgtAttr);
	EXPECT_EQ(inv->value, "iqn.x:t");
	ASSERT_EQ(inv->attributes.size(), 1u);
	EXPECT_EQ(inv->attributes[0],
		  (std::pair<std::string, std::string>{"IncomingUser", "joe 12charsecret"}));

	auto drv = parse_args({"-rem_drv_attr", "iscsi", "-attributes", "OutgoingUser=t 123456789012"});
	ASSERT_TRUE(drv) << drv.error().to_string();
	EXPECT_EQ(drv->verb, Verb::RemDrvAttr);

	auto no_driver = parse_args({"-rem_tgt_attr", "t", "-attributes", "allowed_portal=10.*"});
	ASSERT_FALSE(no_driver);
	EXPECT_NE(no_driver.error().to_string().find("-driver"), std::string::npos);
	auto no_attrs = parse_args({"-add_drv_attr", "iscsi"});
	ASSERT_FALSE(no_attrs);
	EXPECT_NE(no_attrs.error().to_string().find("-attributes"), std::string::npos);
}

}  // namespace
