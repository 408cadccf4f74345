// scstadmd's SendTargets (userspace/scstadmd/iscsi_discovery.cpp): which
// targets an initiator is shown, at which portals, and the text answer.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "iscsi_discovery.hpp"

extern "C" {
#include "iscsi_text.h"
}

using namespace scstadmd;

namespace {

scstconf::Target target(std::string name, bool enabled = true, bool default_luns = true)
{
	scstconf::Target t;
	t.name = std::move(name);
	if (enabled)
		t.attrs.add("enabled", "1");
	else
		t.attrs.add("enabled", "0");
	if (default_luns)
		t.luns.push_back({0, "disk0", {}, {}});
	return t;
}

scstconf::Group group(std::string name, std::vector<std::string> inis)
{
	scstconf::Group g;
	g.name = std::move(name);
	for (auto &i : inis)
		g.initiators.push_back({std::move(i), {}});
	return g;
}

// open: default LUNs; masked: only group "a" (iqn.a:*); off: disabled;
// lan: allowed_portal 10.0.0.*; v6: allowed_portal [fd00::*]; empty:
// nothing to see; q: group pattern with '?'.
scstconf::Config sample()
{
	scstconf::TargetDriver drv;
	drv.name = "iscsi";
	drv.attrs.add("enabled", "1");
	drv.targets.push_back(target("iqn.t:open"));
	auto masked = target("iqn.t:masked", true, false);
	masked.groups.push_back(group("a", {"iqn.a:*"}));
	drv.targets.push_back(masked);
	drv.targets.push_back(target("iqn.t:off", false));
	auto lan = target("iqn.t:lan");
	lan.attrs.add("allowed_portal", "10.0.0.*");
	drv.targets.push_back(lan);
	auto v6 = target("iqn.t:v6");
	v6.attrs.add("allowed_portal", "[fd00::*]");
	drv.targets.push_back(v6);
	drv.targets.push_back(target("iqn.t:empty", true, false));
	auto q = target("iqn.t:q", true, false);
	q.groups.push_back(group("none", {}));
	q.groups.push_back(group("q", {"iqn.b:host?"}));
	drv.targets.push_back(q);

	scstconf::Config c;
	scstconf::TargetDriver local;
	local.name = "scst_local";
	local.targets.push_back(target("iqn.t:local"));
	c.drivers.push_back(local);
	c.drivers.push_back(drv);
	return c;
}

const std::vector<IscsiPortal> kPortals = {
	{"10.0.0.1", 3260, 1},
	{"192.168.1.1", 3260, 2},
	{"fd00::1", 3260, 3},
};

std::vector<std::string> names(const std::vector<DiscoveredTarget> &v)
{
	std::vector<std::string> n;
	for (const auto &t : v)
		n.push_back(t.name);
	return n;
}

std::vector<DiscoveredTarget> query(const scstconf::Config &c, std::string_view ini,
				    IscsiPortal arrival, std::string_view value = "All",
				    const std::vector<IscsiPortal> &portals = kPortals)
{
	SendTargetsQuery q;
	q.initiator = ini;
	q.value = value;
	q.arrival = std::move(arrival);
	q.portals = portals;
	return send_targets(c, q);
}

const DiscoveredTarget *find(const std::vector<DiscoveredTarget> &v, std::string_view name)
{
	for (const auto &t : v)
		if (t.name == name)
			return &t;
	return nullptr;
}

std::vector<std::pair<std::string, std::string>> parse(const std::vector<std::uint8_t> &buf)
{
	std::vector<std::pair<std::string, std::string>> p;
	isc_kv kv;
	u32 pos = 0;
	int r;
	while ((r = isc_text_next(buf.data(), static_cast<u32>(buf.size()), &pos, &kv)) > 0)
		p.emplace_back(std::string(kv.key, kv.key_len), std::string(kv.val, kv.val_len));
	EXPECT_EQ(r, 0);
	return p;
}

} // namespace

