// How each attribute can be changed on a running system, for the differ
// (and which ones may be given several times, for the validator).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>

namespace scstconf {

// The kind of object an attribute belongs to.
enum class Scope {
	Scst,               // /sys/kernel/scst_tgt/<attr>
	Handler,            // handlers/<handler>/<attr>
	Device,             // devices/<device>/<attr>
	Driver,             // targets/<driver>/<attr>
	Target,             // targets/<driver>/<target>/<attr>
	Group,              // targets/<driver>/<target>/ini_groups/<group>/<attr>
	Lun,                // LUN parameters (add/replace in luns/mgmt)
	DeviceGroup,        // device_groups/<dg>/<attr>
	TargetGroup,        // device_groups/<dg>/target_groups/<tg>/<attr>
	TargetGroupMember,  // device_groups/<dg>/target_groups/<tg>/<target>/<attr>
};

std::string_view scope_name(Scope s);

enum class AttrKind {
	// Only given when the object is created (add_device/add_target
	// parameters, LUN parameters): changing it re-creates the object.
	CreateOnly,
	// A file written on the running object.
	Settable,
	// Several values, each added and removed on its own through the
	// parent's mgmt file ("add_attribute", "add_target_attribute").
	MultiValue,
};

struct AttrRule {
	AttrKind kind = AttrKind::CreateOnly;
	// The value that restores the default when the config drops the
	// attribute (Settable only); without one, dropping it re-creates the
	// object, or is reported as a warning where that is impossible.
	std::optional<std::string> reset_value;
	// May occur several times (always true for MultiValue).
	bool multiple = false;

	bool operator==(const AttrRule &) const = default;
};

class AttrPolicy {
public:
	// What this project's kernel modules and SCST's drivers do: vdisk
	// parameters are create-only, a target's "enabled" and "rel_tgt_id"
	// are settable, iSCSI's IncomingUser/OutgoingUser are multi-valued...
	static AttrPolicy defaults();

	// The rule for `key` of an object of `scope` whose handler or target
	// driver is `owner` (ignored for the other scopes). Without a rule:
	// Device, Target and Lun attributes are CreateOnly (conservative),
	// the others Settable with no known reset value.
	AttrRule rule(Scope scope, std::string_view owner, std::string_view key) const;

	// Adds or replaces a rule; an empty owner applies to every owner.
	void set(Scope scope, std::string owner, std::string key, AttrRule rule);

private:
	std::map<std::tuple<Scope, std::string, std::string>, AttrRule, std::less<>> rules_;
};

// A numeric attribute whose range the kernel checks (SCST_NL_* in
// include/uapi, the ISC_TGT_ATTR table of kernel/iscsi/isc_main.c), so
// that user space refuses a bad value, naming the range, before it sends
// anything. Values are decimal numbers without leading zeros, the form
// the kernel reads them back in.
struct NumericRange {
	Scope scope;
	std::string_view owner;  // handler or target driver, "" for every one
	std::string_view key;
	std::uint64_t min, max;
	std::string_view what;  // "a number of commands"
	std::string_view note;  // "0: no limit", or empty
};

// The range of `key` of an object of `scope` whose handler or target
// driver is `owner` ("" when not known: entries for every owner only),
// or nullptr when user space knows none.
const NumericRange *numeric_range(Scope scope, std::string_view owner, std::string_view key);

// Why `value` is not a valid value of `key`, e.g. "\"70000\" is out of
// range: expected a number of commands 0..65535 (0: no limit)"; nullopt
// when it is, or when the attribute has no known range.
std::optional<std::string> range_error(Scope scope, std::string_view owner, std::string_view key,
				       std::string_view value);

}  // namespace scstconf
