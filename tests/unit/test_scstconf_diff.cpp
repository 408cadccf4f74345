// The differ, the operations, their inverses and their sysfs form.
#include <gtest/gtest.h>

#include "scstconf/diff.hpp"
#include "scstconf/parser.hpp"
#include "scstconf/validate.hpp"
#include "scstconf/writer.hpp"
#include "scstconf_test_util.hpp"

using namespace scstconf;

namespace {

Config conf(std::string_view text)
{
	auto r = parse_conf(text, "d.conf");
	EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().to_string());
	return r.ok() ? std::move(r).value() : Config{};
}

Plan plan_of(const Config &running, const Config &desired, const AttrPolicy &policy = AttrPolicy::defaults())
{
	auto r = diff(running, desired, policy);
	EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().to_string());
	return r.ok() ? std::move(r).value() : Plan{};
}

std::vector<std::string> described(const Plan &p)
{
	std::vector<std::string> v;
	for (const auto &op : p.ops)
		v.push_back(describe(op));
	return v;
}

std::vector<std::string> writes(const Plan &p, std::string_view root = "")
{
	std::vector<std::string> v;
	for (const auto &op : p.ops)
		for (const auto &w : to_sysfs(op, root))
			v.push_back(w.path + " <- " + w.text);
	return v;
}

std::vector<OpKind> kinds(const Plan &p)
{
	std::vector<OpKind> v;
	for (const auto &op : p.ops)
		v.push_back(op.kind);
	return v;
}

std::string dump(const Plan &p)
{
	std::string s;
	for (const auto &line : described(p))
		s += "  " + line + "\n";
	for (const auto &w : p.warnings)
		s += "  warning: " + w + "\n";
	return s;
}

// Applying the plan to `running` gives `desired`; its inverse gives
// `running` back; so does rolling back any prefix of it.
void expect_plan_works(const Config &running, const Config &desired, const Plan &plan)
{
	Config state = running;
	auto r = apply_to_model(state, plan.ops);
	ASSERT_TRUE(r.ok()) << r.error().to_string() << "\n" << dump(plan);
	ASSERT_EQ(write_conf(normalize(state)), write_conf(normalize(desired))) << dump(plan);
	EXPECT_EQ(normalize(state), normalize(desired));
	r = apply_to_model(state, inverse(plan.ops));
	ASSERT_TRUE(r.ok()) << r.error().to_string() << "\n" << dump(plan);
	ASSERT_EQ(write_conf(normalize(state)), write_conf(normalize(running))) << dump(plan);
	EXPECT_EQ(normalize(state), normalize(running));

	// A failure after k operations is rolled back with the inverse of
	// those k.
	for (std::size_t k : {plan.ops.size() / 3, plan.ops.size() / 2}) {
		std::vector<Op> done(plan.ops.begin(), plan.ops.begin() + static_cast<long>(k));
		Config partial = running;
		ASSERT_TRUE(apply_to_model(partial, done).ok());
		ASSERT_TRUE(apply_to_model(partial, inverse(done)).ok());
		EXPECT_EQ(normalize(partial), normalize(running));
	}
}

std::size_t index_of(const Plan &p, OpKind kind, std::string_view detail = "")
{
	for (std::size_t i = 0; i < p.ops.size(); ++i)
		if (p.ops[i].kind == kind && describe(p.ops[i]).find(detail) != std::string::npos)
			return i;
	ADD_FAILURE() << "no " << op_kind_name(kind) << " " << detail << " in\n" << dump(p);
	return p.ops.size();
}

const char kSmall[] = R"(
HANDLER vdisk_fileio {
	DEVICE disk01 {
		filename /srv/disk01.img
		blocksize 4096
	}
}
TARGET_DRIVER iscsi {
	enabled 1
	TARGET tgt {
		enabled 1
		rel_tgt_id 1
		LUN 0 disk01
		GROUP g {
			LUN 1 disk01 {
				read_only 1
			}
			INITIATOR i1
		}
	}
}
)";

}  // namespace

