// The "scst" generic netlink protocol (include/uapi/scst_netlink.h) as
// plain C++ values: a Request to encode, a Record decoded from a reply or
// an event, and the names of commands and attributes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

struct nl_msg;
struct nlattr;

namespace scstnl {

// One attribute of a request: a string, an integer of the attribute's
// width, or an SCST_A_ATTR name/value pair.
struct AttrPair {
	std::string name;
	std::string value;
};
using AttrValue = std::variant<std::string, uint8_t, uint16_t, uint32_t, AttrPair>;

struct Request {
	uint8_t cmd = 0;
	bool dump = false;
	std::vector<std::pair<int, AttrValue>> attrs;

	Request &add(int type, AttrValue v)
	{
		attrs.emplace_back(type, std::move(v));
		return *this;
	}
};

// A decoded message: its command and its attributes as name=value fields,
// in message order (SCST_A_ATTR becomes "attr.<name>").
struct Record {
	uint8_t cmd = 0;
	std::vector<std::pair<std::string, std::string>> fields;
	// The SCST_A_ATTR names flagged SCST_A_ATTR_KEY: configuration values.
	std::vector<std::string> key_attrs;
	// A dump message flagged NLM_F_DUMP_INTR: the objects changed while
	// the dump ran, it may be inconsistent (dump again).
	bool dump_intr = false;

	std::optional<std::string> get(std::string_view name) const;
	std::string line() const;	// "key=value key=value ..."
};

// Fill @msg (with its generic netlink header already put) with @req's
// attributes. Returns false if it does not fit.
bool encode_attrs(nl_msg *msg, const Request &req);

// Decode the attributes of a generic netlink message of this family.
Record decode(nl_msg *msg);

// "DEVICE_GET", "CONFIG_CHANGED"...; "cmd<N>" for unknown ones.
std::string cmd_name(unsigned cmd);
// "device", "lun"...; "attr<N>" for unknown ones.
std::string attr_name(unsigned type);

// The attribute of a request that begins @offset bytes into the message
// (what the kernel's extack offset points at), if any.
std::optional<std::string> attr_at_offset(nl_msg *msg, uint32_t offset);

} // namespace scstnl