TEST(IscsiDiscovery, WildcardLikeTheKernel)
{
	EXPECT_TRUE(wildcard_match("iqn.a:*", "iqn.a:host1"));
	EXPECT_TRUE(wildcard_match("iqn.a:*", "iqn.a:"));
	EXPECT_FALSE(wildcard_match("iqn.a:*", "iqn.b:host1"));
	EXPECT_TRUE(wildcard_match("iqn.b:host?", "iqn.b:host7"));
	EXPECT_FALSE(wildcard_match("iqn.b:host?", "iqn.b:host"));
	EXPECT_FALSE(wildcard_match("iqn.b:host?", "iqn.b:host12"));
	EXPECT_TRUE(wildcard_match("*", ""));
	EXPECT_TRUE(wildcard_match("*", "anything"));
	EXPECT_TRUE(wildcard_match("", ""));
	EXPECT_FALSE(wildcard_match("", "x"));
	EXPECT_TRUE(wildcard_match("a*b*c", "aXbYbZc"));
	EXPECT_TRUE(wildcard_match("*:*:01", "iqn:x:01"));
	EXPECT_FALSE(wildcard_match("*:*:01", "iqn:x:02"));
	EXPECT_TRUE(wildcard_match("a**", "abc"));
	EXPECT_FALSE(wildcard_match("IQN.a", "iqn.a"));  // case-sensitive
	EXPECT_TRUE(wildcard_match("exact", "exact"));
	EXPECT_FALSE(wildcard_match("exact", "exactly"));
	// Found by fuzz_iscsi_chap: a '*' in the name does not disarm the
	// pattern's '*'.
	EXPECT_TRUE(wildcard_match("*", "*x"));
	EXPECT_TRUE(wildcard_match("a*", "a*b"));
}

TEST(IscsiDiscovery, CanonicalIp)
{
	EXPECT_EQ(canonical_ip("10.0.0.1"), "10.0.0.1");
	EXPECT_EQ(canonical_ip("FD00:0:0::1"), "fd00::1");
	EXPECT_EQ(canonical_ip("[::1]"), "::1");
	EXPECT_EQ(canonical_ip("fe80::1%eth0"), "fe80::1");
	EXPECT_FALSE(canonical_ip("10.0.0"));
	EXPECT_FALSE(canonical_ip("host.example"));
	EXPECT_FALSE(canonical_ip(""));
}

TEST(IscsiDiscovery, WhatAnInitiatorSees)
{
	const auto c = sample();
	auto v = query(c, "iqn.a:host1", {"10.0.0.1", 3260, 0});
	EXPECT_EQ(names(v), (std::vector<std::string>{"iqn.t:open", "iqn.t:masked", "iqn.t:lan"}));

	// Another initiator: not in group a, matches q's "iqn.b:host?".
	v = query(c, "iqn.b:host2", {"10.0.0.1", 3260, 0});
	EXPECT_EQ(names(v), (std::vector<std::string>{"iqn.t:open", "iqn.t:lan", "iqn.t:q"}));
	v = query(c, "iqn.b:host22", {"10.0.0.1", 3260, 0});
	EXPECT_EQ(names(v), (std::vector<std::string>{"iqn.t:open", "iqn.t:lan"}));
}

TEST(IscsiDiscovery, PortalsOfATarget)
{
	const auto c = sample();
	// The arrival portal first, with its listener's TPGT.
	auto v = query(c, "iqn.a:host1", {"192.168.1.1", 3260, 0});
	const auto *open = find(v, "iqn.t:open");
	ASSERT_TRUE(open);
	EXPECT_EQ(open->portals, (std::vector<IscsiPortal>{
					 {"192.168.1.1", 3260, 2}, {"10.0.0.1", 3260, 1}, {"fd00::1", 3260, 3}}));
	// allowed_portal: not offered through another portal...
	EXPECT_FALSE(find(v, "iqn.t:lan"));
	// ...and only its own portals listed.
	v = query(c, "iqn.a:host1", {"10.0.0.1", 3260, 0});
	ASSERT_TRUE(find(v, "iqn.t:lan"));
	EXPECT_EQ(find(v, "iqn.t:lan")->portals, (std::vector<IscsiPortal>{{"10.0.0.1", 3260, 1}}));
}