TEST(ScstconfDiff, EmptyToSmallGolden)
{
	const Plan p = plan_of(Config{}, conf(kSmall));
	EXPECT_TRUE(p.warnings.empty());
	EXPECT_EQ(writes(p),
		  (std::vector<std::string>{
			  "/handlers/vdisk_fileio/mgmt <- add_device disk01 blocksize=4096; filename=/srv/disk01.img",
			  "/targets/iscsi/mgmt <- add_target tgt",
			  "/targets/iscsi/tgt/rel_tgt_id <- 1",
			  "/targets/iscsi/tgt/luns/mgmt <- add disk01 0",
			  "/targets/iscsi/tgt/ini_groups/mgmt <- create g",
			  "/targets/iscsi/tgt/ini_groups/g/luns/mgmt <- add disk01 1 read_only=1",
			  "/targets/iscsi/tgt/ini_groups/g/initiators/mgmt <- add i1",
			  "/targets/iscsi/tgt/enabled <- 1",
			  "/targets/iscsi/enabled <- 1",
		  }));
	EXPECT_EQ(described(p),
		  (std::vector<std::string>{
			  "add device disk01 to handler vdisk_fileio (blocksize=4096, filename=/srv/disk01.img)",
			  "add target iscsi/tgt (rel_tgt_id=1)",
			  "add LUN 0 (disk01) to target iscsi/tgt",
			  "create group g in target iscsi/tgt",
			  "add LUN 1 (disk01) (read_only=1) to group g of target iscsi/tgt",
			  "add initiator i1 to group g of target iscsi/tgt",
			  "set enabled of target iscsi/tgt to 1",
			  "set enabled of target driver iscsi to 1",
		  }));
	expect_plan_works(Config{}, conf(kSmall), p);
}

TEST(ScstconfDiff, SmallToEmptyGolden)
{
	const Plan p = plan_of(conf(kSmall), Config{});
	EXPECT_TRUE(p.warnings.empty()) << dump(p);
	EXPECT_EQ(writes(p, "/S"),
		  (std::vector<std::string>{
			  "/S/targets/iscsi/enabled <- 0",
			  "/S/targets/iscsi/tgt/enabled <- 0",
			  "/S/targets/iscsi/tgt/ini_groups/g/luns/mgmt <- del 1",
			  "/S/targets/iscsi/tgt/ini_groups/g/initiators/mgmt <- del i1",
			  "/S/targets/iscsi/tgt/ini_groups/mgmt <- del g",
			  "/S/targets/iscsi/tgt/luns/mgmt <- del 0",
			  "/S/targets/iscsi/mgmt <- del_target tgt",
			  "/S/handlers/vdisk_fileio/mgmt <- del_device disk01",
		  }));
	expect_plan_works(conf(kSmall), Config{}, p);
}

TEST(ScstconfDiff, EmptyToFullAndBack)
{
	const Config full = scstconf_test::sample();
	const Plan up = plan_of(Config{}, full);
	EXPECT_TRUE(up.warnings.empty()) << dump(up);
	// Devices before the LUNs using them, enabling last.
	EXPECT_LT(index_of(up, OpKind::AddDevice, "disk02"), index_of(up, OpKind::AddLun, "disk02"));
	EXPECT_LT(index_of(up, OpKind::AddLun, "null0"), index_of(up, OpKind::SetAttr, "enabled of target "));
	EXPECT_EQ(up.ops.back().scope, Scope::Driver);
	EXPECT_EQ(up.ops.back().key, "enabled");
	EXPECT_LT(index_of(up, OpKind::AddDevice, "disk01"),
		  index_of(up, OpKind::AddDeviceGroupDevice, "disk01"));
	expect_plan_works(Config{}, full, up);

	// Back to empty, keeping setup_id whose default is unknown.
	Config empty;
	empty.attrs.add("setup_id", "0x1234");
	const Plan down = plan_of(full, empty);
	EXPECT_TRUE(down.warnings.empty()) << dump(down);
	EXPECT_EQ(down.ops.front().kind, OpKind::SetAttr);  // disable first
	EXPECT_LT(index_of(down, OpKind::SetAttr, "enabled of target "),
		  index_of(down, OpKind::DelTarget));
	EXPECT_LT(index_of(down, OpKind::DelLun, "disk01"), index_of(down, OpKind::DelDevice, "disk01"));
	EXPECT_LT(index_of(down, OpKind::DelDeviceGroupDevice), index_of(down, OpKind::DelDevice, "disk01"));
	expect_plan_works(full, empty, down);
}

TEST(ScstconfDiff, DroppingAnAttributeWithUnknownDefaultWarns)
{
	const Plan p = plan_of(scstconf_test::sample(), Config{});
	ASSERT_EQ(p.warnings.size(), 1u) << dump(p);
	EXPECT_NE(p.warnings[0].find("setup_id of SCST: dropped from the config but its default is unknown"),
		  std::string::npos)
		<< p.warnings[0];
}

