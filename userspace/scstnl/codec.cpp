#include "codec.hpp"

#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "uapi/scst_netlink.h"

namespace scstnl {
namespace {

enum class Kind { String, U8, U16, U32, U64, Attr, NameList };

struct AttrInfo {
	const char *name;
	Kind kind;
};

// Indexed by enum scst_nl_attr.
constexpr AttrInfo attr_info[] = {
	[SCST_A_UNSPEC] = {"unspec", Kind::String},
	[SCST_A_VERSION] = {"version", Kind::String},
	[SCST_A_GENL_VERSION] = {"genl_version", Kind::U32},
	[SCST_A_HANDLER] = {"handler", Kind::String},
	[SCST_A_DEVICE] = {"device", Kind::String},
	[SCST_A_DRIVER] = {"driver", Kind::String},
	[SCST_A_TARGET] = {"target", Kind::String},
	[SCST_A_GROUP] = {"group", Kind::String},
	[SCST_A_DEST_GROUP] = {"dest_group", Kind::String},
	[SCST_A_INITIATOR] = {"initiator", Kind::String},
	[SCST_A_LUN] = {"lun", Kind::U32},
	[SCST_A_READ_ONLY] = {"read_only", Kind::U8},
	[SCST_A_ENABLED] = {"enabled", Kind::U8},
	[SCST_A_REL_TGT_ID] = {"rel_tgt_id", Kind::U16},
	[SCST_A_SIZE] = {"size", Kind::U64},
	[SCST_A_BLOCK_SIZE] = {"block_size", Kind::U32},
	[SCST_A_PARAMS] = {"params", Kind::String},
	[SCST_A_ADD_PARAMS] = {"add_params", Kind::NameList},
	[SCST_A_MGMT_LINE] = {"mgmt_line", Kind::String},
	[SCST_A_ATTR] = {"attr", Kind::Attr},
	[SCST_A_ATTR_NAME] = {"attr_name", Kind::String},
	[SCST_A_ATTR_VALUE] = {"attr_value", Kind::String},
	[SCST_A_LUN_COUNT] = {"lun_count", Kind::U32},
	[SCST_A_ACTIVE_COMMANDS] = {"active_commands", Kind::U32},
	[SCST_A_CMD] = {"cmd", Kind::U8},
	[SCST_A_PAD] = {"pad", Kind::String},
	[SCST_A_ATTR_KEY] = {"attr_key", Kind::U8},
	[SCST_A_DEVICE_GROUP] = {"device_group", Kind::String},
	[SCST_A_TARGET_GROUP] = {"target_group", Kind::String},
};
static_assert(std::size(attr_info) == SCST_A_MAX + 1, "an attribute without a name");

constexpr const char *cmd_names[] = {
	[SCST_CMD_UNSPEC] = "UNSPEC",
	[SCST_CMD_GET_VERSION] = "GET_VERSION",
	[SCST_CMD_HANDLER_GET] = "HANDLER_GET",
	[SCST_CMD_DEVICE_GET] = "DEVICE_GET",
	[SCST_CMD_DEVICE_ADD] = "DEVICE_ADD",
	[SCST_CMD_DEVICE_DEL] = "DEVICE_DEL",
	[SCST_CMD_DEVICE_SET] = "DEVICE_SET",
	[SCST_CMD_DRIVER_GET] = "DRIVER_GET",
	[SCST_CMD_DRIVER_MGMT] = "DRIVER_MGMT",
	[SCST_CMD_TARGET_GET] = "TARGET_GET",
	[SCST_CMD_TARGET_ADD] = "TARGET_ADD",
	[SCST_CMD_TARGET_DEL] = "TARGET_DEL",
	[SCST_CMD_TARGET_SET] = "TARGET_SET",
	[SCST_CMD_GROUP_GET] = "GROUP_GET",
	[SCST_CMD_GROUP_ADD] = "GROUP_ADD",
	[SCST_CMD_GROUP_DEL] = "GROUP_DEL",
	[SCST_CMD_INITIATOR_ADD] = "INITIATOR_ADD",
	[SCST_CMD_INITIATOR_DEL] = "INITIATOR_DEL",
	[SCST_CMD_INITIATOR_MOVE] = "INITIATOR_MOVE",
	[SCST_CMD_LUN_GET] = "LUN_GET",
	[SCST_CMD_LUN_ADD] = "LUN_ADD",
	[SCST_CMD_LUN_DEL] = "LUN_DEL",
	[SCST_CMD_LUN_REPLACE] = "LUN_REPLACE",
	[SCST_CMD_LUN_CLEAR] = "LUN_CLEAR",
	[SCST_CMD_SESSION_GET] = "SESSION_GET",
	[SCST_EVENT_DEVICE_ADDED] = "DEVICE_ADDED",
	[SCST_EVENT_DEVICE_REMOVED] = "DEVICE_REMOVED",
	[SCST_EVENT_DEVICE_RESIZED] = "DEVICE_RESIZED",
	[SCST_EVENT_SESSION_UP] = "SESSION_UP",
	[SCST_EVENT_SESSION_DOWN] = "SESSION_DOWN",
	[SCST_EVENT_CONFIG_CHANGED] = "CONFIG_CHANGED",
	[SCST_CMD_GLOBAL_GET] = "GLOBAL_GET",
	[SCST_CMD_GLOBAL_SET] = "GLOBAL_SET",
	[SCST_CMD_ATTR_ADD] = "ATTR_ADD",
	[SCST_CMD_ATTR_DEL] = "ATTR_DEL",
	[SCST_CMD_DG_GET] = "DG_GET",
	[SCST_CMD_DG_ADD] = "DG_ADD",
	[SCST_CMD_DG_DEL] = "DG_DEL",
	[SCST_CMD_DG_DEVICE_ADD] = "DG_DEVICE_ADD",
	[SCST_CMD_DG_DEVICE_DEL] = "DG_DEVICE_DEL",
	[SCST_CMD_TG_ADD] = "TG_ADD",
	[SCST_CMD_TG_DEL] = "TG_DEL",
	[SCST_CMD_TG_SET] = "TG_SET",
	[SCST_CMD_TG_TARGET_ADD] = "TG_TARGET_ADD",
	[SCST_CMD_TG_TARGET_DEL] = "TG_TARGET_DEL",
	[SCST_CMD_TG_TARGET_SET] = "TG_TARGET_SET",
};
static_assert(std::size(cmd_names) == SCST_CMD_MAX + 1, "a command without a name");

// The string of a NUL-terminated string attribute, tolerating a missing NUL.
std::string str_of(const nlattr *a)
{
	auto *p = static_cast<const char *>(nla_data(a));
	size_t len = nla_len(a);
	while (len && p[len - 1] == '\0')
		len--;
	return std::string(p, len);
}

void decode_attr_pair(Record &rec, nlattr *nest)
{
	nlattr *a;
	int rem;
	std::string name, value;
	bool key = false;

	nla_for_each_nested(a, nest, rem) {
		if (nla_type(a) == SCST_A_ATTR_NAME)
			name = str_of(a);
		else if (nla_type(a) == SCST_A_ATTR_VALUE)
			value = str_of(a);
		else if (nla_type(a) == SCST_A_ATTR_KEY)
			key = true;
	}
	rec.fields.emplace_back("attr." + name, value);
	if (key)
		rec.key_attrs.push_back(name);
}

void decode_name_list(Record &rec, const char *field, nlattr *nest)
{
	nlattr *a;
	int rem;
	std::string list;

	nla_for_each_nested(a, nest, rem) {
		if (!list.empty())
			list += ',';
		list += str_of(a);
	}
	rec.fields.emplace_back(field, list);
}

} // namespace

std::optional<std::string> Record::get(std::string_view name) const
{
	for (const auto &[k, v] : fields)
		if (k == name)
			return v;
	return std::nullopt;
}

std::string Record::line() const
{
	std::string out;
	for (const auto &[k, v] : fields) {
		if (!out.empty())
			out += ' ';
		out += k + '=' + v;
	}
	return out;
}

std::string cmd_name(unsigned cmd)
{
	if (cmd < std::size(cmd_names))
		return cmd_names[cmd];
	return "cmd" + std::to_string(cmd);
}

std::string attr_name(unsigned type)
{
	if (type < std::size(attr_info))
		return attr_info[type].name;
	return "attr" + std::to_string(type);
}

bool encode_attrs(nl_msg *msg, const Request &req)
{
	for (const auto &[type, value] : req.attrs) {
		int res = 0;
		if (auto *s = std::get_if<std::string>(&value)) {
			res = nla_put_string(msg, type, s->c_str());
		} else if (auto *u8 = std::get_if<uint8_t>(&value)) {
			res = nla_put_u8(msg, type, *u8);
		} else if (auto *u16 = std::get_if<uint16_t>(&value)) {
			res = nla_put_u16(msg, type, *u16);
		} else if (auto *u32 = std::get_if<uint32_t>(&value)) {
			res = nla_put_u32(msg, type, *u32);
		} else if (auto *pair = std::get_if<AttrPair>(&value)) {
			nlattr *nest = nla_nest_start(msg, type);
			if (!nest)
				return false;
			res = nla_put_string(msg, SCST_A_ATTR_NAME, pair->name.c_str());
			if (!res)
				res = nla_put_string(msg, SCST_A_ATTR_VALUE, pair->value.c_str());
			if (!res)
				res = nla_nest_end(msg, nest);
		}
		if (res < 0)
			return false;
	}
	return true;
}

Record decode(nl_msg *msg)
{
	nlmsghdr *nlh = nlmsg_hdr(msg);
	auto *gnlh = static_cast<genlmsghdr *>(nlmsg_data(nlh));
	Record rec;
	nlattr *a;
	int rem;

	rec.cmd = gnlh->cmd;
	rec.dump_intr = nlh->nlmsg_flags & NLM_F_DUMP_INTR;
	nla_for_each_attr(a, genlmsg_attrdata(gnlh, 0), genlmsg_attrlen(gnlh, 0), rem) {
		unsigned type = nla_type(a);
		if (type == SCST_A_PAD)
			continue;
		Kind kind = type < std::size(attr_info) ? attr_info[type].kind : Kind::String;
		std::string name = attr_name(type);
		switch (kind) {
		case Kind::String:
			rec.fields.emplace_back(name, str_of(a));
			break;
		case Kind::U8:
			rec.fields.emplace_back(name, std::to_string(nla_get_u8(a)));
			break;
		case Kind::U16:
			rec.fields.emplace_back(name, std::to_string(nla_get_u16(a)));
			break;
		case Kind::U32:
			rec.fields.emplace_back(name, std::to_string(nla_get_u32(a)));
			break;
		case Kind::U64:
			rec.fields.emplace_back(name, std::to_string(nla_get_u64(a)));
			break;
		case Kind::Attr:
			decode_attr_pair(rec, a);
			break;
		case Kind::NameList:
			decode_name_list(rec, name.c_str(), a);
			break;
		}
	}
	// Events and dumps name the command; make it readable.
	for (auto &[k, v] : rec.fields)
		if (k == "cmd")
			v = cmd_name(std::stoul(v));
	return rec;
}

std::optional<std::string> attr_at_offset(nl_msg *msg, uint32_t offset)
{
	nlmsghdr *nlh = nlmsg_hdr(msg);
	auto *gnlh = static_cast<genlmsghdr *>(nlmsg_data(nlh));
	auto *base = reinterpret_cast<char *>(nlh);
	nlattr *a, *n;
	int rem, nrem;

	nla_for_each_attr(a, genlmsg_attrdata(gnlh, 0), genlmsg_attrlen(gnlh, 0), rem) {
		if (reinterpret_cast<char *>(a) - base == offset)
			return attr_name(nla_type(a));
		if (nla_type(a) != SCST_A_ATTR)
			continue;
		nla_for_each_nested(n, a, nrem)
			if (reinterpret_cast<char *>(n) - base == offset)
				return attr_name(nla_type(a)) + "." + attr_name(nla_type(n));
	}
	return std::nullopt;
}

} // namespace scstnl