TEST(IscsiDiscovery, Ipv6)
{
	const auto c = sample();
	auto v = query(c, "iqn.a:host1", {"FD00::1", 3260, 0});
	EXPECT_EQ(names(v), (std::vector<std::string>{"iqn.t:open", "iqn.t:masked", "iqn.t:v6"}));
	EXPECT_EQ(find(v, "iqn.t:v6")->portals, (std::vector<IscsiPortal>{{"fd00::1", 3260, 3}}));
	const auto text = parse(send_targets_text(std::vector<DiscoveredTarget>{*find(v, "iqn.t:v6")}));
	EXPECT_EQ(text, (std::vector<std::pair<std::string, std::string>>{
				{"TargetName", "iqn.t:v6"}, {"TargetAddress", "[fd00::1]:3260,3"}}));
}

TEST(IscsiDiscovery, WildcardListeners)
{
	const auto c = sample();
	const std::vector<IscsiPortal> any = {{"0.0.0.0", 3260, 1}, {"::", 3261, 2}};
	auto v = query(c, "iqn.x:1", {"10.0.0.5", 3260, 0}, "iqn.t:open", any);
	ASSERT_EQ(v.size(), 1u);
	// IPv4 arrival: the v4 wildcard becomes the arrival address, the v6
	// wildcard has no address to give.
	EXPECT_EQ(v[0].portals, (std::vector<IscsiPortal>{{"10.0.0.5", 3260, 1}}));
	v = query(c, "iqn.x:1", {"fd00::9", 3261, 0}, "iqn.t:open", any);
	ASSERT_EQ(v.size(), 1u);
	EXPECT_EQ(v[0].portals, (std::vector<IscsiPortal>{{"fd00::9", 3261, 2}}));
}

TEST(IscsiDiscovery, DisabledDriverOrTarget)
{
	auto c = sample();
	auto v = query(c, "iqn.a:host1", {"10.0.0.1", 3260, 0});
	EXPECT_FALSE(find(v, "iqn.t:off"));
	EXPECT_FALSE(find(v, "iqn.t:empty"));
	EXPECT_FALSE(find(v, "iqn.t:local"));  // another driver
	c.drivers[1].attrs.set("enabled", "0");
	EXPECT_TRUE(query(c, "iqn.a:host1", {"10.0.0.1", 3260, 0}).empty());
	// A target without "enabled" is not enabled.
	c = sample();
	c.drivers[1].targets[0].attrs.erase("enabled");
	EXPECT_FALSE(find(query(c, "iqn.a:host1", {"10.0.0.1", 3260, 0}), "iqn.t:open"));
	EXPECT_TRUE(query(scstconf::Config{}, "iqn.a:host1", {"10.0.0.1", 3260, 0}).empty());
}

TEST(IscsiDiscovery, OneTargetByName)
{
	const auto c = sample();
	auto v = query(c, "iqn.a:host1", {"10.0.0.1", 3260, 0}, "iqn.t:masked");
	EXPECT_EQ(names(v), (std::vector<std::string>{"iqn.t:masked"}));
	v = query(c, "iqn.a:host1", {"10.0.0.1", 3260, 0}, "IQN.T:Masked");
	EXPECT_EQ(names(v), (std::vector<std::string>{"iqn.t:masked"}));
	// Not visible to this initiator: nothing, as if it did not exist.
	EXPECT_TRUE(query(c, "iqn.b:host2", {"10.0.0.1", 3260, 0}, "iqn.t:masked").empty());
	EXPECT_TRUE(query(c, "iqn.a:host1", {"10.0.0.1", 3260, 0}, "iqn.t:off").empty());
	EXPECT_TRUE(query(c, "iqn.a:host1", {"10.0.0.1", 3260, 0}, "iqn.t:nosuch").empty());
	// An empty value in a discovery session names no target.
	EXPECT_TRUE(query(c, "iqn.a:host1", {"10.0.0.1", 3260, 0}, "").empty());
}