TEST(ScstconfDiff, NoChangeNoOps)
{
	const Config c = scstconf_test::sample();
	EXPECT_TRUE(plan_of(c, c).empty());
	EXPECT_TRUE(plan_of(c, normalize(c)).empty());
	EXPECT_TRUE(plan_of(c, conf(write_conf(normalize(c)))).empty());
	EXPECT_TRUE(plan_of(Config{}, Config{}).empty());
	for (unsigned seed = 0; seed < 50; ++seed) {
		const Config r = scstconf_test::RandomConfig(seed).make();
		EXPECT_TRUE(plan_of(r, r).empty()) << seed;
	}
}

TEST(ScstconfDiff, CreateOnlyAttributeRecreatesTheDevice)
{
	const Config run = scstconf_test::sample();
	Config want = run;
	want.handlers[0].devices[0].attrs.set("filename", "/srv/new.img");  // disk01
	const Plan p = plan_of(run, want);
	EXPECT_TRUE(p.warnings.empty());
	// disk01 is LUN 0 of both targets and in dg1.
	EXPECT_EQ(kinds(p), (std::vector<OpKind>{
				    OpKind::DelDeviceGroupDevice,
				    OpKind::DelLun,
				    OpKind::DelLun,
				    OpKind::DelDevice,
				    OpKind::AddDevice,
				    OpKind::AddLun,
				    OpKind::AddLun,
				    OpKind::AddDeviceGroupDevice,
			    }))
		<< dump(p);
	EXPECT_EQ(to_sysfs(p.ops[4]).front().text,
		  "add_device disk01 blocksize=4096; filename=/srv/new.img; nv_cache=1");
	expect_plan_works(run, want, p);
}

TEST(ScstconfDiff, DeviceChangingHandlerIsRecreated)
{
	const Config run = conf(kSmall);
	const Config want = conf(R"(
HANDLER vdisk_blockio {
	DEVICE disk01 {
		filename /srv/disk01.img
		blocksize 4096
	}
}
TARGET_DRIVER iscsi {
	enabled 1
	TARGET tgt {
		enabled 1
		rel_tgt_id 1
		LUN 0 disk01
	}
}
)");
	const Plan p = plan_of(run, want);
	EXPECT_EQ(p.ops[index_of(p, OpKind::DelDevice)].at.handler, "vdisk_fileio");
	EXPECT_EQ(p.ops[index_of(p, OpKind::AddDevice)].at.handler, "vdisk_blockio");
	expect_plan_works(run, want, p);
}

TEST(ScstconfDiff, SettableAttributes)
{
	const Config run = scstconf_test::sample();
	Config want = run;
	Target &t = want.drivers[0].targets[0];
	t.attrs.set("HeaderDigest", "None");
	Plan p = plan_of(run, want);
	ASSERT_EQ(p.ops.size(), 1u) << dump(p);
	EXPECT_EQ(describe(p.ops[0]),
		  "set HeaderDigest of target iscsi/iqn.2006-10.net.vlnb:tgt to None (was CRC32C,None)");
	EXPECT_EQ(to_sysfs(p.ops[0]),
		  (std::vector<SysfsWrite>{{"/sys/kernel/scst_tgt/targets/iscsi/iqn.2006-10.net.vlnb:tgt/HeaderDigest",
					    "None"}}));
	expect_plan_works(run, want, p);

	// Dropped: back to the known default.
	t.attrs.erase("HeaderDigest");
	p = plan_of(run, want);
	ASSERT_EQ(p.ops.size(), 1u);
	EXPECT_FALSE(p.ops[0].value);
	EXPECT_EQ(to_sysfs(p.ops[0]).front().text, "None");
	EXPECT_EQ(describe(p.ops[0]).substr(0, 30), "reset HeaderDigest of target i");
	expect_plan_works(run, want, p);
}

TEST(ScstconfDiff, SettableDeviceAttributeWithCustomPolicy)
{
	AttrPolicy policy = AttrPolicy::defaults();
	policy.set(Scope::Device, "vdisk_fileio", "nv_cache", {AttrKind::Settable, "0", false});
	const Config run = scstconf_test::sample();
	Config want = run;
	want.handlers[0].devices[0].attrs.set("nv_cache", "0");
	want.handlers[0].devices[1].attrs.add("nv_cache", "1");
	const Plan p = plan_of(run, want, policy);
	EXPECT_EQ(writes(p), (std::vector<std::string>{"/devices/disk01/nv_cache <- 0",
							"/devices/disk02/nv_cache <- 1"}));
	expect_plan_works(run, want, p);
}

