// The scstnl codec without a kernel: requests encoded into libnl messages
// decode back to the same fields, replies built the kernel's way decode
// as scstadmin expects (SCST_A_ATTR pairs, the SCST_A_ATTR_KEY flag).
#include <gtest/gtest.h>

#include <memory>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include <codec.hpp>
#include <uapi/scst_netlink.h>

namespace {

using scstnl::AttrPair;
using scstnl::Record;
using scstnl::Request;

constexpr int kFamily = 0x1f;  // any id: nothing is sent

struct MsgFree {
	void operator()(nl_msg *m) const { nlmsg_free(m); }
};
using Msg = std::unique_ptr<nl_msg, MsgFree>;

Msg new_msg(uint8_t cmd)
{
	Msg m(nlmsg_alloc());
	EXPECT_NE(genlmsg_put(m.get(), NL_AUTO_PORT, NL_AUTO_SEQ, kFamily, 0, 0, cmd, SCST_GENL_VERSION),
		  nullptr);
	return m;
}

Record round_trip(const Request &req)
{
	Msg m = new_msg(req.cmd);
	EXPECT_TRUE(scstnl::encode_attrs(m.get(), req));
	return scstnl::decode(m.get());
}

TEST(ScstnlCodec, RequestRoundTrip)
{
	Request req{SCST_CMD_LUN_ADD, false, {}};
	req.add(SCST_A_DRIVER, std::string("scst_local"))
		.add(SCST_A_TARGET, std::string("t1"))
		.add(SCST_A_GROUP, std::string("hosts a"))
		.add(SCST_A_LUN, uint32_t{16383})
		.add(SCST_A_DEVICE, std::string("disk0"))
		.add(SCST_A_READ_ONLY, uint8_t{1});
	Record r = round_trip(req);
	EXPECT_EQ(r.cmd, SCST_CMD_LUN_ADD);
	EXPECT_EQ(r.line(), "driver=scst_local target=t1 group=hosts a lun=16383 device=disk0 read_only=1");
	EXPECT_EQ(r.get("lun"), "16383");
	EXPECT_EQ(r.get("nosuch"), std::nullopt);
	EXPECT_TRUE(r.key_attrs.empty());
}

TEST(ScstnlCodec, U16AndAttrPair)
{
	Request req{SCST_CMD_TARGET_SET, false, {}};
	req.add(SCST_A_REL_TGT_ID, uint16_t{65535}).add(SCST_A_ATTR, AttrPair{"IncomingUser", "joe s3cret"});
	Record r = round_trip(req);
	EXPECT_EQ(r.get("rel_tgt_id"), "65535");
	EXPECT_EQ(r.get("attr.IncomingUser"), "joe s3cret");
}

TEST(ScstnlCodec, EmptyAndLongStrings)
{
	std::string long_value(2000, 'x');
	Request req{SCST_CMD_DEVICE_ADD, false, {}};
	req.add(SCST_A_DEVICE, std::string("")).add(SCST_A_PARAMS, long_value);
	Record r = round_trip(req);
	EXPECT_EQ(r.get("device"), "");
	EXPECT_EQ(r.get("params"), long_value);
}

TEST(ScstnlCodec, RepeatedAttributesKeepTheirOrder)
{
	Request req{SCST_CMD_GROUP_GET, false, {}};
	for (const char *i : {"host_b*", "host_a", "x?"})
		req.add(SCST_A_INITIATOR, std::string(i));
	Record r = round_trip(req);
	ASSERT_EQ(r.fields.size(), 3u);
	EXPECT_EQ(r.fields[0].second, "host_b*");
	EXPECT_EQ(r.fields[2].second, "x?");
}

// A DEVICE_GET reply as scst_netlink.c builds it.
TEST(ScstnlCodec, DeviceReplyWithKeyFlags)
{
	Msg m = new_msg(SCST_CMD_DEVICE_GET);
	nl_msg *msg = m.get();
	ASSERT_EQ(nla_put_string(msg, SCST_A_DEVICE, "null0"), 0);
	ASSERT_EQ(nla_put_string(msg, SCST_A_HANDLER, "vdisk_nullio"), 0);
	ASSERT_EQ(nla_put_u64(msg, SCST_A_SIZE, 64ull << 20), 0);
	ASSERT_EQ(nla_put_u32(msg, SCST_A_BLOCK_SIZE, 4096), 0);
	auto attr = [&](const char *name, const char *value, bool key) {
		nlattr *nest = nla_nest_start(msg, SCST_A_ATTR);
		ASSERT_NE(nest, nullptr);
		ASSERT_EQ(nla_put_string(msg, SCST_A_ATTR_NAME, name), 0);
		ASSERT_EQ(nla_put_string(msg, SCST_A_ATTR_VALUE, value), 0);
		if (key) {
			ASSERT_EQ(nla_put_flag(msg, SCST_A_ATTR_KEY), 0);
		}
		nla_nest_end(msg, nest);
	};
	attr("blocksize", "4096", true);
	attr("size_mb", "64", false);
	attr("size", "67108864", true);
	Record r = scstnl::decode(msg);
	EXPECT_EQ(r.line(),
		  "device=null0 handler=vdisk_nullio size=67108864 block_size=4096 "
		  "attr.blocksize=4096 attr.size_mb=64 attr.size=67108864");
	EXPECT_EQ(r.key_attrs, (std::vector<std::string>{"blocksize", "size"}));
}

TEST(ScstnlCodec, NameListAndEventCommand)
{
	Msg m = new_msg(SCST_EVENT_CONFIG_CHANGED);
	nl_msg *msg = m.get();
	ASSERT_EQ(nla_put_u8(msg, SCST_A_CMD, SCST_CMD_LUN_REPLACE), 0);
	nlattr *nest = nla_nest_start(msg, SCST_A_ADD_PARAMS);
	ASSERT_EQ(nla_put_string(msg, SCST_A_ATTR_NAME, "filename"), 0);
	ASSERT_EQ(nla_put_string(msg, SCST_A_ATTR_NAME, "blocksize"), 0);
	nla_nest_end(msg, nest);
	Record r = scstnl::decode(msg);
	EXPECT_EQ(r.cmd, SCST_EVENT_CONFIG_CHANGED);
	EXPECT_EQ(r.get("cmd"), "LUN_REPLACE");
	EXPECT_EQ(r.get("add_params"), "filename,blocksize");
}

TEST(ScstnlCodec, DumpInterrupted)
{
	Msg m = new_msg(SCST_CMD_LUN_GET);
	EXPECT_FALSE(scstnl::decode(m.get()).dump_intr);
	nlmsg_hdr(m.get())->nlmsg_flags |= NLM_F_MULTI | NLM_F_DUMP_INTR;
	EXPECT_TRUE(scstnl::decode(m.get()).dump_intr);
}

TEST(ScstnlCodec, Names)
{
	EXPECT_EQ(scstnl::cmd_name(SCST_CMD_DEVICE_GET), "DEVICE_GET");
	EXPECT_EQ(scstnl::cmd_name(SCST_EVENT_SESSION_UP), "SESSION_UP");
	EXPECT_EQ(scstnl::cmd_name(200), "cmd200");
	EXPECT_EQ(scstnl::attr_name(SCST_A_ATTR_KEY), "attr_key");
	EXPECT_EQ(scstnl::attr_name(SCST_A_DEST_GROUP), "dest_group");
	EXPECT_EQ(scstnl::attr_name(999), "attr999");
}

// What the kernel's extack offset points at, also inside SCST_A_ATTR.
TEST(ScstnlCodec, AttrAtOffset)
{
	Request req{SCST_CMD_DEVICE_SET, false, {}};
	req.add(SCST_A_DEVICE, std::string("d0")).add(SCST_A_ATTR, AttrPair{"k", "v"});
	Msg m = new_msg(req.cmd);
	ASSERT_TRUE(scstnl::encode_attrs(m.get(), req));
	nlmsghdr *nlh = nlmsg_hdr(m.get());
	auto *gnlh = static_cast<genlmsghdr *>(nlmsg_data(nlh));
	auto *base = reinterpret_cast<char *>(nlh);
	nlattr *first = genlmsg_attrdata(gnlh, 0);
	EXPECT_EQ(scstnl::attr_at_offset(m.get(), reinterpret_cast<char *>(first) - base), "device");
	int rem = 1 << 20;
	nlattr *second = nla_next(first, &rem);
	EXPECT_EQ(scstnl::attr_at_offset(m.get(), reinterpret_cast<char *>(second) - base), "attr");
	nlattr *inner = static_cast<nlattr *>(nla_data(second));
	nlattr *value = nla_next(inner, &rem);
	EXPECT_EQ(scstnl::attr_at_offset(m.get(), reinterpret_cast<char *>(value) - base), "attr.attr_value");
	EXPECT_EQ(scstnl::attr_at_offset(m.get(), 3), std::nullopt);
}

}  // namespace