TEST(IscsiDiscovery, NormalSessionAnswersItsOwnTarget)
{
	const auto c = sample();
	SendTargetsQuery q;
	q.initiator = "iqn.a:host1";
	q.arrival = {"10.0.0.1", 3260, 0};
	q.portals = kPortals;
	q.session_target = "iqn.t:masked";
	for (std::string_view value : {"All", "", "iqn.t:masked", "IQN.t:MASKED"}) {
		q.value = value;
		EXPECT_EQ(names(send_targets(c, q)), (std::vector<std::string>{"iqn.t:masked"})) << value;
	}
	// Another target, visible in discovery: not through a normal session.
	q.value = "iqn.t:open";
	EXPECT_TRUE(send_targets(c, q).empty());
}

TEST(IscsiDiscovery, BadArrivalOrListener)
{
	const auto c = sample();
	EXPECT_TRUE(query(c, "iqn.a:host1", {"not-an-ip", 3260, 0}).empty());
	const std::vector<IscsiPortal> bad = {{"garbage", 3260, 1}, {"10.0.0.1", 3260, 1}};
	auto v = query(c, "iqn.a:host1", {"10.0.0.1", 3260, 0}, "iqn.t:open", bad);
	ASSERT_EQ(v.size(), 1u);
	EXPECT_EQ(v[0].portals, (std::vector<IscsiPortal>{{"10.0.0.1", 3260, 1}}));
}

TEST(IscsiDiscovery, AllowedPortalForms)
{
	auto t = target("iqn.t:x");
	EXPECT_TRUE(portal_allowed(t, "1.2.3.4"));
	t.attrs.add("allowed_portal", "10.0.?.1");
	t.attrs.add("allowed_portal", "FD00::0:1");  // literal, any spelling
	EXPECT_TRUE(portal_allowed(t, "10.0.7.1"));
	EXPECT_FALSE(portal_allowed(t, "10.0.17.1"));
	EXPECT_TRUE(portal_allowed(t, "fd00::1"));
	EXPECT_TRUE(portal_allowed(t, "[fd00:0::1]"));
	EXPECT_FALSE(portal_allowed(t, "fd00::2"));
}

TEST(IscsiDiscovery, TextAnswer)
{
	const auto c = sample();
	auto v = query(c, "iqn.a:host1", {"10.0.0.1", 3260, 0});
	const auto buf = send_targets_text(v);
	ASSERT_FALSE(buf.empty());
	EXPECT_EQ(buf.back(), 0);
	const auto kv = parse(buf);
	const std::vector<std::pair<std::string, std::string>> want = {
		{"TargetName", "iqn.t:open"},
		{"TargetAddress", "10.0.0.1:3260,1"},
		{"TargetAddress", "192.168.1.1:3260,2"},
		{"TargetAddress", "[fd00::1]:3260,3"},
		{"TargetName", "iqn.t:masked"},
		{"TargetAddress", "10.0.0.1:3260,1"},
		{"TargetAddress", "192.168.1.1:3260,2"},
		{"TargetAddress", "[fd00::1]:3260,3"},
		{"TargetName", "iqn.t:lan"},
		{"TargetAddress", "10.0.0.1:3260,1"},
	};
	EXPECT_EQ(kv, want);
	EXPECT_TRUE(send_targets_text({}).empty());
}

TEST(IscsiDiscovery, ManyTargetsGrowTheBuffer)
{
	scstconf::Config c;
	scstconf::TargetDriver drv;
	drv.name = "iscsi";
	for (int i = 0; i < 300; i++)
		drv.targets.push_back(target("iqn.2026-01.net.example.storage:a-rather-long-target-name-" +
					     std::to_string(i)));
	c.drivers.push_back(drv);
	auto v = query(c, "iqn.x:1", {"10.0.0.1", 3260, 0});
	ASSERT_EQ(v.size(), 300u);
	const auto kv = parse(send_targets_text(v));
	EXPECT_EQ(kv.size(), 300u * 4);
	EXPECT_EQ(kv[4 * 299].second, "iqn.2026-01.net.example.storage:a-rather-long-target-name-299");
}