TEST(ScstconfDiff, MaxTgtDevCommandsIsSetAndReset)
{
	const Config run = scstconf_test::sample();
	Config want = run;
	want.handlers[0].devices[0].attrs.add("max_tgt_dev_commands", "4");
	Plan p = plan_of(run, want);
	EXPECT_EQ(writes(p), (std::vector<std::string>{"/devices/disk01/max_tgt_dev_commands <- 4"}));
	expect_plan_works(run, want, p);

	// Dropped from the config: back to 0, no limit.
	p = plan_of(want, run);
	ASSERT_EQ(p.ops.size(), 1u) << dump(p);
	EXPECT_FALSE(p.ops[0].value);
	EXPECT_EQ(writes(p), (std::vector<std::string>{"/devices/disk01/max_tgt_dev_commands <- 0"}));
	expect_plan_works(want, run, p);
}

TEST(ScstconfDiff, MultiValuedAttributes)
{
	const Config run = scstconf_test::sample();
	Config want = run;
	Target &t = want.drivers[0].targets[0];
	t.attrs.erase_value("IncomingUser", "fred 12charsecret2");
	t.attrs.add("IncomingUser", "ann secret3");
	want.drivers[0].attrs.erase("IncomingUser");
	const Plan p = plan_of(run, want);
	EXPECT_EQ(writes(p, "/S"),
		  (std::vector<std::string>{
			  "/S/targets/iscsi/mgmt <- del_attribute IncomingUser joe 12charsecret",
			  "/S/targets/iscsi/mgmt <- del_target_attribute iqn.2006-10.net.vlnb:tgt IncomingUser fred 12charsecret2",
			  "/S/targets/iscsi/mgmt <- add_target_attribute iqn.2006-10.net.vlnb:tgt IncomingUser ann secret3",
		  }))
		<< dump(p);
	expect_plan_works(run, want, p);
}

TEST(ScstconfDiff, DisableFirst)
{
	const Config run = scstconf_test::sample();
	Config want = run;
	want.drivers[0].targets[0].attrs.set("enabled", "0");
	want.drivers[0].targets[0].luns.pop_back();
	const Plan p = plan_of(run, want);
	ASSERT_EQ(p.ops.size(), 2u);
	EXPECT_EQ(describe(p.ops[0]), "set enabled of target iscsi/iqn.2006-10.net.vlnb:tgt to 0 (was 1)");
	EXPECT_EQ(p.ops[1].kind, OpKind::DelLun);
	expect_plan_works(run, want, p);
}

TEST(ScstconfDiff, CreateOnlyTargetAttributeRecreatesTheTarget)
{
	const Config run = scstconf_test::sample();
	Config want = run;
	want.drivers[1].targets[0].attrs.set("session_name", "host2");
	const Plan p = plan_of(run, want);
	EXPECT_EQ(writes(p, ""),
		  (std::vector<std::string>{
			  "/targets/scst_local/scst_local_tgt/luns/mgmt <- del 0",
			  "/targets/scst_local/mgmt <- del_target scst_local_tgt",
			  "/targets/scst_local/mgmt <- add_target scst_local_tgt session_name=host2",
			  "/targets/scst_local/scst_local_tgt/luns/mgmt <- add disk01 0",
		  }));
	expect_plan_works(run, want, p);
}

TEST(ScstconfDiff, LunMoves)
{
	const Config run = scstconf_test::sample();
	Config want = run;
	Target &t = want.drivers[0].targets[0];
	t.luns[1].device = "disk02";            // LUN 1: null0 -> disk02, read_only kept
	t.groups[0].luns[0].number = 5;         // group LUN 0 -> 5
	t.luns[0].attrs.add("read_only", "1");  // LUN 0: parameters change
	const Plan p = plan_of(run, want);
	const std::string tgt = "/targets/iscsi/iqn.2006-10.net.vlnb:tgt";
	EXPECT_EQ(writes(p, ""), (std::vector<std::string>{
					 tgt + "/ini_groups/hosts_a/luns/mgmt <- del 0",
					 tgt + "/luns/mgmt <- replace disk01 0 read_only=1",
					 tgt + "/luns/mgmt <- replace disk02 1 read_only=1",
					 tgt + "/ini_groups/hosts_a/luns/mgmt <- add disk02 5",
				 }))
		<< dump(p);
	EXPECT_EQ(describe(p.ops[2]),
		  "replace LUN 1 of target iscsi/iqn.2006-10.net.vlnb:tgt: null0 (read_only=1) -> disk02 (read_only=1)");
	expect_plan_works(run, want, p);
}

