// Config <-> JSON.
#include <gtest/gtest.h>

#include "scstconf/json.hpp"
#include "scstconf/writer.hpp"
#include "scstconf_test_util.hpp"

using namespace scstconf;

namespace {

Error json_err(std::string_view text)
{
	auto r = from_json(text, "c.json");
	EXPECT_FALSE(r.ok()) << text;
	return r.ok() ? Error{} : r.error();
}

}  // namespace

TEST(ScstconfJson, RoundTripSample)
{
	const Config c = scstconf_test::sample();
	auto r = from_json(to_json(c));
	ASSERT_TRUE(r.ok()) << r.error().to_string();
	EXPECT_EQ(*r, c);
}

TEST(ScstconfJson, RoundTripRandomConfigs)
{
	for (unsigned seed = 0; seed < 200; ++seed) {
		const Config c = scstconf_test::RandomConfig(seed).make();
		auto r = from_json(to_json(c, 0));
		ASSERT_TRUE(r.ok()) << r.error().to_string();
		ASSERT_EQ(*r, c) << "seed " << seed << "\n" << to_json(c);
	}
}

TEST(ScstconfJson, Shape)
{
	const std::string j = to_json(scstconf_test::sample(), -1);
	EXPECT_NE(j.find(R"("handlers":[{"name":"vdisk_fileio","devices":[{"name":"disk01","attributes":{"filename":"/srv/disk01.img","blocksize":"4096","nv_cache":"1"}})"),
		  std::string::npos)
		<< j;
	EXPECT_NE(j.find(R"("IncomingUser":["joe 12charsecret","fred 12charsecret2"])"), std::string::npos);
	EXPECT_NE(j.find(R"("luns":[{"lun":0,"device":"disk01"},{"lun":1,"device":"null0","attributes":{"read_only":"1"}}])"),
		  std::string::npos);
	EXPECT_NE(j.find(R"("initiators":["iqn.1993-08.org.debian:01:*","iqn.1994-05.com.redhat:client1"])"),
		  std::string::npos);
	EXPECT_NE(j.find(R"("device_groups":[{"name":"dg1","devices":["disk01"],"target_groups":[{"name":"tg1")"),
		  std::string::npos);
	EXPECT_EQ(to_json(Config{}, -1), "{}\n");
}

TEST(ScstconfJson, ScalarsBecomeStrings)
{
	auto r = from_json(R"({"handlers":[{"name":"vdisk_nullio","devices":[
		{"name":"n","attributes":{"size_mb":1024,"read_only":true,"removable":false}}]}]})");
	ASSERT_TRUE(r.ok()) << r.error().to_string();
	const Attributes &a = r->handlers[0].devices[0].attrs;
	EXPECT_EQ(a.get("size_mb"), "1024");
	EXPECT_EQ(a.get("read_only"), "1");
	EXPECT_EQ(a.get("removable"), "0");
}

TEST(ScstconfJson, ErrorMalformed)
{
	const Error e = json_err("{\n  \"handlers\": [\n    {\"name\": \"x\",,}\n  ]\n}\n");
	EXPECT_EQ(e.file, "c.json");
	EXPECT_EQ(e.line, 3);
	EXPECT_EQ(e.column, 18);
	EXPECT_NE(e.message.find("invalid JSON"), std::string::npos);
	EXPECT_EQ(json_err("").line, 1);
	EXPECT_EQ(json_err("{\"a\": [1, 2").line, 1);
}

TEST(ScstconfJson, ErrorsNameThePath)
{
	EXPECT_EQ(json_err("[]").field, "/");
	EXPECT_EQ(json_err(R"({"handler": []})").field, "/handler");
	EXPECT_EQ(json_err(R"({"handlers": {}})").field, "/handlers");
	EXPECT_EQ(json_err(R"({"handlers": [{"devices": []}]})").field, "/handlers/0/name");
	Error e = json_err(R"({"handlers": [{"name": "h", "devices": [{"name": "a"}, {"name": 5}]}]})");
	EXPECT_EQ(e.field, "/handlers/0/devices/1/name");
	EXPECT_EQ(e.message, "expected a string, found number");
	EXPECT_EQ(e.to_string(), "c.json: /handlers/0/devices/1/name: expected a string, found number");
	e = json_err(R"({"handlers": [{"name": "h", "devices": [{"name": "a", "attributes": {"filename": {}}}]}]})");
	EXPECT_EQ(e.field, "/handlers/0/devices/0/attributes/filename");
	e = json_err(R"({"attributes": {"a/b": [1, 2.5]}})");
	EXPECT_EQ(e.field, "/attributes/a~1b/1");
	e = json_err(R"({"target_drivers": [{"name": "d", "targets": [{"name": "t", "luns": [{"lun": -1, "device": "x"}]}]}]})");
	EXPECT_EQ(e.field, "/target_drivers/0/targets/0/luns/0/lun");
	e = json_err(R"({"target_drivers": [{"name": "d", "targets": [{"name": "t", "luns": [{"lun": 1}]}]}]})");
	EXPECT_EQ(e.field, "/target_drivers/0/targets/0/luns/0/device");
	EXPECT_EQ(e.message, "missing");
	e = json_err(R"({"target_drivers": [{"name": "d", "targets": [{"name": "t", "groups": [{"name": "g", "initiators": [7]}]}]}]})");
	EXPECT_EQ(e.field, "/target_drivers/0/targets/0/groups/0/initiators/0");
	e = json_err(R"({"device_groups": [{"name": "dg", "target_groups": [{"name": "tg", "targets": [{"name": "t", "bogus": 1}]}]}]})");
	EXPECT_EQ(e.field, "/device_groups/0/target_groups/0/targets/0/bogus");
	EXPECT_EQ(e.message, "unknown member");
}

TEST(ScstconfJson, SameModelAsConf)
{
	// The conf text and the JSON describe the same config.
	const Config c = scstconf_test::sample();
	auto from_j = from_json(to_json(c));
	ASSERT_TRUE(from_j.ok());
	EXPECT_EQ(write_conf(*from_j), write_conf(c));
}

TEST(ScstconfJson, FileErrors)
{
	auto r = from_json_file("/nonexistent/scst.json");
	ASSERT_FALSE(r.ok());
	EXPECT_EQ(r.error().file, "/nonexistent/scst.json");
}