TEST(ScstconfDiff, LunToARenamedDevice)
{
	// null0 is renamed null1: the new device comes first, the LUN is
	// replaced, the old device goes last.
	const Config run = scstconf_test::sample();
	Config want = run;
	want.handlers[1].devices[0].name = "null1";
	want.drivers[0].targets[0].luns[1].device = "null1";
	const Plan p = plan_of(run, want);
	EXPECT_EQ(kinds(p), (std::vector<OpKind>{OpKind::AddDevice, OpKind::ReplaceLun, OpKind::DelDevice}));
	expect_plan_works(run, want, p);
}

TEST(ScstconfDiff, GroupRenameIsCreateMoveDelete)
{
	const Config run = scstconf_test::sample();
	Config want = run;
	want.drivers[0].targets[0].groups[0].name = "hosts_b";
	const Plan p = plan_of(run, want);
	const std::string tgt = "/targets/iscsi/iqn.2006-10.net.vlnb:tgt";
	EXPECT_EQ(writes(p, ""),
		  (std::vector<std::string>{
			  tgt + "/ini_groups/mgmt <- create hosts_b",
			  tgt + "/ini_groups/hosts_a/initiators/mgmt <- move iqn.1993-08.org.debian:01:* hosts_b",
			  tgt + "/ini_groups/hosts_a/initiators/mgmt <- move iqn.1994-05.com.redhat:client1 hosts_b",
			  tgt + "/ini_groups/hosts_a/luns/mgmt <- del 0",
			  tgt + "/ini_groups/mgmt <- del hosts_a",
			  tgt + "/ini_groups/hosts_b/luns/mgmt <- add disk02 0",
		  }))
		<< dump(p);
	expect_plan_works(run, want, p);
}

TEST(ScstconfDiff, InitiatorMovesBetweenGroups)
{
	const Config run = scstconf_test::sample();
	Config want = run;
	Target &t = want.drivers[0].targets[0];
	t.groups.push_back({"hosts_b", {}, {{0, "null0", {}, {}}}, {}, {}});
	t.groups[1].initiators.push_back(t.groups[0].initiators.back());
	t.groups[0].initiators.pop_back();
	const Plan p = plan_of(run, want);
	EXPECT_EQ(described(p),
		  (std::vector<std::string>{
			  "create group hosts_b in target iscsi/iqn.2006-10.net.vlnb:tgt",
			  "move initiator iqn.1994-05.com.redhat:client1 of target iscsi/iqn.2006-10.net.vlnb:tgt "
			  "from group hosts_a to group hosts_b",
			  "add LUN 0 (null0) to group hosts_b of target iscsi/iqn.2006-10.net.vlnb:tgt",
		  }));
	EXPECT_EQ(inverse(p.ops[1]).at.group, "hosts_b");
	EXPECT_EQ(inverse(p.ops[1]).to_group, "hosts_a");
	expect_plan_works(run, want, p);
}

TEST(ScstconfDiff, Alua)
{
	const Config run = scstconf_test::sample();
	Config want = run;
	DeviceGroup &dg = want.device_groups[0];
	dg.devices.push_back({"null0", {}});
	dg.target_groups[0].attrs.set("state", "standby");
	dg.target_groups.push_back({"tg2", {{"group_id", "2"}}, {{"remote:tgt", {{"rel_tgt_id", "9"}}, {}}}, {}});
	const Plan p = plan_of(run, want);
	EXPECT_EQ(writes(p, ""), (std::vector<std::string>{
					 "/device_groups/dg1/devices/mgmt <- add null0",
					 "/device_groups/dg1/target_groups/tg1/state <- standby",
					 "/device_groups/dg1/target_groups/mgmt <- add tg2",
					 "/device_groups/dg1/target_groups/tg2/group_id <- 2",
					 "/device_groups/dg1/target_groups/tg2/mgmt <- add remote:tgt",
					 "/device_groups/dg1/target_groups/tg2/remote:tgt/rel_tgt_id <- 9",
				 }))
		<< dump(p);
	expect_plan_works(run, want, p);
	expect_plan_works(want, run, plan_of(want, run));
}

TEST(ScstconfDiff, InvalidDesiredConfigIsAnError)
{
	Config want = scstconf_test::sample();
	want.drivers[0].targets[0].luns[0].device = "nosuch";
	auto r = diff(scstconf_test::sample(), want);
	ASSERT_FALSE(r.ok());
	EXPECT_NE(r.error().to_string().find("no such device"), std::string::npos) << r.error().to_string();
}

TEST(ScstconfDiff, RandomPairs)
{
	for (unsigned seed = 0; seed < 400; ++seed) {
		const Config a = scstconf_test::RandomConfig(seed).make();
		const Config b = scstconf_test::RandomConfig(seed + 100000).make();
		ASSERT_TRUE(validate(a).empty() && validate(b).empty());
		const Plan p = plan_of(a, b);
		ASSERT_TRUE(p.warnings.empty()) << "seed " << seed << "\n" << dump(p);
		SCOPED_TRACE("seed " + std::to_string(seed));
		expect_plan_works(a, b, p);
		if (HasFatalFailure())
			return;
		for (const auto &op : p.ops) {
			EXPECT_EQ(inverse(inverse(op)), op);
			EXPECT_FALSE(to_sysfs(op).empty()) << describe(op);
		}
	}
}

// ---- the operations on their own ----

TEST(ScstconfOps, ApplyChecks)
{
	Config c = scstconf_test::sample();
	Op del_dev;
	del_dev.kind = OpKind::DelDevice;
	del_dev.at = {.handler = "vdisk_nullio", .device = "null0"};
	auto r = apply_to_model(c, del_dev);
	ASSERT_FALSE(r.ok());
	EXPECT_EQ(r.error().message, "a LUN or a device group still uses it");
	EXPECT_EQ(r.error().field, "delete device null0 of handler vdisk_nullio");

	Op add_lun;
	add_lun.kind = OpKind::AddLun;
	add_lun.at = {.driver = "iscsi", .target = "iqn.2006-10.net.vlnb:tgt"};
	add_lun.lun = 7;
	add_lun.lun_device = "nosuch";
	EXPECT_FALSE(apply_to_model(c, add_lun).ok());
	add_lun.lun_device = "disk02";
	EXPECT_TRUE(apply_to_model(c, add_lun).ok());
	EXPECT_FALSE(apply_to_model(c, add_lun).ok());  // LUN 7 in use now

	Op del_tgt;
	del_tgt.kind = OpKind::DelTarget;
	del_tgt.at = {.driver = "scst_local", .target = "scst_local_tgt"};
	EXPECT_EQ(apply_to_model(c, del_tgt).error().message, "the target still has LUNs or groups");

	Op set;
	set.kind = OpKind::SetAttr;
	set.scope = Scope::Target;
	set.at = {.driver = "iscsi", .target = "iqn.2006-10.net.vlnb:tgt"};
	set.key = "enabled";
	set.value = "0";
	set.old_value = "0";
	EXPECT_EQ(apply_to_model(c, set).error().message, "the current value is \"1\"");

	// A failing sequence leaves the config as it was.
	const Config before = c;
	set.old_value = "1";
	EXPECT_FALSE(apply_to_model(c, std::vector<Op>{set, del_dev}).ok());
	EXPECT_EQ(c, before);
}

TEST(ScstconfOps, SysfsRendering)
{
	Op op;
	op.kind = OpKind::AddTarget;
	op.at = {.driver = "scst_local", .target = "t1"};
	op.attrs.params = {{"session_name", "a"}, {"session_name", "b"}};
	op.attrs.settable = {{"rel_tgt_id", "3"}};
	op.attrs.multi = {{"IncomingUser", "u p"}};
	EXPECT_EQ(to_sysfs(op, "/x"),
		  (std::vector<SysfsWrite>{
			  {"/x/targets/scst_local/mgmt", "add_target t1 session_name=a; session_name=b"},
			  {"/x/targets/scst_local/t1/rel_tgt_id", "3"},
			  {"/x/targets/scst_local/mgmt", "add_target_attribute t1 IncomingUser u p"},
		  }));
	// A reset to an unknown default writes nothing.
	Op reset;
	reset.kind = OpKind::SetAttr;
	reset.scope = Scope::Scst;
	reset.key = "setup_id";
	reset.old_value = "0x1";
	EXPECT_TRUE(to_sysfs(reset).empty());
	EXPECT_EQ(describe(reset), "drop setup_id of SCST (was 0x1) (default unknown: nothing is written)");
}
